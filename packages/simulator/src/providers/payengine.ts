/**
 * The simulated PayEngine (payengine.co): the Payment Links REST API (`/api/payment-link…`), the hosted payment
 * page behind `payment_link_url`, and webhooks signed with `X-PF-Signature`. Mounted at `/payengine`, so a
 * client's base URL is `http://127.0.0.1:4010/payengine` in place of `https://console.payengine.co` (the `/api`
 * prefix is part of the paths, as in PayEngine's docs). Source for every behaviour: shared/providers.md §3; where
 * it says UNCONFIRMED the choice made is stated at the spot.
 *
 * Webhook signatures are stamped (`t=`) with the wall clock, not the simulated clock: `t` is about transport
 * (a replay window), and a receiver on real time must keep accepting deliveries after a test or the demo moved
 * the simulated clock forward to expire links.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createPayEngineCheckoutRouter } from './payengine/checkout.ts';
import { createPayEngineControl, createPayEngineControlRouter, type PayEngineControl } from './payengine/control.ts';
import { createPayEngineLinkBook } from './payengine/links.ts';
import { createPayEngineRestRouter } from './payengine/rest.ts';
import { createPayEngineWebhookEmitter, type PayEngineWebhookSettings } from './payengine/webhook-events.ts';

export const PAYENGINE = 'payengine';

/** How often window transitions (end_date passed, start_date reached) are applied without anyone reading. */
const SWEEP_INTERVAL_MS = 500;

export interface PayEngineOptions {
  /** The API secret key, sent as `Authorization: Basic <secretKey>`. */
  secretKey: string;
  /** The one merchant this simulator serves; create, update and list must name it. */
  merchantId: string;
  /** The webhook endpoint's signing secret. */
  webhookSecret: string;
  /** Where webhooks are POSTed; without it none are sent (settable later via the control API). */
  webhookUrl?: string;
}

export function createPayEngineProvider(options: PayEngineOptions, context: ProviderContext): SimulatedProvider<PayEngineControl> {
  const book = createPayEngineLinkBook(context.clock, options.merchantId);
  const initialSettings = (): PayEngineWebhookSettings => ({ url: options.webhookUrl, enabled: true, duplicate: false });
  const settings = initialSettings();
  const webhooks = createPayEngineWebhookEmitter({
    sender: context.webhooks,
    webhookSecret: options.webhookSecret,
    settings: () => settings,
  });
  // No webhook is documented for a link going INACTIVE at its end date, so a transition sends nothing.
  const settle = () => void book.sweep();
  const control = createPayEngineControl({ book, webhooks, settings, settle });

  const router = Router();
  router.use(createPayEngineCheckoutRouter({ book, webhooks, clock: context.clock, settle }));
  router.use(
    '/api',
    createPayEngineRestRouter({
      secretKey: options.secretKey,
      book,
      webhooks,
      faults: context.faults,
      settle,
      linkUrlBase: (req) => `${context.publicUrl(req)}/${PAYENGINE}`,
    }),
  );

  const sweeper = setInterval(settle, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    name: PAYENGINE,
    router,
    controlRouter: createPayEngineControlRouter(control),
    control,
    async sweep() {
      book.sweep();
    },
    reset() {
      book.reset();
      Object.assign(settings, initialSettings());
    },
    close() {
      clearInterval(sweeper);
    },
  };
}

/**
 * The simulated Razorpay: Payment Links REST API (`/v1/payment_links`), the hosted checkout behind `short_url`,
 * and signed `payment_link.*` webhooks. Mounted at `/razorpay`, so a client's base URL is
 * `http://127.0.0.1:4010/razorpay` in place of `https://api.razorpay.com`.
 * Source for every behaviour: shared/providers.md §5.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createRazorpayCheckoutRouter } from './razorpay/checkout.ts';
import { createRazorpayControl, createRazorpayControlRouter, type RazorpayControl } from './razorpay/control.ts';
import { createRazorpayLinkBook } from './razorpay/links.ts';
import { createRazorpayRestRouter } from './razorpay/rest.ts';
import { createRazorpayWebhookEmitter, type RazorpayWebhookSettings } from './razorpay/webhook-events.ts';

export const RAZORPAY = 'razorpay';

/** How often links past `expire_by` are expired (and their webhook sent) without anyone reading them. */
const SWEEP_INTERVAL_MS = 500;

export interface RazorpayOptions {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** Where `payment_link.*` webhooks are POSTed; without it none are sent (settable later via the control API). */
  webhookUrl?: string;
}

export function createRazorpayProvider(
  options: RazorpayOptions,
  context: ProviderContext,
): SimulatedProvider<RazorpayControl> {
  const book = createRazorpayLinkBook(context.clock);
  const initialSettings = (): RazorpayWebhookSettings => ({ url: options.webhookUrl, enabled: true, duplicate: false });
  const settings = initialSettings();
  const webhooks = createRazorpayWebhookEmitter({
    sender: context.webhooks,
    clock: context.clock,
    webhookSecret: options.webhookSecret,
    settings: () => settings,
  });

  /** Expires what is due, exactly once per link: the transition happens here, whoever notices it first. */
  const expireDue = () => Promise.all(book.expireDue().map((link) => webhooks.emit('payment_link.expired', link)));
  const settle = () => void expireDue();

  const control = createRazorpayControl({ book, webhooks, settings, settle });

  const router = Router();
  router.use(createRazorpayCheckoutRouter({ keySecret: options.keySecret, book, webhooks, settle }));
  router.use(
    '/v1',
    createRazorpayRestRouter({
      keyId: options.keyId,
      keySecret: options.keySecret,
      book,
      webhooks,
      faults: context.faults,
      settle,
      shortUrlBase: (req) => `${context.publicUrl(req)}/${RAZORPAY}`,
    }),
  );

  const sweeper = setInterval(settle, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    name: RAZORPAY,
    router,
    controlRouter: createRazorpayControlRouter(control),
    control,
    async sweep() {
      await expireDue();
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

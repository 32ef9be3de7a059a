/**
 * The simulated EximPe: Payment Links REST API (`/pg/payment-links/`), the hosted payment page behind
 * `payment_link`, and signed payment webhooks. Mounted at `/eximpe`, so a client's base URL is
 * `http://127.0.0.1:4010/eximpe` in place of `https://api-pacb.eximpe.com`.
 * Source for every behaviour: shared/providers.md §1 and the seed; where §9 lists a fact as UNCONFIRMED, the
 * file that implements it says which reading it takes.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createEximPeCheckoutRouter } from './eximpe/checkout.ts';
import { createEximPeControl, createEximPeControlRouter, type EximPeControl } from './eximpe/control.ts';
import { EximPeError, handleEximPeErrors } from './eximpe/errors.ts';
import { createEximPeLinkBook } from './eximpe/links.ts';
import { createEximPeRestRouter } from './eximpe/rest.ts';
import { createEximPeWebhookEmitter, type EximPeWebhookSettings } from './eximpe/webhook-events.ts';

export const EXIMPE = 'eximpe';

/** How often links past `expiry_date` are expired without anyone reading them. */
const SWEEP_INTERVAL_MS = 500;

export interface EximPeOptions {
  clientId: string;
  clientSecret: string;
  /** Key of `X-Webhook-Signature`; defaults to the client secret (the docs' "API key" reading, §1.6). */
  webhookSecret?: string;
  /** Where payment webhooks are POSTed; without it none are sent (settable later via the control API). */
  webhookUrl?: string;
}

export function createEximPeProvider(options: EximPeOptions, context: ProviderContext): SimulatedProvider<EximPeControl> {
  const book = createEximPeLinkBook(context.clock);
  const initialSettings = (): EximPeWebhookSettings => ({ url: options.webhookUrl, enabled: true, duplicate: false });
  const settings = initialSettings();
  const webhooks = createEximPeWebhookEmitter({
    sender: context.webhooks,
    clock: context.clock,
    webhookSecret: options.webhookSecret ?? options.clientSecret,
    settings: () => settings,
  });
  // Expiry sends nothing: EximPe has no link-level webhook (§1.6), so the transition only shows on reads.
  const settle = () => void book.expireDue();
  const control = createEximPeControl({ book, webhooks, settings, settle });

  const router = Router();
  router.use(createEximPeCheckoutRouter({ book, webhooks, settle }));
  router.use(
    '/pg',
    createEximPeRestRouter({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      book,
      faults: context.faults,
      settle,
      payBase: (req) => `${context.publicUrl(req)}/${EXIMPE}`,
    }),
  );
  router.use(() => {
    throw new EximPeError(404, 'NOT_FOUND', 'Not found.');
  });
  router.use(handleEximPeErrors);

  const sweeper = setInterval(settle, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    name: EXIMPE,
    router,
    controlRouter: createEximPeControlRouter(control),
    control,
    async sweep() {
      book.expireDue();
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

/**
 * The simulated Pine Labs Online (Plural v2): the token endpoint and the payment-link REST API under
 * `/pinelabs/api` (so a client's base URL is `http://127.0.0.1:4010/pinelabs/api` in place of
 * `https://api.pluralpay.in/api`), the hosted page behind `payment_link` under `/pinelabs/PLUTUS/…`, and signed
 * order webhooks. Source for every behaviour: shared/providers.md §4 and the seed
 * shared/seeds/pinelabs-create-payment-link.md.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createPinelabsTokenIssuer } from './pinelabs/auth.ts';
import { createPinelabsCheckoutRouter } from './pinelabs/checkout.ts';
import { type PinelabsControl, createPinelabsControl, createPinelabsControlRouter } from './pinelabs/control.ts';
import { createPinelabsLinkBook } from './pinelabs/links.ts';
import { createPinelabsRestRouter } from './pinelabs/rest.ts';
import { type PinelabsWebhookSettings, createPinelabsWebhookEmitter } from './pinelabs/webhook-events.ts';

export const PINELABS = 'pinelabs';

/** How often links past `expire_by` are expired without anyone reading them. */
const SWEEP_INTERVAL_MS = 500;
/** Token lifetime is UNCONFIRMED (§4.2); an hour, by the simulated clock. */
const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface PinelabsOptions {
  clientId: string;
  clientSecret: string;
  /**
   * Key that signs webhooks. Defaults to `clientSecret`: the official WooCommerce plugin verifies with the API
   * client secret (providers.md §4.6).
   */
  webhookSecret?: string;
  /** Where order webhooks are POSTed; without it none are sent (settable later via the control API). */
  webhookUrl?: string;
  /** Lifetime of issued access tokens, in simulated seconds. Default 3600. */
  tokenTtlSeconds?: number;
}

export function createPinelabsProvider(options: PinelabsOptions, context: ProviderContext): SimulatedProvider<PinelabsControl> {
  const book = createPinelabsLinkBook(context.clock);
  const tokens = createPinelabsTokenIssuer({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    clock: context.clock,
  });
  const initialSettings = (): PinelabsWebhookSettings => ({ url: options.webhookUrl, enabled: true, duplicate: false });
  const settings = initialSettings();
  const webhooks = createPinelabsWebhookEmitter({
    sender: context.webhooks,
    secret: options.webhookSecret ?? options.clientSecret,
    settings: () => settings,
  });

  // Expiry has no event at Pine Labs (order events only), so settling is synchronous.
  const settle = () => void book.expireDue();
  const control = createPinelabsControl({ book, webhooks, settings, tokensIssued: tokens.issued, settle });

  const router = Router();
  router.use(createPinelabsCheckoutRouter({ book, webhooks, settle }));
  router.use(
    '/api',
    createPinelabsRestRouter({
      tokens,
      book,
      webhooks,
      faults: context.faults,
      settle,
      linkUrlBase: (req) => `${context.publicUrl(req)}/${PINELABS}`,
    }),
  );

  const sweeper = setInterval(settle, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    name: PINELABS,
    router,
    controlRouter: createPinelabsControlRouter(control),
    control,
    async sweep() {
      settle();
    },
    reset() {
      book.reset();
      tokens.reset();
      Object.assign(settings, initialSettings());
    },
    close() {
      clearInterval(sweeper);
    },
  };
}

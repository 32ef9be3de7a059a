/**
 * The simulated Xendit: the Invoices REST API ("Payment Links": `/v2/invoices`, `/invoices/{id}/expire!`), the
 * hosted checkout behind `invoice_url`, and invoice callbacks authenticated by `x-callback-token`. Mounted at
 * `/xendit`, so a client's base URL is `http://127.0.0.1:4010/xendit` in place of `https://api.xendit.co` —
 * for xendit-node, `new Xendit({ secretKey, xenditURL })`.
 * Source for every behaviour: shared/providers.md §2 and the seed docs.xendit.co/payment-links-api-overview.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createXenditCallbackEmitter, type XenditCallbackSettings } from './xendit/callbacks.ts';
import { createXenditCheckoutRouter } from './xendit/checkout.ts';
import { createXenditControl, createXenditControlRouter, type XenditControl } from './xendit/control.ts';
import { createXenditInvoiceBook, randomHex } from './xendit/invoices.ts';
import { createXenditRestRouter } from './xendit/rest.ts';

export const XENDIT = 'xendit';

/** How often invoices past `expiry_date` are expired (and their callback sent) without anyone reading them. */
const SWEEP_INTERVAL_MS = 500;

export interface XenditOptions {
  /** The account's secret API key; `xnd_development_…` keeps xendit-node's key check quiet. */
  secretKey: string;
  /** The account's Callback Verification Token, sent as `x-callback-token` on every callback. */
  callbackToken: string;
  /** Where invoice callbacks are POSTed; without it none are sent (settable later via the control API). */
  webhookUrl?: string;
}

export function createXenditProvider(options: XenditOptions, context: ProviderContext): SimulatedProvider<XenditControl> {
  // One business account per simulator: its `user_id` is on every invoice.
  const book = createXenditInvoiceBook(context.clock, randomHex(24));
  const initialSettings = (): XenditCallbackSettings => ({
    url: options.webhookUrl,
    token: options.callbackToken,
    enabled: true,
    duplicate: false,
  });
  const settings = initialSettings();
  const callbacks = createXenditCallbackEmitter({ sender: context.webhooks, settings: () => settings });

  /** Expires what is due, exactly once per invoice: the transition happens here, whoever notices it first. */
  const expireDue = () => Promise.all(book.expireDue().map((invoice) => callbacks.emit(invoice)));
  const settle = () => void expireDue();

  const control = createXenditControl({ book, callbacks, settings, settle });

  const router = Router();
  router.use(createXenditCheckoutRouter({ book, callbacks, settle }));
  router.use(
    createXenditRestRouter({
      secretKey: options.secretKey,
      book,
      callbacks,
      faults: context.faults,
      settle,
      invoiceUrlBase: (req) => `${context.publicUrl(req)}/${XENDIT}`,
    }),
  );

  const sweeper = setInterval(settle, SWEEP_INTERVAL_MS);
  sweeper.unref();

  return {
    name: XENDIT,
    router,
    controlRouter: createXenditControlRouter(control),
    control,
    async sweep() {
      await expireDue();
    },
    reset() {
      book.reset();
      callbacks.reset();
      Object.assign(settings, initialSettings());
    },
    close() {
      clearInterval(sweeper);
    },
  };
}

/**
 * The simulated Razorpay: Payment Links REST API (`/v1/payment_links`) and the legacy one (`/v1/invoices` with
 * `type=link`, the seed), the hosted checkout behind either's `short_url`, and signed `payment_link.*` /
 * `invoice.*` webhooks. Mounted at `/razorpay`, so a client's base URL is
 * `http://127.0.0.1:4010/razorpay` in place of `https://api.razorpay.com`.
 * Source for every behaviour: shared/providers.md §5.
 */
import { Router } from 'express';
import type { ProviderContext, SimulatedProvider } from '../provider.ts';
import { createRazorpayCheckoutRouter } from './razorpay/checkout.ts';
import { createRazorpayControl, createRazorpayControlRouter, type RazorpayControl } from './razorpay/control.ts';
import { createRazorpayInvoiceBook } from './razorpay/invoices.ts';
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
  /**
   * Where `payment_link.*` and `invoice.*` webhooks are POSTed; without it none are sent (settable later via the
   * control API).
   */
  webhookUrl?: string;
}

export function createRazorpayProvider(
  options: RazorpayOptions,
  context: ProviderContext,
): SimulatedProvider<RazorpayControl> {
  const book = createRazorpayLinkBook(context.clock);
  const invoices = createRazorpayInvoiceBook(context.clock);
  const initialSettings = (): RazorpayWebhookSettings => ({ url: options.webhookUrl, enabled: true, duplicate: false });
  const settings = initialSettings();
  const webhooks = createRazorpayWebhookEmitter({
    sender: context.webhooks,
    clock: context.clock,
    webhookSecret: options.webhookSecret,
    settings: () => settings,
  });

  /** Expires what is due, exactly once per link: the transition happens here, whoever notices it first. */
  const expireDue = () =>
    Promise.all([
      ...book.expireDue().map((link) => webhooks.emit('payment_link.expired', link)),
      ...invoices.expireDue().map((invoice) => webhooks.emitInvoice('invoice.expired', invoice)),
    ]);
  const settle = () => void expireDue();

  const control = createRazorpayControl({ book, invoices, webhooks, settings, settle });

  const router = Router();
  router.use(createRazorpayCheckoutRouter({ keySecret: options.keySecret, book, invoices, webhooks, settle }));
  router.use(
    '/v1',
    createRazorpayRestRouter({
      keyId: options.keyId,
      keySecret: options.keySecret,
      book,
      invoices,
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
      invoices.reset();
      Object.assign(settings, initialSettings());
    },
    close() {
      clearInterval(sweeper);
    },
  };
}

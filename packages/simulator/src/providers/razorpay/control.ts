/**
 * Test controls for the Razorpay simulator, in-process (`RazorpayControl`) and over HTTP under
 * `/_control/razorpay`. Not part of Razorpay's API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createLinkControlRouter } from '../../link-control.ts';
import type { RazorpayInvoice } from './invoice-wire.ts';
import type { RazorpayInvoiceBook, RazorpayInvoicePaymentResult } from './invoices.ts';
import type { RazorpayLinkBook, RazorpayPaymentResult } from './links.ts';
import type { RazorpayWebhookEmitter, RazorpayWebhookSettings } from './webhook-events.ts';
import type { RazorpayPaymentLink } from './wire.ts';
import { applyWebhookChanges, forcedStatusRequest, WebhookSettingsRequest } from '../../webhooks.ts';

export const RazorpayForcedStatus = z.enum(['paid', 'partially_paid', 'expired', 'cancelled']);
export type RazorpayForcedStatus = z.infer<typeof RazorpayForcedStatus>;

const PayRequest = z.strictObject({ amount: z.int().positive().optional() });
const StatusRequest = forcedStatusRequest(RazorpayForcedStatus);

export interface RazorpayControl {
  /** Every link, expiry applied, oldest first. */
  links(): RazorpayPaymentLink[];
  /** Same as the checkout's Pay button: records a captured payment and awaits the webhook. */
  pay(id: string, amount?: number): Promise<RazorpayPaymentLink>;
  /**
   * Forces a status. `paid`/`partially_paid` record a payment even on an expired or cancelled link (a payment
   * landing after expiry); `webhook: false` changes the state silently.
   */
  setStatus(id: string, status: RazorpayForcedStatus, options?: { webhook?: boolean }): Promise<RazorpayPaymentLink>;
  /** Every legacy link (invoice with `type=link`), expiry applied, oldest first. */
  invoices(): RazorpayInvoice[];
  /** `pay` for a legacy link: records a captured payment and awaits `invoice.paid` / `invoice.partially_paid`. */
  payInvoice(id: string, amount?: number): Promise<RazorpayInvoice>;
  /**
   * `setStatus` for a legacy link. `expired` sends `invoice.expired`; `cancelled` sends nothing, since the legacy
   * API has no cancelled event.
   */
  setInvoiceStatus(id: string, status: RazorpayForcedStatus, options?: { webhook?: boolean }): Promise<RazorpayInvoice>;
  /** Changes webhook delivery; `url: null` stops sending. Returns the settings now in force. */
  configureWebhooks(
    changes: Partial<Omit<RazorpayWebhookSettings, 'url'>> & { url?: string | null },
  ): RazorpayWebhookSettings;
}

export function createRazorpayControl(deps: {
  book: RazorpayLinkBook;
  invoices: RazorpayInvoiceBook;
  webhooks: RazorpayWebhookEmitter;
  settings: RazorpayWebhookSettings;
  settle(): void;
}): RazorpayControl {
  const emitPayment = async (result: RazorpayPaymentResult, webhook: boolean) => {
    if (webhook) {
      const event = result.link.status === 'paid' ? 'payment_link.paid' : 'payment_link.partially_paid';
      await deps.webhooks.emit(event, result.link, { order: result.order, payment: result.payment });
    }
    return result.link;
  };
  const emitInvoicePayment = async (result: RazorpayInvoicePaymentResult, webhook: boolean) => {
    if (webhook) {
      const event = result.invoice.status === 'paid' ? 'invoice.paid' : 'invoice.partially_paid';
      await deps.webhooks.emitInvoice(event, result.invoice, { order: result.order, payment: result.payment });
    }
    return result.invoice;
  };
  return {
    links() {
      deps.settle();
      return deps.book.all();
    },
    async pay(id, amount) {
      deps.settle();
      return emitPayment(deps.book.pay(id, amount), true);
    },
    async setStatus(id, status, options = {}) {
      deps.settle();
      const webhook = options.webhook ?? true;
      switch (status) {
        case 'paid':
        case 'partially_paid':
          return emitPayment(deps.book.forcePayment(id, status === 'partially_paid'), webhook);
        case 'expired': {
          const link = deps.book.forceExpire(id);
          if (webhook) await deps.webhooks.emit('payment_link.expired', link);
          return link;
        }
        case 'cancelled': {
          const link = deps.book.forceCancel(id);
          if (webhook) await deps.webhooks.emit('payment_link.cancelled', link);
          return link;
        }
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    },
    invoices() {
      deps.settle();
      return deps.invoices.all();
    },
    async payInvoice(id, amount) {
      deps.settle();
      return emitInvoicePayment(deps.invoices.pay(id, amount), true);
    },
    async setInvoiceStatus(id, status, options = {}) {
      deps.settle();
      const webhook = options.webhook ?? true;
      switch (status) {
        case 'paid':
        case 'partially_paid':
          return emitInvoicePayment(deps.invoices.forcePayment(id, status === 'partially_paid'), webhook);
        case 'expired': {
          const invoice = deps.invoices.forceExpire(id);
          if (webhook) await deps.webhooks.emitInvoice('invoice.expired', invoice);
          return invoice;
        }
        case 'cancelled':
          return deps.invoices.forceCancel(id);
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    },
    configureWebhooks(changes) {
      return applyWebhookChanges(deps.settings, changes);
    },
  };
}

export function createRazorpayControlRouter(control: RazorpayControl): Router {
  return createLinkControlRouter(
    control,
    { pay: (id, body) => control.pay(id, PayRequest.parse(body).amount), statusRequest: StatusRequest, webhooksRequest: WebhookSettingsRequest },
    (router) => {
      // The legacy API's links (invoices with `type=link`), the same three controls
      router.get('/invoices', (_req, res) => {
        res.json(control.invoices());
      });
      router.post('/invoices/:id/pay', async (req, res) => {
        const { amount } = PayRequest.parse(req.body ?? {});
        res.json(await control.payInvoice(req.params.id, amount));
      });
      router.post('/invoices/:id/status', async (req, res) => {
        const { status, webhook } = StatusRequest.parse(req.body ?? {});
        res.json(await control.setInvoiceStatus(req.params.id, status, { webhook }));
      });
    },
  );
}

/**
 * Test controls for the Xendit simulator, in-process (`XenditControl`) and over HTTP under `/_control/xendit`.
 * Not part of Xendit's API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createLinkControlRouter } from '../../link-control.ts';
import { applyWebhookChanges, forcedStatusRequest, type WebhookDelivery, WebhookSettingsRequest } from '../../webhooks.ts';
import type { XenditCallbackEmitter, XenditCallbackSettings } from './callbacks.ts';
import { XENDIT_PAYMENT_CHANNELS, type XenditInvoiceBook, type XenditPaymentChannel } from './invoices.ts';
import type { XenditInvoice } from './wire.ts';

export const XenditForcedStatus = z.enum(['PAID', 'SETTLED', 'EXPIRED']);
export type XenditForcedStatus = z.infer<typeof XenditForcedStatus>;

const Channel = z.enum(Object.keys(XENDIT_PAYMENT_CHANNELS) as [XenditPaymentChannel, ...XenditPaymentChannel[]]);
const PayRequest = z.strictObject({ channel: Channel.optional() });
const StatusRequest = forcedStatusRequest(XenditForcedStatus);
const ResendRequest = z.strictObject({ reverse: z.boolean().default(false) });
const WebhooksRequest = WebhookSettingsRequest.extend({ token: z.string().min(1).optional() });

export interface XenditControl {
  /** Every invoice, expiry applied, oldest first. */
  links(): XenditInvoice[];
  /** Same as a pay button on the checkout: PENDING only; awaits the PAID callback. Default channel: the first the currency offers. */
  pay(id: string, channel?: XenditPaymentChannel): Promise<XenditInvoice>;
  /**
   * Forces a status. `PAID` records a payment even on an EXPIRED invoice (a QRIS code paid after expiry,
   * providers.md §7); `SETTLED` pays first if needed; `EXPIRED` is a merchant's manual expire.
   * `webhook: false` changes the state silently (the callback is still remembered for `resend`).
   */
  setStatus(id: string, status: XenditForcedStatus, options?: { webhook?: boolean }): Promise<XenditInvoice>;
  /** Sends every callback the invoice produced again (the dashboard's manual resend), optionally reversed. */
  resendCallbacks(id: string, options?: { reverse?: boolean }): Promise<WebhookDelivery[]>;
  /** Changes callback delivery; `url: null` stops sending. Returns the settings now in force. */
  configureWebhooks(
    changes: Partial<Omit<XenditCallbackSettings, 'url'>> & { url?: string | null },
  ): XenditCallbackSettings;
}

export function createXenditControl(deps: {
  book: XenditInvoiceBook;
  callbacks: XenditCallbackEmitter;
  settings: XenditCallbackSettings;
  settle(): void;
}): XenditControl {
  return {
    links() {
      deps.settle();
      return deps.book.all();
    },
    async pay(id, channel) {
      deps.settle();
      const invoice = deps.book.get(id);
      const paid = deps.book.pay(id, channel ?? (invoice.currency === 'IDR' ? 'DANA' : 'CREDIT_CARD'));
      await deps.callbacks.emit(paid);
      return paid;
    },
    async setStatus(id, status, options = {}) {
      deps.settle();
      const webhook = options.webhook ?? true;
      const emit = async (invoice: XenditInvoice) => {
        await deps.callbacks.emit(invoice, { send: webhook });
        return invoice;
      };
      const channel = (invoice: XenditInvoice): XenditPaymentChannel => (invoice.currency === 'IDR' ? 'DANA' : 'CREDIT_CARD');
      switch (status) {
        case 'PAID':
          return emit(deps.book.forcePaid(id, channel(deps.book.get(id))));
        case 'SETTLED': {
          const current = deps.book.get(id);
          if (current.status !== 'PAID') await emit(deps.book.forcePaid(id, channel(current)));
          // Xendit's docs name no callback for settlement; the invoice only reads SETTLED afterwards.
          return deps.book.settle(id);
        }
        case 'EXPIRED':
          return emit(deps.book.expire(id));
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
    },
    resendCallbacks(id, options = {}) {
      deps.book.get(id);
      return deps.callbacks.resend(id, options);
    },
    configureWebhooks(changes) {
      if (changes.token !== undefined) deps.settings.token = changes.token;
      return applyWebhookChanges(deps.settings, changes);
    },
  };
}

export function createXenditControlRouter(control: XenditControl): Router {
  return createLinkControlRouter(
    control,
    { pay: (id, body) => control.pay(id, PayRequest.parse(body).channel), statusRequest: StatusRequest, webhooksRequest: WebhooksRequest },
    (router) => {
      router.post('/links/:id/resend', async (req, res) => {
        const { reverse } = ResendRequest.parse(req.body ?? {});
        const deliveries = await control.resendCallbacks(req.params.id, { reverse });
        res.json(deliveries.map((d) => ({ event: d.event, status: d.status, error: d.error })));
      });
    },
  );
}

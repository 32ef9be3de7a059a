/**
 * Test controls for the PayEngine simulator, in-process (`PayEngineControl`) and over HTTP under
 * `/_control/payengine`. Not part of PayEngine's API.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { createLinkControlRouter } from '../../link-control.ts';
import { applyWebhookChanges, forcedStatusRequest, type WebhookDelivery, WebhookSettingsRequest } from '../../webhooks.ts';
import type { PayEngineLinkBook } from './links.ts';
import {
  buildPayEngineLinkEvent,
  buildPayEngineTransactionEvent,
  emitPayEnginePayment,
  type PayEngineWebhookEmitter,
  type PayEngineWebhookSettings,
} from './webhook-events.ts';
import { PAYENGINE_PAYMENT_METHODS, type PayEnginePaymentLink, type PayEnginePaymentMethod, type PayEngineTransaction } from './wire.ts';

export const PayEngineForcedStatus = z.enum(['COMPLETED', 'CANCELLED', 'INACTIVE']);
export type PayEngineForcedStatus = z.infer<typeof PayEngineForcedStatus>;

const PayRequest = z.strictObject({ method: z.enum(PAYENGINE_PAYMENT_METHODS).optional() });
const StatusRequest = forcedStatusRequest(PayEngineForcedStatus);

export interface PayEngineControl {
  /** Every link, window transitions applied, oldest first. */
  links(): PayEnginePaymentLink[];
  /** Every payment attempt on a link, oldest first. */
  transactions(id: string): PayEngineTransaction[];
  /** Same as a Pay button on the checkout: pays with `method` (default: the link's first) and awaits the webhooks. */
  pay(id: string, method?: PayEnginePaymentMethod): Promise<PayEnginePaymentLink>;
  /** Same as the checkout's "Fail this attempt": a declined payment, the link stays ACTIVE. */
  fail(id: string, method?: PayEnginePaymentMethod): Promise<PayEnginePaymentLink>;
  /**
   * Forces a status. `COMPLETED` records a payment even on an INACTIVE or CANCELLED link (a payment landing after
   * expiry); `INACTIVE` ends the link's window now (no webhook: none is documented for it); `webhook: false`
   * changes the state silently.
   */
  setStatus(id: string, status: PayEngineForcedStatus, options?: { webhook?: boolean }): Promise<PayEnginePaymentLink>;
  /** Changes webhook delivery; `url: null` stops sending. Returns the settings now in force. */
  configureWebhooks(changes: Partial<Omit<PayEngineWebhookSettings, 'url'>> & { url?: string | null }): PayEngineWebhookSettings;
}

export function createPayEngineControl(deps: {
  book: PayEngineLinkBook;
  webhooks: PayEngineWebhookEmitter;
  settings: PayEngineWebhookSettings;
  settle(): void;
}): PayEngineControl {
  const methodFor = (id: string, method?: PayEnginePaymentMethod) => method ?? deps.book.get(id).payment_methods[0] ?? 'CC_DC';
  return {
    links() {
      deps.settle();
      return deps.book.all();
    },
    transactions(id) {
      return deps.book.transactions(id);
    },
    async pay(id, method) {
      deps.settle();
      const result = deps.book.pay(id, methodFor(id, method));
      await emitPayEnginePayment(deps.webhooks, result);
      return result.link;
    },
    async fail(id, method) {
      deps.settle();
      const result = deps.book.fail(id, methodFor(id, method));
      await deps.webhooks.emit(buildPayEngineTransactionEvent('PAYMENT_FAILED', result.link, result.transaction));
      return result.link;
    },
    async setStatus(id, status, options = {}) {
      deps.settle();
      const webhook = options.webhook ?? true;
      let sent: Promise<WebhookDelivery[]> | undefined;
      let link: PayEnginePaymentLink;
      switch (status) {
        case 'COMPLETED': {
          const result = deps.book.forcePayment(id);
          link = result.link;
          if (webhook) sent = emitPayEnginePayment(deps.webhooks, result);
          break;
        }
        case 'CANCELLED':
          link = deps.book.forceCancel(id);
          if (webhook) sent = deps.webhooks.emit(buildPayEngineLinkEvent('PAYMENTLINK_CANCELLED', link));
          break;
        case 'INACTIVE':
          link = deps.book.forceExpire(id);
          break;
        default: {
          const unreachable: never = status;
          throw new Error(`unknown status ${String(unreachable)}`);
        }
      }
      await sent;
      return link;
    },
    configureWebhooks(changes) {
      return applyWebhookChanges(deps.settings, changes);
    },
  };
}

export function createPayEngineControlRouter(control: PayEngineControl): Router {
  return createLinkControlRouter(
    control,
    { pay: (id, body) => control.pay(id, PayRequest.parse(body).method), statusRequest: StatusRequest, webhooksRequest: WebhookSettingsRequest },
    (router) => {
      router.get('/links/:id/transactions', (req, res) => {
        res.json(control.transactions(req.params.id));
      });
      router.post('/links/:id/fail', async (req, res) => {
        const { method } = PayRequest.parse(req.body ?? {});
        res.json(await control.fail(req.params.id, method));
      });
    },
  );
}

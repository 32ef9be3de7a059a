/**
 * Builds, signs and sends PayEngine webhooks (providers.md §3.6; docs.payengine.co/developer-docs/
 * getting-started-1/10.-available-webhooks, …/webhooks/check-signature).
 *
 * - `PAYMENTLINK_CREATED` carries the link, with `payment_url` where the API says `payment_link_url` (seed sample).
 * - The update event's name is UNCONFIRMED; the simulator sends `PAYMENTLINK_UPDATED`, shaped like CREATED, after a
 *   PATCH and when a payment completes the link.
 * - `PAYMENTLINK_CANCELLED` carries only `{payment_link_id}` (cancel-payment-link page).
 * - Payments send a transaction event (`PAYMENT_SALE` / `PAYMENT_FAILED`, names UNCONFIRMED) shaped like the
 *   documented `PAYMENT_AUTH`, plus `payment_link_id` and `internal_transaction_id` (UNCONFIRMED).
 * - Window transitions (a link going INACTIVE at its end date) send nothing: no such event is documented.
 */
import { randomBytes } from 'node:crypto';
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import { signPayEngineWebhook } from './signatures.ts';
import type {
  PayEngineLinkEventName,
  PayEnginePaymentLink,
  PayEnginePaymentLinkEventData,
  PayEngineTransaction,
  PayEngineTransactionEventName,
  PayEngineWebhookEvent,
} from './wire.ts';

export interface PayEngineWebhookSettings {
  /** Where to POST; no URL means webhooks are not sent at all. */
  url: string | undefined;
  /** false drops every event, as if the endpoint were disabled on the dashboard. */
  enabled: boolean;
  /** true sends every event twice with the same `event_uid` (retries after a slow 2xx happen). */
  duplicate: boolean;
}

export function toPayEngineLinkEventData(link: PayEnginePaymentLink): PayEnginePaymentLinkEventData {
  const { payment_link_url: paymentUrl, ...rest } = link;
  return { ...rest, payment_url: paymentUrl };
}

export function buildPayEngineLinkEvent(event: PayEngineLinkEventName, link: PayEnginePaymentLink): PayEngineWebhookEvent {
  return {
    event_uid: randomBytes(16).toString('hex'),
    event,
    data: event === 'PAYMENTLINK_CANCELLED' ? { payment_link_id: link.payment_link_id } : { ...toPayEngineLinkEventData(link) },
  };
}

export function buildPayEngineTransactionEvent(
  event: PayEngineTransactionEventName,
  link: PayEnginePaymentLink,
  transaction: PayEngineTransaction,
): PayEngineWebhookEvent {
  return {
    event_uid: randomBytes(16).toString('hex'),
    event,
    data: {
      payment_id: transaction.payment_id,
      merchant_id: link.merchant_id,
      payment_link_id: link.payment_link_id,
      internal_transaction_id: link.internal_transaction_id,
      order_number: link.order_number,
      description: link.description,
      currencyCode: link.currency_code,
      payment_method: transaction.method,
      auth_response: {
        status: transaction.status,
        totalAmount: transaction.amount,
        responseCode: transaction.status === 'PASS' ? 'A0000' : 'D0005',
        transactionID: transaction.payment_id.slice(0, 8),
        partialPayment: false,
      },
      created_at: transaction.created_at,
    },
  };
}

export interface PayEngineWebhookEmitter {
  /** Signs and sends the event (twice in duplicate mode); resolves when every attempt is recorded. */
  emit(event: PayEngineWebhookEvent): Promise<WebhookDelivery[]>;
}

export function createPayEngineWebhookEmitter(options: {
  sender: WebhookSender;
  webhookSecret: string;
  settings: () => PayEngineWebhookSettings;
  /** Unix seconds for `t=`. The sender's wall clock, not the simulated one: see payengine.ts. */
  signedAt?: () => number;
}): PayEngineWebhookEmitter {
  const signedAt = options.signedAt ?? (() => Math.floor(Date.now() / 1000));
  return {
    async emit(event) {
      const { url, enabled, duplicate } = options.settings();
      if (!url || !enabled) return [];
      // Serialize once and sign exactly these bytes: receivers must verify the raw body.
      const body = JSON.stringify(event);
      const request = {
        provider: 'payengine',
        event: event.event,
        url,
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'PayEngine-Webhook/1.0 (simulated)',
          'X-PF-Signature': signPayEngineWebhook(body, options.webhookSecret, signedAt()),
        },
      };
      const deliveries = [await options.sender.send(request)];
      if (duplicate) deliveries.push(await options.sender.send(request));
      return deliveries;
    },
  };
}

/** A payment's events: the transaction first, then the link's own update when the payment completed it. */
export async function emitPayEnginePayment(
  emitter: PayEngineWebhookEmitter,
  result: { link: PayEnginePaymentLink; transaction: PayEngineTransaction; completed: boolean },
): Promise<WebhookDelivery[]> {
  const deliveries = await emitter.emit(buildPayEngineTransactionEvent('PAYMENT_SALE', result.link, result.transaction));
  if (result.completed) deliveries.push(...(await emitter.emit(buildPayEngineLinkEvent('PAYMENTLINK_UPDATED', result.link))));
  return deliveries;
}

/**
 * Builds, signs and sends EximPe webhooks (§1.6; https://docs.eximpe.com/integration-guide/web-integration/webhooks):
 * payment events only, `POST` JSON with `User-Agent: Eximpe-Webhook/1.0`, `X-Webhook-Event`,
 * `X-Webhook-Timestamp` (unix seconds) and `X-Webhook-Signature` = hex HMAC-SHA256 of the body, the body being
 * "JSON string with keys sorted, no extra whitespace". Which key signs is ambiguous in the docs (API key or
 * "encryption key"); the simulator signs with `webhookSecret`, which defaults to the client secret.
 */
import type { Clock } from '../../clock.ts';
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import { type EximPePayment, newSequenceNumber } from './links.ts';
import { signEximPeWebhook } from './signatures.ts';
import type { EximPeWebhookEvent, EximPeWebhookEventType } from './wire.ts';

export interface EximPeWebhookSettings {
  /** Where to POST; no URL means no webhooks at all (EximPe: "only if … a non-empty webhook URL"). */
  url: string | undefined;
  /** false drops every event, as if the webhook URL were removed from the API credential. */
  enabled: boolean;
  /** true sends every event twice with the same `sequence_number`, as a retry after a lost answer would. */
  duplicate: boolean;
}

export function buildEximPeWebhookEvent(payment: EximPePayment, eventTimeMs: number): EximPeWebhookEvent {
  const type: EximPeWebhookEventType = payment.status === 'captured' ? 'PAYMENT_SUCCESSFUL' : 'PAYMENT_FAILED';
  return {
    event_type: type,
    // The seed's v1 form: "2024-02-15 16:53:15".
    event_time: new Date(eventTimeMs).toISOString().slice(0, 19).replace('T', ' '),
    version: '1.0',
    sequence_number: newSequenceNumber(),
    data: {
      status: payment.status,
      message: payment.message,
      mop_type: 'upi',
      order_id: payment.orderId,
      payment_id: payment.paymentId,
      bank_ref_num: payment.bankRefNum,
      payment_completed_at: payment.completedAt,
      ...(payment.status === 'failed' && { utr: null, virtual_account_id: null }),
    },
  };
}

/** JSON with keys sorted and no whitespace, like Python's `json.dumps(sort_keys=True, separators=(",", ":"))`. */
export function sortedCompactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedCompactJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedCompactJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface EximPeWebhookEmitter {
  /** Sends the payment's event (twice in duplicate mode) and resolves when every attempt is recorded. */
  emit(payment: EximPePayment): Promise<WebhookDelivery[]>;
}

export function createEximPeWebhookEmitter(options: {
  sender: WebhookSender;
  clock: Clock;
  webhookSecret: string;
  settings: () => EximPeWebhookSettings;
}): EximPeWebhookEmitter {
  return {
    async emit(payment) {
      const { url, enabled, duplicate } = options.settings();
      if (!url || !enabled) return [];
      const event = buildEximPeWebhookEvent(payment, options.clock.now());
      // Serialize once, canonically, and sign exactly these bytes.
      const body = sortedCompactJson(event);
      const request = {
        provider: 'eximpe',
        event: event.event_type,
        url,
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Eximpe-Webhook/1.0',
          'X-Webhook-Event': event.event_type,
          // Delivery time on the wall clock, which is what a receiver compares with its own; the simulator's
          // clock offset moves link state (event_time), not the receiver's clock.
          'X-Webhook-Timestamp': String(Math.floor(Date.now() / 1000)),
          'X-Webhook-Signature': signEximPeWebhook(body, options.webhookSecret),
        },
      };
      const deliveries = [await options.sender.send(request)];
      if (duplicate) deliveries.push(await options.sender.send(request));
      return deliveries;
    },
  };
}

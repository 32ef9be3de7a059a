/**
 * Pine Labs order webhooks, built, signed and sent (providers.md §4.6).
 *
 * - Order events only: Pine Labs has no payment-link events. The body is the order, in the shape the official
 *   WooCommerce plugin reads: `{"event_type":"ORDER_PROCESSED","data":{"order_id","merchant_order_reference",
 *   "status",…}}`. It never names the link: a receiver correlates through the order id.
 * - Signature (signature-verification docs; plugin `verify_webhook_signature()`): headers `webhook-id`,
 *   `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>`, keyed
 *   with the secret's raw UTF-8 bytes — the Standard Webhooks layout without its base64 key decoding.
 * - The timestamp is wall-clock time, not the simulated clock: receivers compare it with their own clock, and a
 *   test that moved the simulated clock forward must not make every later delivery look forged.
 * - Link expiry sends nothing (no link events exist).
 */
import { createHmac } from 'node:crypto';
import { randomAlphanumeric } from '../../ids.ts';
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import type { PinelabsOrderChange } from './links.ts';
import type { PinelabsWebhookEvent } from './wire.ts';

export interface PinelabsWebhookSettings {
  /** Where to POST; no URL means webhooks are not sent at all. */
  url: string | undefined;
  /** false drops every event, as if the URL were removed from the dashboard. */
  enabled: boolean;
  /** true sends every event twice with the same `webhook-id`, as Pine Labs' retries do. */
  duplicate: boolean;
}

/** `v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>`. */
export function signPinelabsWebhook(body: string, options: { id: string; timestamp: number; secret: string }): string {
  const signature = createHmac('sha256', Buffer.from(options.secret, 'utf8'))
    .update(`${options.id}.${options.timestamp}.${body}`)
    .digest('base64');
  return `v1,${signature}`;
}

export interface PinelabsWebhookEmitter {
  /** Sends the change's order event (twice in duplicate mode); resolves when every attempt is recorded. */
  emit(change: PinelabsOrderChange): Promise<WebhookDelivery[]>;
}

export function createPinelabsWebhookEmitter(options: {
  sender: WebhookSender;
  secret: string;
  settings: () => PinelabsWebhookSettings;
  wallClock?: () => number;
}): PinelabsWebhookEmitter {
  const wallClock = options.wallClock ?? Date.now;
  return {
    async emit(change) {
      const { url, enabled, duplicate } = options.settings();
      if (!url || !enabled) return [];
      const event: PinelabsWebhookEvent = { event_type: change.event, data: change.order };
      // Serialize once and sign exactly these bytes: receivers verify the raw body.
      const body = JSON.stringify(event);
      const id = `msg_${randomAlphanumeric(24)}`;
      const timestamp = Math.floor(wallClock() / 1000);
      const request = {
        provider: 'pinelabs',
        event: change.event,
        url,
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'PineLabs-Webhook/1.0',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signPinelabsWebhook(body, { id, timestamp, secret: options.secret }),
        },
      };
      const deliveries = [await options.sender.send(request)];
      if (duplicate) deliveries.push(await options.sender.send(request));
      return deliveries;
    },
  };
}

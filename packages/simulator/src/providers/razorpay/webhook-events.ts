/**
 * Builds, signs and sends Razorpay payment-link webhooks (markdown-docs webhooks/payment-links.md,
 * webhooks/validate-test.md; shared/providers.md §5.6).
 */
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import { signRazorpayWebhook } from './signatures.ts';
import type { RazorpayOrder, RazorpayPayment, RazorpayPaymentLink, RazorpayWebhookEvent, RazorpayWebhookEventName } from './wire.ts';

export const RAZORPAY_ACCOUNT_ID = 'acc_simulator';

export interface RazorpayWebhookSettings {
  /** Where to POST; no URL means webhooks are not sent at all. */
  url: string | undefined;
  /** false drops every event, as if the endpoint were disabled on the dashboard. */
  enabled: boolean;
  /** true sends every event twice with the same event id — allowed and expected by the docs. */
  duplicate: boolean;
}

export function buildRazorpayWebhookEvent(
  event: RazorpayWebhookEventName,
  link: RazorpayPaymentLink,
  createdAt: number,
  related?: { order: RazorpayOrder; payment: RazorpayPayment },
): RazorpayWebhookEvent {
  // `paid` carries the order and the payment; `cancelled`/`expired` only the link. A `partially_paid` sample is
  // not in the docs (UNCONFIRMED); it is shaped like `paid`.
  if (related) {
    return {
      account_id: RAZORPAY_ACCOUNT_ID,
      contains: ['payment_link', 'order', 'payment'],
      created_at: createdAt,
      entity: 'event',
      event,
      payload: {
        payment_link: { entity: link },
        order: { entity: related.order },
        payment: { entity: related.payment },
      },
    };
  }
  return {
    account_id: RAZORPAY_ACCOUNT_ID,
    contains: ['payment_link'],
    created_at: createdAt,
    entity: 'event',
    event,
    payload: { payment_link: { entity: link } },
  };
}

export interface RazorpayWebhookEmitter {
  /** Sends the event (twice in duplicate mode) and resolves when every attempt is recorded. */
  emit(
    event: RazorpayWebhookEventName,
    link: RazorpayPaymentLink,
    related?: { order: RazorpayOrder; payment: RazorpayPayment },
  ): Promise<WebhookDelivery[]>;
}

export function createRazorpayWebhookEmitter(options: {
  sender: WebhookSender;
  clock: Clock;
  webhookSecret: string;
  settings: () => RazorpayWebhookSettings;
}): RazorpayWebhookEmitter {
  return {
    async emit(event, link, related) {
      const { url, enabled, duplicate } = options.settings();
      if (!url || !enabled) return [];
      // Serialize once and sign exactly these bytes: receivers must verify the raw body.
      const body = JSON.stringify(buildRazorpayWebhookEvent(event, link, options.clock.nowSeconds(), related));
      const request = {
        provider: 'razorpay',
        event,
        url,
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Razorpay-Webhook/v1',
          'X-Razorpay-Event-Id': `evt_${randomAlphanumeric(14)}`,
          'X-Razorpay-Signature': signRazorpayWebhook(body, options.webhookSecret),
        },
      };
      const deliveries = [await options.sender.send(request)];
      if (duplicate) deliveries.push(await options.sender.send(request));
      return deliveries;
    },
  };
}

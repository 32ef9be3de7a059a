/**
 * Builds, signs and sends Razorpay payment-link webhooks, current (`payment_link.*`, markdown-docs
 * webhooks/payment-links.md) and legacy (`invoice.*`), both signed per webhooks/validate-test.md
 * (shared/providers.md §5.6).
 */
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import { signRazorpayWebhook } from './signatures.ts';
import type {
  RazorpayInvoice,
  RazorpayInvoiceOrder,
  RazorpayInvoicePayment,
  RazorpayInvoiceWebhookEvent,
  RazorpayInvoiceWebhookEventName,
} from './invoice-wire.ts';
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

/**
 * A legacy payment-link event (`invoice.*`, payments/payment-links/legacy.md). `invoice.paid` carries the
 * payment, the order and the invoice, in the sample's order (razorpay.com/docs/webhooks/payloads/invoices);
 * `invoice.expired` only the invoice. No `partially_paid` sample exists; it is shaped like `paid`.
 */
export function buildRazorpayInvoiceWebhookEvent(
  event: RazorpayInvoiceWebhookEventName,
  invoice: RazorpayInvoice,
  createdAt: number,
  related?: { order: RazorpayInvoiceOrder; payment: RazorpayInvoicePayment },
): RazorpayInvoiceWebhookEvent {
  return {
    account_id: RAZORPAY_ACCOUNT_ID,
    contains: related ? ['payment', 'order', 'invoice'] : ['invoice'],
    created_at: createdAt,
    entity: 'event',
    event,
    payload: related
      ? { payment: { entity: related.payment }, order: { entity: related.order }, invoice: { entity: invoice } }
      : { invoice: { entity: invoice } },
  };
}

export interface RazorpayWebhookEmitter {
  /** Sends the event (twice in duplicate mode) and resolves when every attempt is recorded. */
  emit(
    event: RazorpayWebhookEventName,
    link: RazorpayPaymentLink,
    related?: { order: RazorpayOrder; payment: RazorpayPayment },
  ): Promise<WebhookDelivery[]>;
  /** The same for a legacy link (an invoice), to the same URL, signed the same way. */
  emitInvoice(
    event: RazorpayInvoiceWebhookEventName,
    invoice: RazorpayInvoice,
    related?: { order: RazorpayInvoiceOrder; payment: RazorpayInvoicePayment },
  ): Promise<WebhookDelivery[]>;
}

export function createRazorpayWebhookEmitter(options: {
  sender: WebhookSender;
  clock: Clock;
  webhookSecret: string;
  settings: () => RazorpayWebhookSettings;
}): RazorpayWebhookEmitter {
  async function deliver(event: string, build: (createdAt: number) => unknown): Promise<WebhookDelivery[]> {
    const { url, enabled, duplicate } = options.settings();
    if (!url || !enabled) return [];
    // Serialize once and sign exactly these bytes: receivers must verify the raw body.
    const body = JSON.stringify(build(options.clock.nowSeconds()));
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
  }
  return {
    emit: (event, link, related) => deliver(event, (createdAt) => buildRazorpayWebhookEvent(event, link, createdAt, related)),
    emitInvoice: (event, invoice, related) =>
      deliver(event, (createdAt) => buildRazorpayInvoiceWebhookEvent(event, invoice, createdAt, related)),
  };
}

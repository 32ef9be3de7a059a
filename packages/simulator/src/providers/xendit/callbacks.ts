/**
 * Builds and sends Xendit invoice callbacks (shared/providers.md §2.6; the seed, "Receive the webhook").
 *
 * The body is the invoice itself, without the checkout-only `available_*` arrays, with `is_high`; there is no
 * event name. The only authentication is the account's Callback Verification Token in `x-callback-token` — no
 * HMAC, no timestamp. An EXPIRED callback has the same shape with `status: "EXPIRED"` (UNCONFIRMED, §2.6).
 *
 * Every callback an invoice produced is remembered, sent or not, so the control API can re-send them the way
 * the dashboard's manual resend does — in order, or reversed to play an out-of-order delivery.
 */
import type { WebhookDelivery, WebhookSender } from '../../webhooks.ts';
import type { XenditInvoice, XenditInvoiceCallback } from './wire.ts';

export interface XenditCallbackSettings {
  /** Where to POST; no URL means callbacks are not sent at all. */
  url: string | undefined;
  /** The account's Callback Verification Token (Settings → Callbacks on the dashboard). */
  token: string;
  /** false drops every callback, as if the receiver were unreachable for good. */
  enabled: boolean;
  /** true sends every callback twice, byte for byte: "might occasionally receive duplicate event". */
  duplicate: boolean;
}

export function buildXenditInvoiceCallback(invoice: XenditInvoice): XenditInvoiceCallback {
  const {
    merchant_profile_picture_url: _picture,
    expiry_date: _expiry,
    invoice_url: _url,
    available_banks: _banks,
    available_retail_outlets: _outlets,
    available_ewallets: _ewallets,
    available_qr_codes: _qr,
    available_direct_debits: _dd,
    available_paylaters: _paylaters,
    should_exclude_credit_card: _cc,
    should_send_email: _email,
    customer: _customer,
    metadata: _metadata,
    ...rest
  } = invoice;
  return { ...rest, is_high: false };
}

export interface XenditCallbackEmitter {
  /**
   * Records the callback for `invoice` and sends it (twice in duplicate mode); resolves once every attempt is
   * recorded. `send: false` only records it, for `resend` later (a callback lost on the way).
   */
  emit(invoice: XenditInvoice, options?: { send?: boolean }): Promise<WebhookDelivery[]>;
  /** Sends every callback `invoiceId` produced so far again, oldest first or reversed. */
  resend(invoiceId: string, options?: { reverse?: boolean }): Promise<WebhookDelivery[]>;
  reset(): void;
}

export function createXenditCallbackEmitter(options: {
  sender: WebhookSender;
  settings: () => XenditCallbackSettings;
}): XenditCallbackEmitter {
  const history = new Map<string, { status: string; body: string }[]>();

  async function send(status: string, body: string, copies: number): Promise<WebhookDelivery[]> {
    const { url, token, enabled } = options.settings();
    if (!url || !enabled) return [];
    const request = {
      provider: 'xendit',
      event: `invoice.${status.toLowerCase()}`,
      url,
      body,
      headers: { 'Content-Type': 'application/json', 'x-callback-token': token },
    };
    const deliveries: WebhookDelivery[] = [];
    for (let i = 0; i < copies; i += 1) deliveries.push(await options.sender.send(request));
    return deliveries;
  }

  return {
    async emit(invoice, { send: sending = true } = {}) {
      // Serialized once: a duplicate or a resend carries exactly the same bytes.
      const body = JSON.stringify(buildXenditInvoiceCallback(invoice));
      history.set(invoice.id, [...(history.get(invoice.id) ?? []), { status: invoice.status, body }]);
      if (!sending) return [];
      return send(invoice.status, body, options.settings().duplicate ? 2 : 1);
    },
    async resend(invoiceId, { reverse = false } = {}) {
      const sent = [...(history.get(invoiceId) ?? [])];
      if (reverse) sent.reverse();
      const deliveries: WebhookDelivery[] = [];
      for (const { status, body } of sent) deliveries.push(...(await send(status, body, 1)));
      return deliveries;
    },
    reset() {
      history.clear();
    },
  };
}

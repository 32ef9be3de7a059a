/**
 * PayEngine (payengine.co) wire types for Payment Links, as the simulator emits them.
 * Source: shared/providers.md §3 and the seed (docs.payengine.co/payengine-api-v2.5/transactions/payment-links/*:
 * create, payment-link-details, list-payment-links, cancel-payment-link; webhooks available-webhooks).
 */

export const PAYENGINE_LINK_STATUSES = ['ACTIVE', 'INACTIVE', 'COMPLETED', 'CANCELLED'] as const;
export type PayEngineLinkStatus = (typeof PAYENGINE_LINK_STATUSES)[number];

export const PAYENGINE_PAYMENT_METHODS = ['CC_DC', 'ACH'] as const;
export type PayEnginePaymentMethod = (typeof PAYENGINE_PAYMENT_METHODS)[number];

/** The link object of the details page (the create response plus the details-only fields). */
export interface PayEnginePaymentLink {
  payment_link_id: string;
  payment_link_url: string;
  qr_code_url: string;
  payment_link_status: PayEngineLinkStatus;
  merchant_id: string;
  /** Echoed in the format it was sent (`YYYYMMDD` in the seed's example); null when not given. */
  start_date: string | null;
  end_date: string | null;
  payment_methods: PayEnginePaymentMethod[];
  use_same_amount: boolean;
  /** Dollar strings with two decimals ("12.50"); null where `use_same_amount` says the other pair applies. */
  amount: string | null;
  cc_amount: string | null;
  cc_amount_note: string | null;
  ach_amount: string | null;
  ach_amount_note: string | null;
  save_card_consent: boolean;
  one_time_only: boolean;
  currency_code: string;
  sales_tax: string | null;
  order_number: string | null;
  description: string | null;
  enable_captcha: boolean;
  slug_id: string;
  /** ISO 8601 ("timestamp" in the docs; the exact format is UNCONFIRMED). */
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  internal_transaction_id: string | null;
}

/** `PAYMENTLINK_CREATED`'s `data`: the link with `payment_url` in place of `payment_link_url` (seed sample). */
export type PayEnginePaymentLinkEventData = Omit<
  PayEnginePaymentLink,
  'payment_link_url'
> & { payment_url: string };

/** A payment attempt on a link, kept for the transaction webhooks and the checkout page. */
export interface PayEngineTransaction {
  payment_id: string;
  payment_link_id: string;
  method: PayEnginePaymentMethod;
  amount: string;
  status: 'PASS' | 'FAIL';
  created_at: string;
}

export type PayEngineLinkEventName = 'PAYMENTLINK_CREATED' | 'PAYMENTLINK_UPDATED' | 'PAYMENTLINK_CANCELLED';
/**
 * Transaction events for a link's payments. The docs confirm `PAYMENT_AUTH`; the names of the sale and failure
 * events and whether they carry `payment_link_id` are UNCONFIRMED (providers.md §3.6): the simulator sends
 * `PAYMENT_SALE` / `PAYMENT_FAILED` with `payment_link_id` and `internal_transaction_id`.
 */
export type PayEngineTransactionEventName = 'PAYMENT_SALE' | 'PAYMENT_FAILED';
export type PayEngineWebhookEventName = PayEngineLinkEventName | PayEngineTransactionEventName;

export interface PayEngineWebhookEvent {
  event_uid: string;
  event: PayEngineWebhookEventName;
  data: Record<string, unknown>;
}

/**
 * Error bodies. `{error: true, message}` is what PayEngine answers a bad `Authorization` with (providers.md §3.7,
 * 3P); the cancel page documents `{success: false, message}`. The simulator uses the first everywhere except
 * cancel.
 */
export interface PayEngineErrorBody {
  error: true;
  message: string;
}

export interface PayEngineCancelResult {
  success: boolean;
  message: string;
}

/**
 * Razorpay wire types for the current Payment Links API (`/v1/payment_links`), as the simulator emits them.
 * Source: shared/providers.md §5.3, §5.6, §5.7 (razorpay/markdown-docs api/payments/payment-links/entity.md,
 * webhooks/payment-links.md, errors.md).
 */

export const RAZORPAY_LINK_STATUSES = ['created', 'partially_paid', 'paid', 'expired', 'cancelled'] as const;
export type RazorpayLinkStatus = (typeof RAZORPAY_LINK_STATUSES)[number];

export interface RazorpayCustomer {
  name?: string;
  email?: string;
  contact?: string;
}

export interface RazorpayNotify {
  sms?: boolean;
  email?: boolean;
  whatsapp?: boolean;
}

/** An entry of `payments[]`: only captured payments are listed (entity.md). */
export interface RazorpayLinkPayment {
  amount: number;
  created_at: number;
  method: string;
  payment_id: string;
  plink_id: string;
  status: 'captured';
  updated_at: number;
}

export interface RazorpayPaymentLink {
  accept_partial: boolean;
  amount: number;
  amount_paid: number;
  callback_method: string;
  callback_url: string;
  cancelled_at: number;
  created_at: number;
  currency: string;
  customer: RazorpayCustomer;
  description: string;
  expire_by: number;
  expired_at: number;
  first_min_partial_amount: number;
  id: string;
  notes: Record<string, string>;
  notify: RazorpayNotify;
  /** `null` before the first payment, per the create response in the docs. */
  payments: RazorpayLinkPayment[] | null;
  reference_id: string;
  reminder_enable: boolean;
  reminders: Record<string, string>;
  short_url: string;
  status: RazorpayLinkStatus;
  updated_at: number;
  upi_link: boolean;
  user_id: string;
  whatsapp_link: boolean;
}

/** The order Razorpay creates behind a link; it appears in `payment_link.paid` webhooks. */
export interface RazorpayOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string;
  offer_id: null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Record<string, string>;
  created_at: number;
  product_type: 'payment_link_v2';
  product_id: string;
}

export interface RazorpayPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'captured';
  order_id: string;
  invoice_id: null;
  international: boolean;
  method: string;
  amount_refunded: number;
  refund_status: null;
  captured: boolean;
  description: string;
  vpa: string;
  email: string;
  contact: string;
  notes: Record<string, string>;
  error_code: null;
  error_description: null;
  created_at: number;
}

export type RazorpayWebhookEventName =
  | 'payment_link.paid'
  | 'payment_link.partially_paid'
  | 'payment_link.cancelled'
  | 'payment_link.expired';

export interface RazorpayWebhookEvent {
  account_id: string;
  contains: Array<'payment_link' | 'order' | 'payment'>;
  created_at: number;
  entity: 'event';
  event: RazorpayWebhookEventName;
  payload: {
    payment_link: { entity: RazorpayPaymentLink };
    order?: { entity: RazorpayOrder };
    payment?: { entity: RazorpayPayment };
  };
}

export interface RazorpayErrorBody {
  error: {
    code: 'BAD_REQUEST_ERROR' | 'SERVER_ERROR' | 'GATEWAY_ERROR';
    description: string;
    field: string | null;
    source: string | null;
    step: string | null;
    reason: string | null;
    metadata: Record<string, never>;
  };
}

/**
 * Razorpay wire types for the legacy Payment Links API (`/v1/invoices` with `type=link`), as the simulator emits
 * them. A legacy link is an invoice entity ("Payment Link is a solution on our existing Invoices system", the
 * seed), so the shape is the Invoices API's: razorpay/markdown-docs api/payments/invoices/entity.md, fetch-all.md,
 * cancel.md, and the `invoice.*` webhook samples (razorpay.com/docs/webhooks/payloads/invoices).
 */
import type { RazorpayOrder, RazorpayPayment } from './wire.ts';

export const RAZORPAY_INVOICE_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'cancelled', 'expired', 'deleted'] as const;
export type RazorpayInvoiceStatus = (typeof RAZORPAY_INVOICE_STATUSES)[number];

export interface RazorpayInvoiceCustomerDetails {
  id: string | null;
  name: string | null;
  email: string | null;
  contact: string | null;
  gstin: null;
  billing_address: null;
  shipping_address: null;
  customer_name: string | null;
  customer_email: string | null;
  customer_contact: string | null;
}

export interface RazorpayInvoice {
  id: string;
  entity: 'invoice';
  /** "Must be a unique number for each Payment Link" (seed); mirrored in `invoice_number`, as in the samples. */
  receipt: string | null;
  invoice_number: string | null;
  customer_id: string | null;
  customer_details: RazorpayInvoiceCustomerDetails;
  order_id: string;
  line_items: never[];
  /** The latest captured payment. */
  payment_id: string | null;
  status: RazorpayInvoiceStatus;
  expire_by: number | null;
  issued_at: number | null;
  paid_at: number | null;
  cancelled_at: number | null;
  expired_at: number | null;
  sms_status: 'pending' | 'sent';
  email_status: 'pending' | 'sent';
  date: number;
  terms: null;
  partial_payment: boolean;
  /** The old name of `first_min_partial_amount` (api/payments/payment-links/parameters.md). */
  first_payment_min_amount: number | null;
  gross_amount: number;
  tax_amount: number;
  taxable_amount: number;
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  currency_symbol: string;
  description: string;
  notes: Record<string, string>;
  comment: null;
  short_url: string;
  view_less: boolean;
  billing_start: null;
  billing_end: null;
  type: 'link';
  group_taxes_discounts: false;
  created_at: number;
  idempotency_key: null;
}

/** The invoice's order: like a payment link's, without the `payment_link_v2` product fields. */
export type RazorpayInvoiceOrder = Omit<RazorpayOrder, 'product_type' | 'product_id'>;

/** A payment against an invoice names it (`invoice_id`), as in the `invoice.paid` sample. */
export type RazorpayInvoicePayment = Omit<RazorpayPayment, 'invoice_id'> & { invoice_id: string };

/** Legacy payment-link events (markdown-docs payments/payment-links/legacy.md). There is no `invoice.cancelled`. */
export type RazorpayInvoiceWebhookEventName = 'invoice.paid' | 'invoice.partially_paid' | 'invoice.expired';

export interface RazorpayInvoiceWebhookEvent {
  account_id: string;
  contains: Array<'payment' | 'order' | 'invoice'>;
  created_at: number;
  entity: 'event';
  event: RazorpayInvoiceWebhookEventName;
  payload: {
    payment?: { entity: RazorpayInvoicePayment };
    order?: { entity: RazorpayInvoiceOrder };
    invoice: { entity: RazorpayInvoice };
  };
}

/**
 * Xendit wire types for the Invoices API ("Payment Links"), as the simulator emits them.
 * Source: shared/providers.md §2.3, §2.6, §2.7; the seed (docs.xendit.co/payment-links-api-overview); the models
 * of xendit/xendit-node 7.0.0 `invoice/models/{Invoice,InvoiceCallback,Bank,…}.ts`.
 */

export const XENDIT_INVOICE_STATUSES = ['PENDING', 'PAID', 'SETTLED', 'EXPIRED'] as const;
export type XenditInvoiceStatus = (typeof XENDIT_INVOICE_STATUSES)[number];

/** `invoice/models/InvoiceCurrency.ts`. */
export const XENDIT_CURRENCIES = ['IDR', 'USD', 'THB', 'VND', 'PHP', 'MYR'] as const;
export type XenditCurrency = (typeof XENDIT_CURRENCIES)[number];

export interface XenditBank {
  bank_code: string;
  collection_type: string;
  transfer_amount: number;
  bank_branch: string;
  account_holder_name: string;
  identity_amount: number;
}

export interface XenditCustomer {
  given_names?: string;
  surname?: string;
  email?: string;
  mobile_number?: string;
  [field: string]: unknown;
}

export interface XenditItem {
  name: string;
  quantity: number;
  price: number;
  category?: string;
  url?: string;
  [field: string]: unknown;
}

/** Fields a paid invoice gains (the seed's callback; `InvoiceCallback`). */
export interface XenditPaymentFields {
  paid_amount: number;
  paid_at: string;
  payment_method: string;
  payment_channel: string;
  payment_id: string;
  payment_method_id: string;
  /** Set for e-wallet payments, `bank_code` for bank transfers: one of the two. */
  ewallet_type?: string;
  bank_code?: string;
  payment_destination?: string;
}

/**
 * The Invoice object (seed's create response). Every field the SDK's `InvoiceFromJSON` reads unconditionally is
 * always present: the six `available_*` arrays (it calls `.map()` on them), `expiry_date`, `created`, `updated`.
 */
export interface XenditInvoice extends Partial<XenditPaymentFields> {
  id: string;
  external_id: string;
  user_id: string;
  status: XenditInvoiceStatus;
  merchant_name: string;
  merchant_profile_picture_url: string;
  amount: number;
  description?: string;
  payer_email?: string;
  expiry_date: string;
  invoice_url: string;
  available_banks: XenditBank[];
  available_retail_outlets: { retail_outlet_name: string }[];
  available_ewallets: { ewallet_type: string }[];
  available_qr_codes: { qr_code_type: string }[];
  available_direct_debits: { direct_debit_type: string }[];
  available_paylaters: { paylater_type: string }[];
  should_exclude_credit_card: boolean;
  should_send_email: boolean;
  success_redirect_url?: string;
  failure_redirect_url?: string;
  created: string;
  updated: string;
  currency: XenditCurrency;
  items?: XenditItem[];
  customer?: XenditCustomer;
  metadata?: Record<string, unknown>;
}

/** The invoice callback body: the invoice without the checkout arrays, plus `is_high` (seed, step 4). */
export interface XenditInvoiceCallback extends Partial<XenditPaymentFields> {
  id: string;
  external_id: string;
  user_id: string;
  is_high: boolean;
  status: XenditInvoiceStatus;
  merchant_name: string;
  amount: number;
  description?: string;
  payer_email?: string;
  created: string;
  updated: string;
  currency: XenditCurrency;
  items?: XenditItem[];
  success_redirect_url?: string;
  failure_redirect_url?: string;
}

/** `{"error_code", "message"}` (SDK error models, providers.md §2.7). */
export interface XenditErrorBody {
  error_code: string;
  message: string;
}

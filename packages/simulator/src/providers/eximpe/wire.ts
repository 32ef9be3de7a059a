/**
 * EximPe wire types, as the simulator emits them. Source: shared/providers.md §1.3 (create, retrieve, list),
 * §1.6 (webhooks), §1.7 (errors); the seed shared/seeds/eximpe-payment-links.txt.
 *
 * Every answer is the `{success, message, data}` envelope. Amounts are decimal strings in rupees.
 */

/**
 * The link statuses this simulator uses. Only `ACTIVE` is documented (seed); `PAID`, `INACTIVE` (after a
 * deactivate: "the link will show an 'Expired' or 'Inactive' message", §1.5) and `EXPIRED` are this simulator's
 * reading of the UNCONFIRMED rest.
 */
export const EXIMPE_LINK_STATUSES = ['ACTIVE', 'PAID', 'INACTIVE', 'EXPIRED'] as const;
export type EximPeLinkStatus = (typeof EXIMPE_LINK_STATUSES)[number];

export interface EximPeEnvelope<T> {
  success: true;
  message: string;
  data: T;
}

export interface EximPeAck {
  success: true;
  message: string;
}

/** The 3P playground's reading of an error (§1.7): `error.details` maps a field path to messages. */
export interface EximPeErrorBody {
  success: false;
  error: { code: string; message: string; details?: Record<string, string[]> };
}

export interface EximPeAddress {
  line_1?: string;
  line_2?: string | null;
  city?: string;
  state?: string;
  postal_code?: string;
  country_code?: string;
}

export interface EximPeBuyer {
  name: string | null;
  email: string | null;
  phone: string | null;
  address: EximPeAddress | null;
  pan_number: string | null;
  dob: string | null;
}

export interface EximPeProduct {
  name: string;
  description: string | null;
  hs_code: string | null;
  hs_code_description: string | null;
  type_of_goods: string | null;
}

export interface EximPeInvoice {
  number: string;
  date: string | null;
  file: string | null;
}

export interface EximPeSettlement {
  status: string;
  message: string;
  settlement_details: null;
}

/** Retrieve `data` (v1 reference), plus `expiry_date` as the seed's create answer has it. */
export interface EximPePaymentLink {
  payment_id: string;
  reference_id: string;
  amount: string;
  currency: 'INR';
  payment_link: string;
  status: EximPeLinkStatus;
  status_message: string | null;
  created_at: string;
  expiry_date: string;
  buyer: EximPeBuyer;
  product: EximPeProduct;
  invoice: EximPeInvoice;
  settlement: EximPeSettlement | null;
}

/**
 * The create answer. The seed says `link_id`, the v2 reference `payment_id` (§1.3, UNCONFIRMED which): the
 * simulator sends both, with the same `PR…` id, so either reading of the docs finds the link.
 */
export interface EximPeCreatedLink {
  link_id: string;
  payment_id: string;
  payment_link: string;
  status: EximPeLinkStatus;
  expiry_date: string;
  amount: string;
  currency: 'INR';
}

/** List `results[]` (v2 list reference): amount as an object, a short buyer. */
export interface EximPeListedLink {
  payment_id: string;
  payment_link: string;
  reference_id: string;
  status: EximPeLinkStatus;
  amount: { amount: string; total_amount: string; currency: 'INR' };
  buyer: { name: string | null; email: string | null; phone: string | null };
  created_at: string;
}

export interface EximPeLinkList {
  count: number;
  next: string | null;
  previous: string | null;
  results: EximPeListedLink[];
}

export type EximPeWebhookEventType = 'PAYMENT_SUCCESSFUL' | 'PAYMENT_FAILED';

/** The seed's v1 payload (§1.6); `PAYMENT_FAILED` carries the v2 reference's extra `utr` and `virtual_account_id`. */
export interface EximPeWebhookEvent {
  event_type: EximPeWebhookEventType;
  event_time: string;
  version: '1.0';
  sequence_number: string;
  data: {
    status: 'captured' | 'failed';
    message: string;
    mop_type: string;
    order_id: string;
    payment_id: string;
    bank_ref_num: string | null;
    payment_completed_at: string | null;
    utr?: string | null;
    virtual_account_id?: string | null;
  };
}

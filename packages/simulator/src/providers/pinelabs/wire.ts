/**
 * Pine Labs Online (Plural v2) wire shapes the simulator answers with. Source: shared/providers.md §4; the link
 * object of https://developer.pinelabsonline.com/reference/pay-by-links-object; the seed
 * shared/seeds/pinelabs-create-payment-link.md.
 */

/** Every link status the get/cancel/notify references list (providers.md §4.5). */
export type PinelabsLinkStatus =
  | 'CREATED'
  | 'CLICKED'
  | 'PAYMENT_INITIATED'
  | 'PARTIAL_PROCESSED'
  | 'PROCESSED'
  | 'EXPIRED'
  | 'CANCELLED';

export interface PinelabsAmount {
  /** Integer, smallest currency unit (paise). */
  value: number;
  currency: string;
}

export interface PinelabsAddress {
  address1?: string;
  address2?: string;
  address3?: string;
  pincode?: string;
  city?: string;
  state?: string;
  country?: string;
}

export interface PinelabsCustomer {
  email_id?: string;
  first_name?: string;
  last_name?: string;
  customer_id?: string;
  mobile_number?: string;
  country_code?: string;
  billing_address?: PinelabsAddress;
  shipping_address?: PinelabsAddress;
  merchant_customer_reference?: string;
  gstin?: string;
}

/** The payment link object. `pre_auth`/`is_mcc_transaction` are strings in requests but booleans here (§4.3). */
export interface PinelabsPaymentLink {
  payment_link: string;
  payment_link_id: string;
  status: PinelabsLinkStatus;
  amount: PinelabsAmount;
  amount_due: PinelabsAmount;
  order_id: string;
  merchant_payment_link_reference: string;
  description: string | null;
  /** ISO 8601 UTC. */
  expire_by: string;
  allowed_payment_methods: string[];
  pre_auth: boolean;
  is_mcc_transaction: boolean;
  part_payment: boolean;
  callback_url: string | null;
  failure_callback_url: string | null;
  customer: PinelabsCustomer | null;
  product_details: unknown[];
  cart_coupon_discount_amount: PinelabsAmount | null;
  merchant_metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

/** Order statuses used here. PARTIALLY_PROCESSED is this simulator's word for a part-paid order (UNCONFIRMED). */
export type PinelabsOrderStatus = 'CREATED' | 'PENDING' | 'PARTIALLY_PROCESSED' | 'PROCESSED' | 'CANCELLED' | 'FAILED';

export interface PinelabsPayment {
  id: string;
  merchant_payment_reference: string;
  status: 'PROCESSED' | 'FAILED';
  payment_amount: PinelabsAmount;
  payment_method: string;
  created_at: string;
  updated_at: string;
  error_detail?: { code: string; message: string };
}

/** The order behind a link (`GET /pay/v1/orders/{order_id}`), and the `data` of order webhooks. */
export interface PinelabsOrder {
  order_id: string;
  parent_order_id: string | null;
  merchant_order_reference: string;
  type: 'CHARGE';
  status: PinelabsOrderStatus;
  merchant_id: string;
  order_amount: PinelabsAmount;
  pre_auth: boolean;
  allowed_payment_methods: string[];
  callback_url: string | null;
  failure_callback_url: string | null;
  payments: PinelabsPayment[];
  created_at: string;
  updated_at: string;
}

/** Order-level events only: Pine Labs has no payment-link events (providers.md §4.6). */
export type PinelabsWebhookEventType = 'ORDER_PROCESSED' | 'ORDER_CANCELLED' | 'PAYMENT_FAILED' | 'ORDER_FAILED';

/** The shape the official WooCommerce plugin reads: `{event_type, data: {order_id, merchant_order_reference, status, …}}`. */
export interface PinelabsWebhookEvent {
  event_type: PinelabsWebhookEventType;
  data: PinelabsOrder;
}

/** §4.7: `{code, message, additional_error_details}`. */
export interface PinelabsErrorBody {
  code: string;
  message: string;
  additional_error_details?: Record<string, unknown>;
}

/** `POST /auth/v1/token` (§4.2). */
export interface PinelabsTokenAnswer {
  access_token: string;
  expires_at: string;
}

/**
 * The create-request rules of the seed (shared/seeds/pinelabs-create-payment-link.md) and the official
 * integrations' checks (providers.md §4.4): amount `{value: int, currency}`, a 1–50 character
 * `[A-Za-z0-9_-]` reference, `pre_auth`/`is_mcc_transaction` as the strings "true"/"false", at most 10 metadata
 * pairs of 256 characters. Cross-field and clock rules (amount limits, expiry window) live in links.ts.
 */
import { z } from 'zod';
import { PinelabsError } from './errors.ts';

const Amount = z.strictObject({
  value: z.int('value must be an integer number of paise'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be a three-letter ISO 4217 code'),
});
const Address = z.object({
  address1: z.string().optional(),
  address2: z.string().optional(),
  address3: z.string().optional(),
  pincode: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  country: z.string().optional(),
});
const StringBoolean = z.enum(['true', 'false'], 'must be the string "true" or "false"');

export const PinelabsCreateLinkRequest = z.object({
  amount: Amount,
  merchant_payment_link_reference: z
    .string('merchant_payment_link_reference is required')
    .regex(/^[A-Za-z0-9_-]{1,50}$/, 'merchant_payment_link_reference must be 1 to 50 letters, digits, _ or -'),
  description: z.string().max(2048).optional(),
  expire_by: z.string().optional(),
  allowed_payment_methods: z.array(z.enum(['CARD', 'UPI', 'POINTS', 'NETBANKING', 'WALLET', 'CREDIT_EMI', 'DEBIT_EMI'])).optional(),
  pre_auth: StringBoolean.optional(),
  is_mcc_transaction: StringBoolean.optional(),
  failure_callback_url: z.url({ protocol: /^https?$/ }).optional(),
  callback_url: z.url({ protocol: /^https?$/ }).optional(),
  customer: z
    .object({
      email_id: z.email().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      customer_id: z.string().optional(),
      mobile_number: z.string().regex(/^\d{6,15}$/, 'mobile_number must be digits').optional(),
      country_code: z.string().regex(/^\d{1,4}$/, 'country_code must be digits').optional(),
      billing_address: Address.optional(),
      shipping_address: Address.optional(),
      merchant_customer_reference: z.string().optional(),
      gstin: z.string().optional(),
    })
    .optional(),
  product_details: z.array(z.object({ product_code: z.string().optional(), product_amount: Amount.optional() }).loose()).optional(),
  cart_coupon_discount_amount: Amount.optional(),
  merchant_metadata: z
    .record(z.string(), z.string().max(256, 'merchant_metadata values are at most 256 characters'))
    .refine((m) => Object.keys(m).length <= 10, 'merchant_metadata takes at most 10 pairs')
    .optional(),
  split_info: z.unknown().optional(),
  account_details: z.unknown().optional(),
  part_payment: z.boolean('part_payment must be a boolean').optional(),
  cart_details: z.unknown().optional(),
});
export type PinelabsCreateLinkRequest = z.infer<typeof PinelabsCreateLinkRequest>;

/** Parses a request body, answering Pine Labs' INVALID_REQUEST naming the first field at fault. */
export function parsePinelabsCreate(body: unknown): PinelabsCreateLinkRequest {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new PinelabsError(400, 'INVALID_REQUEST', 'The request body must be a JSON object');
  }
  const parsed = PinelabsCreateLinkRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  throw new PinelabsError(400, 'INVALID_REQUEST', `${field}: ${issue.message}`, { field });
}

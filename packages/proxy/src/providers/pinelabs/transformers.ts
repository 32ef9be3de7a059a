/**
 * Pine Labs Online (Plural v2) wire types and conversions: payment links, the token answer, order webhooks.
 * Source: shared/providers.md §4; seed shared/seeds/pinelabs-create-payment-link.md;
 * https://developer.pinelabsonline.com/reference/pay-by-links-object
 *
 * Pine Labs speaks integer minor units inside `{value, currency}` already (seed: "Amount in the smallest currency
 * unit"), so amounts pass through unchanged; the adapter only checks the limits.
 */
import { z } from 'zod';
import type { Customer, LinkStatus } from '../../contract.ts';
import { type AmountPolicy, toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';

/**
 * Integer paise, INR only, ₹1.00 to ₹10,00,000.00 per link: n8n `VALIDATION_LIMITS` and MCP
 * `Amount(ge=100, le=100_000_000)` (providers.md §4.4).
 */
export const PINELABS_AMOUNTS: AmountPolicy<'minor'> = { label: 'Pine Labs', unit: 'minor', currencies: ['INR'], min: 100, max: 100_000_000 };

/** Every status the get/cancel/notify references list (providers.md §4.5). */
export const PinelabsLinkStatus = z.enum([
  'CREATED',
  'CLICKED',
  'PAYMENT_INITIATED',
  'PARTIAL_PROCESSED',
  'PROCESSED',
  'EXPIRED',
  'CANCELLED',
]);
export type PinelabsLinkStatus = z.infer<typeof PinelabsLinkStatus>;

export const PinelabsAmount = z.object({ value: z.number().int().nonnegative(), currency: z.string() });
export type PinelabsAmount = z.infer<typeof PinelabsAmount>;

/**
 * The fields we read of the payment link object. The hosted URL is `payment_link` in the docs' object; the
 * official MCP's tests use `short_url`, so either is accepted. `expire_by` comes with and without seconds
 * (`2025-03-21T08:29Z` in the object sample, `…13:26:06.909140Z` in the create example). `status` is any word:
 * one outside `PinelabsLinkStatus` reads as pending and is logged (status-words.ts), instead of failing the read.
 */
export const PinelabsPaymentLink = z
  .object({
    payment_link_id: z.string().min(1),
    payment_link: z.url().nullish(),
    short_url: z.url().nullish(),
    status: z.string().min(1),
    amount: PinelabsAmount,
    amount_due: PinelabsAmount.nullish(),
    order_id: z.string().nullish(),
    merchant_payment_link_reference: z.string().nullish(),
    expire_by: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
  })
  .refine((link) => Boolean(link.payment_link ?? link.short_url), { error: 'a payment_link URL', path: ['payment_link'] });
export type PinelabsPaymentLink = z.infer<typeof PinelabsPaymentLink>;

/** `GET …/ref/{reference}` answers one link object (official MCP); an array or a `data` wrapper is tolerated. */
export const PinelabsPaymentLinkLookup = z.union([
  PinelabsPaymentLink.transform((link) => [link]),
  z.array(PinelabsPaymentLink),
  z.object({ data: z.union([PinelabsPaymentLink.transform((link) => [link]), z.array(PinelabsPaymentLink)]) }).transform((w) => w.data),
]);

/**
 * `POST /auth/v1/token` (providers.md §4.2): `{access_token, expires_at}` with an absolute ISO time. `expires_in`
 * (seconds) is accepted too, since Juspay's connector allows for it.
 */
export const PinelabsTokenResponse = z
  .object({
    access_token: z.string().min(1).max(8192),
    expires_at: z.string().nullish(),
    expires_in: z.number().positive().nullish(),
  })
  .loose();
export type PinelabsTokenResponse = z.infer<typeof PinelabsTokenResponse>;

/**
 * Error bodies: the API's `{code, message, additional_error_details}` (§4.7; the MCP reads
 * `additionalErrorPayload`), and the token endpoint's `{error, error_description}` or `{status, type, message}`.
 */
export const PinelabsErrorBody = z
  .object({
    code: z.string().optional(),
    error: z.string().optional(),
    type: z.string().optional(),
    message: z.string().optional(),
  })
  .loose();

/**
 * An order webhook as the official WooCommerce plugin reads it (§4.6):
 * `{"event_type":"ORDER_PROCESSED","data":{"order_id","merchant_order_reference","status",…}}`.
 * `payment_link_id` is not documented; it is read when present.
 */
export const PinelabsWebhookEnvelope = z
  .object({
    event_type: z.string().min(1),
    data: z
      .object({
        order_id: z.string().nullish(),
        merchant_order_reference: z.string().nullish(),
        payment_link_id: z.string().nullish(),
        status: z.string().nullish(),
      })
      .loose(),
  })
  .loose();
export type PinelabsWebhookEnvelope = z.infer<typeof PinelabsWebhookEnvelope>;

/** One exhaustive mapping (providers.md §6); a new Pine Labs status fails the build here, not at run time. */
export function mapPinelabsStatus(status: PinelabsLinkStatus): LinkStatus {
  switch (status) {
    case 'CREATED':
    case 'CLICKED':
    case 'PAYMENT_INITIATED':
      return 'pending';
    case 'PARTIAL_PROCESSED':
      return 'partially_paid';
    case 'PROCESSED':
      return 'paid';
    case 'EXPIRED':
      return 'expired';
    case 'CANCELLED':
      return 'cancelled';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export function toPinelabsPaymentLinkRequest(input: CreateLinkInput, expireBy: Date) {
  return {
    amount: { value: toProviderAmount(PINELABS_AMOUNTS, input.amount), currency: input.amount.currency },
    merchant_payment_link_reference: input.reference,
    description: input.description,
    expire_by: expireBy.toISOString(),
    // One payment for the whole amount: the widget sells one thing at one price.
    part_payment: false,
    ...(input.customer && { customer: toPinelabsCustomer(input.customer) }),
    // No failure_callback_url: the seed says the buyer then returns to callback_url in both cases, which is
    // what the widget wants (it reads the status itself).
    ...(input.returnUrl && { callback_url: input.returnUrl }),
  };
}

/**
 * Our `{name, email, contact}` → Pine Labs' customer. The name is split at its first space. A contact written
 * with a leading `+` and more than ten digits is split into `country_code` and a ten-digit `mobile_number` (the
 * Indian layout of every example: `"91"` + `"9876543210"`); anything else goes in `mobile_number` as digits.
 */
export function toPinelabsCustomer(customer: Customer) {
  const [first, ...rest] = (customer.name ?? '').trim().split(/\s+/).filter(Boolean);
  const digits = customer.contact?.replace(/\D/g, '') ?? '';
  const international = customer.contact?.trim().startsWith('+') && digits.length > 10;
  return {
    ...(customer.email && { email_id: customer.email }),
    ...(first && { first_name: first }),
    ...(rest.length > 0 && { last_name: rest.join(' ') }),
    ...(digits && (international ? { country_code: digits.slice(0, -10), mobile_number: digits.slice(-10) } : { mobile_number: digits })),
  };
}

export function fromPinelabsPaymentLink(link: PinelabsPaymentLink, readWord: StatusWordReader): ProviderLinkState {
  const word = readWord(link.status, PinelabsLinkStatus.options);
  const status = word ? mapPinelabsStatus(word) : UNKNOWN_STATUS_READING;
  return {
    providerLinkId: link.payment_link_id,
    url: (link.payment_link ?? link.short_url)!,
    status,
    amountPaid: amountPaid(link, status),
    expiresAt: isoOrNull(link.expire_by),
    paidAt: status === 'paid' ? isoOrNull(link.updated_at) : null,
    providerStatus: link.status,
    ...(link.merchant_payment_link_reference && { reference: link.merchant_payment_link_reference }),
    amount: { value: link.amount.value, currency: link.amount.currency },
    // Order webhooks name the order, not the link (providers.md §4.6): the core keeps this id to find the link by.
    ...(link.order_id && { aliases: [link.order_id] }),
  };
}

/**
 * Paid so far: the whole amount once PROCESSED; otherwise `amount − amount_due` when the link says what is due
 * ([INFERENCE] §4.5: `amount_due` falls as part payments land), else nothing.
 */
function amountPaid(link: PinelabsPaymentLink, status: LinkStatus): number {
  if (status === 'paid') return link.amount.value;
  if (!link.amount_due || link.amount_due.currency !== link.amount.currency) return 0;
  return Math.min(link.amount.value, Math.max(0, link.amount.value - link.amount_due.value));
}

/** ISO 8601 in any precision Pine Labs uses (minutes, milliseconds, microseconds) → canonical ISO, or null. */
export function isoOrNull(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * Razorpay wire types and conversions, current Payment Links API (`/v1/payment_links`).
 * Source: shared/providers.md §5 (razorpay/markdown-docs api/payments/payment-links/*, webhooks/payment-links.md).
 *
 * Razorpay speaks integer minor units already, so amounts pass through unchanged once `RAZORPAY_AMOUNTS` says
 * Razorpay can take them.
 */
import { z } from 'zod';
import type { LinkStatus } from '../../contract.ts';
import { type AmountPolicy, toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';

/**
 * Integer minor units, any currency Razorpay supports; three-decimal currencies (KWD, BHD, OMR) only to two
 * decimals, "the last digit must be 0" (create-standard.md `amount`; invoices/entity.md "Watch Out!"). Both APIs.
 */
export const RAZORPAY_AMOUNTS: AmountPolicy<'minor'> = { label: 'Razorpay', unit: 'minor', decimals: { exponent: { 3: 2 } } };

export const RazorpayLinkStatus = z.enum(['created', 'partially_paid', 'paid', 'expired', 'cancelled']);
export type RazorpayLinkStatus = z.infer<typeof RazorpayLinkStatus>;

/**
 * The fields we read of the payment link entity; everything else is ignored, never cast. `status` is any word:
 * one Razorpay adds later reads as pending and is logged (status-words.ts), instead of failing every read.
 */
export const RazorpayPaymentLink = z.object({
  id: z.string().min(1),
  short_url: z.url(),
  status: z.string().min(1),
  amount: z.number().int(),
  amount_paid: z.number().int().nonnegative().nullish(),
  currency: z.string(),
  reference_id: z.string().nullish(),
  expire_by: z.number().int().nullish(),
  expired_at: z.number().int().nullish(),
  cancelled_at: z.number().int().nullish(),
  updated_at: z.number().int().nullish(),
  // `payments` is null or [] before payment (entity.md); only captured payments are listed.
  payments: z
    .array(z.object({ payment_id: z.string(), amount: z.number().int(), created_at: z.number().int().nullish() }))
    .nullish(),
});
export type RazorpayPaymentLink = z.infer<typeof RazorpayPaymentLink>;

/** List wrapper: believed to be `payment_links` (UNCONFIRMED in providers.md §5.3); `items` accepted too. */
export const RazorpayPaymentLinkList = z
  .object({ payment_links: z.array(RazorpayPaymentLink).optional(), items: z.array(RazorpayPaymentLink).optional() })
  .transform((list) => list.payment_links ?? list.items ?? []);

export const RazorpayWebhookEnvelope = z.object({
  event: z.string(),
  created_at: z.number().int().optional(),
  payload: z
    .object({
      payment_link: z.object({ entity: RazorpayPaymentLink }).optional(),
      payment: z.object({ entity: z.object({ id: z.string() }).loose() }).optional(),
    })
    .loose(),
});

export const RazorpayErrorBody = z.object({
  error: z.object({ code: z.string().optional(), description: z.string().optional(), field: z.string().nullish() }),
});

/** One exhaustive mapping; a new Razorpay status fails the build here, not at run time. */
export function mapRazorpayStatus(status: RazorpayLinkStatus): LinkStatus {
  switch (status) {
    case 'created':
      return 'pending';
    case 'partially_paid':
      return 'partially_paid';
    case 'paid':
      return 'paid';
    case 'expired':
      return 'expired';
    case 'cancelled':
      return 'cancelled';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export function toRazorpayPaymentLinkRequest(input: CreateLinkInput) {
  return {
    amount: toProviderAmount(RAZORPAY_AMOUNTS, input.amount),
    currency: input.amount.currency,
    accept_partial: false,
    reference_id: input.reference,
    description: input.description.slice(0, 2048),
    expire_by: Math.floor(input.expiresAt.getTime() / 1000),
    ...(input.customer && { customer: input.customer }),
    // We notify nobody: the buyer is on the page already.
    notify: { sms: false, email: false },
    reminder_enable: false,
    ...(input.returnUrl && { callback_url: input.returnUrl, callback_method: 'get' as const }),
  };
}

export function fromRazorpayPaymentLink(link: RazorpayPaymentLink, readWord: StatusWordReader): ProviderLinkState {
  const word = readWord(link.status, RazorpayLinkStatus.options);
  const status = word ? mapRazorpayStatus(word) : UNKNOWN_STATUS_READING;
  const paidAtSeconds =
    status === 'paid' ? Math.max(0, ...(link.payments ?? []).map((p) => p.created_at ?? 0)) || link.updated_at : undefined;
  return {
    providerLinkId: link.id,
    url: link.short_url,
    status,
    amountPaid: link.amount_paid ?? 0,
    expiresAt: link.expire_by ? new Date(link.expire_by * 1000).toISOString() : null,
    paidAt: paidAtSeconds ? new Date(paidAtSeconds * 1000).toISOString() : null,
    providerStatus: link.status,
    ...(link.reference_id && { reference: link.reference_id }),
    amount: { value: link.amount, currency: link.currency },
  };
}

/**
 * Razorpay wire types and conversions, legacy Payment Links API: `/v1/invoices` with `type=link` (the seed,
 * shared/seeds/razorpay-payment-links.txt; shared/providers.md §5.4, §5.6).
 *
 * A legacy payment link is an invoice entity ("Payment Link is a solution on our existing Invoices system",
 * seed), so the entity, its statuses and the list wrapper are the Invoices API's
 * (razorpay/markdown-docs api/payments/invoices/entity.md, fetch-all.md). Amounts are integer minor units, as
 * inside pay-link, so they pass through unchanged (checked against `RAZORPAY_AMOUNTS`).
 */
import { z } from 'zod';
import type { LinkStatus } from '../../contract.ts';
import { toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';
import { RAZORPAY_AMOUNTS } from './transformers.ts';

/** Invoice statuses (api/payments/invoices/entity.md). A link is created `issued`; `draft` needs `draft=1`. */
export const RazorpayInvoiceStatus = z.enum(['draft', 'issued', 'partially_paid', 'paid', 'cancelled', 'expired', 'deleted']);
export type RazorpayInvoiceStatus = z.infer<typeof RazorpayInvoiceStatus>;

/**
 * The fields we read of the invoice entity. The docs' samples put `null` in most of them at some point
 * (`short_url`, `receipt`, `amount_paid`, `expire_by` in fetch-all.md and cancel.md), so all but the identity
 * are nullable. `status` is any word: one Razorpay adds later reads as pending and is logged (status-words.ts).
 */
export const RazorpayInvoice = z.object({
  id: z.string().min(1),
  /** `link`, `invoice` or `ecod`; only `link` is ours. */
  type: z.string().nullish(),
  short_url: z.url().nullish(),
  status: z.string().min(1),
  amount: z.number().int(),
  amount_paid: z.number().int().nonnegative().nullish(),
  amount_due: z.number().int().nullish(),
  currency: z.string().nullish(),
  receipt: z.string().nullish(),
  expire_by: z.number().int().nullish(),
  expired_at: z.number().int().nullish(),
  cancelled_at: z.number().int().nullish(),
  paid_at: z.number().int().nullish(),
  payment_id: z.string().nullish(),
});
export type RazorpayInvoice = z.infer<typeof RazorpayInvoice>;

/**
 * List wrapper: `{"entity":"collection","count":n,"items":[…]}` per the Invoices API (fetch-all.md; razorpay-node
 * types/invoices.d.ts `all()`). The seed shows no sample for payment links, so `invoices` is accepted too.
 */
export const RazorpayInvoiceList = z
  .object({ items: z.array(RazorpayInvoice).optional(), invoices: z.array(RazorpayInvoice).optional() })
  .transform((list) => list.items ?? list.invoices ?? []);

/** `invoice.paid` carries `payment`, `order` and `invoice`; `invoice.expired` the invoice (webhooks/payloads/invoices). */
export const RazorpayInvoiceWebhookPayload = z.object({ invoice: z.object({ entity: RazorpayInvoice }).optional() }).loose();

/** One exhaustive mapping (providers.md §6); a new invoice status fails the build here, not at run time. */
export function mapRazorpayInvoiceStatus(status: RazorpayInvoiceStatus): LinkStatus {
  switch (status) {
    case 'draft':
    case 'issued':
      return 'pending';
    case 'partially_paid':
      return 'partially_paid';
    case 'paid':
      return 'paid';
    case 'expired':
      return 'expired';
    case 'cancelled':
    case 'deleted':
      return 'cancelled';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/**
 * The seed's create body. There is no callback URL in the legacy API, so `input.returnUrl` cannot be passed on:
 * the buyer stays on Razorpay's page after paying.
 */
export function toRazorpayInvoiceRequest(input: CreateLinkInput) {
  return {
    type: 'link' as const,
    amount: toProviderAmount(RAZORPAY_AMOUNTS, input.amount),
    currency: input.amount.currency,
    description: input.description.slice(0, 2048),
    ...(input.customer && { customer: input.customer }),
    // "Must be a unique number for each Payment Link" (seed): our reference is unique per link.
    receipt: input.reference,
    expire_by: Math.floor(input.expiresAt.getTime() / 1000),
    // 0 = we handle notifications, i.e. nobody is notified: the buyer is on the page already.
    sms_notify: 0 as const,
    email_notify: 0 as const,
    partial_payment: 0 as const,
  };
}

export function fromRazorpayInvoice(invoice: RazorpayInvoice, readWord: StatusWordReader): ProviderLinkState {
  const word = readWord(invoice.status, RazorpayInvoiceStatus.options);
  const status = word ? mapRazorpayInvoiceStatus(word) : UNKNOWN_STATUS_READING;
  // `amount_paid` is null in some samples (cancel.md); a paid invoice has then been paid in full.
  const amountPaid = invoice.amount_paid ?? (status === 'paid' ? invoice.amount : 0);
  return {
    providerLinkId: invoice.id,
    url: invoice.short_url ?? '',
    status,
    amountPaid,
    expiresAt: invoice.expire_by ? new Date(invoice.expire_by * 1000).toISOString() : null,
    paidAt: status === 'paid' && invoice.paid_at ? new Date(invoice.paid_at * 1000).toISOString() : null,
    providerStatus: invoice.status,
    // Our reference travels as `receipt` in this API (toRazorpayInvoiceRequest).
    ...(invoice.receipt && { reference: invoice.receipt }),
    // "currency: default INR" (seed create parameters), so an invoice that names none is in INR.
    amount: { value: invoice.amount, currency: invoice.currency ?? 'INR' },
  };
}

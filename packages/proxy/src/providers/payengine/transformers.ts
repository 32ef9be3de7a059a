/**
 * PayEngine (payengine.co) wire types and conversions for Payment Links.
 * Source: shared/providers.md §3 and the seed (docs.payengine.co/payengine-api-v2.5/transactions/payment-links/*).
 *
 * PayEngine speaks decimal strings in major units ("12.50" dollars), so this file is where minor units become
 * dollars and back, exactly (money.ts), never through floating point. Much of the wire format is UNCONFIRMED
 * (providers.md §9), so every reader here accepts both plausible readings; see the header of payengine.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LinkStatus } from '../../contract.ts';
import { parseMajorString } from '../../money.ts';
import { type AmountPolicy, toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';

/** The documented `payment_link_status` enum (seed; providers.md §3.5). */
export const PayEngineLinkStatus = z.enum(['ACTIVE', 'INACTIVE', 'COMPLETED', 'CANCELLED']);
export type PayEngineLinkStatus = z.infer<typeof PayEngineLinkStatus>;

/** The docs write the enum in capitals; a lower-case answer would be the same word, not a new status. */
export const spellPayEngineStatus = (raw: string) => raw.trim().toUpperCase();

/** `"12.50"` per the field table, `12.50` per the seed's own example: both are read. */
const PayEngineDecimal = z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? String(v) : v.trim()));

/**
 * A date as PayEngine may write it: `"20221115"` (the seed's example), `"2022-11-15"`, an ISO 8601 instant, or a
 * unix timestamp (the webhook sample says `<end timestamp>`). Kept raw; `parsePayEngineDate` interprets it.
 */
const PayEngineDate = z.union([z.string(), z.number()]).nullish();

/**
 * The fields we read of the payment link object (create, details, list items, webhook `data`). The status is any
 * word: one outside `PayEngineLinkStatus` reads as pending and is logged (status-words.ts), never refused.
 */
export const PayEnginePaymentLink = z
  .object({
    payment_link_id: z.union([z.string().min(1), z.number()]).transform(String),
    // The API answers `payment_link_url`; the webhook sample says `payment_url` (providers.md §3.6).
    payment_link_url: z.string().nullish(),
    payment_url: z.string().nullish(),
    payment_link_status: z.string().min(1),
    merchant_id: z.string().nullish(),
    amount: PayEngineDecimal.nullish(),
    cc_amount: PayEngineDecimal.nullish(),
    ach_amount: PayEngineDecimal.nullish(),
    currency_code: z.string().nullish(),
    start_date: PayEngineDate,
    end_date: PayEngineDate,
    created_at: PayEngineDate,
    updated_at: PayEngineDate,
    internal_transaction_id: z.string().nullish(),
    slug_id: z.string().nullish(),
  })
  .loose();
export type PayEnginePaymentLink = z.infer<typeof PayEnginePaymentLink>;

/**
 * Create and details answer the link object; whether bare or as `{data: {…}}` is UNCONFIRMED (providers.md §3.3),
 * so both are read.
 */
export const PayEngineLinkResponse = z.union([
  PayEnginePaymentLink,
  z.object({ data: PayEnginePaymentLink }).transform((wrapped) => wrapped.data),
]);

/** List: `{data: [...], <pagination meta>}` per the docs; a bare array is read too. */
export const PayEngineLinkList = z.union([
  z.object({ data: z.array(PayEnginePaymentLink) }).loose().transform((list) => list.data),
  z.array(PayEnginePaymentLink),
]);

/** Cancel answers `{success, message}` (cancel-payment-link page). A link object is tolerated as well. */
export const PayEngineCancelResponse = z.union([
  z.object({ success: z.boolean() }).loose().transform((ack) => ({ kind: 'ack' as const, success: ack.success })),
  PayEngineLinkResponse.transform((link) => ({ kind: 'link' as const, link })),
]);

export const PayEngineWebhookEnvelope = z.object({
  event_uid: z.string().min(1).optional(),
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()).default({}),
});

/** Error bodies seen or documented: `{error: true, message}` (3P), `{success: false, message}` (cancel docs). */
export const PayEngineErrorBody = z
  .object({
    code: z.union([z.string(), z.number()]).optional(),
    error: z.union([z.string(), z.boolean(), z.object({ code: z.string().optional(), message: z.string().optional() }).loose()]).optional(),
    message: z.string().optional(),
  })
  .loose();

/** A short code for logs from an error body: the code if any, else the message's first words. */
export function describePayEngineError(body: unknown): string | undefined {
  const parsed = PayEngineErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const { code, error, message } = parsed.data;
  if (code !== undefined) return String(code);
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') return error.code ?? error.message?.slice(0, 60);
  return message?.slice(0, 60);
}

/** One exhaustive mapping (providers.md §6); a new PayEngine status fails the build here, not at run time. */
export function mapPayEngineStatus(status: PayEngineLinkStatus, link: Pick<PayEnginePaymentLink, 'start_date' | 'end_date'>, nowMs: number): LinkStatus {
  switch (status) {
    case 'ACTIVE':
      return 'pending';
    case 'INACTIVE': {
      // "Payment link will become INACTIVE after this date" (seed, `end_date`); before `start_date` it is
      // presumably INACTIVE too (providers.md §3.5, INFERENCE), which is "not yet started", still pending.
      const end = parsePayEngineDate(link.end_date, 'end');
      if (end !== undefined && nowMs >= end) return 'expired';
      const start = parsePayEngineDate(link.start_date, 'start');
      if (start !== undefined && nowMs < start) return 'pending';
      // INACTIVE with its window open by our clock: a date-only `end_date` ends at PayEngine's midnight, whose
      // time zone is UNCONFIRMED, and pay-link never sends a `start_date`. Not payable, not starting: expired.
      return 'expired';
    }
    case 'COMPLETED':
      // A one_time_only link (the default, and what we send) that received its successful payment (§3.5).
      return 'paid';
    case 'CANCELLED':
      return 'cancelled';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/**
 * Epoch ms of a PayEngine date, or undefined when absent or unreadable. A date without a time stands for the
 * whole day (UTC): as a `start` it begins at 00:00, as an `end` it lasts until the next midnight, since the link
 * "will become INACTIVE after this date".
 */
export function parsePayEngineDate(value: string | number | null | undefined, edge: 'start' | 'end'): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  const dateOnly = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
    return edge === 'start' ? start : start + 24 * 60 * 60_000;
  }
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{12,13}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How `end_date` is written on create and update: the seed's `YYYYMMDD` (default) or an ISO 8601 instant. */
export type PayEngineDateFormat = 'yyyymmdd' | 'iso8601';

/**
 * The `end_date` for an expiry. With `yyyymmdd` the link lives through the UTC day of `expiresAt`, so it never
 * ends before pay-link's own expiry; it may outlive it by up to a day, which the returned `end_date` states.
 */
export function toPayEngineEndDate(expiresAt: Date, format: PayEngineDateFormat): string {
  if (format === 'iso8601') return expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return expiresAt.toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * A decimal string of dollars, at most 12 characters of [0-9.] (seed, `data.amount`). The field "always reflects
 * the total dollar amount … 0.10 will be 10 cents" (seed), i.e. two decimals: a currency with another exponent
 * (JPY, KWD) would be misread, so it is refused.
 */
export const PAYENGINE_AMOUNTS: AmountPolicy<'major-string'> = { label: 'PayEngine', unit: 'major-string', exponents: [2], maxChars: 12 };

/** Minor units → PayEngine's dollar string, refusing what `PAYENGINE_AMOUNTS` says PayEngine cannot take. */
export function toPayEngineAmount(input: CreateLinkInput['amount']): string {
  return toProviderAmount(PAYENGINE_AMOUNTS, input);
}

/**
 * `slug_id` "has to be unique in PayEngine environment" (seed). Derived from our reference, so it is unique per
 * link and a create retried with the same reference collides instead of minting a second link. Lower-case hex
 * with a fixed prefix: safe in a URL path whatever characters PayEngine allows (UNCONFIRMED).
 */
export function toPayEngineSlug(reference: string): string {
  return `paylink-${createHash('sha256').update(reference).digest('hex').slice(0, 24)}`;
}

export function toPayEngineCreateRequest(input: CreateLinkInput, merchantId: string, dateFormat: PayEngineDateFormat) {
  const metadata: Record<string, string> = { pay_link_reference: input.reference };
  if (input.customer?.name) metadata.customer_name = input.customer.name;
  if (input.customer?.email) metadata.email = input.customer.email;
  if (input.customer?.contact) metadata.phone = input.customer.contact;
  return {
    merchant_id: merchantId,
    data: {
      use_same_amount: true,
      amount: toPayEngineAmount(input.amount),
      currency_code: input.amount.currency,
      // One purchase, one payment: COMPLETED then means paid (providers.md §3.5). Also PayEngine's default.
      one_time_only: true,
      end_date: toPayEngineEndDate(input.expiresAt, dateFormat),
      description: input.description.slice(0, 500),
      slug_id: toPayEngineSlug(input.reference),
      internal_transaction_id: input.reference,
      metadata,
      // No return/success URL field is documented for payment links: `input.returnUrl` cannot be passed on.
    },
  };
}

export function fromPayEnginePaymentLink(link: PayEnginePaymentLink, nowMs: number, readWord: StatusWordReader): ProviderLinkState {
  const word = readWord(link.payment_link_status, PayEngineLinkStatus.options, spellPayEngineStatus);
  const status = word ? mapPayEngineStatus(word, link, nowMs) : UNKNOWN_STATUS_READING;
  const currency = (link.currency_code ?? 'USD').toUpperCase();
  const amountText = link.amount ?? link.cc_amount ?? link.ach_amount;
  const amount = amountText === null || amountText === undefined ? undefined : parseMajorString(amountText, currency);
  const end = parsePayEngineDate(link.end_date, 'end');
  const updated = parsePayEngineDate(link.updated_at, 'start');
  return {
    providerLinkId: link.payment_link_id,
    url: link.payment_link_url ?? link.payment_url ?? '',
    status,
    // PayEngine reports no amount paid; a COMPLETED one-time link was paid in full.
    amountPaid: status === 'paid' ? (amount ?? 0) : 0,
    expiresAt: end === undefined ? null : new Date(end).toISOString(),
    paidAt: status === 'paid' && updated !== undefined ? new Date(updated).toISOString() : null,
    providerStatus: link.payment_link_status,
    // Our reference travels as `internal_transaction_id` (toPayEngineCreateRequest), echoed on the link and its events.
    ...(link.internal_transaction_id && { reference: link.internal_transaction_id }),
    ...(amount !== undefined && { amount: { value: amount, currency } }),
  };
}

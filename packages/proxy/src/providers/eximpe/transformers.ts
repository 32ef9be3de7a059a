/**
 * EximPe wire types and conversions, Payment Links API (`/pg/payment-links/`).
 * Source: shared/providers.md §1 (seed `eximpe-payment-links.txt`; https://docs.eximpe.com/api-reference/v1/payment-link/*).
 *
 * EximPe speaks decimal major units as a string (`"1500.00"`, the v1 seed), INR only ("Currently supports INR").
 * The payment-link status enum is not published (§1.5, §9): `EximPeLinkStatus` is the closed set of words this
 * adapter knows (the seed's `ACTIVE`, the words the docs use for payments and orders, and the words the docs use
 * for a deactivated link), and anything else becomes `UNKNOWN`, which reads as pending (expired once past
 * `expiry_date`, like every payable word) and is logged once (status-words.ts, decision 0010).
 *
 * Payment time of a paid link: the link reference documents none. We read `payment_completed_at` (the payment's
 * field in the webhooks, §1.6), else `updated_at` (the order status object's, §1.3: a paid link's last change is
 * its capture until it settles), both only when present; without either, the webhook's claim supplies it.
 */
import { z } from 'zod';
import type { LinkStatus, Money } from '../../contract.ts';
import { parseMajorString } from '../../money.ts';
import { type AmountPolicy, toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';

/** Every link-status word the adapter knows, upper-cased; `UNKNOWN` stands for any other. */
export const EximPeLinkStatus = z.enum([
  // Payable: the seed's ACTIVE, and the pre-payment words the 3P playground styles (§1.5).
  'ACTIVE',
  'CREATED',
  'INITIATED',
  'PENDING',
  // A payment attempt failed: the link stays payable (§6 notes).
  'FAILED',
  'REJECTED',
  // Paid: payment `captured`, order `payment_successful`, the playground's `paid`/`success`/`settled` (§1.5).
  'PAID',
  'SUCCESS',
  'CAPTURED',
  'PAYMENT_SUCCESSFUL',
  'COMPLETED',
  'SETTLED',
  // After our deactivate: "the link will show an 'Expired' or 'Inactive' message" (§1.5).
  'INACTIVE',
  'DEACTIVATED',
  'CANCELLED',
  'EXPIRED',
  'UNKNOWN',
]);
export type EximPeLinkStatus = z.infer<typeof EximPeLinkStatus>;

/** The words a provider answer can match; `UNKNOWN` is ours, so a link that says "unknown" is reported too. */
const KNOWN_WORDS = EximPeLinkStatus.exclude(['UNKNOWN']).options;

const ALIASES: Readonly<Record<string, string>> = { CANCELED: 'CANCELLED', SUCCESSFUL: 'SUCCESS' };

/** `"active"`, `"Payment Successful"`, `"payment-successful"` → `ACTIVE`, `PAYMENT_SUCCESSFUL`. */
export function spellEximPeStatus(raw: string): string {
  const word = raw.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return ALIASES[word] ?? word;
}

/** The known word `raw` spells, or `UNKNOWN` (which `readWord` has reported). */
export function classifyEximPeStatus(raw: string, readWord: StatusWordReader): EximPeLinkStatus {
  return readWord(raw, KNOWN_WORDS, spellEximPeStatus) ?? 'UNKNOWN';
}

/** Amounts arrive as a string (v1, responses), a number (v2 example) or, in list results, `{amount, total_amount, currency}`. */
const EximPeAmount = z.union([
  z.string(),
  z.number(),
  z.object({ amount: z.union([z.string(), z.number()]).nullish(), total_amount: z.union([z.string(), z.number()]).nullish(), currency: z.string().nullish() }),
]);

const isoDate = z.string().min(1);

/**
 * A payment link as retrieve and list answer it. The identifier is `payment_id` (`PR…`) in the API reference and
 * `link_id` (`pl_…`) in the seed (§1.3); both are read, `payment_id` first, because the retrieve path's own
 * example and the webhooks use the `PR…` id.
 */
export const EximPePaymentLink = z
  .object({
    payment_id: z.string().min(1).nullish(),
    link_id: z.string().min(1).nullish(),
    reference_id: z.string().nullish(),
    amount: EximPeAmount.nullish(),
    currency: z.string().nullish(),
    payment_link: z.string().nullish(),
    status: z.string().min(1),
    status_message: z.string().nullish(),
    expiry_date: isoDate.nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    payment_completed_at: z.string().nullish(),
    buyer: z.object({ email: z.string().nullish(), phone: z.string().nullish() }).loose().nullish(),
  })
  .loose()
  .refine((link) => Boolean(link.payment_id || link.link_id), { error: 'a payment_id or link_id' });
export type EximPePaymentLink = z.infer<typeof EximPePaymentLink>;

/** Create answers less than retrieve: the seed has `link_id, payment_link, status, expiry_date`; the v2 reference `payment_id, payment_link, amount, currency`. */
export const EximPeCreatedLink = z
  .object({
    payment_id: z.string().min(1).nullish(),
    link_id: z.string().min(1).nullish(),
    payment_link: z.url({ protocol: /^https?$/ }),
    status: z.string().nullish(),
    expiry_date: isoDate.nullish(),
    amount: EximPeAmount.nullish(),
    currency: z.string().nullish(),
  })
  .loose()
  .refine((link) => Boolean(link.payment_id || link.link_id), { error: 'a payment_id or link_id' });
export type EximPeCreatedLink = z.infer<typeof EximPeCreatedLink>;

/** `{success, message, data}`; `success` is sometimes left out of examples, so only `false` is refused (see `EximPeFailure`). */
export const eximpeEnvelope = <T extends z.ZodType>(data: T) =>
  z.object({ success: z.literal(true).optional(), message: z.string().nullish(), data });

/** What deactivate, extend_expiry and share answer: `{success, message}`. */
export const EximPeAck = z.object({ success: z.boolean(), message: z.string().nullish() }).loose();

export const EximPeList = eximpeEnvelope(
  z.object({ count: z.number().int().nullish(), next: z.string().nullish(), previous: z.string().nullish(), results: z.array(z.unknown()) }),
);

/**
 * The error body, as the 3P playground reads it (§1.7): `{"success": false, "error": {"code": "ERR_ORDER_002",
 * "message": "Validation error", "details": {…}}}`; a bare `{"success": false, "message": …}` is accepted too.
 */
export const EximPeErrorBody = z.object({
  success: z.literal(false).optional(),
  message: z.string().nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).loose().nullish(),
});

/**
 * One webhook delivery (§1.6). v1 (seed): `event_time` "2024-02-15 16:53:15", `version` "1.0"; v2: ISO time,
 * `version` "2.0.0". The payment-link id is not a documented field: the adapter reads `payment_link_id` or
 * `link_id` if EximPe sends them, else `payment_id` (the `PR…` id the link object also carries, §1.6 inference).
 */
export const EximPeWebhook = z.object({
  event_type: z.string().min(1),
  event_time: z.string().nullish(),
  version: z.string().nullish(),
  sequence_number: z.string().min(1).nullish(),
  data: z
    .object({
      payment_link_id: z.string().min(1).nullish(),
      link_id: z.string().min(1).nullish(),
      payment_id: z.string().min(1).nullish(),
      order_id: z.string().nullish(),
      reference_id: z.string().nullish(),
      status: z.string().nullish(),
      // Feeds the event's claim only: one that is not a string is dropped rather than refusing the event.
      payment_completed_at: z.string().nullish().catch(undefined),
    })
    .loose(),
});
export type EximPeWebhook = z.infer<typeof EximPeWebhook>;

/**
 * What a payment event says happened to its link (`WebhookEvent.claims`). `PAYMENT_SUCCESSFUL` ("created when the
 * payment is marked CAPTURED", §1.6) claims `paid`, at `data.payment_completed_at` (seed, v1 and v2), else at
 * `event_time` when that carries a zone (v2's ISO form): the event is made at the capture. v1's zone-less
 * `event_time` ("2024-02-15 16:53:15") could be UTC or India time, so it is not used. `PAYMENT_FAILED` claims
 * nothing: a failed attempt leaves the link payable, and the read is its effect.
 */
export function claimsOfEximPeWebhook(webhook: EximPeWebhook): { status: LinkStatus; paidAt?: string } | undefined {
  if (webhook.event_type.toUpperCase() !== 'PAYMENT_SUCCESSFUL') return undefined;
  const zonedEventTime = webhook.event_time && /(Z|[+-]\d{2}:?\d{2})$/i.test(webhook.event_time) ? webhook.event_time : null;
  const paidAt = toIso(webhook.data.payment_completed_at) ?? toIso(zonedEventTime);
  return paidAt ? { status: 'paid', paidAt } : { status: 'paid' };
}

/** Facts the status map needs besides the word itself. */
export interface EximPeStatusFacts {
  /** `status_message` reports a captured / successful payment (§6: "derive paid from … status_message"). */
  captured: boolean;
  /** `expiry_date` is in the past by the injected clock. */
  pastExpiry: boolean;
}

/** The one exhaustive mapping; a new word in `EximPeLinkStatus` fails the build here. */
export function mapEximPeStatus(status: EximPeLinkStatus, facts: EximPeStatusFacts): LinkStatus {
  // A captured payment wins over any other word: payments can land after expiry (§7), and `paid` is final.
  if (facts.captured) return 'paid';
  switch (status) {
    case 'ACTIVE':
    case 'CREATED':
    case 'INITIATED':
    case 'PENDING':
    case 'FAILED':
    case 'REJECTED':
      // EximPe publishes no expiry event or word, so a payable link past its `expiry_date` is expired (§6).
      return facts.pastExpiry ? 'expired' : 'pending';
    case 'UNKNOWN':
      // Read as the payable words are (decision 0010): the word says nothing, and the expiry date still does.
      return facts.pastExpiry ? 'expired' : UNKNOWN_STATUS_READING;
    case 'PAID':
    case 'SUCCESS':
    case 'CAPTURED':
    case 'PAYMENT_SUCCESSFUL':
    case 'COMPLETED':
    case 'SETTLED':
      return 'paid';
    case 'INACTIVE':
      // The docs use "Inactive" for a deactivated link; past its expiry it is an expired one.
      return facts.pastExpiry ? 'expired' : 'cancelled';
    case 'DEACTIVATED':
    case 'CANCELLED':
      return 'cancelled';
    case 'EXPIRED':
      return 'expired';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/** "Payment successful", "Payment captured successfully" — not "Payment not captured" nor "Unsuccessful". */
export function reportsCapture(message: string | null | undefined): boolean {
  if (!message) return false;
  return /\b(captured|successful|succeeded)\b/i.test(message) && !/\b(not|failed|failure|pending)\b/i.test(message);
}

/** EximPe's amount forms → minor units, exactly; `undefined` when absent or not a plain decimal. */
export function parseEximPeAmount(amount: z.infer<typeof EximPeAmount> | null | undefined, currency: string): number | undefined {
  if (amount === null || amount === undefined) return undefined;
  if (typeof amount === 'object') return parseEximPeAmount(amount.total_amount ?? amount.amount, amount.currency ?? currency);
  // A JSON number's shortest text form is exact for the decimals a price has ("1500.5"), and is parsed as text.
  return parseMajorString(String(amount), currency);
}

/** Decimal major units in a string (`"1500.00"`, the v1 seed), INR only ("Currently supports INR", §1.4). */
export const EXIMPE_AMOUNTS: AmountPolicy<'major-string'> = { label: 'EximPe', unit: 'major-string', currencies: ['INR'] };

/** The proxy's money → EximPe's `"1500.00"`, refusing what `EXIMPE_AMOUNTS` says EximPe cannot take. */
export function toEximPeAmount(money: Money): string {
  return toProviderAmount(EXIMPE_AMOUNTS, money);
}

/** `+91 98765-43210` → `+919876543210`; a bare ten-digit number is Indian (the playground prefixes `+91`). */
export function toEximPePhone(contact: string): string {
  const digits = contact.replace(/[\s()-]/g, '');
  if (digits.startsWith('+')) return digits;
  return digits.length === 10 ? `+91${digits}` : `+${digits}`;
}

/** Used when the buyer is not known: the v1 reference requires a `buyer`, and only the playground shows which fields may be left out (it sends none when the form is empty). */
export const PLACEHOLDER_BUYER_NAME = 'Customer';

export function toEximPeCreateRequest(input: CreateLinkInput, nowMs: number) {
  const description = input.description.trim() || 'Payment';
  const customer = input.customer;
  return {
    amount: toEximPeAmount(input.amount),
    currency: input.amount.currency,
    reference_id: input.reference,
    // Whole seconds in UTC, as the seed writes it ("2024-12-31T23:59:59Z").
    expiry_date: toEximPeDateTime(input.expiresAt),
    buyer: {
      name: customer?.name ?? PLACEHOLDER_BUYER_NAME,
      ...(customer?.email && { email: customer.email }),
      ...(customer?.contact && { phone: toEximPePhone(customer.contact) }),
    },
    product: {
      name: description.slice(0, 100),
      description: description.slice(0, 500),
      // The seed's value; no HS code is sent because the proxy's catalog does not know one.
      type_of_goods: 'service',
    },
    invoice: {
      number: input.reference,
      // The UTC date: never ahead of the date in India, so never "in the future" for EximPe.
      date: new Date(nowMs).toISOString().slice(0, 10),
    },
    // Not in the payment-link reference; it is the Order API's field name (§1.3, playground create_session.js).
    ...(input.returnUrl && { return_url: input.returnUrl }),
  };
}
export type EximPeCreateRequest = ReturnType<typeof toEximPeCreateRequest>;

export function toEximPeDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The link's id: `payment_id` first (see `EximPePaymentLink`); both schemas refuse a link that has neither. */
export function eximpeLinkId(link: { payment_id?: string | null; link_id?: string | null }): string {
  return link.payment_id || link.link_id || '';
}

/** A retrieved or listed link → the normalized state. */
export function fromEximPePaymentLink(
  link: EximPePaymentLink,
  nowMs: number,
  readWord: StatusWordReader,
  known?: { amount?: Money },
): ProviderLinkState {
  const word = classifyEximPeStatus(link.status, readWord);
  const expiresAt = toIso(link.expiry_date);
  const status = mapEximPeStatus(word, {
    captured: reportsCapture(link.status_message),
    pastExpiry: expiresAt !== null && Date.parse(expiresAt) <= nowMs,
  });
  const currency = link.currency ?? known?.amount?.currency ?? 'INR';
  const amount = parseEximPeAmount(link.amount, currency) ?? known?.amount?.value;
  return {
    providerLinkId: eximpeLinkId(link),
    url: link.payment_link ?? '',
    status,
    // EximPe takes no partial payments: a paid link is paid in full. Without an amount in the body, the
    // largest safe integer stands for "all of it" (the core caps amountPaid at the link's amount).
    amountPaid: status === 'paid' ? (amount ?? Number.MAX_SAFE_INTEGER) : 0,
    expiresAt,
    paidAt: status === 'paid' ? (toIso(link.payment_completed_at) ?? toIso(link.updated_at)) : null,
    providerStatus: link.status,
    ...(link.reference_id && { reference: link.reference_id }),
    ...(amount !== undefined && { amount: { value: amount, currency } }),
  };
}

/** The create answer → the normalized state (a new link is payable; the seed says `ACTIVE`). */
export function fromEximPeCreatedLink(link: EximPeCreatedLink, input: CreateLinkInput, nowMs: number, readWord: StatusWordReader): ProviderLinkState {
  return fromEximPePaymentLink(
    {
      ...link,
      status: link.status ?? 'ACTIVE',
      expiry_date: link.expiry_date ?? toEximPeDateTime(input.expiresAt),
    },
    nowMs,
    readWord,
    { amount: input.amount },
  );
}

/** ISO 8601 with or without zone, and the v1 webhook's `"2024-02-15 16:53:15"` (read as UTC) → ISO, or null. */
function toIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value) ? value.replace(' ', 'T') : value;
  // A date-time without a zone is read as UTC; a bare date already is.
  const zoned = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? `${text}Z` : text;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

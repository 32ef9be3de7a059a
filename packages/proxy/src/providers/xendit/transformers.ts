/**
 * Xendit wire types and conversions, Invoices API ("Payment Links", `/v2/invoices`).
 * Source: shared/providers.md §2 and the seed (docs.xendit.co/payment-links-api-overview); the field list of
 * `Invoice`/`InvoiceCallback` in xendit/xendit-node@c5494c3 `invoice/models/*.ts`.
 *
 * Xendit takes and answers amounts as a JSON number in major units (IDR 510000 is Rp 510.000). The conversion
 * from pay-link's integer minor units happens here and nowhere else; what Xendit cannot take exactly (a
 * fraction of a rupiah) is refused, never rounded.
 */
import { z } from 'zod';
import type { Customer, LinkStatus, Money } from '../../contract.ts';
import { currencyExponent, parseMajorString } from '../../money.ts';
import { Problem } from '../../problems.ts';
import { type AmountPolicy, toProviderAmount } from '../amounts.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderLinkState } from '../types.ts';

/** `invoice/models/InvoiceCurrency.ts`: the only currencies the Invoices API takes. */
export const XENDIT_CURRENCIES = ['IDR', 'USD', 'THB', 'VND', 'PHP', 'MYR'] as const;

/**
 * A JSON number in major units, in the SDK's currencies only. IDR is whole rupiah on Xendit, although ISO 4217
 * gives it two decimals: an amount with sen is refused, because Xendit would truncate it (IDR 4550.50 becomes
 * 4550, providers.md §2.4).
 */
export const XENDIT_AMOUNTS: AmountPolicy<'major-number'> = {
  label: 'Xendit',
  unit: 'major-number',
  currencies: XENDIT_CURRENCIES,
  decimals: { currency: { IDR: 0 } },
};

/**
 * Longest `invoice_duration` we send: "maximum 1 year" (docs.xendit.co/xeninvoice/faq). The exact cap is
 * UNCONFIRMED (providers.md §9); 365 days of seconds is the reading taken.
 */
export const XENDIT_MAX_INVOICE_DURATION_SECONDS = 365 * 24 * 60 * 60;

/**
 * The statuses of a one-off invoice (providers.md §2.5). `ACTIVE`/`STOPPED` belong to recurring invoices and
 * never reach a link we minted; the SDK turns any other value into `UNKNOWN_ENUM_VALUE`.
 */
export const XenditInvoiceStatus = z.enum(['PENDING', 'PAID', 'SETTLED', 'EXPIRED']);
export type XenditInvoiceStatus = z.infer<typeof XenditInvoiceStatus>;

/**
 * The fields we read of the Invoice object; everything else (the `available_*` arrays, items, customer …) is
 * ignored, never cast. `status` is any string here, so a value Xendit adds later is logged and read as pending
 * instead of failing every read of the link (see `readXenditStatus`).
 */
export const XenditInvoice = z.object({
  id: z.string().min(1),
  external_id: z.string(),
  status: z.string().min(1),
  amount: z.number().nonnegative(),
  currency: z.string().optional(),
  invoice_url: z.url(),
  expiry_date: z.string().nullish(),
  created: z.string().nullish(),
  updated: z.string().nullish(),
  // Present once paid: on the callback (seed) and, believed, on GET (not in the SDK's `Invoice` model).
  paid_amount: z.number().nonnegative().nullish(),
  paid_at: z.string().nullish(),
});
export type XenditInvoice = z.infer<typeof XenditInvoice>;

/** `GET /v2/invoices` answers a bare JSON array (SDK `getInvoicesRaw`: `jsonValue.map(InvoiceFromJSON)`). */
export const XenditInvoiceList = z.array(XenditInvoice);

/**
 * The invoice callback: the invoice itself, no event name (seed, "Receive the webhook"). Only what routing and
 * dedupe need is required; the state is re-read from the API because the token does not sign the body. `paid_at`
 * feeds the event's claim only, so one that is not a string is dropped rather than refusing the callback.
 */
export const XenditInvoiceCallback = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    external_id: z.string().optional(),
    paid_at: z.string().nullish().catch(undefined),
  })
  .loose();
export type XenditInvoiceCallback = z.infer<typeof XenditInvoiceCallback>;

/** `{"error_code": "...", "message": "..."}` (SDK error models, providers.md §2.7). */
export const XenditErrorBody = z.object({ error_code: z.string(), message: z.string().optional() });

/** One exhaustive mapping; a status added to the enum fails the build here, not at run time. */
export function mapXenditStatus(status: XenditInvoiceStatus): LinkStatus {
  switch (status) {
    case 'PENDING':
      return 'pending';
    // "Not all invoices reach settled status" (docs.xendit.co/xeninvoice/statuses): SETTLED follows PAID.
    case 'PAID':
    case 'SETTLED':
      return 'paid';
    // Also what Xendit reports after our own `expire!`; the adapter's `cancel` answers `cancelled` and the
    // core's join (cancelled outranks expired) keeps it so when a later read says EXPIRED.
    case 'EXPIRED':
      return 'expired';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/**
 * A wire status to ours, or `undefined` for a value the adapter does not know (the SDK's `UNKNOWN_ENUM_VALUE`
 * case), which `readWord` has reported. A read takes that as `UNKNOWN_STATUS_READING`; a callback claims nothing.
 */
export function readXenditStatus(raw: string, readWord: StatusWordReader): LinkStatus | undefined {
  const word = readWord(raw, XenditInvoiceStatus.options);
  return word && mapXenditStatus(word);
}

/** Minor units to Xendit's number, refusing what `XENDIT_AMOUNTS` says Xendit cannot take. */
export function toXenditAmount(amount: Money): number {
  return toProviderAmount(XENDIT_AMOUNTS, amount);
}

/**
 * Xendit's number back to minor units: exactly through the decimal string where the number prints as one
 * (every amount Xendit has sent in the docs), else by rounding away floating-point noise.
 */
export function fromXenditAmount(amount: number, currency: string): number {
  return parseMajorString(String(amount), currency) ?? Math.round(amount * 10 ** currencyExponent(currency));
}

/**
 * Xendit's `customer` (`CustomerObject`: given_names, surname, email, mobile_number). The name is split at its
 * last whitespace, as the seed's example splits "John Doe" (`given_names` "John", `surname` "Doe"); a single word
 * is `given_names` alone. The mobile number must be E.164 (the seed's "+6287774441111"); one we cannot put in
 * that form is left out rather than failing the create.
 */
export function toXenditCustomer(customer: Customer | undefined) {
  if (!customer) return undefined;
  const mobile = customer.contact?.replace(/[\s()-]/g, '');
  const out = {
    ...splitXenditName(customer.name),
    ...(customer.email && { email: customer.email }),
    ...(mobile && /^\+[1-9]\d{5,14}$/.test(mobile) && { mobile_number: mobile }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `"Asha Rao"` → given_names "Asha", surname "Rao"; `"Mary Ann Lee"` → "Mary Ann" + "Lee"; `"Budi"` → "Budi" only. */
export function splitXenditName(name: string | undefined): { given_names?: string; surname?: string } {
  const trimmed = name?.trim();
  if (!trimmed) return {};
  const surname = trimmed.split(/\s+/).pop() ?? '';
  const givenNames = trimmed.slice(0, trimmed.length - surname.length).trimEnd();
  return givenNames ? { given_names: givenNames, surname } : { given_names: trimmed };
}

export function toXenditInvoiceRequest(input: CreateLinkInput, nowMs: number) {
  const durationSeconds = Math.ceil((input.expiresAt.getTime() - nowMs) / 1000);
  if (durationSeconds < 1 || durationSeconds > XENDIT_MAX_INVOICE_DURATION_SECONDS) {
    throw new Problem(400, 'invalid_request', 'A Xendit payment link must expire between now and one year from now');
  }
  const customer = toXenditCustomer(input.customer);
  return {
    external_id: input.reference,
    amount: toXenditAmount(input.amount),
    currency: input.amount.currency,
    description: input.description,
    invoice_duration: durationSeconds,
    ...(customer && { customer }),
    // The buyer is on the merchant's page already; no invoice email from Xendit.
    should_send_email: false,
    // Xendit sends the buyer to success_redirect_url after paying; a failed attempt stays on the page (seed,
    // step 3). The return URL is the proxy's /return page, which reads no outcome from the URL, so one URL
    // serves both fields.
    ...(input.returnUrl && { success_redirect_url: input.returnUrl, failure_redirect_url: input.returnUrl }),
  };
}

export function fromXenditInvoice(invoice: XenditInvoice, readWord: StatusWordReader): ProviderLinkState {
  const status = readXenditStatus(invoice.status, readWord) ?? UNKNOWN_STATUS_READING;
  // The SDK's Invoice model has no currency default; Xendit's default currency is IDR (seed example).
  const currency = invoice.currency ?? 'IDR';
  const paid = status === 'paid';
  return {
    providerLinkId: invoice.id,
    url: invoice.invoice_url,
    status,
    // Invoices take no partial payments: paid means the whole amount unless Xendit says how much.
    amountPaid: paid ? fromXenditAmount(invoice.paid_amount ?? invoice.amount, currency) : 0,
    expiresAt: isoOrNull(invoice.expiry_date),
    paidAt: paid ? (isoOrNull(invoice.paid_at) ?? isoOrNull(invoice.updated)) : null,
    providerStatus: invoice.status,
    ...(invoice.external_id && { reference: invoice.external_id }),
    amount: { value: fromXenditAmount(invoice.amount, currency), currency },
  };
}

/**
 * What a callback says happened: its status and, when paid, its `paid_at`. `undefined` for a status the adapter
 * does not know: no claim can be made of it.
 */
export function claimsOfXenditCallback(callback: XenditInvoiceCallback, readWord: StatusWordReader): { status: LinkStatus; paidAt?: string } | undefined {
  const status = readXenditStatus(callback.status, readWord);
  if (!status) return undefined;
  const paidAt = status === 'paid' ? isoOrNull(callback.paid_at) : null;
  return paidAt ? { status, paidAt } : { status };
}

function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

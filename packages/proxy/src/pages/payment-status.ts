/**
 * The part of a page that tells where the payment stands: the status row, what is still due, and the receipt
 * (paid at, receipt id, a link to the printable receipt) once paid. The server renders it for the state it knows
 * when the page is asked for, in the page's language; the page script (`live-status-script.ts`) rewrites the same
 * rows, with the same words, whenever the page's `<pay-link-button>` reports a status, so the rows and the button
 * never disagree.
 */
import type { LinkStatus, Money } from '../contract.ts';
import { currencyExponent, formatMoney } from '../money.ts';
import type { LinkRecord } from '../records.ts';
import { escapeHtml } from './escape-html.ts';
import type { PageContext } from './layout.ts';
import type { PageLang } from './languages.ts';
import { PAGE_STRINGS } from './translations.ts';

/** What the rows show of a link: a stored record, or the element's view of it in the browser. */
export type PaymentState = Pick<LinkRecord, 'id' | 'status' | 'amount' | 'amountPaid' | 'paidAt'>;

/**
 * The status row's English words, by link status (`none`: no link yet). `{paid}` is the amount received so far.
 * Every language's are in `translations.ts`, and go to the browser in `/pay.js`: one source for both renderings.
 */
export const STATUS_TEXT = PAGE_STRINGS.en.status satisfies Record<LinkStatus | 'none', string>;

/** What the eyebrow above the heading says once paid: the page is the receipt from then on. */
export const RECEIPT_EYEBROW = PAGE_STRINGS.en.eyebrow.receipt;

/**
 * Paid at, as the server writes it: in UTC (it does not know the buyer's zone; the page script adds local time).
 * English as `14 Dec 2026, 09:34 UTC`; the other languages in their own date words.
 */
export function utcTime(iso: string, lang: PageLang): string {
  const format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  return `${format.format(new Date(iso))} UTC`;
}

/** `<time datetime>` in UTC that `/pay.js` rewrites into the buyer's zone, keeping the UTC after it. */
export function paidAtTime(iso: string, lang: PageLang): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(utcTime(iso, lang))}</time>`;
}

/** What was received: the provider's amount paid, or the whole amount for a paid link that reports none. */
export function amountReceived(state: PaymentState): Money {
  const value = state.status === 'paid' && state.amountPaid === 0 ? state.amount.value : state.amountPaid;
  return { value, currency: state.amount.currency };
}

/** The words of the status row for a state, in a language (default English). */
export function statusText(state: PaymentState | undefined, lang: PageLang = 'en'): string {
  const template: string = PAGE_STRINGS[lang].status[state?.status ?? 'none'];
  return state ? template.replace('{paid}', formatMoney(amountReceived(state), lang)) : template;
}

/** The eyebrow above a page's heading: `label` ("Payment request", "Buy"), "Receipt" once paid. */
export function eyebrow(label: string, state: PaymentState | undefined, testMode: boolean, context?: PageContext): string {
  const t = context?.t ?? PAGE_STRINGS.en;
  const text = state?.status === 'paid' ? t.eyebrow.receipt : label;
  return `<p class="eyebrow"><span data-eyebrow="${escapeHtml(t.eyebrow.receipt)}">${escapeHtml(text)}</span>${
    testMode ? ` <span class="badge">${escapeHtml(t.testMode)}</span>` : ''
  }</p>`;
}

/** One `<dt>`/`<dd>` pair in its group: the page script finds rows by `data-row`; `hidden` ones are not shown. */
export function factRow(name: string, label: string, value: string, options: { hidden?: boolean; valueClass?: string } = {}): string {
  return `<div data-row="${name}"${options.hidden ? ' hidden' : ''}><dt>${escapeHtml(label)}</dt><dd${
    options.valueClass ? ` class="${options.valueClass}"` : ''
  }>${value}</dd></div>`;
}

/** Where a link's printable receipt is, on this proxy. */
export function receiptPath(linkId: string, langQuery = ''): string {
  return `/receipts/${encodeURIComponent(linkId)}${langQuery}`;
}

/**
 * The page's facts list: `rows` (what is bought, already HTML), then the status rows for `state`, then the link to
 * the printable receipt (shown once paid). The list's data attributes are what the page script needs: the
 * currency and its ISO exponent (to format amounts as the server does), the `<title>` to show once paid, and the
 * query the receipt link carries (`?lang=` when the query chose the language).
 */
export function liveFacts(
  rows: string,
  state: PaymentState | undefined,
  page: { currency: string; paidTitle: string },
  context?: PageContext,
): string {
  const lang = context?.lang ?? 'en';
  const t = context?.t ?? PAGE_STRINGS.en;
  const paid = state?.status === 'paid';
  const partly = state?.status === 'partially_paid';
  const due = partly ? formatMoney({ value: Math.max(0, state.amount.value - state.amountPaid), currency: state.amount.currency }, lang) : '';
  const paidAt = paid && state.paidAt ? paidAtTime(state.paidAt, lang) : '';
  const query = context?.langQuery ?? '';
  return `<dl class="facts" data-live-status data-currency="${escapeHtml(page.currency)}" data-exponent="${currencyExponent(page.currency)}" data-paid-title="${escapeHtml(page.paidTitle)}" data-receipt-query="${escapeHtml(query)}">
  ${rows}
  ${factRow('status', t.rows.status, escapeHtml(statusText(state, lang)), { valueClass: paid ? 'paid' : undefined })}
  ${factRow('due', t.rows.due, escapeHtml(due), { hidden: !partly })}
  ${factRow('paid-at', t.rows.paidAt, paidAt, { hidden: !paidAt })}
  ${factRow('receipt', t.rows.receipt, `<code>${paid ? escapeHtml(state.id) : ''}</code>`, { hidden: !paid })}
</dl>
<p class="receipt-link" data-receipt-link${paid ? '' : ' hidden'}><a href="${paid ? escapeHtml(receiptPath(state.id, query)) : ''}">${escapeHtml(t.receiptLink)}</a></p>`;
}

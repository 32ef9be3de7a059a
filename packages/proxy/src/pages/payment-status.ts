/**
 * The part of a page that tells where the payment stands: the status row, what is still due, and the receipt
 * (paid at, receipt id) once paid. The server renders it for the state it knows when the page is asked for; the
 * page script (`live-status-script.ts`) rewrites the same rows, with the same words, whenever the page's
 * `<pay-link-button>` reports a status, so the rows and the button never disagree.
 */
import type { LinkStatus, Money } from '../contract.ts';
import { currencyExponent, formatMoney } from '../money.ts';
import type { LinkRecord } from '../records.ts';
import { escapeHtml } from './escape-html.ts';

/** What the rows show of a link: a stored record, or the element's view of it in the browser. */
export type PaymentState = Pick<LinkRecord, 'id' | 'status' | 'amount' | 'amountPaid' | 'paidAt'>;

/**
 * The status row's words, by link status (`none`: no link yet). `{paid}` is the amount received so far. The same
 * object goes to the browser in `/pay.js`: one source for both renderings.
 */
export const STATUS_TEXT = {
  none: 'Not paid yet',
  pending: 'Waiting for payment',
  partially_paid: 'Partly paid: {paid} received',
  paid: 'Paid {paid}',
  expired: 'The last payment link expired; paying now creates a fresh one',
  cancelled: 'The last payment link was cancelled; paying now creates a fresh one',
  failed: 'The last attempt failed; you can try again',
} as const satisfies Record<LinkStatus | 'none', string>;

/** What the eyebrow above the heading says once paid: the page is the receipt from then on. */
export const RECEIPT_EYEBROW = 'Receipt';

/** Paid at, as the server writes it (it does not know the buyer's zone; the page script adds local time). */
const UTC_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** What was received: the provider's amount paid, or the whole amount for a paid link that reports none. */
export function amountReceived(state: PaymentState): Money {
  const value = state.status === 'paid' && state.amountPaid === 0 ? state.amount.value : state.amountPaid;
  return { value, currency: state.amount.currency };
}

/** The words of the status row for a state. */
export function statusText(state: PaymentState | undefined): string {
  const template: string = STATUS_TEXT[state?.status ?? 'none'];
  return state ? template.replace('{paid}', formatMoney(amountReceived(state))) : template;
}

/** The eyebrow above a page's heading: `label` ("Payment request", "Buy"), "Receipt" once paid. */
export function eyebrow(label: string, state: PaymentState | undefined, testMode: boolean): string {
  const text = state?.status === 'paid' ? RECEIPT_EYEBROW : label;
  return `<p class="eyebrow"><span data-eyebrow="${escapeHtml(RECEIPT_EYEBROW)}">${escapeHtml(text)}</span>${
    testMode ? ' <span class="badge">test mode</span>' : ''
  }</p>`;
}

/** One `<dt>`/`<dd>` pair in its group: the page script finds rows by `data-row`; `hidden` ones are not shown. */
export function factRow(name: string, label: string, value: string, options: { hidden?: boolean; valueClass?: string } = {}): string {
  return `<div data-row="${name}"${options.hidden ? ' hidden' : ''}><dt>${escapeHtml(label)}</dt><dd${
    options.valueClass ? ` class="${options.valueClass}"` : ''
  }>${value}</dd></div>`;
}

/**
 * The page's facts list: `rows` (what is bought, already HTML), then the status rows for `state`. Its data
 * attributes are what the page script needs: the currency and its ISO exponent (to format amounts as the server
 * does), and the `<title>` to show once paid.
 */
export function liveFacts(rows: string, state: PaymentState | undefined, page: { currency: string; paidTitle: string }): string {
  const paid = state?.status === 'paid';
  const partly = state?.status === 'partially_paid';
  const due = partly ? formatMoney({ value: Math.max(0, state.amount.value - state.amountPaid), currency: state.amount.currency }) : '';
  const paidAt = paid && state.paidAt ? `<time datetime="${escapeHtml(state.paidAt)}">${escapeHtml(UTC_TIME.format(new Date(state.paidAt)))} UTC</time>` : '';
  return `<dl class="facts" data-live-status data-currency="${escapeHtml(page.currency)}" data-exponent="${currencyExponent(page.currency)}" data-paid-title="${escapeHtml(page.paidTitle)}">
  ${rows}
  ${factRow('status', 'Status', escapeHtml(statusText(state)), { valueClass: paid ? 'paid' : undefined })}
  ${factRow('due', 'Due', escapeHtml(due), { hidden: !partly })}
  ${factRow('paid-at', 'Paid at', paidAt, { hidden: !paidAt })}
  ${factRow('receipt', 'Receipt', `<code>${paid ? escapeHtml(state.id) : ''}</code>`, { hidden: !paid })}
</dl>`;
}

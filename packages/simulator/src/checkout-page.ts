/**
 * The hosted checkout page every simulated provider renders: one card with the amount, the status and a few
 * real `<button>`s inside `<form method="post">`, so it works with no JavaScript at all.
 *
 * No script runs on these pages. The only inline content is the `<style>` element below, allowed by its
 * SHA-256 hash in the Content-Security-Policy, so `'unsafe-inline'` is never needed.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';

export type CheckoutTone = 'neutral' | 'success' | 'warning' | 'danger';

export interface CheckoutAction {
  label: string;
  /** Path the form posts to. */
  action: string;
  variant: 'primary' | 'secondary' | 'danger';
}

export interface CheckoutPageView {
  /** Shown in the header, e.g. `Razorpay (simulated)`. */
  providerLabel: string;
  /** Document title. */
  title: string;
  heading: string;
  /** The big number, already formatted. */
  amount?: string;
  status?: { label: string; tone: CheckoutTone };
  facts?: ReadonlyArray<{ label: string; value: string }>;
  notice?: { text: string; tone: 'success' | 'error' | 'info' };
  actions?: readonly CheckoutAction[];
}

/** Where a link stands, as the checkout page words it. `closed`: not payable, for a reason with no notice. */
export type CheckoutPhase = 'open' | 'paid' | 'expired' | 'cancelled' | 'closed';

/**
 * The notice above the buttons, the same for every provider: the outcome of the action just taken (`?result=`),
 * else the link's final state.
 */
export function checkoutNotice(options: {
  outcome: { result: string | undefined; paidAmount: number | undefined };
  phase: CheckoutPhase;
  /** Minor units still due. */
  due: number;
  money: (amount: number) => string;
}): CheckoutPageView['notice'] {
  const { outcome, phase, due, money } = options;
  if (outcome.result === 'paid' && outcome.paidAmount !== undefined && Number.isFinite(outcome.paidAmount)) {
    return phase === 'paid'
      ? { tone: 'success', text: 'Payment successful — you can close this window' }
      : { tone: 'success', text: `Payment of ${money(outcome.paidAmount)} received. ${money(due)} is still due.` };
  }
  if (outcome.result === 'failed' && phase === 'open') return { tone: 'error', text: 'Payment failed, try again' };
  if (phase === 'paid') return { tone: 'info', text: 'This payment link has been paid.' };
  if (phase === 'expired') return { tone: 'info', text: 'This payment link has expired.' };
  if (phase === 'cancelled') return { tone: 'info', text: 'This payment link was cancelled.' };
  return undefined;
}

const STYLE = `
:root { color-scheme: light dark; --accent: #2563eb; --accent-ink: #fff; --danger: #b91c1c; --ink: #0f172a;
  --muted: #475569; --card: #fff; --page: #f1f5f9; --line: #e2e8f0; --ok: #15803d; --warn: #b45309; }
@media (prefers-color-scheme: dark) {
  :root { --accent: #60a5fa; --accent-ink: #0b1220; --danger: #f87171; --ink: #e2e8f0; --muted: #94a3b8;
    --card: #111827; --page: #030712; --line: #1f2937; --ok: #4ade80; --warn: #fbbf24; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1rem; background: var(--page);
  color: var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--line); border-radius: 1rem;
  padding: 1.5rem; box-shadow: 0 10px 30px rgb(0 0 0 / 0.08); }
header { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; color: var(--muted);
  font-size: 0.875rem; font-weight: 600; letter-spacing: 0.02em; }
h1 { font-size: 1.125rem; margin: 1rem 0 0.25rem; overflow-wrap: anywhere; }
.amount { font-size: 2.25rem; font-weight: 700; margin: 0.25rem 0 1rem; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0.125rem 0.625rem; border-radius: 999px; font-size: 0.8125rem;
  border: 1px solid currentColor; }
.tone-neutral { color: var(--muted); } .tone-success { color: var(--ok); }
.tone-warning { color: var(--warn); } .tone-danger { color: var(--danger); }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; font-size: 0.875rem; }
dt { color: var(--muted); } dd { margin: 0; text-align: right; overflow-wrap: anywhere;
  font-variant-numeric: tabular-nums; }
.notice { padding: 0.75rem 1rem; border-radius: 0.5rem; margin: 0 0 1rem; border: 1px solid currentColor; }
.notice-success { color: var(--ok); } .notice-error { color: var(--danger); } .notice-info { color: var(--muted); }
.actions { display: grid; gap: 0.5rem; }
form { margin: 0; }
button { width: 100%; min-height: 2.75rem; border-radius: 0.5rem; font: inherit; font-weight: 600; cursor: pointer;
  padding: 0.5rem 1rem; border: 1px solid var(--line); background: transparent; color: var(--ink); }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
.danger { color: var(--danger); }
button:hover { filter: brightness(0.95); }
footer { margin-top: 1.25rem; color: var(--muted); font-size: 0.75rem; text-align: center; }
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * The policy for a checkout page. `formTargets` are extra origins a form submission may end up on: Chromium
 * applies `form-action` to the redirects that follow the POST as well, so the origin of a 303 to the merchant's
 * callback_url must be listed or the buyer would be stuck on a blocked navigation.
 */
export function checkoutPageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    ['form-action', "'self'", ...formTargets].join(' '),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function renderCheckoutPage(view: CheckoutPageView): string {
  const facts = view.facts?.length
    ? `<dl>${view.facts.map((fact) => `<dt>${escapeHtml(fact.label)}</dt><dd>${escapeHtml(fact.value)}</dd>`).join('')}</dl>`
    : '';
  const notice = view.notice
    ? `<p class="notice notice-${view.notice.tone}" role="${view.notice.tone === 'error' ? 'alert' : 'status'}">${escapeHtml(view.notice.text)}</p>`
    : '';
  const actions = view.actions?.length
    ? `<div class="actions">${view.actions
        .map(
          (action) =>
            `<form method="post" action="${escapeHtml(action.action)}"><button type="submit" class="${action.variant}">${escapeHtml(action.label)}</button></form>`,
        )
        .join('')}</div>`
    : '';
  const status = view.status
    ? `<span class="badge tone-${view.status.tone}">${escapeHtml(view.status.label)}</span>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(view.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main aria-labelledby="heading">
<header><span>${escapeHtml(view.providerLabel)}</span>${status}</header>
<h1 id="heading">${escapeHtml(view.heading)}</h1>
${view.amount ? `<p class="amount">${escapeHtml(view.amount)}</p>` : ''}
${notice}
${facts}
${actions}
<footer>Local test checkout. No real money moves.</footer>
</main>
</body>
</html>
`;
}

/** Sends a checkout page with its CSP and the headers a payment page should carry. */
export function sendCheckoutPage(
  res: Response,
  view: CheckoutPageView,
  options: { status?: number; formTargets?: readonly string[] } = {},
): void {
  res
    .status(options.status ?? 200)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': checkoutPageCsp(options.formTargets),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(renderCheckoutPage(view));
}

/** The checkout's 404, the same for every provider but for its name and what it calls a link (Xendit: invoice). */
export function sendCheckoutNotFound(res: Response, providerLabel: string, what = 'Payment link'): void {
  sendCheckoutPage(
    res,
    {
      providerLabel,
      title: `${what} not found · ${providerLabel}`,
      heading: `${what} not found`,
      notice: { tone: 'info', text: 'Check the link you were sent, or ask the merchant for a new one.' },
    },
    { status: 404 },
  );
}

const utcFormats = new Map<string, Intl.DateTimeFormat>();
/** A moment as the checkout pages show it: medium date, short time, in UTC and saying so, in the page's locale. */
export function formatUtc(at: Date, locale = 'en-IN'): string {
  let format = utcFormats.get(locale);
  if (!format) utcFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })));
  return `${format.format(at)} UTC`;
}

/** Formats integer minor units with the currency's own number of decimals (INR 100000 → ₹1,000.00). */
export function formatMinorUnits(amount: number, currency: string, locale = 'en-IN'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

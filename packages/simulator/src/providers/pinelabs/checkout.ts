/**
 * Pine Labs' hosted payment page, simulated: `GET /PLUTUS/:code` is what `payment_link` opens (the docs' sample
 * is `https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd`). Opening it moves a CREATED link to CLICKED. Each button
 * posts to its own path and every POST ends in a 303 (post/redirect/get), so reloading never pays twice.
 *
 * After a payment the buyer goes to `callback_url`; after a failed attempt to `failure_callback_url`, or to
 * `callback_url` when there is none ("customers will be redirected to the callback_url for both successful and
 * failed transactions", seed). What Pine Labs appends to those URLs for links is not documented: nothing is.
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, checkoutNotice, type CheckoutPageView, type CheckoutPhase, type CheckoutTone, formatMinorUnits, formatUtc, sendCheckoutNotFound, sendCheckoutPage } from '../../checkout-page.ts';
import { PAYABLE_STATUSES, type PinelabsLinkBook, suggestedPartialAmount } from './links.ts';
import type { PinelabsWebhookEmitter } from './webhook-events.ts';
import type { PinelabsLinkStatus, PinelabsPaymentLink } from './wire.ts';

const PROVIDER_LABEL = 'Pine Labs Online (simulated)';

const STATUS_BADGES: Record<PinelabsLinkStatus, { label: string; tone: CheckoutTone }> = {
  CREATED: { label: 'Awaiting payment', tone: 'neutral' },
  CLICKED: { label: 'Awaiting payment', tone: 'neutral' },
  PAYMENT_INITIATED: { label: 'Payment initiated', tone: 'neutral' },
  PARTIAL_PROCESSED: { label: 'Partially paid', tone: 'warning' },
  PROCESSED: { label: 'Paid', tone: 'success' },
  EXPIRED: { label: 'Expired', tone: 'danger' },
  CANCELLED: { label: 'Cancelled', tone: 'danger' },
};

export interface PinelabsCheckoutDeps {
  book: PinelabsLinkBook;
  webhooks: PinelabsWebhookEmitter;
  settle(): void;
}

export function createPinelabsCheckoutRouter(deps: PinelabsCheckoutDeps): Router {
  const router = Router();
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/PLUTUS/:code', (req, res) => {
    const id = deps.book.findIdByCode(req.params.code);
    if (!id) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    const link = deps.book.markClicked(id);
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    const paid = typeof req.query.paid === 'string' ? Number(req.query.paid) : undefined;
    sendCheckoutPage(res, describeLink(link, pagePath(req, req.params.code), { result, paidAmount: paid }), {
      formTargets: [link.callback_url, link.failure_callback_url].filter((u): u is string => Boolean(u)).map((u) => new URL(u).origin),
    });
  });

  router.post('/PLUTUS/:code/pay', (req, res) => payAndRedirect(req, res, deps, 'full'));
  router.post('/PLUTUS/:code/pay-partially', (req, res) => payAndRedirect(req, res, deps, 'partial'));

  router.post('/PLUTUS/:code/fail', async (req, res) => {
    const code = String(req.params.code);
    const link = findLink(deps.book, code);
    if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (!PAYABLE_STATUSES.has(link.status)) return res.redirect(303, pagePath(req, code));
    await deps.webhooks.emit(deps.book.failAttempt(link.payment_link_id));
    const failureTarget = link.failure_callback_url ?? link.callback_url;
    res.redirect(303, failureTarget ?? `${pagePath(req, code)}?result=failed`);
  });

  // Stands for the merchant cancelling from the dashboard while the buyer looks at the page; allowed while
  // nothing has been paid (the API's own cancel takes CREATED links only).
  router.post('/PLUTUS/:code/cancel', async (req, res) => {
    const code = String(req.params.code);
    const link = findLink(deps.book, code);
    if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (isCancellableFromPage(link)) await deps.webhooks.emit(deps.book.forceCancel(link.payment_link_id));
    res.redirect(303, pagePath(req, code));
  });

  return router;
}

async function payAndRedirect(req: Request, res: Response, deps: PinelabsCheckoutDeps, kind: 'full' | 'partial') {
  const code = String(req.params.code);
  const link = findLink(deps.book, code);
  if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
  if (!PAYABLE_STATUSES.has(link.status) || (kind === 'partial' && !link.part_payment)) return res.redirect(303, pagePath(req, code));
  const amount = kind === 'partial' ? suggestedPartialAmount(link) : undefined;
  const change = deps.book.pay(link.payment_link_id, amount);
  // Awaited so the merchant has the webhook before the buyer lands on the callback; a failed delivery is
  // recorded and does not stop the redirect.
  await deps.webhooks.emit(change);
  if (change.link.callback_url) return res.redirect(303, change.link.callback_url);
  const paid = change.order.payments.at(-1)!.payment_amount.value;
  res.redirect(303, `${pagePath(req, code)}?result=paid&paid=${paid}`);
}

function isCancellableFromPage(link: PinelabsPaymentLink): boolean {
  return link.status === 'CREATED' || link.status === 'CLICKED' || link.status === 'PAYMENT_INITIATED';
}

function describeLink(
  link: PinelabsPaymentLink,
  path: string,
  outcome: { result: string | undefined; paidAmount: number | undefined },
): CheckoutPageView {
  const money = (amount: number) => formatMinorUnits(amount, link.amount.currency);
  const due = link.amount_due.value;
  const paidSoFar = link.amount.value - due;
  const payable = PAYABLE_STATUSES.has(link.status);
  const heading = link.description || 'Payment request';
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount: money(link.amount.value),
    status: STATUS_BADGES[link.status],
    facts: [
      ...(paidSoFar > 0 ? [{ label: 'Paid so far', value: money(paidSoFar) }] : []),
      ...(payable ? [{ label: 'Amount due', value: money(due) }] : []),
      { label: 'Reference', value: link.merchant_payment_link_reference },
      { label: 'Payment link', value: link.payment_link_id },
      ...(payable ? [{ label: 'Expires', value: formatUtc(new Date(link.expire_by)) }] : []),
    ],
  };
  const phase: CheckoutPhase = payable
    ? 'open'
    : link.status === 'PROCESSED'
      ? 'paid'
      : link.status === 'EXPIRED'
        ? 'expired'
        : link.status === 'CANCELLED'
          ? 'cancelled'
          : 'closed';
  view.notice = checkoutNotice({ outcome, phase, due, money });
  if (payable) view.actions = payableActions(link, path, money);
  return view;
}

function payableActions(link: PinelabsPaymentLink, path: string, money: (amount: number) => string): CheckoutAction[] {
  const due = link.amount_due.value;
  const partial = suggestedPartialAmount(link);
  return [
    { label: `Pay ${money(due)}`, action: `${path}/pay`, variant: 'primary' },
    ...(link.part_payment && partial >= 1 && partial < due
      ? [{ label: `Pay partially (${money(partial)})`, action: `${path}/pay-partially`, variant: 'secondary' as const }]
      : []),
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    ...(isCancellableFromPage(link) ? [{ label: 'Cancel link', action: `${path}/cancel`, variant: 'danger' as const }] : []),
  ];
}

function findLink(book: PinelabsLinkBook, code: string): PinelabsPaymentLink | undefined {
  const id = book.findIdByCode(code);
  return id ? book.get(id) : undefined;
}

function pagePath(req: Request, code: string): string {
  return `${req.baseUrl}/PLUTUS/${encodeURIComponent(code)}`;
}


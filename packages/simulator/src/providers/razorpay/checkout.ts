/**
 * Razorpay's hosted checkout, simulated: `GET /i/:code` is what `short_url` opens. Each button posts to its own
 * path and every POST ends in a 303 (post/redirect/get), so reloading a result page never pays twice.
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, type CheckoutPageView, type CheckoutTone, formatMinorUnits, sendCheckoutPage } from '../../checkout-page.ts';
import { PAYABLE_STATUSES, type RazorpayLinkBook, suggestedPartialAmount } from './links.ts';
import { signRazorpayPaymentLinkCallback } from './signatures.ts';
import type { RazorpayWebhookEmitter } from './webhook-events.ts';
import type { RazorpayLinkStatus, RazorpayPayment, RazorpayPaymentLink } from './wire.ts';

const PROVIDER_LABEL = 'Razorpay (simulated)';

const STATUS_BADGES: Record<RazorpayLinkStatus, { label: string; tone: CheckoutTone }> = {
  created: { label: 'Awaiting payment', tone: 'neutral' },
  partially_paid: { label: 'Partially paid', tone: 'warning' },
  paid: { label: 'Paid', tone: 'success' },
  expired: { label: 'Expired', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'danger' },
};

export interface RazorpayCheckoutDeps {
  keySecret: string;
  book: RazorpayLinkBook;
  webhooks: RazorpayWebhookEmitter;
  settle(): void;
}

export function createRazorpayCheckoutRouter(deps: RazorpayCheckoutDeps): Router {
  const router = Router();
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/i/:code', (req, res) => {
    const link = findLink(deps.book, req.params.code);
    if (!link) return sendNotFound(res);
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    const paymentId = typeof req.query.payment === 'string' ? req.query.payment : undefined;
    const payment = link.payments?.find((p) => p.payment_id === paymentId);
    sendCheckoutPage(res, describeLink(link, pagePath(req, req.params.code), { result, paidAmount: payment?.amount }), {
      formTargets: link.callback_url ? [new URL(link.callback_url).origin] : [],
    });
  });

  router.post('/i/:code/pay', (req, res) => payAndRedirect(req, res, deps, 'full'));
  router.post('/i/:code/pay-partially', (req, res) => payAndRedirect(req, res, deps, 'partial'));

  // A declined attempt: nothing is recorded and the link stays payable, as with a real failed payment.
  router.post('/i/:code/fail', (req, res) => {
    const link = findLink(deps.book, req.params.code);
    if (!link) return sendNotFound(res);
    res.redirect(303, PAYABLE_STATUSES.has(link.status) ? `${pagePath(req, req.params.code)}?result=failed` : pagePath(req, req.params.code));
  });

  // Simulates the merchant cancelling from the dashboard while the buyer looks at the page.
  router.post('/i/:code/cancel', async (req, res) => {
    const link = findLink(deps.book, req.params.code);
    if (!link) return sendNotFound(res);
    if (link.status === 'created') {
      await deps.webhooks.emit('payment_link.cancelled', deps.book.cancel(link.id));
    }
    res.redirect(303, pagePath(req, req.params.code));
  });

  return router;
}

async function payAndRedirect(req: Request, res: Response, deps: RazorpayCheckoutDeps, kind: 'full' | 'partial') {
  const code = String(req.params.code);
  const link = findLink(deps.book, code);
  if (!link) return sendNotFound(res);
  if (!PAYABLE_STATUSES.has(link.status)) return res.redirect(303, pagePath(req, code));
  const amount = kind === 'partial' ? suggestedPartialAmount(link) : undefined;
  const result = deps.book.pay(link.id, amount);
  // Awaited so the merchant has the webhook before the buyer lands on the callback, the usual order in
  // practice; a failed delivery is recorded and does not stop the redirect (cf. xendit/xendit-php#221).
  await deps.webhooks.emit(
    result.link.status === 'paid' ? 'payment_link.paid' : 'payment_link.partially_paid',
    result.link,
    { order: result.order, payment: result.payment },
  );
  if (result.link.callback_url) return res.redirect(303, callbackTarget(result.link, result.payment, deps.keySecret));
  res.redirect(303, `${pagePath(req, code)}?result=paid&payment=${encodeURIComponent(result.payment.id)}`);
}

/** The merchant's callback_url with Razorpay's five query parameters (payments/payment-links/apis.md). */
export function callbackTarget(link: RazorpayPaymentLink, payment: RazorpayPayment, keySecret: string): string {
  const target = new URL(link.callback_url);
  target.searchParams.set('razorpay_payment_id', payment.id);
  target.searchParams.set('razorpay_payment_link_id', link.id);
  target.searchParams.set('razorpay_payment_link_reference_id', link.reference_id);
  target.searchParams.set('razorpay_payment_link_status', link.status);
  target.searchParams.set(
    'razorpay_signature',
    signRazorpayPaymentLinkCallback(
      { paymentLinkId: link.id, referenceId: link.reference_id, status: link.status, paymentId: payment.id },
      keySecret,
    ),
  );
  return target.href;
}

function describeLink(
  link: RazorpayPaymentLink,
  path: string,
  outcome: { result: string | undefined; paidAmount: number | undefined },
): CheckoutPageView {
  const money = (amount: number) => formatMinorUnits(amount, link.currency);
  const due = link.amount - link.amount_paid;
  const heading = link.description || 'Payment request';
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount: money(link.amount),
    status: STATUS_BADGES[link.status],
    facts: [
      ...(link.amount_paid > 0 ? [{ label: 'Paid so far', value: money(link.amount_paid) }] : []),
      ...(PAYABLE_STATUSES.has(link.status) ? [{ label: 'Amount due', value: money(due) }] : []),
      ...(link.reference_id ? [{ label: 'Reference', value: link.reference_id }] : []),
      { label: 'Payment link', value: link.id },
      ...(PAYABLE_STATUSES.has(link.status) ? [{ label: 'Expires', value: formatTimestamp(link.expire_by) }] : []),
    ],
  };
  if (outcome.result === 'paid' && outcome.paidAmount !== undefined) {
    view.notice =
      link.status === 'paid'
        ? { tone: 'success', text: 'Payment successful — you can close this window' }
        : { tone: 'success', text: `Payment of ${money(outcome.paidAmount)} received. ${money(due)} is still due.` };
  } else if (outcome.result === 'failed' && PAYABLE_STATUSES.has(link.status)) {
    view.notice = { tone: 'error', text: 'Payment failed, try again' };
  } else if (link.status === 'paid') {
    view.notice = { tone: 'info', text: 'This payment link has been paid.' };
  } else if (link.status === 'expired') {
    view.notice = { tone: 'info', text: 'This payment link has expired.' };
  } else if (link.status === 'cancelled') {
    view.notice = { tone: 'info', text: 'This payment link was cancelled.' };
  }
  if (PAYABLE_STATUSES.has(link.status)) view.actions = payableActions(link, path, money);
  return view;
}

function payableActions(link: RazorpayPaymentLink, path: string, money: (amount: number) => string): CheckoutAction[] {
  const due = link.amount - link.amount_paid;
  const partial = suggestedPartialAmount(link);
  return [
    { label: `Pay ${money(due)}`, action: `${path}/pay`, variant: 'primary' },
    ...(link.accept_partial && partial < due
      ? [{ label: `Pay partially (${money(partial)})`, action: `${path}/pay-partially`, variant: 'secondary' as const }]
      : []),
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    ...(link.status === 'created' ? [{ label: 'Cancel link', action: `${path}/cancel`, variant: 'danger' as const }] : []),
  ];
}

function findLink(book: RazorpayLinkBook, code: string): RazorpayPaymentLink | undefined {
  const id = book.findIdByCode(code);
  return id ? book.get(id) : undefined;
}

/** Absolute path of a link's page, whatever the router is mounted under. */
function pagePath(req: Request, code: string): string {
  return `${req.baseUrl}/i/${encodeURIComponent(code)}`;
}

function sendNotFound(res: Response): void {
  sendCheckoutPage(
    res,
    {
      providerLabel: PROVIDER_LABEL,
      title: `Payment link not found · ${PROVIDER_LABEL}`,
      heading: 'Payment link not found',
      notice: { tone: 'info', text: 'Check the link you were sent, or ask the merchant for a new one.' },
    },
    { status: 404 },
  );
}

function formatTimestamp(epochSeconds: number): string {
  return new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(epochSeconds * 1000),
  ) + ' UTC';
}

/**
 * Razorpay's hosted checkout, simulated: `GET /i/:code` is what `short_url` opens, for a current payment link
 * and for a legacy one (an invoice with `type=link`) alike. Each button posts to its own
 * path and every POST ends in a 303 (post/redirect/get), so reloading a result page never pays twice.
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, checkoutNotice, type CheckoutPageView, type CheckoutPhase, type CheckoutTone, formatMinorUnits, formatUtc, sendCheckoutNotFound, sendCheckoutPage } from '../../checkout-page.ts';
import type { RazorpayInvoice, RazorpayInvoiceStatus } from './invoice-wire.ts';
import { PAYABLE_INVOICE_STATUSES, type RazorpayInvoiceBook, suggestedInvoicePartialAmount } from './invoices.ts';
import { PAYABLE_STATUSES, type RazorpayLinkBook, suggestedPartialAmount } from './links.ts';
import { signRazorpayPaymentLinkCallback } from './signatures.ts';
import type { RazorpayWebhookEmitter } from './webhook-events.ts';
import type { RazorpayLinkStatus, RazorpayPayment, RazorpayPaymentLink } from './wire.ts';

const PROVIDER_LABEL = 'Razorpay (simulated)';

type Badge = { label: string; tone: CheckoutTone };

const STATUS_BADGES: Record<RazorpayLinkStatus, Badge> = {
  created: { label: 'Awaiting payment', tone: 'neutral' },
  partially_paid: { label: 'Partially paid', tone: 'warning' },
  paid: { label: 'Paid', tone: 'success' },
  expired: { label: 'Expired', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'danger' },
};

const INVOICE_STATUS_BADGES: Record<RazorpayInvoiceStatus, Badge> = {
  draft: { label: 'Draft', tone: 'neutral' },
  issued: { label: 'Awaiting payment', tone: 'neutral' },
  partially_paid: { label: 'Partially paid', tone: 'warning' },
  paid: { label: 'Paid', tone: 'success' },
  expired: { label: 'Expired', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'danger' },
  deleted: { label: 'Deleted', tone: 'danger' },
};

export interface RazorpayCheckoutDeps {
  keySecret: string;
  book: RazorpayLinkBook;
  /** Legacy links (invoices with `type=link`) share the page: both APIs hand out `rzp.io/i/<code>` URLs. */
  invoices: RazorpayInvoiceBook;
  webhooks: RazorpayWebhookEmitter;
  settle(): void;
}

/** What the page shows of a link, whichever API minted it. */
interface CheckoutModel {
  id: string;
  description: string;
  currency: string;
  amount: number;
  amountPaid: number;
  reference: string;
  expireBy: number | null;
  badge: Badge;
  /** `open` while payable; otherwise the final state the notice names. */
  phase: CheckoutPhase;
  cancellable: boolean;
  /** What "Pay partially" pays; absent when partial payments are off or would pay everything. */
  partialAmount?: number;
  paymentAmount(paymentId: string): number | undefined;
  /** Origins a form's redirect may land on (the merchant's callback). */
  formTargets: string[];
}

/** A link behind a short URL, with what its buttons do. */
interface CheckoutEntry {
  model: CheckoutModel;
  /** Records the payment, awaits its webhook, and answers where the buyer goes next (undefined: our result page). */
  pay(kind: 'full' | 'partial'): Promise<{ paymentId: string; redirect?: string }>;
  cancel(): Promise<void>;
}

export function createRazorpayCheckoutRouter(deps: RazorpayCheckoutDeps): Router {
  const router = Router();
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/i/:code', (req, res) => {
    const entry = findEntry(deps, req.params.code);
    if (!entry) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    const paymentId = typeof req.query.payment === 'string' ? req.query.payment : undefined;
    const paidAmount = paymentId === undefined ? undefined : entry.model.paymentAmount(paymentId);
    sendCheckoutPage(res, describe(entry.model, pagePath(req, req.params.code), { result, paidAmount }), {
      formTargets: entry.model.formTargets,
    });
  });

  router.post('/i/:code/pay', (req, res) => payAndRedirect(req, res, deps, 'full'));
  router.post('/i/:code/pay-partially', (req, res) => payAndRedirect(req, res, deps, 'partial'));

  // A declined attempt: nothing is recorded and the link stays payable, as with a real failed payment.
  router.post('/i/:code/fail', (req, res) => {
    const entry = findEntry(deps, req.params.code);
    if (!entry) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    res.redirect(303, entry.model.phase === 'open' ? `${pagePath(req, req.params.code)}?result=failed` : pagePath(req, req.params.code));
  });

  // Simulates the merchant cancelling from the dashboard while the buyer looks at the page.
  router.post('/i/:code/cancel', async (req, res) => {
    const entry = findEntry(deps, req.params.code);
    if (!entry) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (entry.model.cancellable) await entry.cancel();
    res.redirect(303, pagePath(req, req.params.code));
  });

  return router;
}

async function payAndRedirect(req: Request, res: Response, deps: RazorpayCheckoutDeps, kind: 'full' | 'partial') {
  const code = String(req.params.code);
  const entry = findEntry(deps, code);
  if (!entry) return sendCheckoutNotFound(res, PROVIDER_LABEL);
  if (entry.model.phase !== 'open') return res.redirect(303, pagePath(req, code));
  const { paymentId, redirect } = await entry.pay(kind);
  if (redirect) return res.redirect(303, redirect);
  res.redirect(303, `${pagePath(req, code)}?result=paid&payment=${encodeURIComponent(paymentId)}`);
}

function findEntry(deps: RazorpayCheckoutDeps, code: string): CheckoutEntry | undefined {
  const linkId = deps.book.findIdByCode(code);
  if (linkId) return linkEntry(deps, deps.book.get(linkId));
  const invoiceId = deps.invoices.findIdByCode(code);
  if (invoiceId) return invoiceEntry(deps, deps.invoices.get(invoiceId));
  return undefined;
}

function linkEntry(deps: RazorpayCheckoutDeps, link: RazorpayPaymentLink): CheckoutEntry {
  const payable = PAYABLE_STATUSES.has(link.status);
  const due = link.amount - link.amount_paid;
  const partial = suggestedPartialAmount(link);
  return {
    model: {
      id: link.id,
      description: link.description,
      currency: link.currency,
      amount: link.amount,
      amountPaid: link.amount_paid,
      reference: link.reference_id,
      expireBy: link.expire_by,
      badge: STATUS_BADGES[link.status],
      phase: payable ? 'open' : link.status === 'created' || link.status === 'partially_paid' ? 'closed' : link.status,
      cancellable: link.status === 'created',
      partialAmount: link.accept_partial && partial < due ? partial : undefined,
      paymentAmount: (paymentId) => link.payments?.find((p) => p.payment_id === paymentId)?.amount,
      formTargets: link.callback_url ? [new URL(link.callback_url).origin] : [],
    },
    async pay(kind) {
      const result = deps.book.pay(link.id, kind === 'partial' ? partial : undefined);
      // Awaited so the merchant has the webhook before the buyer lands on the callback, the usual order in
      // practice; a failed delivery is recorded and does not stop the redirect (cf. xendit/xendit-php#221).
      await deps.webhooks.emit(
        result.link.status === 'paid' ? 'payment_link.paid' : 'payment_link.partially_paid',
        result.link,
        { order: result.order, payment: result.payment },
      );
      return {
        paymentId: result.payment.id,
        redirect: result.link.callback_url ? callbackTarget(result.link, result.payment, deps.keySecret) : undefined,
      };
    },
    async cancel() {
      await deps.webhooks.emit('payment_link.cancelled', deps.book.cancel(link.id));
    },
  };
}

/** A legacy link: no callback URL exists in that API, so the buyer always ends on the result page. */
function invoiceEntry(deps: RazorpayCheckoutDeps, invoice: RazorpayInvoice): CheckoutEntry {
  const payable = PAYABLE_INVOICE_STATUSES.has(invoice.status);
  const partial = suggestedInvoicePartialAmount(invoice);
  const finalPhase = (): CheckoutModel['phase'] => {
    switch (invoice.status) {
      case 'paid':
      case 'expired':
      case 'cancelled':
        return invoice.status;
      case 'deleted':
        return 'cancelled';
      default:
        return 'closed';
    }
  };
  return {
    model: {
      id: invoice.id,
      description: invoice.description,
      currency: invoice.currency,
      amount: invoice.amount,
      amountPaid: invoice.amount_paid,
      reference: invoice.receipt ?? '',
      expireBy: invoice.expire_by,
      badge: INVOICE_STATUS_BADGES[invoice.status],
      phase: payable ? 'open' : finalPhase(),
      cancellable: invoice.status === 'issued',
      partialAmount: invoice.partial_payment && partial < invoice.amount_due ? partial : undefined,
      paymentAmount: (paymentId) => deps.invoices.paymentAmount(invoice.id, paymentId),
      formTargets: [],
    },
    async pay(kind) {
      const result = deps.invoices.pay(invoice.id, kind === 'partial' ? partial : undefined);
      await deps.webhooks.emitInvoice(
        result.invoice.status === 'paid' ? 'invoice.paid' : 'invoice.partially_paid',
        result.invoice,
        { order: result.order, payment: result.payment },
      );
      return { paymentId: result.payment.id };
    },
    async cancel() {
      // No `invoice.cancelled` event exists for legacy links; the merchant learns it by fetching.
      deps.invoices.cancel(invoice.id);
    },
  };
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

function describe(
  model: CheckoutModel,
  path: string,
  outcome: { result: string | undefined; paidAmount: number | undefined },
): CheckoutPageView {
  const money = (amount: number) => formatMinorUnits(amount, model.currency);
  const due = model.amount - model.amountPaid;
  const open = model.phase === 'open';
  const heading = model.description || 'Payment request';
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount: money(model.amount),
    status: model.badge,
    facts: [
      ...(model.amountPaid > 0 ? [{ label: 'Paid so far', value: money(model.amountPaid) }] : []),
      ...(open ? [{ label: 'Amount due', value: money(due) }] : []),
      ...(model.reference ? [{ label: 'Reference', value: model.reference }] : []),
      { label: 'Payment link', value: model.id },
      ...(open && model.expireBy !== null ? [{ label: 'Expires', value: formatUtc(new Date(model.expireBy * 1000)) }] : []),
    ],
  };
  view.notice = checkoutNotice({ outcome, phase: model.phase, due, money });
  if (open) view.actions = payableActions(model, path, money);
  return view;
}

function payableActions(model: CheckoutModel, path: string, money: (amount: number) => string): CheckoutAction[] {
  const due = model.amount - model.amountPaid;
  return [
    { label: `Pay ${money(due)}`, action: `${path}/pay`, variant: 'primary' },
    ...(model.partialAmount !== undefined
      ? [{ label: `Pay partially (${money(model.partialAmount)})`, action: `${path}/pay-partially`, variant: 'secondary' as const }]
      : []),
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    ...(model.cancellable ? [{ label: 'Cancel link', action: `${path}/cancel`, variant: 'danger' as const }] : []),
  ];
}

/** Absolute path of a link's page, whatever the router is mounted under. */
function pagePath(req: Request, code: string): string {
  return `${req.baseUrl}/i/${encodeURIComponent(code)}`;
}


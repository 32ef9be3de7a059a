/**
 * EximPe's hosted payment page, simulated: `GET /pay/:id` is what `payment_link` opens (the seed's
 * `https://checkout.eximpe.com/pay/{id}` shape). Each button posts to its own path and every POST ends in a 303
 * (post/redirect/get), so reloading a result page never pays twice. No partial payments: EximPe documents none.
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, type CheckoutPageView, type CheckoutTone, sendCheckoutNotFound, sendCheckoutPage } from '../../checkout-page.ts';
import type { EximPeLinkBook } from './links.ts';
import type { EximPeWebhookEmitter } from './webhook-events.ts';
import type { EximPeLinkStatus, EximPePaymentLink } from './wire.ts';

const PROVIDER_LABEL = 'EximPe (simulated)';

const STATUS_BADGES: Record<EximPeLinkStatus, { label: string; tone: CheckoutTone }> = {
  ACTIVE: { label: 'Awaiting payment', tone: 'neutral' },
  PAID: { label: 'Paid', tone: 'success' },
  INACTIVE: { label: 'Inactive', tone: 'danger' },
  EXPIRED: { label: 'Expired', tone: 'danger' },
};

export interface EximPeCheckoutDeps {
  book: EximPeLinkBook;
  webhooks: EximPeWebhookEmitter;
  settle(): void;
}

export function createEximPeCheckoutRouter(deps: EximPeCheckoutDeps): Router {
  const router = Router();
  router.use('/pay', (_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/pay/:id', (req, res) => {
    if (!deps.book.has(req.params.id)) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    const link = deps.book.get(req.params.id);
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    const returnUrl = deps.book.returnUrl(link.payment_id);
    sendCheckoutPage(res, describeLink(link, pagePath(req, link.payment_id), result), {
      formTargets: returnUrl ? [new URL(returnUrl).origin] : [],
    });
  });

  router.post('/pay/:id/pay', async (req, res) => {
    const id = String(req.params.id);
    if (!deps.book.has(id)) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (deps.book.get(id).status !== 'ACTIVE') return res.redirect(303, pagePath(req, id));
    const { payment } = deps.book.pay(id);
    // Awaited so the merchant has the webhook before the buyer is back, the usual order in practice; a failed
    // delivery is recorded and does not stop the redirect.
    await deps.webhooks.emit(payment);
    const returnUrl = deps.book.returnUrl(id);
    res.redirect(303, returnUrl ?? `${pagePath(req, id)}?result=paid`);
  });

  router.post('/pay/:id/fail', async (req, res) => {
    const id = String(req.params.id);
    if (!deps.book.has(id)) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (deps.book.get(id).status !== 'ACTIVE') return res.redirect(303, pagePath(req, id));
    await deps.webhooks.emit(deps.book.fail(id).payment);
    res.redirect(303, `${pagePath(req, id)}?result=failed`);
  });

  // The merchant deactivating the link from the dashboard while the buyer looks at the page. EximPe sends no
  // webhook for it (no link-level events, §1.6).
  router.post('/pay/:id/cancel', (req, res) => {
    const id = String(req.params.id);
    if (!deps.book.has(id)) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (deps.book.get(id).status === 'ACTIVE') deps.book.deactivate(id);
    res.redirect(303, pagePath(req, id));
  });

  return router;
}

function describeLink(link: EximPePaymentLink, path: string, result: string | undefined): CheckoutPageView {
  const amount = formatRupees(link.amount);
  const heading = link.product.description || link.product.name;
  const payable = link.status === 'ACTIVE';
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount,
    status: STATUS_BADGES[link.status],
    facts: [
      { label: 'Invoice', value: link.invoice.number },
      { label: 'Payment link', value: link.payment_id },
      ...(payable ? [{ label: 'Expires', value: `${link.expiry_date.replace('T', ' ').replace('Z', '')} UTC` }] : []),
    ],
  };
  if (result === 'paid' && link.status === 'PAID') view.notice = { tone: 'success', text: 'Payment successful — you can close this window' };
  else if (result === 'failed' && payable) view.notice = { tone: 'error', text: 'Payment failed, try again' };
  else if (link.status === 'PAID') view.notice = { tone: 'info', text: 'This payment link has been paid.' };
  // "The link will show an 'Expired' or 'Inactive' message to the customer" (deactivate reference).
  else if (link.status === 'INACTIVE') view.notice = { tone: 'info', text: 'This payment link is inactive.' };
  else if (link.status === 'EXPIRED') view.notice = { tone: 'info', text: 'This payment link has expired.' };
  if (payable) view.actions = payableActions(path, amount);
  return view;
}

function payableActions(path: string, amount: string): CheckoutAction[] {
  return [
    { label: `Pay ${amount}`, action: `${path}/pay`, variant: 'primary' },
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    { label: 'Deactivate link', action: `${path}/cancel`, variant: 'danger' },
  ];
}

/** `"150000.50"` → `₹1,50,000.50`, from the string, without floating point. */
export function formatRupees(amount: string): string {
  const [whole = '0', fraction = '00'] = amount.split('.');
  return `₹${BigInt(whole).toLocaleString('en-IN')}.${fraction.padEnd(2, '0')}`;
}

function pagePath(req: Request, id: string): string {
  return `${req.baseUrl}/pay/${encodeURIComponent(id)}`;
}


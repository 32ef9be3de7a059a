/**
 * PayEngine's hosted payment page, simulated: `GET /pay/:slug` is what `payment_link_url` opens (the real URL
 * layout is not documented; the slug is the link's `slug_id`). One button per accepted payment method (card,
 * ACH) with its amount; no partial payments (PayEngine links have a fixed amount). Each button posts to its own
 * path and every POST ends in a 303 (post/redirect/get), so reloading a result page never pays twice.
 *
 * PayEngine documents no success/return URL for payment links, so after paying the buyer stays on this page,
 * which says the payment went through; the merchant learns it from the webhooks (awaited before the redirect).
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, type CheckoutPageView, type CheckoutTone, escapeHtml, formatMinorUnits, formatUtc, sendCheckoutNotFound, sendCheckoutPage } from '../../checkout-page.ts';
import { PayEngineError } from './errors.ts';
import { PAYABLE_STATUS, type PayEngineLinkBook } from './links.ts';
import { centsOf, parseSimDate } from './schemas.ts';
import { buildPayEngineLinkEvent, buildPayEngineTransactionEvent, emitPayEnginePayment, type PayEngineWebhookEmitter } from './webhook-events.ts';
import type { PayEngineLinkStatus, PayEnginePaymentLink, PayEnginePaymentMethod } from './wire.ts';

const PROVIDER_LABEL = 'PayEngine (simulated)';

const STATUS_BADGES: Record<PayEngineLinkStatus, { label: string; tone: CheckoutTone }> = {
  ACTIVE: { label: 'Awaiting payment', tone: 'neutral' },
  INACTIVE: { label: 'Inactive', tone: 'warning' },
  COMPLETED: { label: 'Paid', tone: 'success' },
  CANCELLED: { label: 'Cancelled', tone: 'danger' },
};

const METHOD_PATHS: Record<PayEnginePaymentMethod, string> = { CC_DC: 'pay-card', ACH: 'pay-ach' };

export interface PayEngineCheckoutDeps {
  book: PayEngineLinkBook;
  webhooks: PayEngineWebhookEmitter;
  clock: { now(): number };
  settle(): void;
}

export function createPayEngineCheckoutRouter(deps: PayEngineCheckoutDeps): Router {
  const router = Router();
  router.use('/pay', (_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/pay/:slug', (req, res) => {
    const link = findLink(deps.book, req.params.slug);
    if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    sendCheckoutPage(res, describeLink(link, pagePath(req, req.params.slug), result, deps.clock.now()));
  });

  // A stand-in for the QR code image behind `qr_code_url`: an SVG naming the link, not a scannable code.
  router.get('/pay/:slug/qr', (req, res) => {
    const link = findLink(deps.book, req.params.slug);
    if (!link) return void res.status(404).type('text/plain').send('Payment link not found');
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'no-store')
      .send(
        `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160"><rect width="160" height="160" fill="#fff" stroke="#000"/><text x="80" y="84" font-family="monospace" font-size="12" text-anchor="middle">QR ${escapeHtml(link.payment_link_id)}</text></svg>`,
      );
  });

  for (const method of Object.keys(METHOD_PATHS) as PayEnginePaymentMethod[]) {
    router.post(`/pay/:slug/${METHOD_PATHS[method]}`, (req, res) => payAndRedirect(req, res, deps, method));
  }

  // A declined attempt: recorded and reported as a failed transaction; the link stays payable.
  router.post('/pay/:slug/fail', async (req, res) => {
    const slug = String(req.params.slug);
    const link = findLink(deps.book, slug);
    if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (link.payment_link_status !== PAYABLE_STATUS) return res.redirect(303, pagePath(req, slug));
    const failed = deps.book.fail(link.payment_link_id, link.payment_methods[0] ?? 'CC_DC');
    await deps.webhooks.emit(buildPayEngineTransactionEvent('PAYMENT_FAILED', failed.link, failed.transaction));
    res.redirect(303, `${pagePath(req, slug)}?result=failed`);
  });

  // Simulates the merchant cancelling from the console while the buyer looks at the page.
  router.post('/pay/:slug/cancel', async (req, res) => {
    const slug = String(req.params.slug);
    const link = findLink(deps.book, slug);
    if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
    if (link.payment_link_status === 'ACTIVE' || link.payment_link_status === 'INACTIVE') {
      await deps.webhooks.emit(buildPayEngineLinkEvent('PAYMENTLINK_CANCELLED', deps.book.cancel(link.payment_link_id)));
    }
    res.redirect(303, pagePath(req, slug));
  });

  return router;
}

async function payAndRedirect(req: Request, res: Response, deps: PayEngineCheckoutDeps, method: PayEnginePaymentMethod) {
  const slug = String(req.params.slug);
  const link = findLink(deps.book, slug);
  if (!link) return sendCheckoutNotFound(res, PROVIDER_LABEL);
  if (link.payment_link_status !== PAYABLE_STATUS || !link.payment_methods.includes(method)) return res.redirect(303, pagePath(req, slug));
  let result;
  try {
    result = deps.book.pay(link.payment_link_id, method);
  } catch (error) {
    if (error instanceof PayEngineError) return res.redirect(303, pagePath(req, slug));
    throw error;
  }
  // Awaited so the merchant has the webhooks before the buyer sees the result; a failed delivery is recorded
  // and does not stop the redirect.
  await emitPayEnginePayment(deps.webhooks, result);
  res.redirect(303, `${pagePath(req, slug)}?result=paid`);
}

function describeLink(link: PayEnginePaymentLink, path: string, result: string | undefined, nowMs: number): CheckoutPageView {
  const money = (dollars: string) => formatMinorUnits(centsOf(dollars), link.currency_code, 'en-US');
  const heading = link.description || 'Payment request';
  const start = link.start_date === null ? undefined : parseSimDate(link.start_date, 'start');
  const end = link.end_date === null ? undefined : parseSimDate(link.end_date, 'end');
  const notStarted = link.payment_link_status === 'INACTIVE' && start !== undefined && nowMs < start;
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount: link.use_same_amount ? money(link.amount!) : `${money(link.cc_amount!)} by card · ${money(link.ach_amount!)} by ACH`,
    status: STATUS_BADGES[link.payment_link_status],
    // `internal_transaction_id` "won't be displayed in the payment link" (seed), so it is not shown here.
    facts: [
      ...(link.order_number ? [{ label: 'Order', value: link.order_number }] : []),
      ...(link.sales_tax && link.sales_tax !== '0.00' ? [{ label: 'Sales tax included', value: money(link.sales_tax) }] : []),
      ...(!link.use_same_amount && link.cc_amount_note ? [{ label: 'Card', value: link.cc_amount_note }] : []),
      ...(!link.use_same_amount && link.ach_amount_note ? [{ label: 'ACH', value: link.ach_amount_note }] : []),
      { label: 'Payment link', value: link.payment_link_id },
      ...(notStarted && start !== undefined ? [{ label: 'Opens', value: formatUtc(new Date(start), 'en-US') }] : []),
      ...(link.payment_link_status === 'ACTIVE' && end !== undefined ? [{ label: 'Valid until', value: formatUtc(new Date(end), 'en-US') }] : []),
    ],
  };
  if (result === 'paid' && link.payment_link_status === 'COMPLETED') {
    view.notice = { tone: 'success', text: 'Payment successful — you can close this window' };
  } else if (result === 'paid' && link.payment_link_status === 'ACTIVE') {
    view.notice = { tone: 'success', text: 'Payment received. This link can be paid again.' };
  } else if (result === 'failed' && link.payment_link_status === 'ACTIVE') {
    view.notice = { tone: 'error', text: 'Payment declined, try again' };
  } else if (link.payment_link_status === 'COMPLETED') {
    view.notice = { tone: 'info', text: 'This payment link has been paid.' };
  } else if (link.payment_link_status === 'CANCELLED') {
    view.notice = { tone: 'info', text: 'This payment link was cancelled.' };
  } else if (link.payment_link_status === 'INACTIVE') {
    view.notice = { tone: 'info', text: notStarted ? 'This payment link is not active yet.' : 'This payment link is no longer active.' };
  }
  if (link.payment_link_status === PAYABLE_STATUS) view.actions = payableActions(link, path, money);
  return view;
}

function payableActions(link: PayEnginePaymentLink, path: string, money: (dollars: string) => string): CheckoutAction[] {
  const charge = (method: PayEnginePaymentMethod) => money(link.use_same_amount ? link.amount! : method === 'CC_DC' ? link.cc_amount! : link.ach_amount!);
  return [
    ...link.payment_methods.map(
      (method, i): CheckoutAction => ({
        label: method === 'CC_DC' ? `Pay ${charge(method)} by card` : `Pay ${charge(method)} by bank account (ACH)`,
        action: `${path}/${METHOD_PATHS[method]}`,
        variant: i === 0 ? 'primary' : 'secondary',
      }),
    ),
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    { label: 'Cancel link', action: `${path}/cancel`, variant: 'danger' },
  ];
}

function findLink(book: PayEngineLinkBook, slug: string): PayEnginePaymentLink | undefined {
  const id = book.findIdBySlug(slug);
  return id ? book.get(id) : undefined;
}

/** Absolute path of a link's page, whatever the router is mounted under. */
function pagePath(req: Request, slug: string): string {
  return `${req.baseUrl}/pay/${encodeURIComponent(slug)}`;
}


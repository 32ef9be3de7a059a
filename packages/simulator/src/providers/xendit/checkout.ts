/**
 * Xendit's hosted checkout, simulated: `GET /web/:id` is what `invoice_url` opens (the test host's form is
 * `https://checkout-staging.xendit.co/web/{id}`, seed). Each button posts to its own path and every POST ends in
 * a 303 (post/redirect/get), so reloading a result page never pays twice.
 *
 * What the seed says the real page does: a successful payment sends the buyer to `success_redirect_url`; a
 * failed attempt stays on the page and can be retried; an expired invoice's page is no longer usable. Invoices
 * take no partial payments, so there is no partial button.
 */
import { Router, type Request, type Response } from 'express';
import { type CheckoutAction, type CheckoutPageView, type CheckoutTone, formatUtc, sendCheckoutNotFound, sendCheckoutPage } from '../../checkout-page.ts';
import type { XenditCallbackEmitter } from './callbacks.ts';
import { channelsFor, type XenditInvoiceBook, type XenditPaymentChannel, XENDIT_PAYMENT_CHANNELS } from './invoices.ts';
import type { XenditCurrency, XenditInvoice, XenditInvoiceStatus } from './wire.ts';

const PROVIDER_LABEL = 'Xendit (simulated)';

const STATUS_BADGES: Record<XenditInvoiceStatus, { label: string; tone: CheckoutTone }> = {
  PENDING: { label: 'Unpaid', tone: 'neutral' },
  PAID: { label: 'Paid', tone: 'success' },
  SETTLED: { label: 'Paid', tone: 'success' },
  EXPIRED: { label: 'Expired', tone: 'danger' },
};

const CHANNEL_LABELS: Record<XenditPaymentChannel, string> = {
  DANA: 'DANA e-wallet',
  BCA: 'BCA virtual account',
  CREDIT_CARD: 'card',
};

export interface XenditCheckoutDeps {
  book: XenditInvoiceBook;
  callbacks: XenditCallbackEmitter;
  settle(): void;
}

export function createXenditCheckoutRouter(deps: XenditCheckoutDeps): Router {
  const router = Router();
  router.use('/web', (_req, _res, next) => {
    deps.settle();
    next();
  });

  router.get('/web/:id', (req, res) => {
    const invoice = deps.book.find(req.params.id);
    if (!invoice) return sendCheckoutNotFound(res, PROVIDER_LABEL, 'Invoice');
    const result = typeof req.query.result === 'string' ? req.query.result : undefined;
    sendCheckoutPage(res, describeInvoice(invoice, pagePath(req, invoice.id), result), {
      formTargets: redirectOrigins(invoice),
    });
  });

  router.post('/web/:id/pay/:channel', async (req, res) => {
    const invoice = deps.book.find(req.params.id);
    if (!invoice) return sendCheckoutNotFound(res, PROVIDER_LABEL, 'Invoice');
    const channel = req.params.channel as XenditPaymentChannel;
    if (invoice.status !== 'PENDING' || !channelsFor(invoice.currency).includes(channel)) {
      return res.redirect(303, pagePath(req, invoice.id));
    }
    const paid = deps.book.pay(invoice.id, channel);
    // Awaited so the merchant has the callback before the buyer lands on the redirect, the usual order; a failed
    // delivery does not stop the redirect (xendit/xendit-php#221: the payer was redirected although the
    // webhook got a 404).
    await deps.callbacks.emit(paid);
    if (paid.success_redirect_url) return res.redirect(303, paid.success_redirect_url);
    res.redirect(303, `${pagePath(req, invoice.id)}?result=paid`);
  });

  // A declined attempt: nothing is recorded and the invoice stays PENDING; "they can retry the payment again on
  // the same payment page" (seed, step 3).
  router.post('/web/:id/fail', (req, res) => {
    const invoice = deps.book.find(req.params.id);
    if (!invoice) return sendCheckoutNotFound(res, PROVIDER_LABEL, 'Invoice');
    res.redirect(303, invoice.status === 'PENDING' ? `${pagePath(req, invoice.id)}?result=failed` : pagePath(req, invoice.id));
  });

  // Simulates the merchant expiring the invoice from the dashboard while the buyer looks at the page.
  router.post('/web/:id/cancel', async (req, res) => {
    const invoice = deps.book.find(req.params.id);
    if (!invoice) return sendCheckoutNotFound(res, PROVIDER_LABEL, 'Invoice');
    if (invoice.status === 'PENDING') await deps.callbacks.emit(deps.book.expire(invoice.id));
    res.redirect(303, pagePath(req, invoice.id));
  });

  return router;
}

function describeInvoice(invoice: XenditInvoice, path: string, result: string | undefined): CheckoutPageView {
  const heading = invoice.description || 'Payment';
  const payable = invoice.status === 'PENDING';
  const view: CheckoutPageView = {
    providerLabel: PROVIDER_LABEL,
    title: `${heading} · ${PROVIDER_LABEL}`,
    heading,
    amount: formatXenditAmount(invoice.amount, invoice.currency),
    status: STATUS_BADGES[invoice.status],
    facts: [
      { label: 'Merchant', value: invoice.merchant_name },
      { label: 'Reference', value: invoice.external_id },
      { label: 'Invoice', value: invoice.id },
      ...(payable ? [{ label: 'Expires', value: formatUtc(new Date(invoice.expiry_date), 'en-GB') }] : []),
      ...(invoice.paid_at && invoice.payment_channel
        ? [
            { label: 'Paid with', value: invoice.payment_channel },
            { label: 'Paid at', value: formatUtc(new Date(invoice.paid_at), 'en-GB') },
          ]
        : []),
    ],
  };
  if (result === 'paid' && !payable && invoice.paid_at) {
    view.notice = { tone: 'success', text: 'Payment successful — you can close this window' };
  } else if (result === 'failed' && payable) {
    view.notice = { tone: 'error', text: 'Payment failed, try again' };
  } else if (invoice.status === 'PAID' || invoice.status === 'SETTLED') {
    view.notice = { tone: 'info', text: 'This invoice has been paid.' };
  } else if (invoice.status === 'EXPIRED') {
    view.notice = { tone: 'info', text: 'This invoice has expired and can no longer be paid.' };
  }
  if (payable) view.actions = payableActions(invoice, path);
  return view;
}

function payableActions(invoice: XenditInvoice, path: string): CheckoutAction[] {
  const amount = formatXenditAmount(invoice.amount, invoice.currency);
  return [
    ...channelsFor(invoice.currency).map((channel, i) => ({
      label: `Pay ${amount} with ${CHANNEL_LABELS[channel]}`,
      action: `${path}/pay/${channel}`,
      variant: i === 0 ? ('primary' as const) : ('secondary' as const),
    })),
    { label: 'Fail this attempt', action: `${path}/fail`, variant: 'secondary' },
    { label: 'Expire invoice', action: `${path}/cancel`, variant: 'danger' },
  ];
}

/**
 * Xendit's amounts are major units. IDR is shown as Xendit shows it, whole rupiah with dot grouping
 * (`Rp 150.000`); other currencies with their usual decimals.
 */
export function formatXenditAmount(amount: number, currency: XenditCurrency): string {
  const locale = currency === 'IDR' ? 'id-ID' : 'en-US';
  const whole = currency === 'IDR' || currency === 'VND';
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(amount);
}

/** Chromium applies `form-action` to the redirect after the POST, so the redirect targets' origins are listed. */
function redirectOrigins(invoice: XenditInvoice): string[] {
  const urls = [invoice.success_redirect_url, invoice.failure_redirect_url].filter((u): u is string => Boolean(u));
  return [...new Set(urls.map((u) => new URL(u).origin))];
}

function pagePath(req: Request, id: string): string {
  return `${req.baseUrl}/web/${encodeURIComponent(id)}`;
}


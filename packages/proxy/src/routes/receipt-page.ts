/**
 * `GET /receipts/:link` — the receipt of a paid link, a page to keep, print or save as PDF: the merchant, what
 * was bought, the amount, when it was paid (UTC from the server; `/pay.js` adds the buyer's zone), the receipt id,
 * and the provider with its reference for the payment. The pay page and the buy page link here once paid.
 *
 * The receipt id is the link id: it is in the durable record already, so the same receipt has the same id after
 * any number of restarts, and, being unguessable, the URL is a capability like the pay page's (no referrer).
 * The customer's name is shown; their email and phone only masked (`a•••@example.com`, `••••••3210`).
 *
 * Every answer is a page: an unknown or malformed id is a 404 page, a link not paid (yet) a 404 page that says so
 * (200 is kept for a receipt, so a script can tell), a store that cannot answer a 503 page. Never a 500.
 */
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { ProviderName } from '../contract.ts';
import type { LinkService } from '../links/service.ts';
import { formatMoney } from '../money.ts';
import { escapeHtml } from '../pages/escape-html.ts';
import { type PageContext, type PageParts, messagePage, pageContext, sendPage, supportLine } from '../pages/layout.ts';
import { lineItemsTable } from '../pages/line-items.ts';
import { amountReceived, factRow, paidAtTime } from '../pages/payment-status.ts';
import { Problem } from '../problems.ts';
import type { LinkRecord } from '../records.ts';
import { LINK_ID } from '../contract/ids.ts';

/** The providers as buyers know them (their own spelling). */
const PROVIDER_NAMES: Record<ProviderName, string> = {
  razorpay: 'Razorpay',
  xendit: 'Xendit',
  pinelabs: 'Pine Labs',
  payengine: 'PayEngine',
  eximpe: 'EximPe',
};

export function receiptPageRouter(config: ProxyConfig, links: LinkService): Router {
  const router = Router();
  router.get('/receipts/:link', async (req, res) => {
    const context = pageContext(req, res, config.merchant);
    const { t } = context;
    const missing = () => sendPage(res, 404, messagePage(t.receiptMissing.title, t.receiptMissing.heading, [escapeHtml(t.receiptMissing.text)], context));
    if (!LINK_ID.test(req.params.link)) return missing();
    let record: LinkRecord;
    try {
      record = await links.read(req.params.link);
    } catch (err) {
      if (err instanceof Problem && err.status === 404) return missing();
      // The store (or the provider it asked) cannot answer now: say so, and let the buyer come back.
      return sendPage(res, 503, messagePage(t.receiptUnavailable.title, t.receiptUnavailable.heading, [escapeHtml(t.receiptUnavailable.text)], context));
    }
    if (record.status !== 'paid') return sendPage(res, 404, notPaidPage(config, record, context));
    sendPage(res, 200, receiptPage(config, record, context));
  });
  return router;
}

/** What was bought: the product (by its name in the catalog, × quantity) or the intent's description. */
function whatWasBought(config: ProxyConfig, record: LinkRecord): { what: string; product?: { name: string; quantity: number; unit: number } } {
  const source = record.source;
  if (source.kind === 'product') {
    const product = config.products.find((p) => p.id === source.product);
    const name = product?.name ?? record.description ?? source.product;
    const unit = Math.round(record.amount.value / source.quantity);
    return { what: source.quantity === 1 ? name : `${name} × ${source.quantity}`, product: { name, quantity: source.quantity, unit } };
  }
  return { what: record.description ?? record.reference };
}

function receiptPage(config: ProxyConfig, record: LinkRecord, context: PageContext): PageParts {
  const { t, lang } = context;
  const { what, product } = whatWasBought(config, record);
  const amount = formatMoney(amountReceived(record), lang);
  const items = product ? [{ name: product.name, quantity: product.quantity, amount: product.unit }] : undefined;
  const customer = customerText(record);
  const rows = [
    factRow('amount', t.rows.amount, escapeHtml(amount), { valueClass: 'amount' }),
    record.paidAt ? factRow('paid-at', t.rows.paidAt, paidAtTime(record.paidAt, lang)) : '',
    factRow('receipt', t.rows.receipt, `<code>${escapeHtml(record.id)}</code>`),
    record.source.kind === 'intent' ? factRow('reference', t.rows.reference, escapeHtml(record.source.reference)) : '',
    config.merchant.name ? factRow('merchant', t.rows.merchant, escapeHtml(config.merchant.name)) : '',
    customer ? factRow('customer', t.rows.customer, escapeHtml(customer)) : '',
    factRow('provider', t.rows.provider, escapeHtml(PROVIDER_NAMES[record.provider] ?? record.provider)),
    factRow('provider-reference', t.rows.providerReference, `<code>${escapeHtml(record.providerLinkId)}</code>`),
  ].filter(Boolean);
  return {
    title: t.receiptTitle(what, config.merchant.name ?? undefined),
    script: true,
    lang,
    merchant: config.merchant,
    main: `
<p class="eyebrow"><span>${escapeHtml(t.eyebrow.receipt)}</span>${config.testMode ? ` <span class="badge">${escapeHtml(t.testMode)}</span>` : ''}</p>
<h1>${escapeHtml(what)}</h1>
${lineItemsTable(items, record.amount.currency, context)}<dl class="facts receipt">
  ${rows.join('\n  ')}
</dl>
<p><button type="button" class="print" data-print hidden>${escapeHtml(t.print)}</button></p>
<p class="fine">${escapeHtml(t.receiptFine)}</p>${supportLine(context)}`,
  };
}

/** A link that is not paid: no receipt yet, and the way back to paying it where the page knows one. */
function notPaidPage(config: ProxyConfig, record: LinkRecord, context: PageContext): PageParts {
  const { t } = context;
  const paragraphs = [escapeHtml(t.notPaid.text)];
  const source = record.source;
  if (source.kind === 'product' && config.products.some((p) => p.id === source.product)) {
    const query = new URLSearchParams({ ...(source.quantity === 1 ? {} : { quantity: String(source.quantity) }), ...(context.langQuery ? { lang: context.lang } : {}) });
    const href = `/buy/${encodeURIComponent(source.product)}${query.size ? `?${query}` : ''}`;
    paragraphs.push(`<a href="${escapeHtml(href)}">${escapeHtml(t.notPaid.pay)}</a>`);
  }
  return messagePage(t.notPaid.title, t.notPaid.heading, paragraphs, context);
}

/** The customer's name, and their email and phone masked: enough to recognise, not enough to contact. */
export function customerText(record: Pick<LinkRecord, 'customer'>): string | undefined {
  const customer = record.customer;
  if (!customer) return undefined;
  const parts = [customer.name, customer.email && maskEmail(customer.email), customer.contact && maskPhone(customer.contact)].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${'•'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}

/**
 * `GET /pay/:intent` — the page an invoice email links to — and `GET /v1/intents/:intent`, its data; also the
 * stylesheet and script every buyer-facing page shares (`/pay.css`, `/pay.js`).
 *
 * The page shows the invoice (amount, reference, description) and its current state on load: already paid shows
 * the receipt; partially paid shows what remains; an expired link offers a fresh one on click. From then on its
 * status rows follow the button live (`pages/live-status-script.ts`), so the two never disagree, and once paid the
 * page is the receipt. It hosts the button with the intent, and never opens a popup by itself (browsers block
 * that, and buyers hate it). Layout, styles, escaping and the status rows are in `src/pages/`, shared with the
 * buy page; their CSP allows exactly the proxy's own script and stylesheet (and the merchant's logo).
 *
 * In the buyer's language (`?lang=`, `Accept-Language`, the merchant's default), with the merchant's name on top,
 * the intent's line items as the invoice email lists them, and, once paid, a link to the printable receipt.
 */
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import { INTENT_TOKEN as TOKEN, type IntentLookup } from '../contract.ts';
import type { Intent } from '../links/intent.ts';
import type { LinkService } from '../links/service.ts';
import { formatMoney } from '../money.ts';
import { escapeHtml } from '../pages/escape-html.ts';
import { PAGE_SCRIPT, PAGE_STYLESHEET, type PageContext, type PageParts, messagePage, pageContext, sendPage, supportLine } from '../pages/layout.ts';
import { lineItemsTable } from '../pages/line-items.ts';
import { LIVE_STATUS_SCRIPT } from '../pages/live-status-script.ts';
import { type PaymentState, eyebrow, factRow, liveFacts } from '../pages/payment-status.ts';
import { pageCss } from '../pages/styles.ts';
import { Problem } from '../problems.ts';

export function payPageRouter(config: ProxyConfig, links: LinkService): Router {
  const router = Router();
  const css = pageCss(config.merchant);

  router.get('/v1/intents/:intent', async (req, res) => {
    if (!TOKEN.test(req.params.intent)) throw new Problem(404, 'not_found', 'No such payment request');
    const { intent, record } = await links.lookupIntent(req.params.intent);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      invoice: {
        amount: intent.amount,
        reference: intent.reference,
        description: intent.description,
        expiresAt: intent.expiresAt.toISOString(),
        ...(intent.lineItems && { lineItems: intent.lineItems }),
      },
      link: record ? links.view(record) : null,
    } satisfies IntentLookup);
  });

  router.get('/pay/:intent', async (req, res) => {
    const token = req.params.intent;
    const context = pageContext(req, res, config.merchant);
    const { t } = context;
    try {
      if (!TOKEN.test(token)) throw new Problem(404, 'intent_invalid');
      const { intent, record } = await links.lookupIntent(token);
      sendPage(res, 200, invoicePage(config, token, intent, record, context));
    } catch (err) {
      if (err instanceof Problem && err.code === 'intent_expired') {
        sendPage(res, 410, messagePage(t.expired.title, t.expired.heading, [escapeHtml(t.expired.text)], context));
      } else {
        sendPage(res, 404, messagePage(t.invalid.title, t.invalid.heading, [escapeHtml(t.invalid.text)], context));
      }
    }
  });

  // Shared by every page (the buy page and the receipt too): under the pages' CSP, their only stylesheet and
  // script of their own.
  router.get(PAGE_STYLESHEET, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(css);
  });
  router.get(PAGE_SCRIPT, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('js').send(LIVE_STATUS_SCRIPT);
  });

  return router;
}

/**
 * The invoice and where it stands. The button gets no `label`: it says "Pay ₹12,500.00" itself once it has read
 * the invoice (translated: it gets the page's `lang`, and with the amount in its accessible name exactly once).
 */
function invoicePage(config: ProxyConfig, token: string, intent: Intent, record: PaymentState | undefined, context: PageContext): PageParts {
  const { t, lang } = context;
  const amount = formatMoney(intent.amount, lang);
  const rows = [
    factRow('reference', t.rows.reference, escapeHtml(intent.reference)),
    factRow('amount', t.rows.amount, escapeHtml(amount), { valueClass: 'amount' }),
  ].join('\n  ');
  const merchant = config.merchant.name ?? undefined;
  const paidTitle = t.paidTitle(intent.description, amount);
  return {
    title: record?.status === 'paid' ? paidTitle : t.payTitle(intent.description, amount, merchant),
    widget: true,
    lang,
    merchant: config.merchant,
    main: `
${eyebrow(t.eyebrow.payment, record, config.testMode, context)}
<h1>${escapeHtml(intent.description)}</h1>
${lineItemsTable(intent.lineItems, intent.amount.currency, context)}${liveFacts(rows, record, { currency: intent.amount.currency, paidTitle }, context)}
<pay-link-button intent="${escapeHtml(token)}" proxy="${escapeHtml(config.publicUrl)}" lang="${lang}"></pay-link-button>
<p class="fine">${escapeHtml(t.fineInvoice)}</p>${supportLine(context)}`,
  };
}

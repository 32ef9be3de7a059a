/**
 * `GET /pay/:intent` — the page an invoice email links to — and `GET /v1/intents/:intent`, its data; also the
 * stylesheet and script every buyer-facing page shares (`/pay.css`, `/pay.js`).
 *
 * The page shows the invoice (amount, reference, description) and its current state on load: already paid shows
 * the receipt; partially paid shows what remains; an expired link offers a fresh one on click. From then on its
 * status rows follow the button live (`pages/live-status-script.ts`), so the two never disagree, and once paid the
 * page is the receipt. It hosts the button with the intent, and never opens a popup by itself (browsers block
 * that, and buyers hate it). Layout, styles, escaping and the status rows are in `src/pages/`, shared with the
 * buy page; their CSP allows exactly the proxy's own script and stylesheet.
 */
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { Intent } from '../links/intent.ts';
import type { LinkService } from '../links/service.ts';
import { formatMoney } from '../money.ts';
import { escapeHtml } from '../pages/escape-html.ts';
import { PAGE_SCRIPT, PAGE_STYLESHEET, type PageParts, messagePage, sendPage } from '../pages/layout.ts';
import { LIVE_STATUS_SCRIPT } from '../pages/live-status-script.ts';
import { type PaymentState, eyebrow, factRow, liveFacts } from '../pages/payment-status.ts';
import { PAGE_CSS } from '../pages/styles.ts';
import { Problem } from '../problems.ts';

const TOKEN = /^pli1\.[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{20,100}$/;

export function payPageRouter(config: ProxyConfig, links: LinkService): Router {
  const router = Router();

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
      },
      link: record ? links.view(record) : null,
    });
  });

  router.get('/pay/:intent', async (req, res) => {
    const token = req.params.intent;
    try {
      if (!TOKEN.test(token)) throw new Problem(404, 'intent_invalid');
      const { intent, record } = await links.lookupIntent(token);
      sendPage(res, 200, invoicePage(config, token, intent, record));
    } catch (err) {
      if (err instanceof Problem && err.code === 'intent_expired') {
        sendPage(res, 410, messagePage('Payment request expired', 'This payment request has expired', ['Ask the merchant to send you a new one.']));
      } else {
        sendPage(
          res,
          404,
          messagePage('Payment link not valid', 'This payment link is not valid', [
            'Check that the whole link was copied from the email, or ask the merchant for a new one.',
          ]),
        );
      }
    }
  });

  // Shared by every page (the buy page too): under the pages' CSP, their only stylesheet and script of their own.
  router.get(PAGE_STYLESHEET, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(PAGE_CSS);
  });
  router.get(PAGE_SCRIPT, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('js').send(LIVE_STATUS_SCRIPT);
  });

  return router;
}

/**
 * The invoice and where it stands. The button gets no `label`: it says "Pay ₹12,500.00" itself once it has read
 * the invoice (translated, and with the amount in its accessible name exactly once).
 */
function invoicePage(config: ProxyConfig, token: string, intent: Intent, record: PaymentState | undefined): PageParts {
  const amount = formatMoney(intent.amount);
  const rows = [
    factRow('reference', 'Reference', escapeHtml(intent.reference)),
    factRow('amount', 'Amount', escapeHtml(amount), { valueClass: 'amount' }),
  ].join('\n  ');
  const title = `${intent.description} — ${amount}`;
  return {
    title: record?.status === 'paid' ? `Paid: ${title}` : `Pay ${title}`,
    widget: true,
    main: `
${eyebrow('Payment request', record, config.testMode)}
<h1>${escapeHtml(intent.description)}</h1>
${liveFacts(rows, record, { currency: intent.amount.currency, paidTitle: `Paid: ${title}` })}
<pay-link-button intent="${escapeHtml(token)}" proxy="${escapeHtml(config.publicUrl)}"></pay-link-button>
<p class="fine">Payments are handled by the merchant's payment provider. This page never asks for card details itself.</p>`,
  };
}

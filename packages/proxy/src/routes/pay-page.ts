/**
 * `GET /pay/:intent` — the page an invoice email links to — and `GET /v1/intents/:intent`, its data.
 *
 * The page shows the invoice (amount, reference, description) and its current state on load: already paid shows
 * the receipt; partially paid shows what remains; an expired link offers a fresh one on click. It hosts the
 * button with the intent, and never opens a popup by itself (browsers block that, and buyers hate it). Its CSP
 * allows exactly its own script and stylesheet.
 */
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { LinkService } from '../links/service.ts';
import { formatMoney } from '../money.ts';
import { Problem } from '../problems.ts';
import type { LinkRecord } from '../store/types.ts';

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
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const token = req.params.intent;
    let body: string;
    let status = 200;
    try {
      if (!TOKEN.test(token)) throw new Problem(404, 'intent_invalid');
      const { intent, record } = await links.lookupIntent(token);
      const amount = formatMoney(intent.amount);
      body = `
<p class="eyebrow">Payment request${config.testMode ? ' <span class="badge">test mode</span>' : ''}</p>
<h1>${escapeHtml(intent.description)}</h1>
<dl class="invoice">
  <dt>Reference</dt><dd>${escapeHtml(intent.reference)}</dd>
  <dt>Amount</dt><dd class="amount">${escapeHtml(amount)}</dd>
  ${stateRow(record)}
</dl>
<pay-link-button intent="${escapeHtml(token)}" proxy="${escapeHtml(config.publicUrl)}" label="Pay ${escapeHtml(amount)}"></pay-link-button>
<p class="fine">Payments are handled by the merchant's payment provider. This page never asks for card details itself.</p>`;
    } catch (err) {
      const expired = err instanceof Problem && err.code === 'intent_expired';
      status = expired ? 410 : 404;
      body = `<h1>${expired ? 'This payment request has expired' : 'This payment link is not valid'}</h1>
<p>${expired ? 'Ask the merchant to send you a new one.' : 'Check that the whole link was copied from the email, or ask the merchant for a new one.'}</p>`;
    }
    res.status(status).type('html').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>Pay</title>
<link rel="stylesheet" href="/pay.css">
<script type="module" src="/pay-link-button.js"></script>
</head>
<body><main>${body}</main></body>
</html>`);
  });

  router.get('/pay.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(PAY_CSS);
  });

  return router;
}

function stateRow(record: LinkRecord | undefined): string {
  if (!record) return '<dt>Status</dt><dd>Not paid yet</dd>';
  switch (record.status) {
    case 'paid': {
      // A receipt the buyer can quote: what was paid, when (UTC, stated), and the link it was paid through.
      const paid = formatMoney({ value: record.amountPaid, currency: record.amount.currency });
      const when = record.paidAt
        ? ` on <time datetime="${escapeHtml(record.paidAt)}">${escapeHtml(RECEIPT_TIME.format(new Date(record.paidAt)))} UTC</time>`
        : '';
      return `<dt>Status</dt><dd class="paid">Paid ${escapeHtml(paid)}${when}</dd><dt>Receipt</dt><dd><code>${escapeHtml(record.id)}</code></dd>`;
    }
    case 'partially_paid': {
      const remaining = formatMoney({ value: record.amount.value - record.amountPaid, currency: record.amount.currency });
      return `<dt>Status</dt><dd>Partly paid: ${escapeHtml(remaining)} remaining</dd>`;
    }
    case 'expired':
      return '<dt>Status</dt><dd>The last payment link expired; paying now creates a fresh one</dd>';
    case 'cancelled':
      return '<dt>Status</dt><dd>The last payment link was cancelled; paying now creates a fresh one</dd>';
    case 'failed':
      return '<dt>Status</dt><dd>The last attempt failed; you can try again</dd>';
    case 'pending':
      return '<dt>Status</dt><dd>Waiting for payment</dd>';
  }
}

const RECEIPT_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PAY_CSS = `:root{color-scheme:light dark;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:Canvas;color:CanvasText}
main{width:min(28rem,100% - 2rem);padding:2rem 1.5rem;border:1px solid color-mix(in srgb,CanvasText 15%,transparent);border-radius:14px}
h1{font-size:1.4rem;margin:.25rem 0 1rem}.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;opacity:.7}
.badge{background:#b26a00;color:#fff;border-radius:4px;padding:0 .35rem;letter-spacing:0;text-transform:none}
.invoice{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem;margin:0 0 1.5rem}.invoice dt{opacity:.7}.invoice dd{margin:0}
.amount{font-weight:600;font-size:1.15rem}.paid{color:#2f6f4f;font-weight:600}.fine{font-size:.8rem;opacity:.7;margin-top:1.5rem}
pay-link-button{display:block}pay-link-button:not(:defined){min-height:2.75rem}\n`;

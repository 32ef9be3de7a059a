/**
 * `GET /return`: where a provider sends the buyer back after the checkout. When a script opened this window (the
 * popup or tab presentation) it closes itself: the element on the merchant's page is already watching the link.
 * Otherwise (a same-tab redirect, or a blocked popup's fallback) it forwards to `to`, the merchant's page with
 * `pay_link_id`, which must be on an allowed origin (no open redirect). Its CSP allows exactly its own script.
 */
import { Router } from 'express';
import { escapeHtml } from '../pages/escape-html.ts';

const SCRIPT = `(function () {
  var to = document.documentElement.getAttribute('data-to');
  window.close();
  // Still here: this tab was not opened by a script, so go back to the shop.
  if (to) setTimeout(function () { location.replace(to); }, 300);
})();
`;

const STYLE = `body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:28rem;padding:1.5rem;text-align:center}h1{font-size:1.5rem;margin:0 0 .5rem}p{margin:0 0 .75rem}\n`;

export function returnPageRouter(allowedOrigins: readonly string[]): Router {
  const allowed = new Set(allowedOrigins);
  const router = Router();
  router.get('/return', (req, res) => {
    const to = safeTarget(typeof req.query.to === 'string' ? req.query.to : undefined, allowed);
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(`<!doctype html>
<html lang="en"${to ? ` data-to="${escapeHtml(to)}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Payment complete</title>
<link rel="stylesheet" href="/return.css">
<script src="/return.js" defer></script>
</head>
<body>
<main>
<h1>Thank you</h1>
<p>Your payment is with the shop now. This window closes by itself.</p>
${to ? `<p><a href="${escapeHtml(to)}">Back to the shop</a></p>` : ''}
</main>
</body>
</html>`);
  });
  router.get('/return.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('js').send(SCRIPT);
  });
  router.get('/return.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(STYLE);
  });
  return router;
}

function safeTarget(to: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (!to) return undefined;
  try {
    const url = new URL(to);
    return allowed.has(url.origin) ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

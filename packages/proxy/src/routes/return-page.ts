/**
 * `GET /return`: where a provider sends the buyer back when the checkout ran in a popup or a new tab. The
 * element on the merchant's page is already watching the link, so this page only says the payment went through
 * to the proxy and closes its own window (a window a script opened may close itself). Its CSP allows exactly its
 * own script.
 */
import { Router } from 'express';

const PAGE = `<!doctype html>
<html lang="en">
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
<p>Your payment went through to the shop. This window closes by itself; if it stays open, close it and go back to the shop's page.</p>
</main>
</body>
</html>`;

const SCRIPT = `setTimeout(function () { window.close(); }, 1200);\n`;

const STYLE = `body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:28rem;padding:1.5rem;text-align:center}h1{font-size:1.5rem;margin:0 0 .5rem}p{color:GrayText;margin:0}\n`;

export function returnPageRouter(): Router {
  const router = Router();
  router.get('/return', (_req, res) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(PAGE);
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

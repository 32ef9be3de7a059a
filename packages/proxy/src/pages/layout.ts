/**
 * The document every buyer-facing page shares (the pay page, the buy page and their error pages), and the headers
 * it goes out with. Its CSP allows exactly the proxy's own files: the stylesheet, the widget bundle and the page
 * script (`/pay.css`, `/pay-link-button.js`, `/pay.js`); no inline script or style, no third party.
 */
import type { Response } from 'express';
import { escapeHtml } from './escape-html.ts';

/** The pages' policy: own scripts, styles and requests only; not framable; no forms, no `<base>`. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The shared stylesheet and the script that keeps a page's status rows live (`pages/live-status-script.ts`). */
export const PAGE_STYLESHEET = '/pay.css';
export const PAGE_SCRIPT = '/pay.js';

export interface PageParts {
  /** The document's `<title>`, plain text. */
  title: string;
  /** The inside of `<main>`, already escaped HTML. */
  main: string;
  /** Load the widget bundle and the live-status script: pages with a `<pay-link-button>`. Default: false. */
  widget?: boolean;
  /** `<html lang>`. Default: `en` (the pages are English until they are translated). */
  lang?: string;
}

/** The whole HTML document around one page's `<main>`. */
export function renderPage({ title, main, widget = false, lang = 'en' }: PageParts): string {
  const scripts = widget
    ? `\n<script type="module" src="/pay-link-button.js"></script>\n<script src="${PAGE_SCRIPT}" defer></script>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${PAGE_STYLESHEET}">${scripts}
</head>
<body><main>${main}</main></body>
</html>`;
}

/**
 * Sends a page with its headers: the CSP above, `no-store` (it shows a payment's current state) and no referrer
 * (the URL of a pay page is a capability: it carries the intent token).
 */
export function sendPage(res: Response, status: number, parts: PageParts): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.status(status).type('html').send(renderPage(parts));
}

/**
 * A page that only says something: a link that is not valid, an expired request, a quantity out of bounds.
 * `title` and `heading` are plain text; `paragraphs` are HTML, escaped by the caller (one may hold a link).
 */
export function messagePage(title: string, heading: string, paragraphs: readonly string[]): PageParts {
  return { title, main: `<h1>${escapeHtml(heading)}</h1>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}` };
}

/**
 * The document every buyer-facing page shares (the pay page, the buy page, the receipt and their error pages), and
 * the headers it goes out with. Its CSP allows exactly the proxy's own files: the stylesheet, the widget bundle and
 * the page script (`/pay.css`, `/pay-link-button.js`, `/pay.js`); no inline script or style, no third party, but
 * for the merchant's logo when it is an https URL elsewhere: that one origin joins `img-src`, nothing else.
 *
 * Each page is rendered in one language (`languages.ts`), with the merchant's name (and logo, on their brand
 * colour) at the top of the card, so a buyer knows whom they pay before anything else.
 */
import type { Request, Response } from 'express';
import type { MerchantIdentity } from '../config.ts';
import { escapeHtml } from './escape-html.ts';
import { type PageLang, chooseLang, isPageLang } from './languages.ts';
import { PAGE_STRINGS, type PageStrings } from './translations.ts';

/** The pages' policy without a logo elsewhere: own scripts, styles and requests only; not framable; no forms, no `<base>`. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `PAGE_CSP`, with the logo's origin in `img-src` when the logo is an https URL on another host. */
export function pageCsp(merchant: Pick<MerchantIdentity, 'logoUrl'> | undefined): string {
  const logo = merchant?.logoUrl;
  if (!logo || logo.startsWith('/')) return PAGE_CSP;
  return PAGE_CSP.replace("img-src 'self' data:", `img-src 'self' data: ${new URL(logo).origin}`);
}

/** The shared stylesheet and the script that keeps a page's status rows live (`pages/live-status-script.ts`). */
export const PAGE_STYLESHEET = '/pay.css';
export const PAGE_SCRIPT = '/pay.js';

/** One request's language and words, and whether the language came from `?lang=` (links then carry it on). */
export interface PageContext {
  lang: PageLang;
  t: PageStrings;
  /** `?lang=hi` when the query chose the language, else empty: append to the page's own links. */
  langQuery: string;
  merchant: MerchantIdentity | undefined;
}

/**
 * The language for this request (`?lang=`, then `Accept-Language`, then the merchant's default), and its words.
 * Adds `Vary: Accept-Language` when the header decided (or could have): a cache must not give a Thai page to a
 * Spanish reader.
 */
export function pageContext(req: Request, res: Response, merchant: MerchantIdentity | undefined): PageContext {
  const query = typeof req.query.lang === 'string' ? req.query.lang.toLowerCase().split(/[-_]/)[0] : undefined;
  const fromQuery = isPageLang(query);
  const lang = chooseLang(query, req.get('accept-language'), merchant?.defaultLang ?? 'en');
  if (!fromQuery) res.vary('Accept-Language');
  return { lang, t: PAGE_STRINGS[lang], langQuery: fromQuery ? `?lang=${lang}` : '', merchant };
}

export interface PageParts {
  /** The document's `<title>`, plain text. */
  title: string;
  /** The inside of `<main>` after the merchant's header, already escaped HTML. */
  main: string;
  /** Load the widget bundle and the live-status script: pages with a `<pay-link-button>`. Default: false. */
  widget?: boolean;
  /** Load the page script without the widget (the receipt: local times, the print button). Default: false. */
  script?: boolean;
  /** `<html lang>`. Default: `en`. */
  lang?: string;
  /** Shown at the top of the card: name, logo, on the brand colour. Default: none. */
  merchant?: MerchantIdentity;
}

/** The whole HTML document around one page's `<main>`. */
export function renderPage({ title, main, widget = false, script = false, lang = 'en', merchant }: PageParts): string {
  // The widget speaks English by itself; another language is an add-on file it picks up (`/translations/hi.js`),
  // loaded first so the button's first render is already in the page's language.
  const translation = widget && lang !== 'en' ? `\n<script type="module" src="/translations/${escapeHtml(lang)}.js"></script>` : '';
  const scripts = `${translation}${widget ? '\n<script type="module" src="/pay-link-button.js"></script>' : ''}${
    widget || script ? `\n<script src="${PAGE_SCRIPT}" defer></script>` : ''
  }`;
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
<body><main>${merchantHeader(merchant)}${main}</main></body>
</html>`;
}

/**
 * The merchant's band at the top of the card: logo (decorative: the name is next to it) and name, on the brand
 * colour when one is set. Nothing when the merchant has neither a name nor a logo.
 */
export function merchantHeader(merchant: MerchantIdentity | undefined): string {
  if (!merchant || (!merchant.name && !merchant.logoUrl)) return '';
  const logo = merchant.logoUrl ? `<img src="${escapeHtml(merchant.logoUrl)}" alt="${merchant.name ? '' : 'Merchant logo'}">` : '';
  const name = merchant.name ? `<span class="merchant-name">${escapeHtml(merchant.name)}</span>` : '';
  return `<header class="merchant${merchant.brandColor ? ' brand' : ''}">${logo}${name}</header>\n`;
}

/** "Questions about this payment? Write to help@…", or nothing without a support address. */
export function supportLine(context: PageContext): string {
  const email = context.merchant?.supportEmail;
  if (!email) return '';
  return `\n<p class="fine support">${escapeHtml(context.t.support)} <a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a></p>`;
}

/**
 * Sends a page with its headers: the CSP above, `no-store` (it shows a payment's current state) and no referrer
 * (the URL of a pay page is a capability: it carries the intent token; a receipt's carries the link id).
 */
export function sendPage(res: Response, status: number, parts: PageParts): void {
  res.setHeader('Content-Security-Policy', pageCsp(parts.merchant));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (parts.lang) res.setHeader('Content-Language', parts.lang);
  res.status(status).type('html').send(renderPage(parts));
}

/**
 * A page that only says something: a link that is not valid, an expired request, a quantity out of bounds.
 * `title` and `heading` are plain text; `paragraphs` are HTML, escaped by the caller (one may hold a link).
 */
export function messagePage(title: string, heading: string, paragraphs: readonly string[], context?: PageContext): PageParts {
  return {
    title,
    main: `<h1>${escapeHtml(heading)}</h1>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}${context ? supportLine(context) : ''}`,
    lang: context?.lang,
    merchant: context?.merchant,
  };
}

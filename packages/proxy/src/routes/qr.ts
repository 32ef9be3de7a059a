/**
 * `GET /v1/links/:id/qr.svg`: the link's hosted checkout URL as a QR code, so a buyer browsing on a laptop pays on
 * their phone (UPI apps scan it; the element on the laptop flips to Paid when the phone pays, since it watches the
 * status). Rendered here, by the `qrcode` library, so the widget's core bundle carries no QR encoder.
 *
 * Treated like the status read it sits beside: the `/v1` CORS allowlist (app.ts), the same per-address read limit,
 * and the link id as the capability (unguessable, 404 for anything else). An `<img>` asks for it without an Origin
 * and with no CORS, from the merchant's page on another site: hence `Cross-Origin-Resource-Policy: cross-origin`.
 * Only a link still open for payment has a code: a paid one answers 409 and an ended one 410, both `link_closed`,
 * so a stale dialog never sends a phone to a checkout that can no longer take the money.
 */
import { Router } from 'express';
import QRCode from 'qrcode';
import type { ProxyConfig } from '../config.ts';
import type { LinkService } from '../links/service.ts';
import { Problem } from '../problems.ts';
import { type Limiters, rateLimit } from '../rate-limit.ts';
import { LINK_ID } from '../contract/ids.ts';
import { readLimiter } from './links.ts';

/**
 * The QR's cache lifetime in a browser. The image of a link never changes (its checkout URL is fixed at mint), but
 * the link may close: a few minutes keep a reopened dialog instant while a closed link soon answers its 409/410.
 * `private`: the id is a capability, not for shared caches.
 */
const QR_CACHE = 'private, max-age=300';

/** SVGs already drawn, by link id and URL: drawing one costs a few milliseconds; bounded, the oldest going first. */
const MAX_CACHED = 1_000;
const drawn = new Map<string, string>();

/**
 * The checkout URL as an SVG QR code: error correction M (survives a glare or a smudge on a laptop screen), the
 * standard four-module quiet zone, dark on white whatever the page's theme (phone cameras want that contrast).
 */
export async function checkoutQrSvg(url: string): Promise<string> {
  const cached = drawn.get(url);
  if (cached !== undefined) return cached;
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  if (drawn.size >= MAX_CACHED) drawn.delete(drawn.keys().next().value!);
  drawn.set(url, svg);
  return svg;
}

/**
 * Adds the QR route to `router`. Mount it ahead of `linksRouter` (app.ts): this route spends the read limit itself,
 * and a request it answers never reaches the links' own limit, so one QR costs one read, as one status read does.
 */
export function qrRouter(config: ProxyConfig, links: LinkService, limiters: Limiters, router: Router = Router()): Router {
  const limit = rateLimit(readLimiter(config, limiters));
  router.get('/v1/links/:id/qr.svg', limit, async (req, res) => {
    const id = req.params.id as string;
    // A refusal is about this moment (the link may be minted by a replica a moment later, or closed): never cached
    res.setHeader('Cache-Control', 'no-store');
    if (!LINK_ID.test(id)) throw new Problem(404, 'not_found', 'There is no payment link with this id');
    const record = await links.read(id);
    if (record.status === 'paid') throw new Problem(409, 'link_closed', 'This link is already paid');
    if (record.status !== 'pending' && record.status !== 'partially_paid') {
      throw new Problem(410, 'link_closed', `This link is already ${record.status}`);
    }
    const svg = await checkoutQrSvg(record.url);
    res.setHeader('Cache-Control', QR_CACHE);
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('image/svg+xml').send(svg);
  });
  return router;
}

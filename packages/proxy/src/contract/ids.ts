/**
 * The shapes of the ids and tokens the proxy mints, as the routes check them before any lookup (so a malformed
 * id answers the same 404 as an unknown one, without a store read), and as the OpenAPI document states them.
 */

/** A payment link's id: `pl_` and 22 URL-safe characters (128 random bits). */
export const LINK_ID = /^pl_[A-Za-z0-9_-]{22}$/;

/** A signed intent as it appears in a path (`/pay/:intent`, `/v1/intents/:intent`): `pli1.<payload>.<signature>`. */
export const INTENT_TOKEN = /^pli1\.[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{20,100}$/;

/** A merchant event's id: `evt_` and 10 to 64 URL-safe characters. */
export const EVENT_ID = /^evt_[A-Za-z0-9_-]{10,64}$/;

/**
 * The widget bundles the proxy serves at `/<file>` and `/v/<version>/<file>` (each with its `.map`), then the chunks
 * the element loads on demand from beside them (packages/widget/vite.chunks.config.ts).
 */
export const WIDGET_FILES = ['pay-link-button.js', 'pay-link-button.iife.js', 'extras.js', 'amount-input.js', 'qr-dialog.js'] as const;

/** The separate translation modules (`translations/hi.js` …): a BCP 47 language tag, lower case. */
export const TRANSLATION_FILE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})?\.js(?:\.map)?$/;

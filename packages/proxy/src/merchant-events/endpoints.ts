/**
 * The merchant's webhook endpoints, from the config file (`webhooks: [{ url, secret, events? }]`) or, for one,
 * `PAY_LINK_WEBHOOK_URL` + `PAY_LINK_WEBHOOK_SECRET`. Secrets are Standard Webhooks keys (`whsec_<base64>`,
 * 24 to 64 bytes once decoded); several may be active at once for rotation, and every active one signs. A URL
 * that is not https outside test mode, or that points back at this proxy, is refused at start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_EVENT_TYPES, EventType } from '../contract.ts';
import { Secret } from '../secret.ts';

export interface WebhookEndpoint {
  /** Stable across restarts and instances: a digest of the URL. */
  id: string;
  url: string;
  /** Every active secret signs each delivery (rotation); the receiver accepts any one it knows. */
  secrets: Secret[];
  /** The event types it receives. */
  events: EventType[];
}

/** The retries after a failed attempt (the first attempt is at once): about three days in all. */
export const DEFAULT_RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000, 24 * 3_600_000, 24 * 3_600_000];

const SECRET_HINT = 'a Standard Webhooks secret, whsec_ then 24 to 64 bytes in base64 (pay-link webhook-secret prints one)';

/** A `whsec_…` secret whose key decodes to 24–64 bytes. */
export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith('whsec_')) return false;
  const body = value.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const bytes = Buffer.from(body, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

export const WebhookSecretText = z.string().refine(isWebhookSecret, SECRET_HINT);

/** A new secret for `pay-link webhook-secret`: 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * An endpoint's URL for logs and start-up messages: without its query string or credentials, which some
 * receivers use to carry a token (the signature is the authentication, but not every merchant knows that).
 */
export function printableUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

export function endpointId(url: string): string {
  return `ep_${createHash('sha256').update(url).digest('base64url').slice(0, 16)}`;
}

/** How an endpoint is written in the config file. */
export const WebhookEndpointEntry = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
    secret: z.union([WebhookSecretText, z.array(WebhookSecretText).min(1)]),
    events: z.array(EventType).min(1).optional(),
  })
  .strict();
export type WebhookEndpointEntry = z.infer<typeof WebhookEndpointEntry>;

/** "5s", "250ms", "30m", "2h", "1d" → milliseconds; `undefined` for anything else. */
export function parseDelay(text: string): number | undefined {
  const match = /^(\d{1,7})(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

/**
 * The endpoints as configured, checked. `where` names each entry's origin for messages (the variable, or the
 * file and path). Throws an `Error` whose message starts with that name.
 */
export function resolveEndpoints(
  entries: readonly { entry: WebhookEndpointEntry; where: string }[],
  context: { testMode: boolean; publicUrl: string; port: number },
): WebhookEndpoint[] {
  const endpoints: WebhookEndpoint[] = [];
  for (const { entry, where } of entries) {
    const url = new URL(entry.url);
    if (url.protocol !== 'https:' && !context.testMode) {
      throw new Error(`${where}: expected an https URL outside test mode (events carry order data), got "${printableUrl(entry.url)}"`);
    }
    if (pointsAtProxy(url, context)) {
      throw new Error(`${where}: "${printableUrl(entry.url)}" is this proxy itself; point it at the merchant's server`);
    }
    const id = endpointId(url.toString());
    if (endpoints.some((e) => e.id === id)) throw new Error(`${where}: "${printableUrl(entry.url)}" is listed twice`);
    const secrets = (Array.isArray(entry.secret) ? entry.secret : [entry.secret]).map((s) => new Secret(s));
    endpoints.push({ id, url: url.toString(), secrets, events: entry.events ?? [...DEFAULT_EVENT_TYPES] });
  }
  return endpoints;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

function pointsAtProxy(url: URL, context: { publicUrl: string; port: number }): boolean {
  const self = new URL(context.publicUrl);
  if (url.origin === self.origin) return true;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return LOOPBACK.has(url.hostname) && port === context.port;
}

/**
 * Pine Labs Online adapter (Plural "v2" API), payment links: `POST/GET /pay/v1/paymentlink`, `…/ref/{reference}`,
 * `PUT …/{id}/cancel`, `PATCH …/{id}/notify`.
 * Sources: shared/providers.md §4 and §6; seed shared/seeds/pinelabs-create-payment-link.md;
 * https://developer.pinelabsonline.com/reference/authorization;
 * https://www.pinelabs.com/docs/online-payments/developer-tools/webhooks/signature-verification.md;
 * official plugins: plural-pinelabs/pinelabs-online-mcp (routes.py, client.py), plural-pinelabs/woocommerce-plugin.
 *
 * - Auth: OAuth2 client credentials → `Authorization: Bearer` (pinelabs.token.ts). Every call also carries a fresh
 *   `Request-ID` (UUID) and `Request-Timestamp` (ISO 8601 UTC), as the get-by-id reference shows. A 401 means the
 *   cached token went stale: it is dropped and the call is tried once more with a new one. That is safe for
 *   create too, because `merchant_payment_link_reference` is the idempotency key ("Duplicate requests … return the
 *   existing payment link", seed).
 * - Amounts: `{value, currency}` in minor units already; refused outside 100–100,000,000 paise, the limits both
 *   official integrations enforce (n8n `VALIDATION_LIMITS`, MCP `Amount(ge=100, le=100_000_000)`). INR only:
 *   every example and both limits are in paise, and other currencies need an MCC set-up (`is_mcc_transaction`)
 *   this adapter does not ask for. Declared in `PINELABS_AMOUNTS` (transformers.ts).
 * - `expire_by`: ISO 8601 UTC, at most 180 days ahead (seed); a later expiry is brought in to just under 180 days
 *   rather than refused, and the link reports the expiry Pine Labs actually set.
 * - Create is not retried on network errors, timeouts or 5xx (the kit's rule for every adapter); a create whose
 *   answer was lost is recovered with `findByReference` (`GET /pay/v1/paymentlink/ref/{ref}`, a path known only
 *   from the official MCP's routes.py: providers.md §4.3).
 * - No list and no extend-expiry endpoint exists (§4.3). `notify` takes no channel: Pine Labs resends through
 *   whatever the link was created with; the requested channel is ignored. Only CREATED links can be cancelled or
 *   re-notified (MCP tool descriptions); Pine Labs' refusal surfaces as `provider_rejected`.
 * - Webhooks (§4.6): Standard-Webhooks layout. `webhook-signature` is base64 HMAC-SHA256 over
 *   `webhook-id + "." + webhook-timestamp + "." + raw body`, optionally prefixed `v1,`; several space-separated
 *   signatures are accepted (as Standard Webhooks sends during rotation; whether Pine Labs does is UNCONFIRMED).
 *   Timestamps more than 5 minutes off either way are refused, like the plugin. Dedupe on `webhook-id`.
 * - Webhook key: the docs say "secret key … under settings", the official WooCommerce plugin uses the API
 *   `client_secret`, as raw UTF-8 bytes. PINELABS_WEBHOOK_SECRET (comma-separated for rotation) defaults to
 *   PINELABS_CLIENT_SECRET. A configured secret written `whsec_<base64>` is base64-decoded first, as Standard
 *   Webhooks libraries do, so a dashboard that hands out such keys works too.
 * - Pine Labs sends order events only (ORDER_PROCESSED, PAYMENT_FAILED …), never link events, and the documented
 *   payload carries the order's `order_id`, `merchant_order_reference` and order `status` — not the link's id or
 *   state. So an event never carries `state`: the core re-reads the link. The event names its link by all it
 *   has, and the core finds it in the store (links/correlate.ts), so any instance and a restarted one do:
 *   `providerLinkId` from a `payment_link_id` in the payload (undocumented, read when present); `alias`, the
 *   `order_id`, which every link state reports in `aliases` (the link object's `order_id`) and the core stores
 *   with the link; `reference`, the `merchant_order_reference`, in case Pine Labs sets it to our
 *   `merchant_payment_link_reference` (UNCONFIRMED; the simulator does). The adapter also remembers, in
 *   process, the order ids and references of the link objects it saw (create, retrieve, cancel), and names the
 *   link's id when it knows it: only a fast path on the instance that made or read the link, never the record —
 *   another instance, or this one after a restart, finds the link through the store's aliases. An order id no
 *   store holds (a webhook that overtook the mint, or an order Pine Labs made anew for a later attempt) is the
 *   core's to answer; the link still reaches its state through its refresh on read, which Pine Labs itself
 *   recommends ("use the Get Order API", §4.6/§7).
 * - Claims on those hints: `ORDER_PROCESSED` claims `paid` (we send `part_payment: false`, so the order's payment
 *   is the whole link); the payload documents no payment time, so the claim has none. `ORDER_AUTHORIZED` (not yet
 *   captured), `ORDER_CANCELLED` (the order, not necessarily the link), `ORDER_FAILED` and `PAYMENT_FAILED` (an
 *   attempt; the link stays payable) claim nothing: the read is their effect.
 * - The signature is checked over the raw bytes before anything parses them; only the headers are split.
 * - Statuses: a word outside the documented enum reads as pending and is logged once (status-words.ts, decision
 *   0010), instead of failing every read of the link.
 */
import { createHash, createHmac } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Problem } from '../../problems.ts';
import { Secret, safeEqual } from '../../secret.ts';
import { type ProviderRequest, ProviderError } from '../http.ts';
import { type AdapterDeps, type AdapterKit, type AdapterOperations, type ProviderEndpoint, defineProvider } from '../define.ts';
import { headerValue, httpUrl, parseJson, secretList } from '../inputs.ts';
import { createPinelabsTokenSource, describePinelabsError } from './token.ts';
import {
  PINELABS_AMOUNTS,
  PinelabsPaymentLink,
  PinelabsPaymentLinkLookup,
  PinelabsWebhookEnvelope,
  fromPinelabsPaymentLink,
  toPinelabsPaymentLinkRequest,
} from './transformers.ts';
import { UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { ProviderAdapter, WebhookEvent, WebhookVerdict } from '../types.ts';

export const PINELABS_PRODUCTION_URL = 'https://api.pluralpay.in/api';
export const PINELABS_UAT_URL = 'https://pluraluat.v2.pinepg.in/api';

const MAX_EXPIRY_MS = 180 * 24 * 60 * 60_000;
/** Room for clock skew between us and Pine Labs when an expiry is brought in to the 180-day limit. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Plugin: "rejects timestamps more than 300 s old or in the future" (providers.md §4.6). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;
/** How many order ids and references the adapter's fast path remembers; the store keeps them all. */
const INDEX_LIMIT = 10_000;

/** Order events that can move a link; refunds, tokens, subscriptions and customers cannot (available-events page). */
const ORDER_EVENTS = new Set(['ORDER_AUTHORIZED', 'ORDER_PROCESSED', 'ORDER_CANCELLED', 'ORDER_FAILED', 'PAYMENT_FAILED']);

/** Its settings, besides the base URL and timeout every provider has (`ProviderEndpoint`). */
export interface PinelabsConfig extends ProviderEndpoint {
  clientId: string;
  clientSecret: Secret;
  /** Every key accepted on incoming webhooks (rotation); defaults to the client secret. */
  webhookSecrets: Secret[];
}

export function createPinelabsAdapter(config: PinelabsConfig, deps: AdapterDeps): ProviderAdapter {
  return pinelabsProvider.createAdapter(config, deps);
}

function pinelabsOperations(config: PinelabsConfig, kit: AdapterKit): AdapterOperations {
  const { now, readWord } = kit;
  const tokens = createPinelabsTokenSource({ ...config, fetch: kit.fetch, now, onCall: kit.onCall });
  const index = createLinkIndex(INDEX_LIMIT);
  const webhookKeys = config.webhookSecrets.map((secret) => webhookKey(secret.reveal()));

  function httpWith(token: string) {
    return kit.http({
      // Called per attempt, so a retried read gets its own Request-ID.
      headers: () => ({
        authorization: `Bearer ${token}`,
        'request-id': randomUUID(),
        'request-timestamp': new Date(now()).toISOString(),
      }),
      describeError: describePinelabsError,
    });
  }

  /** One call with the cached token; after a 401, once more with a fresh one. */
  async function call<T>(req: ProviderRequest<T>): Promise<T> {
    const token = await tokens.get();
    try {
      return await httpWith(token).request(req);
    } catch (err) {
      if (!(err instanceof ProviderError) || err.providerStatus !== 401) throw err;
      tokens.invalidate(token);
      return httpWith(await tokens.get()).request(req);
    }
  }

  /** Normalizes a link object and remembers its order id and reference for the webhook fast path. */
  function learn(link: PinelabsPaymentLink) {
    if (link.order_id) index.set(`order:${link.order_id}`, link.payment_link_id);
    if (link.merchant_payment_link_reference) index.set(`ref:${link.merchant_payment_link_reference}`, link.payment_link_id);
    return fromPinelabsPaymentLink(link, readWord);
  }

  const linkPath = (id: string) => `/pay/v1/paymentlink/${encodeURIComponent(id)}`;

  return {
    async create(input) {
      const latest = now() + MAX_EXPIRY_MS - EXPIRY_MARGIN_MS;
      const expireBy = input.expiresAt.getTime() > latest ? new Date(latest) : input.expiresAt;
      const link = await call({
        method: 'POST',
        path: '/pay/v1/paymentlink',
        body: toPinelabsPaymentLinkRequest(input, expireBy),
        schema: PinelabsPaymentLink,
      });
      return learn(link);
    },

    async retrieve(providerLinkId) {
      return learn(await call({ method: 'GET', path: linkPath(providerLinkId), schema: PinelabsPaymentLink, idempotent: true }));
    },

    async cancel(providerLinkId) {
      return learn(await call({ method: 'PUT', path: `${linkPath(providerLinkId)}/cancel`, schema: PinelabsPaymentLink }));
    },

    async notify(providerLinkId) {
      await call({ method: 'PATCH', path: `${linkPath(providerLinkId)}/notify`, schema: z.unknown() });
    },

    async findByReference(reference) {
      try {
        const links = await call({
          method: 'GET',
          path: `/pay/v1/paymentlink/ref/${encodeURIComponent(reference)}`,
          schema: PinelabsPaymentLinkLookup,
          idempotent: true,
        });
        const link = links.find((l) => l.merchant_payment_link_reference === reference) ?? (links.length === 1 ? links[0] : undefined);
        return link && learn(link);
      } catch (err) {
        if (err instanceof Problem && err.code === 'not_found') return undefined;
        throw err;
      }
    },

    verifyWebhook(rawBody, headers, nowMs): WebhookVerdict {
      const id = headerValue(headers, 'webhook-id');
      const timestamp = headerValue(headers, 'webhook-timestamp');
      const signatures = headerValue(headers, 'webhook-signature');
      if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing_signature' };
      if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_signature' };
      const presented = signatures
        .split(' ')
        .filter(Boolean)
        .map((entry) => {
          const comma = entry.indexOf(',');
          // `v1,<base64>` (Standard Webhooks) or a bare value (the plugin strips `v1,` only when present).
          if (comma === -1) return entry;
          return entry.slice(0, comma) === 'v1' ? entry.slice(comma + 1) : undefined;
        })
        .filter((s): s is string => s !== undefined);
      const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody]);
      // Every key against every signature, without stopping early, so timing says nothing about which matched.
      let ok = false;
      for (const key of webhookKeys) {
        const expected = createHmac('sha256', key).update(signed).digest('base64');
        for (const candidate of presented) ok = safeEqual(expected, candidate) || ok;
      }
      if (!ok) return { ok: false, reason: 'bad_signature' };
      if (Math.abs(nowMs - Number(timestamp) * 1000) > WEBHOOK_TOLERANCE_MS) return { ok: false, reason: 'stale_timestamp' };
      return { ok: true };
    },

    parseWebhook(rawBody, headers): WebhookEvent {
      const envelope = PinelabsWebhookEnvelope.safeParse(parseJson(rawBody));
      if (!envelope.success) throw new Problem(400, 'invalid_request', 'The webhook body is not a Pine Labs event');
      const { event_type: event, data } = envelope.data;
      // `webhook-id` "remains the same when the webhook is resent" (signature-verification docs).
      const dedupeKey = headerValue(headers, 'webhook-id') ?? createHash('sha256').update(rawBody).digest('hex');
      if (!ORDER_EVENTS.has(event)) return { kind: 'ignored', dedupeKey, event, reason: 'not an order or payment event' };
      const providerLinkId =
        data.payment_link_id ||
        (data.order_id ? index.get(`order:${data.order_id}`) : undefined) ||
        (data.merchant_order_reference ? index.get(`ref:${data.merchant_order_reference}`) : undefined);
      const names = {
        ...(providerLinkId && { providerLinkId }),
        ...(data.order_id && { alias: data.order_id }),
        ...(data.merchant_order_reference && { reference: data.merchant_order_reference }),
      };
      if (Object.keys(names).length === 0) return { kind: 'ignored', dedupeKey, event, reason: 'the event names no order and no payment link' };
      // The order's status is not the link's: the core reads the link to learn it. ORDER_PROCESSED says the
      // order's payment completed; our links take no part payments, so that link is paid (the claim).
      return event === 'ORDER_PROCESSED'
        ? { kind: 'link', dedupeKey, event, ...names, claims: { status: 'paid' } }
        : { kind: 'link', dedupeKey, event, ...names };
    },
  };
}

/** A raw key, or a Standard Webhooks `whsec_<base64>` key decoded. */
function webhookKey(secret: string): Buffer {
  if (secret.startsWith('whsec_')) {
    const decoded = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

/** A bounded map: the oldest entry goes once `limit` is reached. */
function createLinkIndex(limit: number) {
  const entries = new Map<string, string>();
  return {
    set(key: string, value: string) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    get: (key: string) => entries.get(key),
  };
}

export const pinelabsProvider = defineProvider({
  name: 'pinelabs',
  amount: PINELABS_AMOUNTS,
  // "Duplicate requests … return the existing payment link" (seed).
  uniqueReference: true,
  returnsBuyer: true,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    PINELABS_CLIENT_ID: z.string().min(1).max(100, 'the client id from the dashboard').optional(),
    PINELABS_CLIENT_SECRET: z.string().min(8, 'the client secret from the dashboard').optional(),
    PINELABS_WEBHOOK_SECRET: secretList(8).optional(),
    PINELABS_BASE_URL: httpUrl.default(PINELABS_PRODUCTION_URL),
  }),
  required: ['PINELABS_CLIENT_ID', 'PINELABS_CLIENT_SECRET'],
  settings: (v, common): PinelabsConfig => ({
    clientId: v.PINELABS_CLIENT_ID,
    clientSecret: new Secret(v.PINELABS_CLIENT_SECRET),
    webhookSecrets: (v.PINELABS_WEBHOOK_SECRET ?? [v.PINELABS_CLIENT_SECRET]).map((s) => new Secret(s)),
    baseUrl: v.PINELABS_BASE_URL.replace(/\/+$/, ''),
    timeoutMs: common.timeoutMs,
  }),
  // Only the production host moves real money: UAT, a simulator or any other host is test mode.
  isTestMode: (settings) => new URL(settings.baseUrl).host !== new URL(PINELABS_PRODUCTION_URL).host,
  adapter: pinelabsOperations,
});

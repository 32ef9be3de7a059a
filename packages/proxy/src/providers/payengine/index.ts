/**
 * PayEngine (payengine.co, the US card/ACH partner platform — not Nexi's payengine.de) adapter, Payment Links.
 * Sources: shared/providers.md §3, §6, §9; the seed (docs.payengine.co/payengine-api-v2.5/transactions/
 * payment-links/create-payment-link); docs.payengine.co/payengine-api-reference/authentication;
 * docs.payengine.co/payengine-developer-docs/webhooks/check-signature.
 *
 * Confirmed by the docs:
 * - Auth: `Authorization: Basic <secret key>`, the key exactly as the console shows it, NOT base64(user:pass).
 * - Create `POST /api/payment-link` with `{merchant_id, data:{…}}`; details `GET /api/payment-link/:id`; list (for
 *   `findByReference`)
 *   `GET /api/merchant/:merchant_id/payment-link?page&limit` (`limit` 10..500, newest first, `{data:[…]}`);
 *   cancel `POST /api/payment-link/:id/cancel` → `{success, message}`.
 * - Amount: a decimal string of dollars, ≤ 12 characters of [0-9.]; `currency_code` defaults to USD.
 * - Webhooks: `X-PF-Signature: t=<unix>,s=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one secret per endpoint;
 *   `event_uid` identifies an event. Link events `PAYMENTLINK_CREATED`, `PAYMENTLINK_CANCELLED`.
 *
 * Assumptions where the docs are unclear (UNCONFIRMED, providers.md §9), each read tolerantly:
 * - Hosts: `https://console.payengine.co` (production) and `https://console.payengine.dev` (sandbox), inferred from
 *   the official npm loader; the `/api` prefix is part of every path, so `PAYENGINE_BASE_URL` is the bare host.
 *   Test mode = any base URL that is not a `payengine.co` host.
 * - Response envelope of create/details: bare object or `{data:{…}}`; both are read.
 * - `amount` is sent as a string ("49.00") per the field table, though the seed's example sends a number; a
 *   number is read back too. Only two-decimal currencies are taken ("0.10 will be 10 cents").
 * - `end_date` is sent as `YYYYMMDD` (the seed's example) unless `PAYENGINE_END_DATE_FORMAT=iso8601`; read back
 *   as `YYYYMMDD`, `YYYY-MM-DD`, ISO 8601 or a unix timestamp. A date-only end lasts through that UTC day, so
 *   the provider's expiry (which the link reports as `expiresAt`) may be up to a day after pay-link's TTL.
 * - `INACTIVE` is expired once `end_date` has passed, pending while `start_date` is ahead (we never send one),
 *   and otherwise expired (an end date's time zone is unknown). `COMPLETED` is a one-time link paid in full;
 *   we always send `one_time_only: true`.
 * - Idempotency: none documented. `slug_id` is derived from our reference (unique per link, so a repeated create
 *   collides rather than duplicates) and `internal_transaction_id` carries the reference; creates are never
 *   retried, and `findByReference` pages the list looking for `internal_transaction_id`.
 * - Update: `PATCH /api/payment-link/:id` with `{merchant_id, data:{end_date}}` (seen only on a white-label mirror
 *   of the docs); its answer is UNCONFIRMED, so a link object is used when returned, else the link is re-read.
 * - Cancel returns no link: the link is re-read after a successful cancel.
 * - No return/success URL field exists for links: the buyer is not sent back to `returnUrl`.
 * - No resend endpoint was found: `notify` is not offered.
 * - Webhooks: events whose `data` carries the whole link (`payment_link_status`; `PAYMENTLINK_CREATED`, the update
 *   event, presumably `PAYMENTLINK_UPDATED`) yield its state. `PAYMENTLINK_CANCELLED` carries only the id, and
 *   transaction events (`PAYMENT_*`) are payment-level, so those are hints: the core re-reads the link. A
 *   transaction event is tied to a link only if its `data` carries `payment_link_id` (UNCONFIRMED); without it,
 *   it is ignored and the link's status is caught by the core's stale-read refresh. Claims on those hints:
 *   `PAYMENTLINK_CANCELLED` claims `cancelled`; a transaction event claims nothing (which of its words means the
 *   link is paid is undocumented), nor does a `PAYMENTLINK_*` event whose link cannot be read.
 * - The signature is checked over `t` and the raw bytes before anything parses the body; only the header is split.
 * - Statuses: a word outside the documented enum reads as pending and is logged once (status-words.ts, decision
 *   0010), instead of failing every read of the link; case is ignored (`active` is `ACTIVE`).
 * - Error bodies: `{error: true, message}` (3P) or `{success: false, message}` (cancel docs); read for logs only.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Problem } from '../../problems.ts';
import { Secret, hmacSha256, safeEqual } from '../../secret.ts';
import { ProviderError } from '../http.ts';
import { type AdapterDeps, type AdapterKit, type AdapterOperations, type ProviderEndpoint, defineProvider } from '../define.ts';
import { headerValue, httpUrl, parseJson, secretList } from '../inputs.ts';
import {
  PAYENGINE_AMOUNTS,
  PayEngineCancelResponse,
  type PayEngineDateFormat,
  PayEngineLinkList,
  PayEngineLinkResponse,
  PayEnginePaymentLink,
  PayEngineWebhookEnvelope,
  describePayEngineError,
  fromPayEnginePaymentLink,
  toPayEngineCreateRequest,
  toPayEngineEndDate,
} from './transformers.ts';
import { UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent, WebhookVerdict } from '../types.ts';

export const PAYENGINE_PRODUCTION_URL = 'https://console.payengine.co';
export const PAYENGINE_SANDBOX_URL = 'https://console.payengine.dev';

/** How far a webhook's `t` may be from our clock, either way. */
export const PAYENGINE_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/**
 * `findByReference` pages the list endpoint (`limit` "Default and minimum is 10; max=500") and looks at the
 * newest links only: it recovers a create that timed out moments ago.
 */
const FIND_PAGE_SIZE = 100;
const FIND_MAX_PAGES = 3;

/** Its settings, besides the base URL and timeout every provider has (`ProviderEndpoint`). */
export interface PayEngineConfig extends ProviderEndpoint {
  secretKey: Secret;
  merchantId: string;
  /** All are accepted on incoming webhooks (rotation: one endpoint secret per registered endpoint). */
  webhookSecrets: Secret[];
  endDateFormat: PayEngineDateFormat;
}

export function createPayEngineAdapter(config: PayEngineConfig, deps: AdapterDeps): ProviderAdapter {
  return payengineProvider.createAdapter(config, deps);
}

function payengineOperations(config: PayEngineConfig, kit: AdapterKit): AdapterOperations {
  const { now, readWord } = kit;
  const http = kit.http({
    // The raw key after "Basic ", as the authentication page and the cURL samples show; not base64(user:pass).
    headers: () => ({ authorization: `Basic ${config.secretKey.reveal()}` }),
    describeError: describePayEngineError,
  });
  const linkPath = (id: string) => `/api/payment-link/${encodeURIComponent(id)}`;
  const toState = (link: PayEnginePaymentLink) => fromPayEnginePaymentLink(link, now(), readWord);

  async function retrieve(providerLinkId: string): Promise<ProviderLinkState> {
    const link = await http.request({ method: 'GET', path: linkPath(providerLinkId), schema: PayEngineLinkResponse, idempotent: true });
    return toState(link);
  }

  async function listPage(page: number): Promise<PayEnginePaymentLink[]> {
    return http.request({
      method: 'GET',
      path: `/api/merchant/${encodeURIComponent(config.merchantId)}/payment-link`,
      query: { page, limit: FIND_PAGE_SIZE },
      schema: PayEngineLinkList,
      idempotent: true,
    });
  }

  return {
    async create(input) {
      const link = await http.request({
        method: 'POST',
        path: '/api/payment-link',
        body: toPayEngineCreateRequest(input, config.merchantId, config.endDateFormat),
        schema: PayEngineLinkResponse,
      });
      return toState(link);
    },

    retrieve,

    async cancel(providerLinkId) {
      const answer = await http.request({ method: 'POST', path: `${linkPath(providerLinkId)}/cancel`, schema: PayEngineCancelResponse });
      if (answer.kind === 'link') return toState(answer.link);
      if (!answer.success) {
        // Documented failure shape; the message is PayEngine's text, so it stays out of the problem.
        throw new ProviderError(new Problem(422, 'provider_rejected', 'PayEngine refused to cancel the payment link'), 200, 'success_false');
      }
      return retrieve(providerLinkId);
    },

    async extendExpiry(providerLinkId, expiresAt) {
      const answer = await http.request({
        method: 'PATCH',
        path: linkPath(providerLinkId),
        body: { merchant_id: config.merchantId, data: { end_date: toPayEngineEndDate(expiresAt, config.endDateFormat) } },
        schema: z.unknown(),
      });
      const link = PayEngineLinkResponse.safeParse(answer);
      return link.success ? toState(link.data) : retrieve(providerLinkId);
    },

    async findByReference(reference) {
      for (let page = 1; page <= FIND_MAX_PAGES; page += 1) {
        const links = await listPage(page);
        const match = links.find((l) => l.internal_transaction_id === reference);
        if (match) return toState(match);
        if (links.length < FIND_PAGE_SIZE) return undefined;
      }
      return undefined;
    },

    verifyWebhook(rawBody, headers, nowMs): WebhookVerdict {
      const header = headerValue(headers, 'x-pf-signature');
      if (!header) return { ok: false, reason: 'missing_signature' };
      const parsed = parseSignatureHeader(header);
      if (!parsed) return { ok: false, reason: 'bad_signature' };
      const signedPayload = Buffer.concat([Buffer.from(`${parsed.timestamp}.`), rawBody]);
      // Every secret against every `s=`, without stopping early, so timing says nothing about which matched.
      let ok = false;
      for (const secret of config.webhookSecrets) {
        const expected = hmacSha256(secret.reveal(), signedPayload, 'hex');
        for (const signature of parsed.signatures) ok = safeEqual(expected, signature) || ok;
      }
      if (!ok) return { ok: false, reason: 'bad_signature' };
      if (Math.abs(nowMs - Number(parsed.timestamp) * 1000) > PAYENGINE_WEBHOOK_TOLERANCE_MS) {
        return { ok: false, reason: 'stale_timestamp' };
      }
      return { ok: true };
    },

    parseWebhook(rawBody): WebhookEvent {
      const envelope = PayEngineWebhookEnvelope.safeParse(parseJson(rawBody));
      if (!envelope.success) throw new Problem(400, 'invalid_request', 'The webhook body is not a PayEngine event');
      const { event, data } = envelope.data;
      const dedupeKey = envelope.data.event_uid ?? createHash('sha256').update(rawBody).digest('hex');
      const rawId = data.payment_link_id;
      const providerLinkId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : '';
      if (!providerLinkId) {
        return { kind: 'ignored', dedupeKey, event, reason: 'no payment_link_id in the event' };
      }
      if (event.startsWith('PAYMENTLINK_')) {
        const link = PayEnginePaymentLink.safeParse(data);
        // The whole link (with its status) is state; an id alone (PAYMENTLINK_CANCELLED) is a hint to re-read,
        // whose name is its claim.
        if (link.success) return { kind: 'link', dedupeKey, event, providerLinkId, state: toState(link.data) };
        return event === 'PAYMENTLINK_CANCELLED'
          ? { kind: 'link', dedupeKey, event, providerLinkId, claims: { status: 'cancelled' } }
          : { kind: 'link', dedupeKey, event, providerLinkId };
      }
      // A transaction event about this link's payment: payment-level, and what a transaction word says about the
      // link is UNCONFIRMED (§3.6), so it claims nothing; the core asks for the link itself.
      return { kind: 'link', dedupeKey, event, providerLinkId };
    },
  };
}

/**
 * `t=1616987734,s=614c…`: split on `,` then on the first `=`; other elements are discarded (check-signature).
 * Whitespace around elements is tolerated (the docs print the header across two lines).
 */
function parseSignatureHeader(header: string): { timestamp: string; signatures: string[] } | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at < 0) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = value;
    if (key === 's' && value) signatures.push(value.toLowerCase());
  }
  return timestamp && signatures.length > 0 ? { timestamp, signatures } : undefined;
}

export const payengineProvider = defineProvider({
  name: 'payengine',
  amount: PAYENGINE_AMOUNTS,
  // `slug_id` is unique per environment and derived from our reference: a repeated create collides.
  uniqueReference: true,
  // Its links take no return URL: the checkout ends on PayEngine's own page (shared/providers.md, PayEngine).
  returnsBuyer: false,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    PAYENGINE_SECRET_KEY: z.string().min(8, 'the API secret key from the PayEngine console (API → Manage Keys)').optional(),
    PAYENGINE_MERCHANT_ID: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'the PayEngine merchant id, e.g. 1cc7b594-b80f-4227-a0fa-299c4c6ce8ab')
      .optional(),
    PAYENGINE_WEBHOOK_SECRET: secretList(8).optional(),
    PAYENGINE_BASE_URL: httpUrl.default(PAYENGINE_PRODUCTION_URL),
    PAYENGINE_END_DATE_FORMAT: z.enum(['yyyymmdd', 'iso8601']).default('yyyymmdd'),
  }),
  required: ['PAYENGINE_SECRET_KEY', 'PAYENGINE_MERCHANT_ID', 'PAYENGINE_WEBHOOK_SECRET'],
  settings: (v, common): PayEngineConfig => ({
    secretKey: new Secret(v.PAYENGINE_SECRET_KEY),
    merchantId: v.PAYENGINE_MERCHANT_ID,
    webhookSecrets: v.PAYENGINE_WEBHOOK_SECRET.map((s) => new Secret(s)),
    baseUrl: v.PAYENGINE_BASE_URL,
    endDateFormat: v.PAYENGINE_END_DATE_FORMAT,
    timeoutMs: common.timeoutMs,
  }),
  // Only the production host moves real money; the sandbox (`.dev`) host and any simulator are test mode.
  isTestMode: (settings) => !/(^|\.)payengine\.co$/i.test(new URL(settings.baseUrl).hostname),
  adapter: payengineOperations,
});

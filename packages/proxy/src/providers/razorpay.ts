/**
 * Razorpay adapter, current Payment Links API (`POST/GET /v1/payment_links`, `…/cancel`).
 * Source: shared/providers.md §5; https://razorpay.com/docs/api/payments/payment-links/
 *
 * - Auth: HTTP Basic `key_id:key_secret`, exactly `Basic <base64>` (§5.2).
 * - Amounts: integer minor units on the wire, as inside pay-link.
 * - Create is not retried: a duplicate `reference_id` is a 400 (§5.7). A create that timed out is recovered by
 *   `findByReference` (`GET /v1/payment_links?reference_id=`), never by a second create.
 * - Webhooks: `X-Razorpay-Signature` = hex HMAC-SHA256 of the raw body with the webhook secret (not the API
 *   secret); several secrets are accepted during rotation, because Razorpay retries old events with the old
 *   secret (§5.6). Dedupe on `X-Razorpay-Event-Id`.
 * - The legacy `/v1/invoices` (type=link) API of the seed is not wired yet (issue #3).
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { Problem } from '../problems.ts';
import { defineProvider } from './module.ts';
import { Secret, hmacSha256, safeEqual } from '../secret.ts';
import { createProviderHttp } from './http.ts';
import {
  RazorpayErrorBody,
  RazorpayPaymentLink,
  RazorpayPaymentLinkList,
  RazorpayWebhookEnvelope,
  fromRazorpayPaymentLink,
  toRazorpayPaymentLinkRequest,
} from './razorpay.transformers.ts';
import type { ProviderAdapter, WebhookEvent, WebhookVerdict } from './types.ts';
import type { ProviderCallRecord } from './http.ts';

export const RAZORPAY_PRODUCTION_URL = 'https://api.razorpay.com';

export interface RazorpayConfig {
  keyId: string;
  keySecret: Secret;
  /** The first signs nothing we send; all are accepted on incoming webhooks (rotation). */
  webhookSecrets: Secret[];
  baseUrl: string;
  timeoutMs: number;
}

const PAYMENT_LINK_EVENTS = new Set([
  'payment_link.paid',
  'payment_link.partially_paid',
  'payment_link.cancelled',
  'payment_link.expired',
]);

export function createRazorpayAdapter(
  config: RazorpayConfig,
  deps: { fetch: typeof fetch; onCall?: (call: ProviderCallRecord) => void },
): ProviderAdapter {
  const http = createProviderHttp({
    provider: 'razorpay',
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    onCall: deps.onCall,
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${config.keyId}:${config.keySecret.reveal()}`).toString('base64')}`,
    }),
    describeError: (body) => {
      const parsed = RazorpayErrorBody.safeParse(body);
      return parsed.success ? parsed.data.error.code : undefined;
    },
  });

  return {
    name: 'razorpay',
    capabilities: { cancel: true, extendExpiry: true, notify: true, list: true, findByReference: true },

    async create(input) {
      const link = await http.request({
        method: 'POST',
        path: '/v1/payment_links',
        body: toRazorpayPaymentLinkRequest(input),
        schema: RazorpayPaymentLink,
      });
      return fromRazorpayPaymentLink(link);
    },

    async retrieve(providerLinkId) {
      const link = await http.request({
        method: 'GET',
        path: `/v1/payment_links/${encodeURIComponent(providerLinkId)}`,
        schema: RazorpayPaymentLink,
        idempotent: true,
      });
      return fromRazorpayPaymentLink(link);
    },

    async cancel(providerLinkId) {
      const link = await http.request({
        method: 'POST',
        path: `/v1/payment_links/${encodeURIComponent(providerLinkId)}/cancel`,
        schema: RazorpayPaymentLink,
      });
      return fromRazorpayPaymentLink(link);
    },

    async extendExpiry(providerLinkId, expiresAt) {
      const link = await http.request({
        method: 'PATCH',
        path: `/v1/payment_links/${encodeURIComponent(providerLinkId)}`,
        body: { expire_by: Math.floor(expiresAt.getTime() / 1000) },
        schema: RazorpayPaymentLink,
      });
      return fromRazorpayPaymentLink(link);
    },

    async notify(providerLinkId, channel) {
      await http.request({
        method: 'POST',
        path: `/v1/payment_links/${encodeURIComponent(providerLinkId)}/notify_by/${channel}`,
        schema: z.object({ success: z.boolean().optional() }).loose(),
      });
    },

    async list({ count }) {
      const links = await http.request({
        method: 'GET',
        path: '/v1/payment_links',
        query: { count: Math.min(count, 100) },
        schema: RazorpayPaymentLinkList,
        idempotent: true,
      });
      return links.map(fromRazorpayPaymentLink);
    },

    async findByReference(reference) {
      const links = await http.request({
        method: 'GET',
        path: '/v1/payment_links',
        query: { reference_id: reference },
        schema: RazorpayPaymentLinkList,
        idempotent: true,
      });
      const link = links.find((l) => l.reference_id === reference);
      return link && fromRazorpayPaymentLink(link);
    },

    verifyWebhook(rawBody, headers): WebhookVerdict {
      const signature = header(headers, 'x-razorpay-signature');
      if (!signature) return { ok: false, reason: 'missing_signature' };
      // Check every secret, without stopping at the first match, so timing says nothing about which matched.
      let ok = false;
      for (const secret of config.webhookSecrets) {
        ok = safeEqual(hmacSha256(secret.reveal(), rawBody, 'hex'), signature.toLowerCase()) || ok;
      }
      return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },

    parseWebhook(rawBody, headers): WebhookEvent {
      const envelope = RazorpayWebhookEnvelope.safeParse(parseJson(rawBody));
      if (!envelope.success) throw new Problem(400, 'invalid_request', 'The webhook body is not a Razorpay event');
      const { event, payload } = envelope.data;
      const dedupeKey = header(headers, 'x-razorpay-event-id') ?? createHash('sha256').update(rawBody).digest('hex');
      const entity = payload.payment_link?.entity;
      if (!PAYMENT_LINK_EVENTS.has(event) || !entity) {
        return { kind: 'ignored', dedupeKey, event, reason: 'not a payment link event' };
      }
      return { kind: 'link', dedupeKey, event, providerLinkId: entity.id, state: fromRazorpayPaymentLink(entity) };
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

export const razorpayProvider = defineProvider<RazorpayConfig>({
  name: 'razorpay',
  env: z.object({
    RAZORPAY_KEY_ID: z.string().regex(/^rzp_(test|live)_\w+$/, 'a key id such as rzp_test_…').optional(),
    RAZORPAY_KEY_SECRET: z.string().min(8, 'the key secret from the dashboard').optional(),
    RAZORPAY_WEBHOOK_SECRET: z
      .string()
      .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
      .pipe(z.array(z.string().min(8, 'at least 8 characters')).min(1, 'at least one secret'))
      .optional(),
    RAZORPAY_BASE_URL: httpUrl.default(RAZORPAY_PRODUCTION_URL),
  }),
  required: ['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'],
  settings: (v, common) => ({
    keyId: v.RAZORPAY_KEY_ID as string,
    keySecret: new Secret(v.RAZORPAY_KEY_SECRET as string),
    webhookSecrets: (v.RAZORPAY_WEBHOOK_SECRET as string[]).map((s) => new Secret(s)),
    baseUrl: v.RAZORPAY_BASE_URL as string,
    timeoutMs: common.timeoutMs,
  }),
  isTestMode: (settings) => settings.keyId.startsWith('rzp_test_'),
  createAdapter: (settings, deps) => createRazorpayAdapter(settings, deps),
});

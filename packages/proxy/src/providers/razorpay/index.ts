/**
 * Razorpay adapter, for both of Razorpay's payment-link APIs, chosen by `RAZORPAY_API`:
 * - `payment_links` (default): the current Payment Links API, `/v1/payment_links` (shared/providers.md §5.3);
 *   https://razorpay.com/docs/api/payments/payment-links/
 * - `invoices`: the legacy Payment Links API, `/v1/invoices` with `type=link` (the seed,
 *   shared/seeds/razorpay-payment-links.txt; providers.md §5.4). Deprecated by Razorpay since 15 Aug 2021
 *   (markdown-docs payments/payment-links/legacy.md) but still what some older accounts have.
 * Auth, HTTP, errors and webhook verification are shared; only paths, wire types and transformers differ
 * (`razorpay.transformers.ts`, `razorpay-invoices.transformers.ts`).
 *
 * - Auth: HTTP Basic `key_id:key_secret`, exactly `Basic <base64>` (§5.2). Same host for test and live keys.
 * - Amounts: integer minor units on the wire, as inside pay-link. Three-decimal currencies (KWD, BHD, OMR) must
 *   end in 0 (create-standard.md `amount`; invoices/entity.md "Watch Out!"), so anything else is refused before
 *   Razorpay sees it (`RAZORPAY_AMOUNTS`, checked by amounts.ts).
 * - Create is not retried: a duplicate `reference_id` / `receipt` is a 400 (§5.7, seed "Must be a unique
 *   number"). A create that timed out is recovered by `findByReference` (`?reference_id=` / `?receipt=`), never
 *   by a second create.
 * - Legacy API: there is NO callback URL (the seed's create parameters have none), so `returnUrl` (the proxy's
 *   `/return` page) is dropped: popup presentation still works, though the window stays on Razorpay's result page
 *   until the buyer closes it; redirect presentation leaves the buyer on Razorpay's page after paying. The proxy
 *   still learns the outcome from the webhook or a refresh. Cancel works only on an `issued`
 *   invoice (seed). The list wrapper is the Invoices API's `items` (api/payments/invoices/fetch-all.md); the
 *   seed shows none for links, so `invoices` is accepted too (assumption).
 * - Webhooks: `X-Razorpay-Signature` = hex HMAC-SHA256 of the raw body with the webhook secret (not the API
 *   secret); several secrets are accepted during rotation, because Razorpay retries old events with the old
 *   secret (§5.6). Dedupe on `X-Razorpay-Event-Id`. Both event families are read whatever the mode, since
 *   the envelope and the scheme are the same: `payment_link.{paid,partially_paid,cancelled,expired}` (entity at
 *   `payload.payment_link.entity`) and the legacy `invoice.{paid,partially_paid,expired}` (entity at
 *   `payload.invoice.entity`; legacy.md). There is no `invoice.cancelled`: our own cancel is read from the
 *   cancel response. A `partially_paid` sample exists for neither family (UNCONFIRMED); it is assumed shaped
 *   like `paid`. Invoice events for other invoice types (`invoice`, `ecod`) are ignored. The signature is
 *   checked over the raw bytes before anything parses them; every event carries its entity, so none is a hint
 *   (no `claims`).
 * - Statuses: a word outside the documented sets (entity.md of either API) reads as pending and is logged once
 *   (status-words.ts, decision 0010), instead of failing every read of the link.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Problem } from '../../problems.ts';
import { type AdapterDeps, type AdapterKit, type AdapterOperations, type ProviderEndpoint, defineProvider } from '../define.ts';
import { headerValue, httpUrl, parseJson, secretList } from '../inputs.ts';
import { Secret, hmacSha256, safeEqual } from '../../secret.ts';
import { ProviderError } from '../http.ts';
import {
  RAZORPAY_AMOUNTS,
  RazorpayErrorBody,
  RazorpayPaymentLink,
  RazorpayPaymentLinkList,
  RazorpayWebhookEnvelope,
  fromRazorpayPaymentLink,
  toRazorpayPaymentLinkRequest,
} from './transformers.ts';
import {
  RazorpayInvoice,
  RazorpayInvoiceList,
  RazorpayInvoiceWebhookPayload,
  fromRazorpayInvoice,
  toRazorpayInvoiceRequest,
} from './invoices.transformers.ts';
import { type StatusWordReader, UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { CreateLinkInput, ProviderAdapter, ProviderLinkState, WebhookEvent, WebhookVerdict } from '../types.ts';

export const RAZORPAY_PRODUCTION_URL = 'https://api.razorpay.com';

/** Which of Razorpay's payment-link APIs the account uses. */
export const RazorpayApi = z.enum(['payment_links', 'invoices']);
export type RazorpayApi = z.infer<typeof RazorpayApi>;

/** Its settings, besides the base URL and timeout every provider has (`ProviderEndpoint`). */
export interface RazorpayConfig extends ProviderEndpoint {
  keyId: string;
  keySecret: Secret;
  /** The first signs nothing we send; all are accepted on incoming webhooks (rotation). */
  webhookSecrets: Secret[];
  /** Default `payment_links`. */
  api?: RazorpayApi;
}

const PAYMENT_LINK_EVENTS = new Set([
  'payment_link.paid',
  'payment_link.partially_paid',
  'payment_link.cancelled',
  'payment_link.expired',
]);

/** Legacy payment links (payments/payment-links/legacy.md "Webhooks"). */
const LEGACY_INVOICE_EVENTS = new Set(['invoice.paid', 'invoice.partially_paid', 'invoice.expired']);

/** What differs between the two APIs: the collection path, the entity and how to read and write it. */
interface RazorpayWire<Entity> {
  path: '/v1/payment_links' | '/v1/invoices';
  entity: z.ZodType<Entity>;
  list: z.ZodType<Entity[]>;
  toCreateRequest(input: CreateLinkInput): unknown;
  toState(entity: Entity, readWord: StatusWordReader): ProviderLinkState;
  reference(entity: Entity): string | null | undefined;
  /** The list filter naming our reference. */
  referenceQuery: 'reference_id' | 'receipt';
}

const PAYMENT_LINKS_WIRE: RazorpayWire<RazorpayPaymentLink> = {
  path: '/v1/payment_links',
  entity: RazorpayPaymentLink,
  list: RazorpayPaymentLinkList,
  toCreateRequest: toRazorpayPaymentLinkRequest,
  toState: fromRazorpayPaymentLink,
  reference: (link) => link.reference_id,
  referenceQuery: 'reference_id',
};

const INVOICES_WIRE: RazorpayWire<RazorpayInvoice> = {
  path: '/v1/invoices',
  entity: RazorpayInvoice,
  list: RazorpayInvoiceList,
  toCreateRequest: toRazorpayInvoiceRequest,
  toState: fromRazorpayInvoice,
  reference: (invoice) => invoice.receipt,
  referenceQuery: 'receipt',
};

export function createRazorpayAdapter(config: RazorpayConfig, deps: AdapterDeps): ProviderAdapter {
  return razorpayProvider.createAdapter(config, deps);
}

function razorpayOperations(config: RazorpayConfig, kit: AdapterKit): AdapterOperations {
  return config.api === 'invoices' ? buildOperations(config, kit, INVOICES_WIRE) : buildOperations(config, kit, PAYMENT_LINKS_WIRE);
}

function buildOperations<Entity>(config: RazorpayConfig, kit: AdapterKit, wire: RazorpayWire<Entity>): AdapterOperations {
  const { readWord } = kit;
  const toState = (entity: Entity) => wire.toState(entity, readWord);
  const http = kit.http({
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${config.keyId}:${config.keySecret.reveal()}`).toString('base64')}`,
    }),
    describeError: (body) => {
      const parsed = RazorpayErrorBody.safeParse(body);
      return parsed.success ? parsed.data.error.code : undefined;
    },
  });
  const one = (id: string) => `${wire.path}/${encodeURIComponent(id)}`;

  return {
    async create(input) {
      const entity = await http.request({ method: 'POST', path: wire.path, body: wire.toCreateRequest(input), schema: wire.entity });
      const state = toState(entity);
      if (!state.url) {
        throw new ProviderError(new Problem(502, 'provider_bad_response', 'razorpay created a link without a short_url'), 200);
      }
      return state;
    },

    async retrieve(providerLinkId) {
      return toState(await http.request({ method: 'GET', path: one(providerLinkId), schema: wire.entity, idempotent: true }));
    },

    async cancel(providerLinkId) {
      return toState(await http.request({ method: 'POST', path: `${one(providerLinkId)}/cancel`, schema: wire.entity }));
    },

    async extendExpiry(providerLinkId, expiresAt) {
      const entity = await http.request({
        method: 'PATCH',
        path: one(providerLinkId),
        body: { expire_by: Math.floor(expiresAt.getTime() / 1000) },
        schema: wire.entity,
      });
      return toState(entity);
    },

    async notify(providerLinkId, channel) {
      await http.request({
        method: 'POST',
        path: `${one(providerLinkId)}/notify_by/${channel}`,
        schema: z.object({ success: z.boolean().optional() }).loose(),
      });
    },

    async findByReference(reference) {
      const entities = await http.request({
        method: 'GET',
        path: wire.path,
        query: { [wire.referenceQuery]: reference },
        schema: wire.list,
        idempotent: true,
      });
      const entity = entities.find((e) => wire.reference(e) === reference);
      return entity && toState(entity);
    },

    verifyWebhook(rawBody, headers): WebhookVerdict {
      const signature = headerValue(headers, 'x-razorpay-signature');
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
      const dedupeKey = headerValue(headers, 'x-razorpay-event-id') ?? createHash('sha256').update(rawBody).digest('hex');
      if (LEGACY_INVOICE_EVENTS.has(event)) {
        const legacy = RazorpayInvoiceWebhookPayload.safeParse(payload);
        if (!legacy.success) throw new Problem(400, 'invalid_request', 'The webhook body is not a Razorpay event');
        const invoice = legacy.data.invoice?.entity;
        if (!invoice || (invoice.type != null && invoice.type !== 'link')) {
          return { kind: 'ignored', dedupeKey, event, reason: 'not a payment link event' };
        }
        return { kind: 'link', dedupeKey, event, providerLinkId: invoice.id, state: fromRazorpayInvoice(invoice, readWord) };
      }
      const entity = payload.payment_link?.entity;
      if (!PAYMENT_LINK_EVENTS.has(event) || !entity) {
        return { kind: 'ignored', dedupeKey, event, reason: 'not a payment link event' };
      }
      return { kind: 'link', dedupeKey, event, providerLinkId: entity.id, state: fromRazorpayPaymentLink(entity, readWord) };
    },
  };
}

export const razorpayProvider = defineProvider({
  name: 'razorpay',
  amount: RAZORPAY_AMOUNTS,
  // A reused `reference_id` / `receipt` is a 400 (§5.7).
  uniqueReference: true,
  returnsBuyer: true,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    RAZORPAY_KEY_ID: z.string().regex(/^rzp_(test|live)_\w+$/, 'a key id such as rzp_test_…').optional(),
    RAZORPAY_KEY_SECRET: z.string().min(8, 'the key secret from the dashboard').optional(),
    RAZORPAY_WEBHOOK_SECRET: secretList(8).optional(),
    RAZORPAY_BASE_URL: httpUrl.default(RAZORPAY_PRODUCTION_URL),
    /** `payment_links` (current API) or `invoices` (legacy `/v1/invoices` type=link, for accounts still on it). */
    RAZORPAY_API: z
      .enum(RazorpayApi.options, { error: 'payment_links (current API) or invoices (legacy API)' })
      .default('payment_links'),
  }),
  required: ['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'],
  settings: (v, common): RazorpayConfig => ({
    keyId: v.RAZORPAY_KEY_ID,
    keySecret: new Secret(v.RAZORPAY_KEY_SECRET),
    webhookSecrets: v.RAZORPAY_WEBHOOK_SECRET.map((s) => new Secret(s)),
    baseUrl: v.RAZORPAY_BASE_URL,
    timeoutMs: common.timeoutMs,
    api: v.RAZORPAY_API,
  }),
  isTestMode: (settings) => settings.keyId.startsWith('rzp_test_'),
  adapter: razorpayOperations,
});

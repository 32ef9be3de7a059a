/**
 * EximPe adapter, Payment Links API (`/pg/payment-links/`).
 * Sources: shared/providers.md §1, §6, §9; the seed shared/seeds/eximpe-payment-links.txt;
 * https://docs.eximpe.com/api-reference/v1/payment-link/{create,retrieve,list,deactivate,extend-expiry,share};
 * https://docs.eximpe.com/integration-guide/web-integration/webhooks. There is no server SDK (§1.8): raw HTTP.
 *
 * Quirks, as documented:
 * - Auth is two headers, `X-Client-ID` + `X-Client-Secret`, plus `X-API-Version` (default `1.0.0`, the seed's) on
 *   every call; `X-Merchant-ID` only when configured, for PSP sub-merchants (the v2 reference and the playground).
 * - Every path keeps its trailing slash (`/pg/payment-links/`): the API looks like Django REST Framework, where a
 *   missing slash redirects or 404s (§1.1), and we never follow redirects.
 * - Amounts are decimal major units as a string, INR only ("Currently supports INR", §1.4).
 * - Create requires `reference_id`, `buyer`, `product`, `invoice` (v1 reference). We send our link reference
 *   as both `reference_id` and `invoice.number`, today's UTC date as `invoice.date`, our description as the
 *   product, and the customer as the buyer when we have one, else a buyer named "Customer" with no contact.
 * - Deactivate, extend_expiry and share answer only `{success, message}`, so each is followed by a retrieve.
 * - Webhooks are payment events only (`PAYMENT_SUCCESSFUL`, `PAYMENT_FAILED`); none carries the link's state,
 *   so every relevant event is returned without `state` and the core re-reads the link. Dedupe on
 *   `sequence_number` ("useful for idempotency", §1.6). `PAYMENT_SUCCESSFUL` claims `paid` at
 *   `data.payment_completed_at` (else a zoned `event_time`); `PAYMENT_FAILED` claims nothing (see
 *   `claimsOfEximPeWebhook`).
 *
 * Assumptions where the documents are unclear (UNCONFIRMED in §9), each tolerant of both readings:
 * - Link id: create answers `link_id` (seed) or `payment_id` (API reference); both are read, `payment_id` first,
 *   because the retrieve path's example (`PR5106085554`) and the webhooks' `payment_id` are `PR…` ids.
 * - Webhook → link: `data.payment_link_id` or `data.link_id` if present, else `data.payment_id` (§1.6 inference:
 *   the link object exposes the same `PR…` id). An event naming no id is ignored.
 * - Status words: only `ACTIVE` is documented. See `mapEximPeStatus`: paid from a paid word or a `status_message`
 *   reporting a capture; expired when `expiry_date` is past by the injected clock; cancelled for
 *   `INACTIVE`/`DEACTIVATED`/`CANCELLED`, and always after our own successful deactivate; other words → pending
 *   (expired past `expiry_date`), logged at warn once per word through the proxy's log (decision 0010).
 * - Paid time: the link reference documents no payment time; `payment_completed_at`, else `updated_at`, is read
 *   when a link carries one (eximpe.transformers.ts), else the webhook's claim supplies it. In the webhook the
 *   payment time is `data.payment_completed_at` (seed, v1 and v2); failing that, `event_time` is taken only in
 *   v2's zoned ISO form, because v1's zone-less "2024-02-15 16:53:15" may be UTC or India time.
 * - Webhook key: the docs name both "your API key" and an "encryption key". `EXIMPE_WEBHOOK_SECRET` (comma-
 *   separated, for rotation or for both candidates) wins; unset, the client secret is used.
 * - Webhook body: signed over the raw bytes, or over the canonical (sorted, compact) re-serialization the guide
 *   describes; see eximpe.signature.ts for why both are accepted. The raw bytes are checked first, parsing
 *   nothing; the canonical forms only for a body of at most 64 KiB nesting at most 32 deep (real events are
 *   1–2 kB, 2 deep), so an unsigned body costs at most a hash per key plus one bounded parse, never a deep
 *   recursion or a large re-serialization.
 * - `X-Webhook-Timestamp` is not signed (§1.6); when present it must be within 5 minutes, but replay protection
 *   rests on the `sequence_number` dedupe.
 * - The return URL is sent as `return_url`, the Order API's field; the payment-link reference documents none.
 * - `reference_id` uniqueness is unknown, so a create is never retried; `findByReference` walks the list (no
 *   documented filter; `reference_id` is passed as a query parameter in case it is honoured), at most
 *   FIND_PAGES pages of PAGE_SIZE, newest first if EximPe orders them so: up to FIND_PAGES calls per lookup.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Money } from '../../contract.ts';
import { Problem } from '../../problems.ts';
import { Secret } from '../../secret.ts';
import { ProviderError } from '../http.ts';
import { type AdapterDeps, type AdapterKit, type AdapterOperations, type ProviderEndpoint, defineProvider } from '../define.ts';
import { headerValue, httpUrl, parseJson, secretList } from '../inputs.ts';
import { verifyEximPeSignature } from './signature.ts';
import { UNKNOWN_STATUS_READING } from '../status-words.ts';
import {
  EXIMPE_AMOUNTS,
  EximPeAck,
  EximPeCreatedLink,
  EximPeErrorBody,
  EximPeList,
  EximPePaymentLink,
  EximPeWebhook,
  claimsOfEximPeWebhook,
  eximpeEnvelope,
  fromEximPeCreatedLink,
  fromEximPePaymentLink,
  toEximPeCreateRequest,
  toEximPeDateTime,
  toEximPePhone,
} from './transformers.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent, WebhookVerdict } from '../types.ts';

export const EXIMPE_PRODUCTION_URL = 'https://api-pacb.eximpe.com';
export const EXIMPE_SANDBOX_URL = 'https://api-pacb-uat.eximpe.com';
export const EXIMPE_DEFAULT_API_VERSION = '1.0.0';

const LINKS = '/pg/payment-links/';
const PAGE_SIZE = 100;
const FIND_PAGES = 5;
const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

/** Payment events that can change whether a link is paid; the core re-reads the link for each. */
const PAYMENT_EVENTS = new Set(['PAYMENT_SUCCESSFUL', 'PAYMENT_FAILED']);

/** Its settings, besides the base URL and timeout every provider has (`ProviderEndpoint`). */
export interface EximPeConfig extends ProviderEndpoint {
  clientId: string;
  clientSecret: Secret;
  apiVersion: string;
  /** PSP sub-merchant; sent as `X-Merchant-ID` only when set. */
  merchantId?: string;
  /** All are accepted on incoming webhooks (rotation, or both readings of the docs). */
  webhookSecrets: Secret[];
}

export function createEximPeAdapter(config: EximPeConfig, deps: AdapterDeps): ProviderAdapter {
  return eximpeProvider.createAdapter(config, deps);
}

function eximpeOperations(config: EximPeConfig, kit: AdapterKit): AdapterOperations {
  const { now, readWord } = kit;

  const http = kit.http({
    headers: () => ({
      'x-client-id': config.clientId,
      'x-client-secret': config.clientSecret.reveal(),
      'x-api-version': config.apiVersion,
      ...(config.merchantId && { 'x-merchant-id': config.merchantId }),
    }),
    describeError: (body) => {
      const parsed = EximPeErrorBody.safeParse(body);
      return parsed.success ? (parsed.data.error?.code ?? undefined) : undefined;
    },
  });

  /**
   * EximPe may answer 200 with `success: false` (the playground checks both, §1.7): such a body is a refusal,
   * marked by an issue the caller recognises, and only any other body is read with `schema` (a pipe stops at
   * the first schema's issues).
   */
  const failureSchema = z.object({ success: z.literal(false) }).loose();
  function orRefusal<T extends z.ZodType>(schema: T) {
    return z
      .unknown()
      .superRefine((body, ctx) => {
        if (!failureSchema.safeParse(body).success) return;
        const parsed = EximPeErrorBody.safeParse(body);
        const code = parsed.success ? (parsed.data.error?.code ?? 'success: false') : 'success: false';
        ctx.addIssue({ code: 'custom', message: code, params: { eximpeRefusal: true } });
      })
      .pipe(schema);
  }

  async function call<T extends z.ZodType>(req: {
    method: 'GET' | 'POST';
    path: string;
    schema: T;
    body?: unknown;
    query?: Record<string, string | number | undefined>;
    idempotent?: boolean;
  }): Promise<z.infer<T>> {
    try {
      return await http.request({ ...req, schema: orRefusal(req.schema) });
    } catch (err) {
      // A 200 `success: false` is a refusal, not a malformed answer.
      const cause = err instanceof ProviderError ? err.cause : undefined;
      if (err instanceof ProviderError && err.code === 'provider_bad_response' && cause instanceof z.ZodError) {
        const refusal = cause.issues.find((i) => i.code === 'custom' && i.params?.eximpeRefusal === true);
        if (refusal) {
          throw new ProviderError(new Problem(422, 'provider_rejected', 'eximpe refused the request'), err.providerStatus, refusal.message);
        }
      }
      throw err;
    }
  }

  const linkPath = (id: string) => `${LINKS}${encodeURIComponent(id)}/`;

  function toState(link: EximPePaymentLink, known?: { amount?: Money }): ProviderLinkState {
    return fromEximPePaymentLink(link, now(), readWord, known);
  }

  async function fetchLink(id: string): Promise<EximPePaymentLink> {
    const { data } = await call({ method: 'GET', path: linkPath(id), schema: eximpeEnvelope(EximPePaymentLink), idempotent: true });
    return data;
  }

  async function listPage(page: number, pageSize: number, reference?: string): Promise<EximPePaymentLink[]> {
    const { data } = await call({
      method: 'GET',
      path: LINKS,
      query: { page, page_size: pageSize, reference_id: reference },
      schema: EximPeList,
      idempotent: true,
    });
    // One unreadable entry must not hide the others.
    return data.results.flatMap((item) => {
      const parsed = EximPePaymentLink.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  return {
    async create(input) {
      const body = toEximPeCreateRequest(input, now());
      const { data } = await call({ method: 'POST', path: LINKS, body, schema: eximpeEnvelope(EximPeCreatedLink) });
      return fromEximPeCreatedLink(data, input, now(), readWord);
    },

    async retrieve(providerLinkId) {
      return toState(await fetchLink(providerLinkId));
    },

    async cancel(providerLinkId) {
      await call({ method: 'POST', path: `${linkPath(providerLinkId)}deactivate/`, schema: EximPeAck });
      const state = toState(await fetchLink(providerLinkId));
      // The deactivate succeeded, whatever word the link now shows ("Expired" or "Inactive", §1.5); only a
      // payment that landed first outranks it.
      return state.status === 'paid' ? state : { ...state, status: 'cancelled' };
    },

    async extendExpiry(providerLinkId, expiresAt) {
      await call({
        method: 'POST',
        path: `${linkPath(providerLinkId)}extend_expiry/`,
        body: { expiry_date: toEximPeDateTime(expiresAt) },
        schema: EximPeAck,
      });
      const link = await fetchLink(providerLinkId);
      // Retrieve does not list `expiry_date` in the reference; the accepted extension is the new expiry then.
      return toState({ ...link, expiry_date: link.expiry_date ?? toEximPeDateTime(expiresAt) });
    },

    async notify(providerLinkId, channel) {
      const { buyer } = await fetchLink(providerLinkId);
      const to = channel === 'email' ? buyer?.email : buyer?.phone;
      if (!to) throw new Problem(400, 'invalid_request', `This link has no buyer ${channel === 'email' ? 'email' : 'phone'} to send it to`);
      await call({
        method: 'POST',
        path: `${linkPath(providerLinkId)}share/`,
        body: channel === 'email' ? { email: [to] } : { phone: [toEximPePhone(to)] },
        schema: EximPeAck,
      });
    },

    async findByReference(reference) {
      for (let page = 1; page <= FIND_PAGES; page += 1) {
        let links: EximPePaymentLink[];
        try {
          links = await listPage(page, PAGE_SIZE, reference);
        } catch (err) {
          // DRF answers 404 for a page past the end.
          if (page > 1 && err instanceof Problem && err.code === 'not_found') return undefined;
          throw err;
        }
        const link = links.find((l) => l.reference_id === reference);
        if (link) return toState(link);
        if (links.length < PAGE_SIZE) return undefined;
      }
      return undefined;
    },

    verifyWebhook(rawBody, headers, nowMs): WebhookVerdict {
      const signature = headerValue(headers, 'x-webhook-signature')?.trim().toLowerCase();
      if (!signature) return { ok: false, reason: 'missing_signature' };
      const timestamp = headerValue(headers, 'x-webhook-timestamp');
      if (timestamp !== undefined) {
        const seconds = Number(timestamp);
        if (!/^\d{1,12}$/.test(timestamp.trim()) || Math.abs(nowMs - seconds * 1000) > TIMESTAMP_TOLERANCE_MS) {
          return { ok: false, reason: 'stale_timestamp' };
        }
      }
      // The raw bytes first, parsing nothing; the canonical forms only for a small, shallow body (see the file).
      return verifyEximPeSignature(rawBody, signature, config.webhookSecrets) ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },

    parseWebhook(rawBody): WebhookEvent {
      const parsed = EximPeWebhook.safeParse(parseJson(rawBody));
      if (!parsed.success) throw new Problem(400, 'invalid_request', 'The webhook body is not an EximPe event');
      const { event_type: event, sequence_number: sequence, data } = parsed.data;
      const claims = claimsOfEximPeWebhook(parsed.data);
      // `sequence_number` is the documented dedupe key; the body hash stands in only if it is ever missing.
      const dedupeKey = sequence ?? `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
      if (!PAYMENT_EVENTS.has(event.toUpperCase())) return { kind: 'ignored', dedupeKey, event, reason: 'not a payment event' };
      const providerLinkId = data.payment_link_id ?? data.link_id ?? data.payment_id;
      if (!providerLinkId) return { kind: 'ignored', dedupeKey, event, reason: 'names no payment link' };
      // Payment-level: no link state in the body, so no `state`; the core re-reads the link.
      return { kind: 'link', dedupeKey, event, providerLinkId, ...(claims && { claims }) };
    },
  };
}

export const eximpeProvider = defineProvider({
  name: 'eximpe',
  amount: EXIMPE_AMOUNTS,
  // Whether a reused `reference_id` is refused is UNCONFIRMED (§1.4): the core looks a reference up first.
  uniqueReference: false,
  returnsBuyer: true,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    EXIMPE_CLIENT_ID: z.string().trim().min(1, 'the Client ID from the EximPe dashboard (Developer Section)').optional(),
    EXIMPE_CLIENT_SECRET: z.string().min(8, 'the Client Secret from the EximPe dashboard (Developer Section)').optional(),
    EXIMPE_API_VERSION: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'a version such as 1.0.0')
      .default(EXIMPE_DEFAULT_API_VERSION),
    EXIMPE_MERCHANT_ID: z.string().trim().min(1).optional(),
    EXIMPE_WEBHOOK_SECRET: secretList(8).optional(),
    EXIMPE_BASE_URL: httpUrl.default(EXIMPE_PRODUCTION_URL),
  }),
  required: ['EXIMPE_CLIENT_ID', 'EXIMPE_CLIENT_SECRET'],
  settings: (v, common): EximPeConfig => ({
    clientId: v.EXIMPE_CLIENT_ID,
    clientSecret: new Secret(v.EXIMPE_CLIENT_SECRET),
    apiVersion: v.EXIMPE_API_VERSION,
    merchantId: v.EXIMPE_MERCHANT_ID,
    webhookSecrets: (v.EXIMPE_WEBHOOK_SECRET ?? [v.EXIMPE_CLIENT_SECRET]).map((s) => new Secret(s)),
    baseUrl: v.EXIMPE_BASE_URL,
    timeoutMs: common.timeoutMs,
  }),
  // Only the production host moves real money; UAT, staging and the local simulator are all test mode.
  isTestMode: (settings) => new URL(settings.baseUrl).hostname !== new URL(EXIMPE_PRODUCTION_URL).hostname,
  adapter: eximpeOperations,
});

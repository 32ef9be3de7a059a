/**
 * Xendit adapter, Invoices API (what Xendit's dashboard calls "Payment Links").
 * Sources: shared/providers.md §2, §6, §7; the seed docs.xendit.co/payment-links-api-overview;
 * xendit/xendit-node@c5494c3 (7.0.0) `invoice/apis/Invoice.ts` for paths and auth.
 *
 * - One host for test and live, `https://api.xendit.co`; the key decides the mode (`xnd_development_…` is test).
 * - Auth: HTTP Basic with the secret key as username and an empty password (`Basic base64("<key>:")`, §2.2).
 * - Create `POST /v2/invoices`, read `GET /v2/invoices/{id}`, look up by reference
 *   `GET /v2/invoices?external_id=` (a bare JSON array), cancel = `POST /invoices/{id}/expire!` (unversioned).
 *   No update (so no extend) and no resend API (§2.3).
 * - Amounts: a JSON number in major units. IDR is whole rupiah on Xendit: an IDR amount with sen is refused
 *   (`amount_not_representable`), never rounded (see xendit.transformers.ts).
 * - Expiry: `invoice_duration` in seconds from now, at most one year.
 * - `external_id` is our reference. Xendit does not enforce its uniqueness (§2.4), so a create is never
 *   retried; after a timeout the core can find the invoice with `findByReference`.
 * - Cancel: Xendit has no cancel, only expire; it then reports the invoice as EXPIRED like a natural expiry.
 *   `cancel` answers `cancelled` and the core's join keeps it (cancelled outranks expired). Expiring an invoice
 *   that is no longer PENDING fails with "Could not find and update PENDING invoice" (xendit/xendit-php#200);
 *   the HTTP status of that answer is UNCONFIRMED (§9), so after ANY 400/404 from `expire!` we read the invoice,
 *   and an EXPIRED one counts as cancelled (§7): cancel is idempotent. Because of that, `expire!` is also safe to
 *   retry once after a transient failure.
 * - Status: PENDING→pending, PAID/SETTLED→paid, EXPIRED→expired. Any other value (Xendit adding one; the SDK's
 *   `UNKNOWN_ENUM_VALUE`) reads as pending, which the join turns into "keep the previous status", and is
 *   logged at warn once per value through the proxy's log (status-words.ts, decision 0010).
 * - Webhooks ("invoice callback"): the body is the invoice, with no event name and no event id. Authenticity is
 *   only the account's static Callback Verification Token in `x-callback-token` (no HMAC, no timestamp, §2.6),
 *   compared in constant time against every configured token (rotation: the old and the new one during a
 *   change). A token proves the sender knew the token, not that the body is Xendit's, so the event carries no
 *   state: the core re-reads the invoice. It does carry `claims`: the callback's `status` through the same map and,
 *   when paid, its `paid_at`, so the core knows what the read must show before the event counts as seen. A
 *   callback with an unknown status claims nothing. The token is checked before anything parses the body (the
 *   body plays no part in it). Dedupe key `id` + `status` (§6; INFERENCE, no event id documented).
 * - Customer: our one `name` is split at its last whitespace into `given_names` and `surname`, as the seed's
 *   example has them; a one-word name is `given_names` only.
 * - UNCONFIRMED and assumed: the EXPIRED callback has the same shape as the PAID one (§2.6); `paid_amount` and
 *   `paid_at` also appear on `GET` (missing ones fall back to `amount` and `updated`); the list is not
 *   guaranteed newest first, so a lookup by reference sorts by `created`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Problem } from '../../problems.ts';
import { Secret, safeEqual } from '../../secret.ts';
import { ProviderError } from '../http.ts';
import { type AdapterDeps, type AdapterKit, type AdapterOperations, type ProviderEndpoint, defineProvider } from '../define.ts';
import { headerValue, httpUrl, parseJson, secretList } from '../inputs.ts';
import { UNKNOWN_STATUS_READING } from '../status-words.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent, WebhookVerdict } from '../types.ts';
import {
  XENDIT_AMOUNTS,
  XenditErrorBody,
  XenditInvoice,
  XenditInvoiceCallback,
  XenditInvoiceList,
  claimsOfXenditCallback,
  fromXenditInvoice,
  toXenditInvoiceRequest,
} from './transformers.ts';

export const XENDIT_PRODUCTION_URL = 'https://api.xendit.co';

/** Its settings, besides the base URL and timeout every provider has (`ProviderEndpoint`). */
export interface XenditConfig extends ProviderEndpoint {
  secretKey: Secret;
  /** Callback Verification Tokens; every one is accepted on incoming callbacks (rotation). */
  callbackTokens: Secret[];
}

export function createXenditAdapter(config: XenditConfig, deps: AdapterDeps): ProviderAdapter {
  return xenditProvider.createAdapter(config, deps);
}

function xenditOperations(config: XenditConfig, kit: AdapterKit): AdapterOperations {
  const { now, readWord } = kit;
  const http = kit.http({
    headers: () => ({ authorization: `Basic ${Buffer.from(`${config.secretKey.reveal()}:`).toString('base64')}` }),
    describeError: (body) => {
      const parsed = XenditErrorBody.safeParse(body);
      return parsed.success ? parsed.data.error_code : undefined;
    },
  });
  const toState = (invoice: XenditInvoice) => fromXenditInvoice(invoice, readWord);
  const invoicePath = (id: string) => `/v2/invoices/${encodeURIComponent(id)}`;

  async function retrieve(providerLinkId: string): Promise<ProviderLinkState> {
    const invoice = await http.request({ method: 'GET', path: invoicePath(providerLinkId), schema: XenditInvoice, idempotent: true });
    return toState(invoice);
  }

  async function listInvoices(query: Record<string, string | number>): Promise<XenditInvoice[]> {
    const invoices = await http.request({ method: 'GET', path: '/v2/invoices', query, schema: XenditInvoiceList, idempotent: true });
    return invoices.sort((a, b) => createdMs(b) - createdMs(a));
  }

  return {
    async create(input) {
      const invoice = await http.request({
        method: 'POST',
        path: '/v2/invoices',
        body: toXenditInvoiceRequest(input, now()),
        schema: XenditInvoice,
      });
      return toState(invoice);
    },

    retrieve,

    async cancel(providerLinkId) {
      let expired: XenditInvoice;
      try {
        expired = await http.request({
          method: 'POST',
          path: `/invoices/${encodeURIComponent(providerLinkId)}/expire!`,
          schema: XenditInvoice,
          idempotent: true,
        });
      } catch (err) {
        if (!(err instanceof ProviderError) || (err.providerStatus !== 400 && err.providerStatus !== 404)) throw err;
        // "Could not find and update PENDING invoice": already expired (by us before, or by time) is success.
        const current = await retrieve(providerLinkId);
        if (current.providerStatus !== 'EXPIRED') throw err;
        return { ...current, status: 'cancelled' };
      }
      const state = toState(expired);
      // A payment that landed first wins; anything else after our expire is our cancellation.
      return state.status === 'paid' ? state : { ...state, status: 'cancelled' };
    },

    async findByReference(reference) {
      const invoices = await listInvoices({ external_id: reference });
      // Several invoices may share an external_id (not unique at Xendit): the newest is the live one.
      const invoice = invoices.find((i) => i.external_id === reference);
      return invoice && toState(invoice);
    },

    verifyWebhook(_rawBody, headers): WebhookVerdict {
      const token = headerValue(headers, 'x-callback-token');
      if (!token) return { ok: false, reason: 'missing_signature' };
      // Compare digests, so neither the token's length nor which configured token matched leaks through timing.
      const presented = sha256(token);
      let ok = false;
      for (const expected of config.callbackTokens) ok = safeEqual(sha256(expected.reveal()), presented) || ok;
      return ok ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },

    parseWebhook(rawBody): WebhookEvent {
      const json = parseJson(rawBody);
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        throw new Problem(400, 'invalid_request', 'The webhook body is not a Xendit callback');
      }
      const callback = XenditInvoiceCallback.safeParse(json);
      if (!callback.success) {
        // Some other Xendit product's callback sent to this URL: acknowledge it, do nothing.
        return { kind: 'ignored', dedupeKey: sha256(rawBody), event: 'unknown', reason: 'not an invoice callback' };
      }
      const { id, status } = callback.data;
      const claims = claimsOfXenditCallback(callback.data, readWord);
      return {
        kind: 'link',
        dedupeKey: `${id}:${status}`,
        event: `invoice.${status.toLowerCase()}`,
        providerLinkId: id,
        ...(claims && { claims }),
      };
    },
  };
}

function createdMs(invoice: XenditInvoice): number {
  const ms = invoice.created ? Date.parse(invoice.created) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export const xenditProvider = defineProvider({
  name: 'xendit',
  amount: XENDIT_AMOUNTS,
  // `external_id` uniqueness is not enforced (§2.4): the core looks a reference up before creating.
  uniqueReference: false,
  returnsBuyer: true,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    // Xendit keys are base64-ish after the prefix (`+`, `/`, `=` occur), hence \S rather than \w.
    XENDIT_SECRET_KEY: z
      .string()
      .regex(/^xnd_(development|production)_\S{8,}$/, 'a secret key such as xnd_development_… (Settings → API keys)')
      .optional(),
    XENDIT_CALLBACK_TOKEN: secretList(16, { each: 'the Callback Verification Token (at least 16 characters)', none: 'at least one token' }).optional(),
    XENDIT_BASE_URL: httpUrl.default(XENDIT_PRODUCTION_URL),
  }),
  required: ['XENDIT_SECRET_KEY', 'XENDIT_CALLBACK_TOKEN'],
  settings: (v, common): XenditConfig => ({
    secretKey: new Secret(v.XENDIT_SECRET_KEY),
    callbackTokens: v.XENDIT_CALLBACK_TOKEN.map((t) => new Secret(t)),
    baseUrl: v.XENDIT_BASE_URL,
    timeoutMs: common.timeoutMs,
  }),
  isTestMode: (settings) => settings.secretKey.reveal().startsWith('xnd_development_'),
  adapter: xenditOperations,
});

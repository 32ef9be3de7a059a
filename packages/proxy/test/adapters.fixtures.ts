/**
 * All five adapters (Razorpay in both API modes) built against fake base URLs, with how to sign a webhook for
 * each and how to answer a retrieve with a given status word. Shared by the tests that hold every adapter to
 * one rule: webhook-bodies, unknown-statuses, adapter-claims.
 */
import { createHmac } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import type { ProviderName } from '../src/contract.ts';
import { createEximPeAdapter } from '../src/providers/eximpe/index.ts';
import { createPayEngineAdapter } from '../src/providers/payengine/index.ts';
import { createPinelabsAdapter } from '../src/providers/pinelabs/index.ts';
import { createRazorpayAdapter } from '../src/providers/razorpay/index.ts';
import type { AdapterLog } from '../src/providers/status-words.ts';
import type { ProviderAdapter } from '../src/providers/types.ts';
import { createXenditAdapter } from '../src/providers/xendit/index.ts';
import { Secret } from '../src/secret.ts';

export const SECRET = 'webhook_secret_for_every_adapter_01';
export const LINK_ID = 'link_fixture_0001';

export interface AdapterFixture {
  /** `razorpay` twice: the current API and the legacy invoices one. */
  label: string;
  provider: ProviderName;
  build(deps: { log?: AdapterLog; now?: () => number }): ProviderAdapter;
  /** Headers that make `body` verify, signed with `secret` at `nowMs`. */
  sign(body: Buffer, nowMs: number, secret?: string): Record<string, string>;
  /** Handlers answering a retrieve of LINK_ID whose status word is `word`. */
  retrieveWith(word: string): RequestHandler[];
}

const hex = (secret: string, ...parts: (string | Buffer)[]) => {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
};
const seconds = (ms: number) => String(Math.floor(ms / 1000));
const secrets = [new Secret(SECRET)];
const fetchThrough: typeof fetch = (input, init) => fetch(input, init);

const RAZORPAY = 'https://razorpay.fixture.test';
const XENDIT = 'https://xendit.fixture.test';
const PINELABS = 'https://pinelabs.fixture.test/api';
const PAYENGINE = 'https://payengine.fixture.test';
const EXIMPE = 'https://eximpe.fixture.test';

const razorpaySign = (body: Buffer, _nowMs: number, secret = SECRET) => ({ 'x-razorpay-signature': hex(secret, body) });

export const ADAPTERS: AdapterFixture[] = [
  {
    label: 'razorpay',
    provider: 'razorpay',
    build: ({ log }) =>
      createRazorpayAdapter({ keyId: 'rzp_test_fixture', keySecret: new Secret('key_secret_fixture'), webhookSecrets: secrets, baseUrl: RAZORPAY, timeoutMs: 500 }, { fetch: fetchThrough, log }),
    sign: razorpaySign,
    retrieveWith: (word) => [
      http.get(`${RAZORPAY}/v1/payment_links/:id`, () =>
        HttpResponse.json({ id: LINK_ID, short_url: 'https://rzp.io/i/fixture', status: word, amount: 1000, amount_paid: 0, currency: 'INR' }),
      ),
    ],
  },
  {
    label: 'razorpay (invoices)',
    provider: 'razorpay',
    build: ({ log }) =>
      createRazorpayAdapter(
        { keyId: 'rzp_test_fixture', keySecret: new Secret('key_secret_fixture'), webhookSecrets: secrets, baseUrl: RAZORPAY, timeoutMs: 500, api: 'invoices' },
        { fetch: fetchThrough, log },
      ),
    sign: razorpaySign,
    retrieveWith: (word) => [
      http.get(`${RAZORPAY}/v1/invoices/:id`, () => HttpResponse.json({ id: LINK_ID, type: 'link', short_url: 'https://rzp.io/i/fixture', status: word, amount: 1000 })),
    ],
  },
  {
    label: 'xendit',
    provider: 'xendit',
    build: ({ log, now }) => createXenditAdapter({ secretKey: new Secret('xnd_development_fixture0'), callbackTokens: secrets, baseUrl: XENDIT, timeoutMs: 500 }, { fetch: fetchThrough, log, now }),
    sign: (_body, _nowMs, secret = SECRET) => ({ 'x-callback-token': secret }),
    retrieveWith: (word) => [
      http.get(`${XENDIT}/v2/invoices/:id`, () =>
        HttpResponse.json({ id: LINK_ID, external_id: 'ref', status: word, amount: 510000, currency: 'IDR', invoice_url: 'https://checkout.xendit.co/web/fixture' }),
      ),
    ],
  },
  {
    label: 'pinelabs',
    provider: 'pinelabs',
    build: ({ log, now = Date.now }) =>
      createPinelabsAdapter({ clientId: 'pine_client', clientSecret: new Secret('pine_client_secret'), webhookSecrets: secrets, baseUrl: PINELABS, timeoutMs: 500 }, { fetch: fetchThrough, now, log }),
    sign: (body, nowMs, secret = SECRET) => {
      const id = 'msg_fixture_1';
      const timestamp = seconds(nowMs);
      const signature = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest('base64');
      return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
    },
    retrieveWith: (word) => [
      http.post(`${PINELABS}/auth/v1/token`, () => HttpResponse.json({ access_token: 'token_fixture', expires_at: new Date(Date.now() + 3_600_000).toISOString() })),
      http.get(`${PINELABS}/pay/v1/paymentlink/:id`, () =>
        HttpResponse.json({ payment_link_id: LINK_ID, payment_link: 'https://shortener.v2.pinepg.in/PLUTUS/fixture', status: word, amount: { value: 1000, currency: 'INR' } }),
      ),
    ],
  },
  {
    label: 'payengine',
    provider: 'payengine',
    build: ({ log, now }) =>
      createPayEngineAdapter(
        { secretKey: new Secret('payengine_secret_key'), merchantId: 'merchant-1', webhookSecrets: secrets, baseUrl: PAYENGINE, endDateFormat: 'yyyymmdd', timeoutMs: 500 },
        { fetch: fetchThrough, log, now },
      ),
    sign: (body, nowMs, secret = SECRET) => {
      const t = seconds(nowMs);
      return { 'x-pf-signature': `t=${t},s=${hex(secret, `${t}.`, body)}` };
    },
    retrieveWith: (word) => [
      http.get(`${PAYENGINE}/api/payment-link/:id`, () =>
        HttpResponse.json({ payment_link_id: LINK_ID, payment_link_url: 'https://console.payengine.dev/pay/fixture', payment_link_status: word, amount: '10.00' }),
      ),
    ],
  },
  {
    label: 'eximpe',
    provider: 'eximpe',
    build: ({ log, now }) =>
      createEximPeAdapter(
        { clientId: 'eximpe_client', clientSecret: new Secret('eximpe_client_secret'), apiVersion: '1.0.0', webhookSecrets: secrets, baseUrl: EXIMPE, timeoutMs: 500 },
        { fetch: fetchThrough, log, now },
      ),
    sign: (body, nowMs, secret = SECRET) => ({ 'x-webhook-signature': hex(secret, body), 'x-webhook-timestamp': seconds(nowMs) }),
    retrieveWith: (word) => [
      http.get(`${EXIMPE}/pg/payment-links/:id/`, () =>
        HttpResponse.json({ success: true, message: 'ok', data: { payment_id: LINK_ID, payment_link: 'https://checkout.eximpe.com/pay/fixture', amount: '10.00', currency: 'INR', status: word } }),
      ),
    ],
  },
];

/** A log that records every warning, as pino would be called: `(obj, msg)`. */
export function recordingLog(): AdapterLog & { warnings: { obj: object; msg: string }[] } {
  const warnings: { obj: object; msg: string }[] = [];
  return { warnings, warn: (obj, msg) => void warnings.push({ obj, msg }) };
}

/** EximPe adapter specifics the conformance kit does not cover: amounts, headers, the follow-up reads, webhooks. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { loadConfig } from '../src/config.ts';
import { Problem } from '../src/problems.ts';
import { type EximPeConfig, createEximPeAdapter, eximpeProvider } from '../src/providers/eximpe/index.ts';
import { escapeNonAscii, sortedCompactJson } from '../src/providers/eximpe/signature.ts';
import { toEximPeAmount } from '../src/providers/eximpe/transformers.ts';
import type { CreateLinkInput } from '../src/providers/types.ts';
import { Secret } from '../src/secret.ts';

const BASE = 'https://eximpe.test';
const NOW = Date.parse('2025-03-10T20:15:00Z');
const ID = 'PR5106085554';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

function adapter(over: Partial<EximPeConfig> = {}, warnings: object[] = []) {
  return createEximPeAdapter(
    {
      clientId: 'cid',
      clientSecret: new Secret('client_secret_1234'),
      apiVersion: '1.0.0',
      webhookSecrets: [new Secret('client_secret_1234')],
      baseUrl: BASE,
      timeoutMs: 500,
      ...over,
    },
    { fetch: (input, init) => fetch(input, init), now: () => NOW, log: { warn: (obj) => warnings.push(obj) } },
  );
}

const input = (over: Partial<CreateLinkInput> = {}): CreateLinkInput => ({
  reference: 'pl_ref_1',
  amount: { value: 150050, currency: 'INR' },
  description: 'Masala chai tin',
  expiresAt: new Date(NOW + 3_600_000),
  ...over,
});

const linkBody = (over: Record<string, unknown> = {}) => ({
  success: true,
  message: 'ok',
  data: { payment_id: ID, reference_id: 'pl_ref_1', amount: '1500.50', currency: 'INR', payment_link: `https://checkout.eximpe.com/pay/${ID}`, status: 'ACTIVE', ...over },
});

describe('eximpe amounts', () => {
  it('converts minor units to an exact decimal string', () => {
    assert.equal(toEximPeAmount({ value: 150000, currency: 'INR' }), '1500.00');
    assert.equal(toEximPeAmount({ value: 150050, currency: 'INR' }), '1500.50');
    assert.equal(toEximPeAmount({ value: 1, currency: 'INR' }), '0.01');
    assert.equal(toEximPeAmount({ value: 900719925474099, currency: 'INR' }), '9007199254740.99');
  });

  it('refuses zero (amount_not_representable) and other currencies, and declares INR only', async () => {
    assert.throws(() => toEximPeAmount({ value: 0, currency: 'INR' }), (e: unknown) => e instanceof Problem && e.status === 400 && e.code === 'amount_not_representable');
    assert.throws(() => toEximPeAmount({ value: 100, currency: 'USD' }), (e: unknown) => e instanceof Problem && e.code === 'amount_not_allowed');
    assert.deepEqual(adapter().currencies, ['INR']);
    // Refused before any call: msw would fail an unhandled request.
    await assert.rejects(adapter().create(input({ amount: { value: 0, currency: 'INR' } })), { code: 'amount_not_representable' });
  });
});

describe('eximpe create', () => {
  it('sends X-Merchant-ID when configured, the placeholder buyer without a customer, and the invoice date from the clock', async () => {
    let seen: { headers: Headers; body: any } | undefined;
    server.use(
      http.post(`${BASE}/pg/payment-links/`, async ({ request }) => {
        seen = { headers: request.headers, body: await request.json() };
        return HttpResponse.json({ success: true, message: 'created', data: { payment_id: ID, payment_link: `https://checkout.eximpe.com/pay/${ID}`, amount: '1500.50', currency: 'INR' } });
      }),
    );
    const state = await adapter({ merchantId: 'SUB_42', apiVersion: '2.0.0' }).create(input());
    assert.equal(seen!.headers.get('x-merchant-id'), 'SUB_42');
    assert.equal(seen!.headers.get('x-api-version'), '2.0.0');
    assert.equal(seen!.body.amount, '1500.50');
    assert.deepEqual(seen!.body.buyer, { name: 'Customer' });
    assert.deepEqual(seen!.body.invoice, { number: 'pl_ref_1', date: '2025-03-10' });
    assert.equal(seen!.body.expiry_date, '2025-03-10T21:15:00Z');
    assert.equal('return_url' in seen!.body, false);
    // The v2 answer has no status and no expiry: a new link is pending until the expiry we asked for.
    assert.deepEqual(state, {
      providerLinkId: ID,
      url: `https://checkout.eximpe.com/pay/${ID}`,
      status: 'pending',
      amountPaid: 0,
      expiresAt: '2025-03-10T21:15:00.000Z',
      paidAt: null,
      providerStatus: 'ACTIVE',
      amount: { value: 150_050, currency: 'INR' },
    });
  });

  it("reads the seed's own create answer (link_id, not payment_id)", async () => {
    server.use(
      http.post(`${BASE}/pg/payment-links/`, () =>
        HttpResponse.json({
          success: true,
          message: 'Payment link created successfully',
          data: { link_id: 'pl_1234567890', payment_link: 'https://checkout.eximpe.com/pay/pl_1234567890', status: 'ACTIVE', expiry_date: '2025-12-31T23:59:59Z' },
        }),
      ),
    );
    const state = await adapter().create(input());
    assert.equal(state.providerLinkId, 'pl_1234567890');
    assert.equal(state.url, 'https://checkout.eximpe.com/pay/pl_1234567890');
    assert.equal(state.expiresAt, '2025-12-31T23:59:59.000Z');
    assert.equal(state.status, 'pending');
  });

  it('turns a 200 with success: false, or the playground error body, into provider_rejected without retrying', async () => {
    let calls = 0;
    const refusal = { success: false, error: { code: 'ERR_ORDER_002', message: 'Validation error', details: { buyer: { email: 'Enter a valid email address.' } } } };
    server.use(
      http.post(`${BASE}/pg/payment-links/`, () => {
        calls += 1;
        return HttpResponse.json(refusal, { status: calls === 1 ? 200 : 400 });
      }),
    );
    for (const expectedStatus of [200, 400]) {
      const err = await adapter().create(input()).then(() => assert.fail('should fail'), (e: unknown) => e as Problem & { providerCode?: string; providerStatus?: number });
      assert.equal(err.code, 'provider_rejected');
      assert.equal(err.status, 422);
      assert.equal(err.providerCode, 'ERR_ORDER_002');
      assert.equal(err.providerStatus, expectedStatus);
      assert.ok(!JSON.stringify(err.toJSON()).includes('Enter a valid email'));
    }
    assert.equal(calls, 2);
  });

  it('maps the 404 "Payment link not found" to not_found', async () => {
    server.use(http.get(`${BASE}/pg/payment-links/:id/`, () => HttpResponse.json({ success: false, message: 'Payment link not found' }, { status: 404 })));
    await assert.rejects(adapter().retrieve('PR0000000000'), { code: 'not_found' });
  });
});

describe('eximpe lifecycle calls', () => {
  it('cancels by deactivating and reads cancelled even when the link still says ACTIVE', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${BASE}/pg/payment-links/:id/deactivate/`, ({ params, request }) => {
        calls.push(`POST ${params.id} ${request.headers.get('content-type')}`);
        return HttpResponse.json({ success: true, message: 'Payment link deactivated' });
      }),
      http.get(`${BASE}/pg/payment-links/:id/`, ({ params }) => {
        calls.push(`GET ${params.id}`);
        return HttpResponse.json(linkBody());
      }),
    );
    const state = await adapter().cancel(ID);
    assert.deepEqual(calls, [`POST ${ID} null`, `GET ${ID}`]);
    assert.equal(state.status, 'cancelled');
    assert.equal(state.providerStatus, 'ACTIVE');
  });

  it('keeps paid when a payment landed before the deactivate', async () => {
    server.use(
      http.post(`${BASE}/pg/payment-links/:id/deactivate/`, () => HttpResponse.json({ success: true, message: 'ok' })),
      http.get(`${BASE}/pg/payment-links/:id/`, () => HttpResponse.json(linkBody({ status: 'PAID' }))),
    );
    const state = await adapter().cancel(ID);
    assert.equal(state.status, 'paid');
    assert.equal(state.amountPaid, 150050);
  });

  it('extends the expiry with expiry_date in whole UTC seconds', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/pg/payment-links/:id/extend_expiry/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ success: true, message: 'Expiry extended' });
      }),
      http.get(`${BASE}/pg/payment-links/:id/`, () => HttpResponse.json(linkBody())),
    );
    const state = await adapter().extendExpiry!(ID, new Date('2025-04-01T10:00:00.250Z'));
    assert.deepEqual(body, { expiry_date: '2025-04-01T10:00:00Z' });
    assert.equal(state.expiresAt, '2025-04-01T10:00:00.000Z');
    assert.equal(state.status, 'pending');
  });

  it("shares the link to the buyer's email or phone, and refuses when there is none", async () => {
    const shared: unknown[] = [];
    server.use(
      http.get(`${BASE}/pg/payment-links/:id/`, ({ params }) =>
        HttpResponse.json(linkBody(params.id === ID ? { buyer: { name: 'A', email: 'a@example.com', phone: '98765 43210' } } : { buyer: { name: 'Customer' } })),
      ),
      http.post(`${BASE}/pg/payment-links/:id/share/`, async ({ request }) => {
        shared.push(await request.json());
        return HttpResponse.json({ success: true, message: 'shared' });
      }),
    );
    await adapter().notify!(ID, 'email');
    await adapter().notify!(ID, 'sms');
    assert.deepEqual(shared, [{ email: ['a@example.com'] }, { phone: ['+919876543210'] }]);
    await assert.rejects(adapter().notify!('PR_NO_BUYER', 'email'), { code: 'invalid_request' });
    assert.equal(shared.length, 2);
  });

  it('finds by reference by walking the list pages, and stops at a short page or a 404 page', async () => {
    const pages: string[] = [];
    const full = (page: number) => Array.from({ length: 100 }, (_, i) => ({ payment_id: `PR${page}_${i}`, reference_id: `ref_${page}_${i}`, status: 'ACTIVE' }));
    server.use(
      http.get(`${BASE}/pg/payment-links/`, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        pages.push(`${page}:${new URL(request.url).searchParams.get('reference_id')}`);
        if (page > 2) return HttpResponse.json({ success: false, error: { code: 'NOT_FOUND', message: 'Invalid page.' } }, { status: 404 });
        return HttpResponse.json({ success: true, message: 'ok', data: { count: 200, next: null, previous: null, results: full(page) } });
      }),
    );
    const found = await adapter().findByReference!('ref_2_42');
    assert.equal(found?.providerLinkId, 'PR2_42');
    assert.deepEqual(pages, ['1:ref_2_42', '2:ref_2_42']);
    pages.length = 0;
    assert.equal(await adapter().findByReference!('nowhere'), undefined);
    assert.deepEqual(pages, ['1:nowhere', '2:nowhere', '3:nowhere']);
  });

  it('reports an unknown status word once, and reads it as pending', async () => {
    const warnings: object[] = [];
    server.use(http.get(`${BASE}/pg/payment-links/:id/`, () => HttpResponse.json(linkBody({ status: 'ON_HOLD' }))));
    const a = adapter({}, warnings);
    assert.equal((await a.retrieve(ID)).status, 'pending');
    assert.equal((await a.retrieve(ID)).status, 'pending');
    assert.deepEqual(warnings, [{ provider: 'eximpe', status: 'ON_HOLD' }]);
  });
});

describe('eximpe webhooks', () => {
  const headers = (body: string | Buffer, secret: string, extra: Record<string, string> = {}) => ({
    'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
    'x-webhook-timestamp': String(Math.floor(NOW / 1000)),
    ...extra,
  });

  it('accepts the providers.md §1.6 test vector', () => {
    const body = Buffer.from(
      '{"data":{"order_id":"OD3376378679","payment_id":"PR6938527534","status":"CAPTURED"},"event_time":"2024-02-15 16:53:15","event_type":"PAYMENT_SUCCESSFUL","sequence_number":"e40552bf-ed12-4f35-9a97-162d97e6fa34","version":"1.0"}',
    );
    const a = adapter({ webhookSecrets: [new Secret('rotated_out_secret'), new Secret('exim_secret')] });
    const signature = 'ac7f2c3f7237e900190366ae73705fbe093f18b6ed1b722ec7a922dafa055891';
    assert.deepEqual(a.verifyWebhook(body, { 'x-webhook-signature': signature }, NOW), { ok: true });
    assert.deepEqual(a.verifyWebhook(body, { 'x-webhook-signature': signature.toUpperCase() }, NOW), { ok: true });
    assert.deepEqual(a.verifyWebhook(body, { 'x-webhook-signature': signature.replace('a', 'b') }, NOW), { ok: false, reason: 'bad_signature' });
  });

  it("accepts a body signed by Python's json.dumps(sort_keys=True, separators) with non-ASCII escaped", () => {
    // Signature computed with Python 3: hmac.new(key, json.dumps(body, sort_keys=True, separators=(",", ":")).encode(), sha256).
    const sent = JSON.stringify({
      event_type: 'PAYMENT_SUCCESSFUL',
      event_time: '2025-02-12T10:31:00.123456Z',
      version: '2.0.0',
      sequence_number: '7d0c5a57-3b1e-4a55-9a43-2a8d1a0c9f10',
      data: { status: 'captured', message: 'Payment successful', payment_id: ID, order_id: 'OD3376378679', buyer_name: 'Zoë Ñúñez — 🙂' },
    });
    const a = adapter({ webhookSecrets: [new Secret('eximpe_encryption_key_for_tests')] });
    const signature = '6f3a0bd418b7b9ab3b2f9a3ee6c7dc24f050c77771731f05f9326e31c856a1bf';
    assert.deepEqual(a.verifyWebhook(Buffer.from(sent), { 'x-webhook-signature': signature }, NOW), { ok: true });
    assert.equal(
      escapeNonAscii(sortedCompactJson(JSON.parse(sent))),
      '{"data":{"buyer_name":"Zo\\u00eb \\u00d1\\u00fa\\u00f1ez \\u2014 \\ud83d\\ude42","message":"Payment successful","order_id":"OD3376378679","payment_id":"PR5106085554","status":"captured"},"event_time":"2025-02-12T10:31:00.123456Z","event_type":"PAYMENT_SUCCESSFUL","sequence_number":"7d0c5a57-3b1e-4a55-9a43-2a8d1a0c9f10","version":"2.0.0"}',
    );
    // A changed value does not verify, however it is serialized.
    assert.equal(a.verifyWebhook(Buffer.from(sent.replace('Zoë', 'Zoe')), { 'x-webhook-signature': signature }, NOW).ok, false);
  });

  it('accepts a missing timestamp (not part of the signed content) but refuses one that is not a number', () => {
    const body = JSON.stringify({ data: { payment_id: ID }, event_type: 'PAYMENT_FAILED', sequence_number: 's1' });
    const a = adapter();
    const { 'x-webhook-signature': signature } = headers(body, 'client_secret_1234');
    assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-webhook-signature': signature }, NOW), { ok: true });
    assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-webhook-signature': signature, 'x-webhook-timestamp': 'yesterday' }, NOW), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-webhook-signature': signature, 'x-webhook-timestamp': String(Math.floor(NOW / 1000) - 299) }, NOW), { ok: true });
    assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-webhook-signature': signature, 'x-webhook-timestamp': String(Math.floor(NOW / 1000) - 301) }, NOW), { ok: false, reason: 'stale_timestamp' });
  });

  it('parses payment events into link hints without state, deduped on sequence_number', () => {
    const a = adapter();
    const failed = Buffer.from(JSON.stringify({ data: { payment_id: ID, status: 'FAILED', payment_completed_at: null }, event_time: '2025-02-12T10:31:00Z', event_type: 'PAYMENT_FAILED', sequence_number: 'seq-1', version: '2.0.0' }));
    assert.deepEqual(a.parseWebhook(failed, {}), { kind: 'link', dedupeKey: 'seq-1', event: 'PAYMENT_FAILED', providerLinkId: ID });
    const withLinkId = Buffer.from(JSON.stringify({ data: { payment_link_id: 'pl_1234567890', payment_id: 'PR999' }, event_type: 'PAYMENT_SUCCESSFUL', sequence_number: 'seq-2' }));
    assert.equal((a.parseWebhook(withLinkId, {}) as { providerLinkId: string }).providerLinkId, 'pl_1234567890');
  });

  it('ignores non-payment events and events naming no link; refuses a non-EximPe body', () => {
    const a = adapter();
    const settlement = Buffer.from(JSON.stringify({ data: { settlement_id: 'ST1' }, event_type: 'SETTLEMENT_COMPLETED', sequence_number: 'seq-3' }));
    assert.deepEqual(a.parseWebhook(settlement, { 'x-webhook-event': 'SETTLEMENT_COMPLETED' }), { kind: 'ignored', dedupeKey: 'seq-3', event: 'SETTLEMENT_COMPLETED', reason: 'not a payment event' });
    const anonymous = Buffer.from(JSON.stringify({ data: { order_id: 'OD1' }, event_type: 'PAYMENT_SUCCESSFUL', sequence_number: 'seq-4' }));
    assert.equal(a.parseWebhook(anonymous, {}).kind, 'ignored');
    assert.throws(() => a.parseWebhook(Buffer.from('{"event":"payment_link.paid"}'), {}), { code: 'invalid_request' });
  });
});

describe('eximpe configuration', () => {
  const env = (over: Record<string, string> = {}) =>
    loadConfig({ LOG_LEVEL: 'silent', EXIMPE_CLIENT_ID: 'cid', EXIMPE_CLIENT_SECRET: 'client_secret_1234', ...over }, () => '{}');

  it('defaults to production, API version 1.0.0, live mode, and the client secret for webhooks', () => {
    const config = env();
    const settings = config.providers.eximpe!.settings as EximPeConfig;
    assert.equal(settings.baseUrl, 'https://api-pacb.eximpe.com');
    assert.equal(settings.apiVersion, '1.0.0');
    assert.equal(settings.merchantId, undefined);
    assert.deepEqual(settings.webhookSecrets.map((s) => s.reveal()), ['client_secret_1234']);
    assert.equal(config.testMode, false);
    assert.equal(JSON.stringify(settings).includes('client_secret_1234'), false, 'credentials are masked');
  });

  it('takes the UAT URL as test mode, a merchant id, and several webhook secrets', () => {
    const config = env({ EXIMPE_BASE_URL: 'https://api-pacb-uat.eximpe.com', EXIMPE_MERCHANT_ID: 'SUB_1', EXIMPE_WEBHOOK_SECRET: 'encryption_key_1, client_secret_1234' });
    const settings = config.providers.eximpe!.settings as EximPeConfig;
    assert.equal(config.testMode, true);
    assert.equal(eximpeProvider.isTestMode(settings), true);
    assert.equal(settings.merchantId, 'SUB_1');
    assert.deepEqual(settings.webhookSecrets.map((s) => s.reveal()), ['encryption_key_1', 'client_secret_1234']);
  });

  it('refuses a missing secret and a malformed API version by name', () => {
    assert.throws(() => loadConfig({ LOG_LEVEL: 'silent', EXIMPE_CLIENT_ID: 'cid' }, () => '{}'), /EXIMPE_CLIENT_SECRET: required/);
    assert.throws(() => env({ EXIMPE_API_VERSION: 'v1' }), /EXIMPE_API_VERSION: expected a version such as 1.0.0/);
  });
});

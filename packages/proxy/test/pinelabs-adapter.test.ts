/** What the Pine Labs adapter does beyond the conformance kit: the token cache, amount limits, webhook keys. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { loadConfig } from '../src/config.ts';
import { Problem } from '../src/problems.ts';
import { PINELABS_PRODUCTION_URL, type PinelabsConfig, createPinelabsAdapter, pinelabsProvider } from '../src/providers/pinelabs/index.ts';
import type { CreateLinkInput } from '../src/providers/types.ts';
import { Secret } from '../src/secret.ts';
import { PINE_BASE, PINE_CLIENT_ID, PINE_CLIENT_SECRET, PINE_LINK_ID, PINE_ORDER_ID, pinelabsLink, signPinelabs } from './pinelabs.fixtures.ts';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const T0 = Date.parse('2026-01-10T10:00:00Z');

function harness(options: { webhookSecrets?: string[]; tokenLifetimeMs?: number | null } = {}) {
  let now = T0;
  const tokens: string[] = [];
  const apiCalls: { method: string; path: string; auth: string | null; requestId: string | null; body: unknown }[] = [];
  const adapter = createPinelabsAdapter(
    {
      clientId: PINE_CLIENT_ID,
      clientSecret: new Secret(PINE_CLIENT_SECRET),
      webhookSecrets: (options.webhookSecrets ?? [PINE_CLIENT_SECRET]).map((s) => new Secret(s)),
      baseUrl: PINE_BASE,
      timeoutMs: 500,
    },
    { fetch: (input, init) => fetch(input, init), now: () => now },
  );
  const tokenHandler = http.post(`${PINE_BASE}/auth/v1/token`, async ({ request }) => {
    const body = (await request.json()) as Record<string, string>;
    assert.deepEqual(body, { client_id: PINE_CLIENT_ID, client_secret: PINE_CLIENT_SECRET, grant_type: 'client_credentials' });
    const token = `token-${tokens.length + 1}`;
    tokens.push(token);
    const lifetime = options.tokenLifetimeMs === undefined ? 3_600_000 : options.tokenLifetimeMs;
    return HttpResponse.json(lifetime === null ? { access_token: token } : { access_token: token, expires_at: new Date(now + lifetime).toISOString() });
  });
  const record = async (request: Request) => {
    const text = await request.text();
    apiCalls.push({
      method: request.method,
      path: new URL(request.url).pathname,
      auth: request.headers.get('authorization'),
      requestId: request.headers.get('request-id'),
      body: text ? JSON.parse(text) : undefined,
    });
  };
  return {
    adapter,
    tokens,
    apiCalls,
    tokenHandler,
    record,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

const input = (over: Partial<CreateLinkInput> = {}): CreateLinkInput => ({
  reference: 'pl_unit_ref_0001',
  amount: { value: 250000, currency: 'INR' },
  description: 'Consulting, one hour',
  expiresAt: new Date(T0 + 3_600_000),
  ...over,
});

describe('pinelabs token', () => {
  it('fetches one token for many calls, also when they start together, and sends it as a Bearer', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, async ({ request }) => {
        await h.record(request);
        return HttpResponse.json(pinelabsLink());
      }),
    );
    await Promise.all(Array.from({ length: 5 }, () => h.adapter.retrieve(PINE_LINK_ID)));
    await h.adapter.retrieve(PINE_LINK_ID);
    assert.deepEqual(h.tokens, ['token-1']);
    assert.equal(h.apiCalls.length, 6);
    assert.ok(h.apiCalls.every((c) => c.auth === 'Bearer token-1'));
    assert.equal(new Set(h.apiCalls.map((c) => c.requestId)).size, 6, 'a fresh Request-ID per call');
  });

  it('refreshes a minute before expires_at, by the injected clock', async () => {
    const h = harness({ tokenLifetimeMs: 3_600_000 });
    server.use(h.tokenHandler, http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, () => HttpResponse.json(pinelabsLink())));
    await h.adapter.retrieve(PINE_LINK_ID);
    h.advance(3_600_000 - 61_000);
    await h.adapter.retrieve(PINE_LINK_ID);
    assert.deepEqual(h.tokens, ['token-1']);
    h.advance(2_000);
    await h.adapter.retrieve(PINE_LINK_ID);
    assert.deepEqual(h.tokens, ['token-1', 'token-2']);
  });

  it('assumes the MCP default of 3000 s when the answer gives no expiry', async () => {
    const h = harness({ tokenLifetimeMs: null });
    server.use(h.tokenHandler, http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, () => HttpResponse.json(pinelabsLink())));
    await h.adapter.retrieve(PINE_LINK_ID);
    h.advance(3_000_000 - 61_000);
    await h.adapter.retrieve(PINE_LINK_ID);
    assert.equal(h.tokens.length, 1);
    h.advance(2_000);
    await h.adapter.retrieve(PINE_LINK_ID);
    assert.equal(h.tokens.length, 2);
  });

  it('after a 401 drops the token, fetches a new one and retries once with it', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, async ({ request }) => {
        await h.record(request);
        return request.headers.get('authorization') === 'Bearer token-1'
          ? HttpResponse.json({ code: 'UNAUTHORIZED', message: 'token expired' }, { status: 401 })
          : HttpResponse.json(pinelabsLink({ status: 'PROCESSED' }));
      }),
    );
    const state = await h.adapter.retrieve(PINE_LINK_ID);
    assert.equal(state.status, 'paid');
    assert.deepEqual(h.apiCalls.map((c) => c.auth), ['Bearer token-1', 'Bearer token-2']);
  });

  it('reports refused client credentials as provider_auth_failed and calls no API', async () => {
    const h = harness();
    let apiCalls = 0;
    server.use(
      http.post(`${PINE_BASE}/auth/v1/token`, () => HttpResponse.json({ error: 'invalid_client', error_description: 'secret internal text' }, { status: 401 })),
      http.post(`${PINE_BASE}/pay/v1/paymentlink`, () => {
        apiCalls += 1;
        return HttpResponse.json(pinelabsLink(), { status: 201 });
      }),
    );
    const err = await h.adapter.create(input()).catch((e: unknown) => e);
    assert.ok(err instanceof Problem);
    assert.equal(err.code, 'provider_auth_failed');
    assert.match(err.detail ?? '', /PINELABS_CLIENT_ID/);
    assert.ok(!JSON.stringify(err.toJSON()).includes('secret internal text'));
    assert.equal(apiCalls, 0);
  });
});

describe('pinelabs amounts and expiry', () => {
  it('sends paise unchanged and refuses amounts outside ₹1.00–₹10,00,000.00 without calling Pine Labs', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.post(`${PINE_BASE}/pay/v1/paymentlink`, async ({ request }) => {
        await h.record(request);
        const body = h.apiCalls.at(-1)!.body as { amount: { value: number; currency: string } };
        return HttpResponse.json(pinelabsLink({ amount: body.amount, amount_due: body.amount }), { status: 201 });
      }),
    );
    assert.deepEqual(h.adapter.currencies, ['INR']);
    for (const value of [99, 100_000_001]) {
      const err = await h.adapter.create(input({ amount: { value, currency: 'INR' } })).catch((e: unknown) => e);
      assert.ok(err instanceof Problem);
      assert.equal(err.code, 'amount_not_allowed');
      assert.equal(err.status, 400);
    }
    assert.equal(h.apiCalls.length, 0);
    for (const value of [100, 100_000_000, 250000]) await h.adapter.create(input({ amount: { value, currency: 'INR' } }));
    assert.deepEqual(
      h.apiCalls.map((c) => (c.body as { amount: unknown }).amount),
      [100, 100_000_000, 250000].map((value) => ({ value, currency: 'INR' })),
    );
  });

  it('brings an expiry beyond 180 days in to just under the limit and reports what Pine Labs set', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.post(`${PINE_BASE}/pay/v1/paymentlink`, async ({ request }) => {
        await h.record(request);
        const body = h.apiCalls.at(-1)!.body as { expire_by: string };
        return HttpResponse.json(pinelabsLink({ expire_by: body.expire_by }), { status: 201 });
      }),
    );
    const day = 24 * 60 * 60_000;
    const state = await h.adapter.create(input({ expiresAt: new Date(T0 + 200 * day) }));
    const sent = (h.apiCalls[0]!.body as { expire_by: string }).expire_by;
    assert.equal(sent, new Date(T0 + 180 * day - 5 * 60_000).toISOString());
    assert.equal(state.expiresAt, sent);
    await h.adapter.create(input({ expiresAt: new Date(T0 + 30 * day) }));
    assert.equal((h.apiCalls[1]!.body as { expire_by: string }).expire_by, new Date(T0 + 30 * day).toISOString());
  });

  it('reads expire_by without seconds, as in the docs object sample', async () => {
    const h = harness();
    server.use(h.tokenHandler, http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, () => HttpResponse.json(pinelabsLink())));
    const state = await h.adapter.retrieve(PINE_LINK_ID);
    assert.equal(state.expiresAt, '2025-03-21T08:29:00.000Z');
    assert.equal(state.url, 'https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd');
    assert.equal(state.providerStatus, 'CREATED');
  });
});

describe('pinelabs cancel, notify, findByReference', () => {
  it('cancels with PUT …/cancel, notifies with PATCH …/notify, and finds by reference at …/ref/{ref}', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.put(`${PINE_BASE}/pay/v1/paymentlink/:id/cancel`, async ({ request }) => {
        await h.record(request);
        return HttpResponse.json(pinelabsLink({ status: 'CANCELLED' }));
      }),
      http.patch(`${PINE_BASE}/pay/v1/paymentlink/:id/notify`, async ({ request }) => {
        await h.record(request);
        return HttpResponse.json(pinelabsLink());
      }),
      http.get(`${PINE_BASE}/pay/v1/paymentlink/ref/:ref`, async ({ request, params }) => {
        await h.record(request);
        return params.ref === 'link_ref'
          ? HttpResponse.json(pinelabsLink())
          : HttpResponse.json({ code: 'NOT_FOUND', message: 'Payment link not found' }, { status: 404 });
      }),
    );
    assert.equal((await h.adapter.cancel(PINE_LINK_ID)).status, 'cancelled');
    await h.adapter.notify!(PINE_LINK_ID, 'email');
    assert.equal((await h.adapter.findByReference!('link_ref'))?.providerLinkId, PINE_LINK_ID);
    assert.equal(await h.adapter.findByReference!('pl_unknown'), undefined);
    assert.deepEqual(
      h.apiCalls.map((c) => `${c.method} ${c.path}`),
      [
        `PUT /api/pay/v1/paymentlink/${PINE_LINK_ID}/cancel`,
        `PATCH /api/pay/v1/paymentlink/${PINE_LINK_ID}/notify`,
        'GET /api/pay/v1/paymentlink/ref/link_ref',
        'GET /api/pay/v1/paymentlink/ref/pl_unknown',
      ],
    );
    assert.equal(h.adapter.capabilities.extendExpiry, false);
  });
});

describe('pinelabs webhook signatures', () => {
  const VECTOR_BODY = '{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-250131113650-aa-TUzeRY","status":"PROCESSED"}}';
  const VECTOR_SIG = 'NxE0qWjgQklT4pALsTeuDrqLnhSCkWV8knH/eIiLlAQ=';
  const vectorHeaders = (signature: string) => ({ 'webhook-id': 'msg_test_1', 'webhook-timestamp': '1700000000', 'webhook-signature': signature });
  const at = 1_700_000_000_000;

  it('accepts the §4.6 test vector with and without the v1, prefix, and inside a space-separated list', () => {
    const { adapter } = harness();
    const body = Buffer.from(VECTOR_BODY);
    for (const signature of [`v1,${VECTOR_SIG}`, VECTOR_SIG, `v1,${Buffer.alloc(32).toString('base64')} v1,${VECTOR_SIG}`]) {
      assert.deepEqual(adapter.verifyWebhook(body, vectorHeaders(signature), at), { ok: true }, signature);
    }
    assert.deepEqual(adapter.verifyWebhook(body, vectorHeaders(`v2,${VECTOR_SIG}`), at), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(adapter.verifyWebhook(body, { ...vectorHeaders(VECTOR_SIG), 'webhook-id': 'msg_test_2' }, at), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(adapter.verifyWebhook(body, { ...vectorHeaders(VECTOR_SIG), 'webhook-timestamp': '17e8' }, at), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(adapter.verifyWebhook(body, { 'webhook-signature': VECTOR_SIG }, at), { ok: false, reason: 'missing_signature' });
  });

  it('allows five minutes of skew either way, no more', () => {
    const { adapter } = harness();
    const body = Buffer.from(VECTOR_BODY);
    const headers = vectorHeaders(`v1,${VECTOR_SIG}`);
    assert.equal(adapter.verifyWebhook(body, headers, at + 300_000).ok, true);
    assert.equal(adapter.verifyWebhook(body, headers, at - 300_000).ok, true);
    assert.deepEqual(adapter.verifyWebhook(body, headers, at + 301_000), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(adapter.verifyWebhook(body, headers, at - 301_000), { ok: false, reason: 'stale_timestamp' });
  });

  it('accepts any of several secrets during rotation, and decodes a whsec_ key as Standard Webhooks does', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const { adapter } = harness({ webhookSecrets: ['the-new-dashboard-secret', `whsec_${key.toString('base64')}`, PINE_CLIENT_SECRET] });
    const body = '{"event_type":"ORDER_PROCESSED","data":{"order_id":"o1"}}';
    assert.equal(adapter.verifyWebhook(Buffer.from(body), signPinelabs(body, { secret: 'the-new-dashboard-secret' }), Date.now()).ok, true);
    assert.equal(adapter.verifyWebhook(Buffer.from(body), signPinelabs(body), Date.now()).ok, true);
    const ts = String(Math.floor(Date.now() / 1000));
    const standard = createHmac('sha256', key).update(`msg_std.${ts}.${body}`).digest('base64');
    assert.equal(
      adapter.verifyWebhook(Buffer.from(body), { 'webhook-id': 'msg_std', 'webhook-timestamp': ts, 'webhook-signature': `v1,${standard}` }, Date.now()).ok,
      true,
    );
    assert.equal(adapter.verifyWebhook(Buffer.from(body), signPinelabs(body, { secret: 'some-other-secret' }), Date.now()).ok, false);
  });
});

describe('pinelabs webhook events', () => {
  const deliver = (adapter: ReturnType<typeof harness>['adapter'], data: Record<string, unknown>, event = 'ORDER_PROCESSED', id = 'msg_1') => {
    const body = Buffer.from(JSON.stringify({ event_type: event, data }));
    return adapter.parseWebhook(body, { 'webhook-id': id });
  };

  it('names the link by its order id (an alias the store keeps) and reference, never carrying state', () => {
    const { adapter } = harness();
    // An adapter that never saw the link (another instance, a restart): the order id and reference are the names.
    assert.deepEqual(deliver(adapter, { order_id: PINE_ORDER_ID, merchant_order_reference: 'pl_unit_ref_0001', status: 'PROCESSED' }), {
      kind: 'link',
      dedupeKey: 'msg_1',
      event: 'ORDER_PROCESSED',
      alias: PINE_ORDER_ID,
      reference: 'pl_unit_ref_0001',
      // The order's payment completed: the link (no part payments) is claimed paid, with no documented time.
      claims: { status: 'paid' },
    });
    assert.deepEqual(deliver(adapter, { order_id: PINE_ORDER_ID }, 'PAYMENT_FAILED', 'msg_2'), {
      kind: 'link',
      dedupeKey: 'msg_2',
      event: 'PAYMENT_FAILED',
      alias: PINE_ORDER_ID,
    });
    assert.deepEqual(deliver(adapter, { status: 'PROCESSED' }, 'ORDER_PROCESSED', 'msg_3'), {
      kind: 'ignored',
      dedupeKey: 'msg_3',
      event: 'ORDER_PROCESSED',
      reason: 'the event names no order and no payment link',
    });
  });

  it('reports the order id as an alias, and our reference and price, on every link state', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.post(`${PINE_BASE}/pay/v1/paymentlink`, () =>
        HttpResponse.json(pinelabsLink({ merchant_payment_link_reference: 'pl_unit_ref_0001', amount: { value: 250000, currency: 'INR' } }), { status: 201 }),
      ),
      http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, () => HttpResponse.json(pinelabsLink({ order_id: null }))),
    );
    const created = await h.adapter.create(input());
    assert.deepEqual(created.aliases, [PINE_ORDER_ID]);
    assert.equal(created.reference, 'pl_unit_ref_0001');
    assert.deepEqual(created.amount, { value: 250000, currency: 'INR' });
    const withoutOrder = await h.adapter.retrieve(PINE_LINK_ID);
    assert.equal(withoutOrder.aliases, undefined, 'no order yet: no alias');
  });

  it('adds the link id it learned from a link object it saw, as a fast path on this instance', async () => {
    const h = harness();
    server.use(
      h.tokenHandler,
      http.post(`${PINE_BASE}/pay/v1/paymentlink`, () =>
        HttpResponse.json(pinelabsLink({ merchant_payment_link_reference: 'pl_unit_ref_0001' }), { status: 201 }),
      ),
    );
    await h.adapter.create(input());
    assert.deepEqual(deliver(h.adapter, { order_id: PINE_ORDER_ID, status: 'PROCESSED' }), {
      kind: 'link',
      dedupeKey: 'msg_1',
      event: 'ORDER_PROCESSED',
      providerLinkId: PINE_LINK_ID,
      alias: PINE_ORDER_ID,
      claims: { status: 'paid' },
    });
    assert.deepEqual(deliver(h.adapter, { order_id: 'v1-other', merchant_order_reference: 'pl_unit_ref_0001' }, 'PAYMENT_FAILED', 'msg_2'), {
      kind: 'link',
      dedupeKey: 'msg_2',
      event: 'PAYMENT_FAILED',
      providerLinkId: PINE_LINK_ID,
      alias: 'v1-other',
      reference: 'pl_unit_ref_0001',
    });
  });

  it('takes a payment_link_id from the payload when there is one, and ignores refund events', () => {
    const { adapter } = harness();
    const event = deliver(adapter, { order_id: 'v1-x', payment_link_id: 'pl-v1-999-aa-abcdef' }, 'ORDER_CANCELLED');
    assert.equal(event.kind, 'link');
    assert.equal((event as { providerLinkId: string }).providerLinkId, 'pl-v1-999-aa-abcdef');
    assert.deepEqual(deliver(adapter, { order_id: PINE_ORDER_ID, payment_link_id: PINE_LINK_ID }, 'REFUND_PROCESSED'), {
      kind: 'ignored',
      dedupeKey: 'msg_1',
      event: 'REFUND_PROCESSED',
      reason: 'not an order or payment event',
    });
    assert.throws(() => adapter.parseWebhook(Buffer.from('{"data":{}}'), {}), (e: unknown) => e instanceof Problem && e.status === 400);
  });
});

describe('pinelabs configuration', () => {
  const env = {
    PAY_LINK_PROVIDER: 'pinelabs',
    PINELABS_CLIENT_ID: PINE_CLIENT_ID,
    PINELABS_CLIENT_SECRET: PINE_CLIENT_SECRET,
    LOG_LEVEL: 'silent',
  };

  it('defaults to production, live mode, and the client secret as the webhook key', () => {
    const config = loadConfig(env, () => '{}');
    const settings = config.providers.pinelabs!.settings as { baseUrl: string; webhookSecrets: Secret[]; clientSecret: Secret };
    assert.equal(settings.baseUrl, PINELABS_PRODUCTION_URL);
    assert.deepEqual(settings.webhookSecrets.map((s) => s.reveal()), [PINE_CLIENT_SECRET]);
    assert.equal(JSON.stringify(settings.clientSecret), '"[redacted]"');
    assert.equal(config.testMode, false);
  });

  it('is test mode on the UAT host, and takes a comma-separated list of webhook secrets', () => {
    const config = loadConfig(
      { ...env, PINELABS_BASE_URL: 'https://pluraluat.v2.pinepg.in/api/', PINELABS_WEBHOOK_SECRET: 'dashboard-secret-1, dashboard-secret-2' },
      () => '{}',
    );
    const settings = config.providers.pinelabs!.settings as PinelabsConfig;
    assert.equal(settings.baseUrl, 'https://pluraluat.v2.pinepg.in/api');
    assert.deepEqual(settings.webhookSecrets.map((s) => s.reveal()), ['dashboard-secret-1', 'dashboard-secret-2']);
    assert.equal(config.testMode, true);
    assert.equal(pinelabsProvider.isTestMode({ ...settings, baseUrl: 'http://127.0.0.1:4010/pinelabs/api' }), true);
  });

  it('refuses a client id without its secret, naming the variable', () => {
    assert.throws(() => loadConfig({ PINELABS_CLIENT_ID: PINE_CLIENT_ID, LOG_LEVEL: 'silent' }, () => '{}'), /PINELABS_CLIENT_SECRET: required/);
  });
});

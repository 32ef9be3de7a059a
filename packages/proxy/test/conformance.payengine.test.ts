/**
 * PayEngine through the conformance kit, with the seed's and docs' own example bodies (providers.md §3), plus
 * the PayEngine-specific parts: dollar strings, tolerant readings of the UNCONFIRMED formats, cancel and update
 * answers, list paging for recovery, and the `X-PF-Signature` scheme.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ConfigError, loadConfig } from '../src/config.ts';
import { Problem } from '../src/problems.ts';
import { createPayEngineAdapter, type PayEngineConfig, payengineProvider } from '../src/providers/payengine/index.ts';
import { parsePayEngineDate, toPayEngineAmount, toPayEngineSlug } from '../src/providers/payengine/transformers.ts';
import type { CreateLinkInput, WebhookEvent } from '../src/providers/types.ts';
import { Secret } from '../src/secret.ts';
import { runConformance } from './conformance/kit.ts';

const BASE = 'https://console.payengine.test';
const SECRET_KEY = 'sk_test_payengine_conformance_key';
const WEBHOOK_SECRET = 'payengine_webhook_secret_for_tests';
const MERCHANT_ID = '1cc7b594-b80f-4227-a0fa-299c4c6ce8ab';
const ID = 'wlx57';
const DAY_MS = 24 * 60 * 60_000;

const yyyymmdd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

/** The link object of the seed's response table, with the seed's example values (create-payment-link). */
const link = (over: Record<string, unknown> = {}) => ({
  payment_link_id: ID,
  payment_link_url: `https://console.payengine.dev/payment-link/${ID}`,
  qr_code_url: `https://console.payengine.dev/payment-link/${ID}/qr`,
  payment_link_status: 'ACTIVE',
  merchant_id: MERCHANT_ID,
  start_date: '20220510',
  end_date: yyyymmdd(Date.now() + 30 * DAY_MS),
  amount: '12.50',
  currency_code: 'USD',
  payment_methods: ['CC_DC', 'ACH'],
  sales_tax: '2.50',
  order_number: 'A350',
  description: 'A coffee cup in the morning',
  created_at: '2022-05-10T10:00:00.000Z',
  updated_at: '2022-05-10T10:00:00.000Z',
  metadata: { customer_id: '123', email: 'customer@example.com' },
  internal_transaction_id: 'ID1',
  ...over,
});

function config(over: Partial<PayEngineConfig> = {}): PayEngineConfig {
  return {
    secretKey: new Secret(SECRET_KEY),
    merchantId: MERCHANT_ID,
    webhookSecrets: [new Secret(WEBHOOK_SECRET)],
    baseUrl: BASE,
    endDateFormat: 'yyyymmdd',
    timeoutMs: 300,
    ...over,
  };
}

function sign(body: string, secret = WEBHOOK_SECRET, timestampMs = Date.now()): string {
  const t = Math.floor(timestampMs / 1000);
  return `t=${t},s=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const createInput: CreateLinkInput = {
  reference: 'pl_conformance_ref_000001',
  amount: { value: 1250, currency: 'USD' },
  description: 'A coffee cup in the morning',
  expiresAt: new Date(Date.now() + 3_600_000),
  returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
  customer: { name: 'Pat Doe', email: 'pat@example.com' },
};

runConformance({
  name: 'payengine',
  baseUrl: BASE,
  createAdapter: ({ fetch, timeoutMs, now }) => createPayEngineAdapter(config({ timeoutMs }), { fetch, now }),
  createInput,
  createdId: ID,
  createRoute: { method: 'post', url: `${BASE}/api/payment-link` },
  retrieveRoute: { method: 'get', url: `${BASE}/api/payment-link/:id` },
  happyHandlers: () => [http.post(`${BASE}/api/payment-link`, () => HttpResponse.json(link()))],
  assertCreateRequest: ({ headers, body }) => {
    // The raw key, not base64 of anything (payengine-api-reference/authentication).
    assert.equal(headers.get('authorization'), `Basic ${SECRET_KEY}`);
    assert.equal(headers.get('content-type'), 'application/json');
    const b = body as { merchant_id: string; data: Record<string, unknown> };
    assert.equal(b.merchant_id, MERCHANT_ID);
    assert.equal(b.data.amount, '12.50', 'a dollar string');
    assert.equal(b.data.currency_code, 'USD');
    assert.equal(b.data.use_same_amount, true);
    assert.equal(b.data.one_time_only, true);
    assert.equal(b.data.end_date, yyyymmdd(createInput.expiresAt.getTime()));
    assert.equal(b.data.internal_transaction_id, 'pl_conformance_ref_000001');
    assert.equal(b.data.slug_id, toPayEngineSlug('pl_conformance_ref_000001'));
    assert.match(String(b.data.slug_id), /^paylink-[0-9a-f]{24}$/);
    assert.equal(b.data.description, 'A coffee cup in the morning');
    assert.deepEqual(b.data.metadata, { pay_link_reference: 'pl_conformance_ref_000001', customer_name: 'Pat Doe', email: 'pat@example.com' });
  },
  statusCases: [
    { name: 'ACTIVE', body: link(), expected: 'pending', amountPaid: 0 },
    { name: 'ACTIVE in a {data} envelope', body: { data: link() }, expected: 'pending', amountPaid: 0 },
    { name: 'INACTIVE after its end_date (the seed’s 20221115)', body: link({ payment_link_status: 'INACTIVE', end_date: '20221115' }), expected: 'expired' },
    { name: 'INACTIVE after an ISO end_date', body: link({ payment_link_status: 'INACTIVE', end_date: '2022-11-15T23:59:59Z' }), expected: 'expired' },
    {
      name: 'INACTIVE before its start_date (not yet started)',
      body: link({ payment_link_status: 'INACTIVE', start_date: yyyymmdd(Date.now() + 3 * DAY_MS), end_date: yyyymmdd(Date.now() + 9 * DAY_MS) }),
      expected: 'pending',
    },
    {
      name: 'INACTIVE inside its window by our clock (end time zone unknown)',
      body: link({ payment_link_status: 'INACTIVE', start_date: null, end_date: yyyymmdd(Date.now()) }),
      expected: 'expired',
    },
    { name: 'COMPLETED', body: link({ payment_link_status: 'COMPLETED', amount: 12.5 }), expected: 'paid', amountPaid: 1250 },
    { name: 'CANCELLED', body: link({ payment_link_status: 'CANCELLED' }), expected: 'cancelled', amountPaid: 0 },
  ],
  webhook: {
    scheme: 'hmac',
    timestamped: true,
    carriesState: true,
    delivery: ({ secret = WEBHOOK_SECRET, timestampMs = Date.now(), eventId = '4d304a4ed5a4e338b4753ab832efd9c0' } = {}) => {
      // The seed's PAYMENTLINK_CREATED sample, with its placeholders filled in.
      const body = JSON.stringify({
        event_uid: eventId,
        event: 'PAYMENTLINK_CREATED',
        data: {
          payment_link_id: ID,
          payment_url: `https://console.payengine.dev/payment-link/${ID}`,
          qr_code_url: `https://console.payengine.dev/payment-link/${ID}/qr`,
          payment_link_status: 'ACTIVE',
          merchant_id: 'c404d923-226f-4aae-92da-22c1ef370434',
          start_date: '20220510',
          end_date: yyyymmdd(Date.now() + 30 * DAY_MS),
          amount: '150.00',
          description: 'Payment for invoice #45324',
          internal_transaction_id: 'ID1',
          metadata: { customer_id: '123', email: 'customer@example.com' },
        },
      });
      return { body, headers: { 'X-PF-Signature': sign(body, secret, timestampMs) } };
    },
  },
});

describe('payengine amounts', () => {
  it('sends minor units as an exact dollar string', () => {
    assert.equal(toPayEngineAmount({ value: 4900, currency: 'USD' }), '49.00');
    assert.equal(toPayEngineAmount({ value: 5, currency: 'USD' }), '0.05');
    assert.equal(toPayEngineAmount({ value: 99_999_999_999, currency: 'USD' }), '999999999.99', 'twelve characters, the maximum');
    assert.equal(toPayEngineAmount({ value: 123_456, currency: 'CAD' }), '1234.56');
  });

  it('refuses what it cannot send exactly: another exponent, more than 12 characters, zero', () => {
    for (const amount of [
      { value: 500, currency: 'JPY' },
      { value: 1005, currency: 'KWD' },
      { value: 100_000_000_000, currency: 'USD' },
      { value: 0, currency: 'USD' },
    ]) {
      assert.throws(
        () => toPayEngineAmount(amount),
        (err: unknown) => err instanceof Problem && err.status === 400 && err.code === 'amount_not_representable',
        JSON.stringify(amount),
      );
    }
  });

  it('refuses before calling PayEngine at all', async () => {
    let called = false;
    const adapter = createPayEngineAdapter(config(), {
      fetch: async () => {
        called = true;
        return new Response('{}');
      },
    });
    await assert.rejects(adapter.create({ ...createInput, amount: { value: 500, currency: 'JPY' } }), { code: 'amount_not_representable' });
    assert.equal(called, false);
  });
});

describe('payengine dates', () => {
  it('reads YYYYMMDD, YYYY-MM-DD, ISO 8601 and unix timestamps; a date-only end lasts the whole UTC day', () => {
    assert.equal(parsePayEngineDate('20221115', 'start'), Date.UTC(2022, 10, 15));
    assert.equal(parsePayEngineDate('20221115', 'end'), Date.UTC(2022, 10, 16));
    assert.equal(parsePayEngineDate('2022-11-15', 'end'), Date.UTC(2022, 10, 16));
    assert.equal(parsePayEngineDate('2022-11-15T10:30:00Z', 'end'), Date.UTC(2022, 10, 15, 10, 30));
    assert.equal(parsePayEngineDate(1616987734, 'end'), 1616987734000);
    assert.equal(parsePayEngineDate('1616987734000', 'end'), 1616987734000);
    assert.equal(parsePayEngineDate('20221345', 'end'), undefined, 'month 13');
    assert.equal(parsePayEngineDate('<end timestamp>', 'end'), undefined);
    assert.equal(parsePayEngineDate(null, 'end'), undefined);
  });

  it('reports the provider’s expiry as expiresAt', async () => {
    const server = setupServer(http.get(`${BASE}/api/payment-link/:id`, () => HttpResponse.json(link({ end_date: '20301115' }))));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const state = await createPayEngineAdapter(config(), { fetch }).retrieve(ID);
      assert.equal(state.expiresAt, '2030-11-16T00:00:00.000Z');
      assert.equal(state.url, `https://console.payengine.dev/payment-link/${ID}`);
    } finally {
      server.close();
    }
  });
});

describe('payengine adapter calls', () => {
  const server = setupServer();
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  after(() => server.close());
  const adapter = (over: Partial<PayEngineConfig> = {}, now = Date.now) => createPayEngineAdapter(config(over), { fetch, now });

  it('sends end_date as ISO 8601 when configured so', async () => {
    let sent: { data: { end_date: string } } | undefined;
    server.use(
      http.post(`${BASE}/api/payment-link`, async ({ request }) => {
        sent = (await request.json()) as typeof sent;
        return HttpResponse.json(link());
      }),
    );
    await adapter({ endDateFormat: 'iso8601' }).create({ ...createInput, expiresAt: new Date('2030-01-02T03:04:05.678Z') });
    assert.equal(sent?.data.end_date, '2030-01-02T03:04:05Z');
  });

  it('cancels with POST …/cancel and re-reads the link, since the answer is only {success, message}', async () => {
    const calls: string[] = [];
    server.use(
      http.post(`${BASE}/api/payment-link/:id/cancel`, ({ params }) => {
        calls.push(`cancel ${String(params.id)}`);
        return HttpResponse.json({ success: true, message: 'Payment link cancelled' });
      }),
      http.get(`${BASE}/api/payment-link/:id`, ({ params }) => {
        calls.push(`get ${String(params.id)}`);
        return HttpResponse.json(link({ payment_link_status: 'CANCELLED' }));
      }),
    );
    const state = await adapter().cancel(ID);
    assert.deepEqual(calls, [`cancel ${ID}`, `get ${ID}`]);
    assert.equal(state.status, 'cancelled');
  });

  it('turns a documented {success: false} cancel into provider_rejected without PayEngine’s text', async () => {
    server.use(http.post(`${BASE}/api/payment-link/:id/cancel`, () => HttpResponse.json({ success: false, message: 'internal secret text' })));
    const err = await adapter().cancel(ID).then(() => assert.fail('should fail'), (e: unknown) => e);
    assert.ok(err instanceof Problem);
    assert.equal(err.code, 'provider_rejected');
    assert.ok(!JSON.stringify(err.toJSON()).includes('internal secret text'));
  });

  it('extends the expiry with PATCH {merchant_id, data:{end_date}}, re-reading when the answer is not a link', async () => {
    let patch: unknown;
    server.use(
      http.patch(`${BASE}/api/payment-link/:id`, async ({ request }) => {
        patch = await request.json();
        return HttpResponse.json({ success: true });
      }),
      http.get(`${BASE}/api/payment-link/:id`, () => HttpResponse.json(link({ end_date: '20301231' }))),
    );
    const state = await adapter().extendExpiry!(ID, new Date('2030-12-31T18:00:00Z'));
    assert.deepEqual(patch, { merchant_id: MERCHANT_ID, data: { end_date: '20301231' } });
    assert.equal(state.expiresAt, '2031-01-01T00:00:00.000Z');
  });

  it('uses the link PATCH answers with, when it answers one', async () => {
    let reads = 0;
    server.use(
      http.patch(`${BASE}/api/payment-link/:id`, () => HttpResponse.json({ data: link({ end_date: '20301231' }) })),
      http.get(`${BASE}/api/payment-link/:id`, () => {
        reads += 1;
        return HttpResponse.json(link());
      }),
    );
    const state = await adapter().extendExpiry!(ID, new Date('2030-12-31T18:00:00Z'));
    assert.equal(reads, 0);
    assert.equal(state.expiresAt, '2031-01-01T00:00:00.000Z');
  });

  it('finds a link by reference (internal_transaction_id), paging through the newest links', async () => {
    const pages: string[] = [];
    server.use(
      http.get(`${BASE}/api/merchant/:merchant/payment-link`, ({ request }) => {
        const page = new URL(request.url).searchParams.get('page')!;
        pages.push(page);
        if (page === '1') return HttpResponse.json({ data: Array.from({ length: 100 }, (_, i) => link({ payment_link_id: `other${i}`, internal_transaction_id: `pl_other_${i}` })) });
        return HttpResponse.json({ data: [link({ payment_link_id: 'found1', internal_transaction_id: 'pl_wanted' })] });
      }),
    );
    const found = await adapter().findByReference!('pl_wanted');
    assert.equal(found?.providerLinkId, 'found1');
    assert.deepEqual(pages, ['1', '2']);
    assert.equal(await adapter().findByReference!('pl_nowhere'), undefined);
  });
});

describe('payengine webhooks', () => {
  const adapter = (secrets = [WEBHOOK_SECRET]) =>
    createPayEngineAdapter(config({ webhookSecrets: secrets.map((s) => new Secret(s)) }), { fetch });

  it('accepts the providers.md §3.6 test vector at its own time, and refuses it as stale today', () => {
    const body = Buffer.from('{"event_uid":"4d304a4ed5a4e338b4753ab832efd9c0","event":"PAYMENTLINK_CANCELLED","data":{"payment_link_id":"wlx57"}}');
    const headers = { 'x-pf-signature': 't=1616987734,s=480e7586a09467e63b23714a7251eb4a68d7de39a21fa6c438403cfacc438c0d' };
    const a = adapter(['rotated-out-secret', 'pe_webhook_secret']);
    assert.deepEqual(a.verifyWebhook(body, headers, 1616987734_000 + 4 * 60_000), { ok: true });
    assert.deepEqual(a.verifyWebhook(body, headers, 1616987734_000 + 6 * 60_000), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(a.verifyWebhook(body, headers, Date.now()), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(adapter(['another-secret-entirely']).verifyWebhook(body, headers, 1616987734_000), { ok: false, reason: 'bad_signature' });
  });

  it('reads the header tolerantly: spaces or a line break after the comma, upper-case hex, unknown elements', () => {
    const body = '{"event_uid":"e1","event":"PAYMENTLINK_CANCELLED","data":{"payment_link_id":"wlx57"}}';
    const [t, s] = sign(body).split(',') as [string, string];
    const a = adapter();
    for (const header of [`${t},\n${s}`, `${t}, ${s.toUpperCase().replace('S=', 's=')}`, `v=2,${t},${s}`]) {
      assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-pf-signature': header }, Date.now()), { ok: true }, header);
    }
    for (const header of ['garbage', `${t}`, `${s}`, 't=abc,s=00']) {
      assert.deepEqual(a.verifyWebhook(Buffer.from(body), { 'x-pf-signature': header }, Date.now()), { ok: false, reason: 'bad_signature' }, header);
    }
    assert.deepEqual(a.verifyWebhook(Buffer.from(body), {}, Date.now()), { ok: false, reason: 'missing_signature' });
  });

  const parse = (payload: object) => adapter().parseWebhook(Buffer.from(JSON.stringify(payload)), {});
  const linkEvent = (event: WebhookEvent) => {
    assert.equal(event.kind, 'link');
    return event as Extract<WebhookEvent, { kind: 'link' }>;
  };

  it('PAYMENTLINK_CANCELLED carries only the id: a hint, so the core re-reads the link', () => {
    const event = linkEvent(parse({ event_uid: 'f1b19120cb0b1d9dcf14c27fa59ea227', event: 'PAYMENTLINK_CANCELLED', data: { payment_link_id: 'paymentLinkId' } }));
    assert.equal(event.providerLinkId, 'paymentLinkId');
    assert.equal(event.dedupeKey, 'f1b19120cb0b1d9dcf14c27fa59ea227');
    assert.equal(event.state, undefined);
  });

  it('an update event carrying a COMPLETED link yields the paid state', () => {
    const event = linkEvent(parse({ event_uid: 'u1', event: 'PAYMENTLINK_UPDATED', data: link({ payment_link_status: 'COMPLETED', amount: '49.00' }) }));
    assert.equal(event.state?.status, 'paid');
    assert.equal(event.state?.amountPaid, 4900);
    assert.equal(event.state?.paidAt, '2022-05-10T10:00:00.000Z');
  });

  it('a transaction event naming the link is a hint without state; one without a link id is ignored', () => {
    const sale = linkEvent(parse({ event_uid: 't1', event: 'PAYMENT_SALE', data: { payment_id: 'cd9f4405', payment_link_id: ID, auth_response: { status: 'PASS' } } }));
    assert.equal(sale.providerLinkId, ID);
    assert.equal(sale.state, undefined);
    // The docs' PAYMENT_AUTH sample (merchant-api-reference/webhooks/available-webhooks) names no link.
    const auth = parse({ event_uid: '9fff410f1903817978471c90e677b814', event: 'PAYMENT_AUTH', data: { payment_id: 'cd9f4405', order_number: 'Order124' } });
    assert.deepEqual(auth, { kind: 'ignored', dedupeKey: '9fff410f1903817978471c90e677b814', event: 'PAYMENT_AUTH', reason: 'no payment_link_id in the event' });
  });

  it('refuses a body that is not a PayEngine event with a 400 problem', () => {
    assert.throws(() => adapter().parseWebhook(Buffer.from('{"hello":1}'), {}), { code: 'invalid_request' });
    assert.throws(() => adapter().parseWebhook(Buffer.from('not json'), {}), { code: 'invalid_request' });
  });
});

describe('payengine configuration', () => {
  const env = (over: Record<string, string | undefined> = {}) => ({
    PAY_LINK_PUBLIC_URL: 'http://proxy.test',
    PAYENGINE_SECRET_KEY: SECRET_KEY,
    PAYENGINE_MERCHANT_ID: MERCHANT_ID,
    PAYENGINE_WEBHOOK_SECRET: ' first-webhook-secret , second-webhook-secret ',
    LOG_LEVEL: 'silent',
    ...over,
  });

  it('defaults to the production host, which is not test mode; the .dev sandbox is', () => {
    const config = loadConfig(env());
    const configured = config.providers.payengine!;
    const settings = configured.settings as PayEngineConfig;
    assert.equal(settings.baseUrl, 'https://console.payengine.co');
    assert.equal(settings.merchantId, MERCHANT_ID);
    assert.equal(settings.webhookSecrets.length, 2);
    assert.equal(String(settings.secretKey), '[redacted]');
    assert.equal(settings.endDateFormat, 'yyyymmdd');
    assert.equal(payengineProvider.isTestMode(settings), false);
    const sandbox = loadConfig(env({ PAYENGINE_BASE_URL: 'https://console.payengine.dev' })).providers.payengine!.settings as PayEngineConfig;
    assert.equal(payengineProvider.isTestMode(sandbox), true);
    const simulator = loadConfig(env({ PAYENGINE_BASE_URL: 'http://127.0.0.1:4010/payengine' })).providers.payengine!.settings as PayEngineConfig;
    assert.equal(payengineProvider.isTestMode(simulator), true);
  });

  it('refuses a partial configuration by naming the missing variable', () => {
    assert.throws(() => loadConfig(env({ PAYENGINE_MERCHANT_ID: undefined })), (err: unknown) => err instanceof ConfigError && err.message.startsWith('PAYENGINE_MERCHANT_ID: required'));
    assert.throws(() => loadConfig(env({ PAYENGINE_END_DATE_FORMAT: 'unix' })), (err: unknown) => err instanceof ConfigError && err.message.startsWith('PAYENGINE_END_DATE_FORMAT'));
  });
});

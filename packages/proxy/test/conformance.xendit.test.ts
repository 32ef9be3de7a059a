/** Xendit (Invoices API) through the conformance kit, with the seed's own example bodies, plus its quirks. */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { loadConfig } from '../src/config.ts';
import { Problem } from '../src/problems.ts';
import { createXenditAdapter, xenditProvider } from '../src/providers/xendit/index.ts';
import { fromXenditAmount, splitXenditName, toXenditAmount } from '../src/providers/xendit/transformers.ts';
import { Secret } from '../src/secret.ts';
import { runConformance } from './conformance/kit.ts';

const BASE = 'https://api.xendit.test';
const SECRET_KEY = 'xnd_development_conformanceKey+/0123456789==';
const TOKEN = 'xendit_callback_token_for_tests_0001';
const ID = '6748105a77f16ebe0cc583a7';

/** The seed's `POST /v2/invoices` response (docs.xendit.co/payment-links-api-overview), verbatim. */
const invoice = (over: Record<string, unknown> = {}) => ({
  id: ID, external_id: 'payment-link-example', user_id: '62440e322008e87fb29c1fd0', status: 'PENDING',
  merchant_name: 'Your Business Name',
  merchant_profile_picture_url: 'https://xnd-merchant-logos.s3.amazonaws.com/business/production/62440e322008e87fb29c1fd0-1721897916022.jpeg',
  amount: 510000, description: 'Air Conditioner purchase', expiry_date: '2024-11-29T06:40:26.353Z',
  invoice_url: 'https://checkout-staging.xendit.co/web/6748105a77f16ebe0cc583a7',
  available_banks: ['BNI', 'MANDIRI', 'PERMATA', 'BRI', 'BCA'].map((bank_code) => ({
    bank_code, collection_type: 'POOL', transfer_amount: 510000, bank_branch: 'Virtual Account', account_holder_name: 'YOUR BUSINESS NAME', identity_amount: 0,
  })),
  available_retail_outlets: [{ retail_outlet_name: 'ALFAMART' }, { retail_outlet_name: 'INDOMARET' }],
  available_ewallets: ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA', 'ASTRAPAY', 'NEXCASH', 'JENIUSPAY'].map((ewallet_type) => ({ ewallet_type })),
  available_qr_codes: [{ qr_code_type: 'QRIS' }],
  available_direct_debits: [{ direct_debit_type: 'DD_BRI' }, { direct_debit_type: 'DD_MANDIRI' }],
  available_paylaters: [], should_exclude_credit_card: true, should_send_email: false,
  success_redirect_url: 'https://www.google.com', failure_redirect_url: 'https://www.google.com',
  created: '2024-11-28T06:40:26.508Z', updated: '2024-11-28T06:40:26.508Z', currency: 'IDR',
  items: [{ name: 'Air Conditioner', quantity: 1, price: 100000, category: 'Electronic', url: 'https://yourcompany.com/example_item' }],
  customer: { given_names: 'John', surname: 'Doe', email: 'johndoe@example.com', mobile_number: '+6287774441111' },
  metadata: { store_branch: 'Jakarta' },
  ...over,
});

/** The seed's PAID invoice callback, verbatim. */
const paidCallback = () => ({
  id: ID,
  items: [{ url: 'https://yourcompany.com/example_item', name: 'Air Conditioner', price: 100000, category: 'Electronic', quantity: 1 }],
  amount: 510000, status: 'PAID', created: '2024-11-28T06:40:26.508Z', is_high: false, paid_at: '2024-11-28T06:41:29.776Z',
  updated: '2024-11-28T06:41:34.702Z', user_id: '62440e322008e87fb29c1fd0', currency: 'IDR',
  payment_id: 'ewc_99013716-9354-439e-9fea-e61a06e87ea3', description: 'Air Conditioner purchase', external_id: 'payment-link-example',
  paid_amount: 510000, ewallet_type: 'DANA', merchant_name: 'Your Business Name', payment_method: 'EWALLET', payment_channel: 'DANA',
  payment_method_id: 'pm-8a1e1cc3-b67c-4951-bc1e-470bc94ad816', failure_redirect_url: 'https://www.google.com',
  success_redirect_url: 'https://www.google.com',
});

/** A PAID invoice as GET answers it: the invoice plus the payment fields of the callback. */
const paidInvoice = (status = 'PAID') => {
  const { paid_amount, paid_at, payment_method, payment_channel, payment_id, updated } = paidCallback();
  return invoice({ status, paid_amount, paid_at, payment_method, payment_channel, payment_id, updated });
};

const NOW = Date.parse('2024-11-28T06:40:26.000Z');
const config = (over: Partial<Parameters<typeof createXenditAdapter>[0]> = {}) => ({
  secretKey: new Secret(SECRET_KEY),
  callbackTokens: [new Secret(TOKEN)],
  baseUrl: BASE,
  timeoutMs: 300,
  ...over,
});

runConformance({
  name: 'xendit',
  baseUrl: BASE,
  createAdapter: ({ fetch, timeoutMs }) => createXenditAdapter(config({ timeoutMs }), { fetch }),
  createInput: {
    reference: 'pl_conformance_ref_000001',
    amount: { value: 51_000_000, currency: 'IDR' },
    description: 'Air Conditioner purchase',
    expiresAt: new Date(Date.now() + 86_400_000),
    returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
    customer: { name: 'John Doe', email: 'johndoe@example.com', contact: '+62 877-7444-1111' },
  },
  createdId: ID,
  createRoute: { method: 'post', url: `${BASE}/v2/invoices` },
  retrieveRoute: { method: 'get', url: `${BASE}/v2/invoices/:id` },
  happyHandlers: () => [http.post(`${BASE}/v2/invoices`, () => HttpResponse.json(invoice()))],
  assertCreateRequest: ({ headers, body }) => {
    assert.equal(headers.get('authorization'), `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`, 'key as user, empty password');
    assert.equal(headers.get('content-type'), 'application/json');
    const b = body as Record<string, unknown>;
    assert.equal(b.amount, 510000, 'a number in whole rupiah');
    assert.equal(b.currency, 'IDR');
    assert.equal(b.external_id, 'pl_conformance_ref_000001');
    assert.equal(b.description, 'Air Conditioner purchase');
    assert.ok(typeof b.invoice_duration === 'number' && Math.abs(b.invoice_duration - 86_400) <= 2, `invoice_duration ${String(b.invoice_duration)}`);
    assert.equal(b.success_redirect_url, 'https://shop.test/thanks?pay_link_id=pl_x');
    assert.equal(b.failure_redirect_url, 'https://shop.test/thanks?pay_link_id=pl_x');
    assert.equal(b.should_send_email, false);
    // Split at the last space, as the seed's own customer is: given_names "John", surname "Doe".
    assert.deepEqual(b.customer, { given_names: 'John', surname: 'Doe', email: 'johndoe@example.com', mobile_number: '+6287774441111' });
  },
  statusCases: [
    { name: 'PENDING', body: invoice(), expected: 'pending', amountPaid: 0 },
    { name: 'PAID', body: paidInvoice(), expected: 'paid', amountPaid: 51_000_000 },
    { name: 'SETTLED', body: paidInvoice('SETTLED'), expected: 'paid', amountPaid: 51_000_000 },
    { name: 'EXPIRED', body: invoice({ status: 'EXPIRED' }), expected: 'expired', amountPaid: 0 },
    { name: 'an unknown status (UNKNOWN_ENUM_VALUE reading)', body: invoice({ status: 'STOPPED' }), expected: 'pending', amountPaid: 0 },
  ],
  webhook: {
    scheme: 'token',
    timestamped: false,
    carriesState: false,
    delivery: ({ secret = TOKEN } = {}) => ({
      body: JSON.stringify(paidCallback()),
      headers: { 'Content-Type': 'application/json', 'X-CALLBACK-TOKEN': secret },
    }),
  },
});

describe('xendit adapter specifics', () => {
  const server = setupServer();
  const seen: { method: string; url: URL; body: unknown }[] = [];
  before(() => {
    server.listen({ onUnhandledRequest: 'error' });
    server.events.on('request:start', async ({ request }) => {
      const text = await request.clone().text();
      seen.push({ method: request.method, url: new URL(request.url), body: text ? JSON.parse(text) : undefined });
    });
  });
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  after(() => server.close());

  const adapter = (deps: Partial<Parameters<typeof createXenditAdapter>[1]> = {}) =>
    createXenditAdapter(config(), { fetch: (input, init) => fetch(input, init), now: () => NOW, ...deps });
  const input = (value: number, currency = 'IDR') => ({
    reference: 'pl_ref',
    amount: { value, currency },
    description: 'Air Conditioner purchase',
    expiresAt: new Date(NOW + 3_600_000),
  });
  const createHandler = () =>
    http.post(`${BASE}/v2/invoices`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      return HttpResponse.json(invoice({ amount: body.amount, currency: body.currency, external_id: body.external_id }));
    });

  describe('amounts', () => {
    it('sends whole rupiah as a number and reads them back in minor units', async () => {
      server.use(createHandler());
      const state = await adapter().create(input(15_000_000));
      assert.equal((seen[0]!.body as { amount: unknown }).amount, 150000);
      assert.equal((seen[0]!.body as { invoice_duration: unknown }).invoice_duration, 3600);
      assert.equal(state.amountPaid, 0);
    });

    it('refuses an IDR amount with sen before calling Xendit (it would truncate it)', async () => {
      for (const value of [15_000_050, 1, 99, 101]) {
        const err = await adapter().create(input(value)).then(() => assert.fail('should refuse'), (e: unknown) => e);
        assert.ok(err instanceof Problem);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'amount_not_representable');
      }
      assert.equal(seen.length, 0, 'no call reached Xendit');
    });

    it('converts every whole-rupiah amount exactly, and refuses every other one (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 90_071_992_547 }), (rupiah) => {
          assert.equal(toXenditAmount({ value: rupiah * 100, currency: 'IDR' }), rupiah);
          assert.equal(fromXenditAmount(rupiah, 'IDR'), rupiah * 100);
        }),
      );
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9_007_199_254_740 }).filter((v) => v % 100 !== 0), (value) => {
          assert.throws(() => toXenditAmount({ value, currency: 'IDR' }), (e: unknown) => (e as Problem).code === 'amount_not_representable');
        }),
      );
    });

    it('takes cents for USD, PHP, MYR, THB and whole dong for VND', () => {
      assert.equal(toXenditAmount({ value: 1050, currency: 'USD' }), 10.5);
      assert.equal(toXenditAmount({ value: 29, currency: 'PHP' }), 0.29);
      assert.equal(toXenditAmount({ value: 123456, currency: 'MYR' }), 1234.56);
      assert.equal(toXenditAmount({ value: 100, currency: 'THB' }), 1);
      assert.equal(toXenditAmount({ value: 250000, currency: 'VND' }), 250000);
      assert.equal(fromXenditAmount(10.5, 'USD'), 1050);
      assert.equal(fromXenditAmount(0.1 + 0.2, 'USD'), 30, 'floating-point noise does not leak into minor units');
      assert.throws(() => toXenditAmount({ value: 100, currency: 'INR' }), (e: unknown) => (e as Problem).code === 'amount_not_allowed');
    });

    it('declares exactly the SDK currency enum', () => {
      assert.deepEqual(adapter().currencies, ['IDR', 'USD', 'THB', 'VND', 'PHP', 'MYR']);
    });
  });

  it('refuses an expiry beyond one year or in the past', async () => {
    for (const expiresAt of [new Date(NOW + 366 * 86_400_000), new Date(NOW - 1000)]) {
      await assert.rejects(adapter().create({ ...input(15_000_000), expiresAt }), (e: unknown) => (e as Problem).code === 'invalid_request');
    }
    assert.equal(seen.length, 0);
  });

  it('leaves out a phone number that is not E.164 and an empty customer', async () => {
    server.use(createHandler());
    await adapter().create({ ...input(15_000_000), customer: { name: 'Budi', contact: '0812 345 678' } });
    await adapter().create({ ...input(15_000_000), customer: {} });
    assert.deepEqual((seen[0]!.body as { customer: unknown }).customer, { given_names: 'Budi' });
    assert.equal('customer' in (seen[1]!.body as object), false);
  });

  it('splits the name at its last whitespace into given_names and surname, as the seed does', async () => {
    server.use(createHandler());
    await adapter().create({ ...input(15_000_000), customer: { name: 'Asha Rao', email: 'asha@example.com' } });
    assert.deepEqual((seen[0]!.body as { customer: unknown }).customer, { given_names: 'Asha', surname: 'Rao', email: 'asha@example.com' });
    assert.deepEqual(splitXenditName('Mary Ann  Lee'), { given_names: 'Mary Ann', surname: 'Lee' });
    assert.deepEqual(splitXenditName('Budi'), { given_names: 'Budi' }, 'a single word: given_names only, no surname');
    assert.deepEqual(splitXenditName(' Siti\u00a0Nurhaliza '), { given_names: 'Siti', surname: 'Nurhaliza' });
    assert.deepEqual(splitXenditName(undefined), {});
  });

  it('reads paid_amount and paid_at of a paid invoice, falling back to amount and updated', async () => {
    server.use(http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json(paidInvoice())));
    const state = await adapter().retrieve(ID);
    assert.deepEqual(state, {
      providerLinkId: ID,
      url: 'https://checkout-staging.xendit.co/web/6748105a77f16ebe0cc583a7',
      status: 'paid',
      amountPaid: 51_000_000,
      expiresAt: '2024-11-29T06:40:26.353Z',
      paidAt: '2024-11-28T06:41:29.776Z',
      providerStatus: 'PAID',
      reference: 'payment-link-example',
      amount: { value: 51_000_000, currency: 'IDR' },
    });
    const bare = invoice({ status: 'PAID', updated: '2024-11-28T06:41:34.702Z' });
    server.use(http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json(bare)));
    const fallback = await adapter().retrieve(ID);
    assert.equal(fallback.amountPaid, 51_000_000);
    assert.equal(fallback.paidAt, '2024-11-28T06:41:34.702Z');
  });

  it('reports an unknown status once it is seen and keeps the raw word for support', async () => {
    const unknown: object[] = [];
    server.use(http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json(invoice({ status: 'ON_HOLD' }))));
    const state = await adapter({ log: { warn: (obj) => unknown.push(obj) } }).retrieve(ID);
    assert.equal(state.status, 'pending');
    assert.equal(state.providerStatus, 'ON_HOLD');
    assert.deepEqual(unknown, [{ provider: 'xendit', status: 'ON_HOLD' }]);
  });

  describe('cancel (expire!)', () => {
    const expireUrl = `${BASE}/invoices/:id/expire!`;

    it('expires the invoice and answers cancelled', async () => {
      server.use(http.post(expireUrl, () => HttpResponse.json(invoice({ status: 'EXPIRED' }))));
      const state = await adapter().cancel(ID);
      assert.equal(state.status, 'cancelled');
      assert.equal(state.providerStatus, 'EXPIRED');
      assert.equal(seen[0]!.method, 'POST');
      assert.equal(seen[0]!.url.pathname, `/invoices/${ID}/expire!`, 'unversioned path with the bang');
    });

    for (const status of [404, 400]) {
      it(`is idempotent: "Could not find and update PENDING invoice" (${status}) on an expired invoice is success`, async () => {
        server.use(
          http.post(expireUrl, () =>
            HttpResponse.json({ error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Could not find and update PENDING invoice' }, { status }),
          ),
          http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json(invoice({ status: 'EXPIRED' }))),
        );
        const state = await adapter().cancel(ID);
        assert.equal(state.status, 'cancelled');
        assert.deepEqual(seen.map((s) => s.method), ['POST', 'GET']);
      });
    }

    it('refuses to cancel a paid invoice, and an unknown one is not_found', async () => {
      const refusal = { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Could not find and update PENDING invoice' };
      server.use(
        http.post(expireUrl, () => HttpResponse.json(refusal, { status: 404 })),
        http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json(paidInvoice())),
      );
      await assert.rejects(adapter().cancel(ID), (e: unknown) => e instanceof Problem && e.code === 'not_found' && !JSON.stringify(e.toJSON()).includes('PENDING'));
      server.use(http.get(`${BASE}/v2/invoices/:id`, () => HttpResponse.json({ error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'x' }, { status: 404 })));
      await assert.rejects(adapter().cancel('nope'), (e: unknown) => e instanceof Problem && e.code === 'not_found');
    });

    it('retries expire! once after a 503, since a repeat is harmless', async () => {
      let calls = 0;
      server.use(
        http.post(expireUrl, () => {
          calls += 1;
          return calls === 1 ? HttpResponse.json({ error_code: 'SERVER_ERROR' }, { status: 503 }) : HttpResponse.json(invoice({ status: 'EXPIRED' }));
        }),
      );
      assert.equal((await adapter().cancel(ID)).status, 'cancelled');
      assert.equal(calls, 2);
    });
  });

  describe('findByReference and list', () => {
    it('looks invoices up by external_id and takes the newest', async () => {
      server.use(
        http.get(`${BASE}/v2/invoices`, ({ request }) => {
          const ref = new URL(request.url).searchParams.get('external_id');
          if (ref !== 'pl_ref') return HttpResponse.json([]);
          return HttpResponse.json([
            invoice({ id: 'old', external_id: ref, status: 'EXPIRED', created: '2024-11-27T00:00:00.000Z' }),
            invoice({ id: 'new', external_id: ref, created: '2024-11-28T00:00:00.000Z' }),
          ]);
        }),
      );
      const found = await adapter().findByReference!('pl_ref');
      assert.equal(found?.providerLinkId, 'new');
      assert.equal(found?.status, 'pending');
      assert.equal(seen[0]!.url.searchParams.get('external_id'), 'pl_ref');
      assert.equal(await adapter().findByReference!('pl_other'), undefined);
    });

    it('declares no extend and no resend: Xendit has neither', () => {
      const a = adapter();
      assert.deepEqual(a.capabilities, { cancel: true, extendExpiry: false, notify: false, findByReference: true, uniqueReference: false });
    });
  });

  describe('callbacks', () => {
    const body = Buffer.from(JSON.stringify(paidCallback()));

    it('accepts every configured token (rotation) and refuses others, whatever their length', () => {
      const a = createXenditAdapter(config({ callbackTokens: [new Secret('old_token_still_accepted_01'), new Secret(TOKEN)] }), { fetch });
      assert.deepEqual(a.verifyWebhook(body, { 'x-callback-token': 'old_token_still_accepted_01' }, NOW), { ok: true });
      assert.deepEqual(a.verifyWebhook(body, { 'x-callback-token': TOKEN }, NOW), { ok: true });
      for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), 'x', TOKEN.toUpperCase()]) {
        assert.deepEqual(a.verifyWebhook(body, { 'x-callback-token': wrong }, NOW), { ok: false, reason: 'bad_signature' });
      }
      assert.deepEqual(a.verifyWebhook(body, { 'x-callback-token': '' }, NOW), { ok: false, reason: 'missing_signature' });
    });

    it('makes a hint without state, keyed by id and status', () => {
      const a = adapter();
      const paid = a.parseWebhook(body, {});
      assert.deepEqual(paid, {
        kind: 'link',
        dedupeKey: `${ID}:PAID`,
        event: 'invoice.paid',
        providerLinkId: ID,
        claims: { status: 'paid', paidAt: '2024-11-28T06:41:29.776Z' },
      });
      const expired = a.parseWebhook(Buffer.from(JSON.stringify({ ...paidCallback(), status: 'EXPIRED' })), {});
      assert.equal(expired.dedupeKey, `${ID}:EXPIRED`);
    });

    it('refuses a body that is not JSON and ignores JSON that is no invoice callback', () => {
      const a = adapter();
      assert.throws(() => a.parseWebhook(Buffer.from('id=1&status=PAID'), {}), (e: unknown) => e instanceof Problem && e.status === 400);
      const other = a.parseWebhook(Buffer.from('{"callback_virtual_account_id":"x","amount":1}'), {});
      assert.equal(other.kind, 'ignored');
    });
  });

  describe('configuration', () => {
    const env = {
      PORT: '1',
      LOG_LEVEL: 'silent',
      XENDIT_SECRET_KEY: SECRET_KEY,
      XENDIT_CALLBACK_TOKEN: `${TOKEN}, second_token_for_rotation_02`,
    };

    it('reads the variables, defaults the base URL to production and knows test keys', () => {
      const cfg = loadConfig(env);
      const xendit = cfg.providers.xendit!;
      const settings = xendit.settings as Parameters<typeof createXenditAdapter>[0];
      assert.equal(settings.baseUrl, 'https://api.xendit.co');
      assert.deepEqual(settings.callbackTokens.map((t) => t.reveal()), [TOKEN, 'second_token_for_rotation_02']);
      assert.equal(cfg.testMode, true);
      assert.equal(xenditProvider.isTestMode({ ...settings, secretKey: new Secret('xnd_production_abcdefgh12') }), false);
      assert.ok(!JSON.stringify(settings).includes(SECRET_KEY), 'the key never serializes');
      assert.ok(!JSON.stringify(settings).includes(TOKEN), 'nor the token');
    });

    it('refuses a key that is not a Xendit key and a token set without a key, by name', () => {
      assert.throws(() => loadConfig({ ...env, XENDIT_SECRET_KEY: 'sk_test_123456789' }), /^ConfigError: XENDIT_SECRET_KEY: expected a secret key/);
      assert.throws(() => loadConfig({ ...env, XENDIT_SECRET_KEY: undefined }), /XENDIT_SECRET_KEY: required when any XENDIT_\* variable is set/);
      assert.throws(() => loadConfig({ ...env, XENDIT_CALLBACK_TOKEN: 'short' }), /XENDIT_CALLBACK_TOKEN: expected the Callback Verification Token/);
    });
  });
});

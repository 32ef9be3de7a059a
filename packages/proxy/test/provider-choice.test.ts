/**
 * The merchant decides the provider: a catalog entry's own provider (else the default) is binding, and a buyer's
 * `provider` is honoured only where the catalog opens a choice with a `providers` list. A refusal is a 422
 * `provider_not_allowed` made before any provider is called; a list that names an unconfigured provider, or leaves
 * out the entry's own, stops the start.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LinkView, ProviderName, PublicConfig } from '../src/contract.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { signIntent } from '../src/links/intent.ts';
import type { CreateLinkInput, ProviderAdapter } from '../src/providers/types.ts';
import type { RunningProxy } from '../src/server.ts';
import { CATALOG, RAZORPAY_BASE, SECRETS, createMockServer, postJson, razorpayHandlers, startTestProxy } from './helpers.ts';

const INTENT_SECRET = 'intent_secret_for_provider_choice_0123456';

/** Pine Labs and EximPe are configured (so the config may name them) but answered by these stand-ins. */
const OTHER_PROVIDERS = {
  PINELABS_CLIENT_ID: 'pine_client',
  PINELABS_CLIENT_SECRET: 'pine_client_secret',
  PINELABS_BASE_URL: 'https://pinelabs.test',
  EXIMPE_CLIENT_ID: 'exim_client',
  EXIMPE_CLIENT_SECRET: 'exim_client_secret',
  EXIMPE_BASE_URL: 'https://eximpe.test',
};

const SHOP = {
  ...CATALOG,
  products: [
    { id: 'chai-tin', name: 'Masala chai tin', price: '499.00', currency: 'INR', provider: 'razorpay' },
    { id: 'plain', name: 'No provider named', price: '100.00', currency: 'INR' },
    { id: 'hamper', name: 'Gift hamper', price: '2500.00', currency: 'INR', provider: 'razorpay', providers: ['pinelabs', 'razorpay'] },
  ],
  openAmounts: [
    { currency: 'INR', min: '10.00', max: '5000.00', providers: ['razorpay', 'pinelabs'] },
    { currency: 'USD', min: '1.00', max: '100.00', provider: 'razorpay' },
  ],
};

/** Provider link ids are never reused, as at a real provider (the store takes one id for one link). */
let made = 0;

function fakeAdapter(name: ProviderName) {
  const creates: CreateLinkInput[] = [];
  const adapter: ProviderAdapter = {
    name,
    capabilities: { cancel: false, extendExpiry: false, notify: false, findByReference: false, uniqueReference: true },
    async create(input) {
      creates.push(input);
      made += 1;
      return {
        providerLinkId: `${name}_${made}`,
        url: `https://${name}.test/pay/${made}`,
        status: 'pending',
        amountPaid: 0,
        expiresAt: input.expiresAt.toISOString(),
        paidAt: null,
        providerStatus: 'CREATED',
      };
    },
    retrieve: async () => assert.fail(`${name}: not read in these tests`),
    cancel: async () => assert.fail(`${name}: not cancelled in these tests`),
    verifyWebhook: () => ({ ok: false, reason: 'missing_signature' }),
    parseWebhook: () => assert.fail(`${name}: no webhooks in these tests`),
  };
  return { adapter, creates };
}

const msw = createMockServer();
const pinelabs = fakeAdapter('pinelabs');
const eximpe = fakeAdapter('eximpe');
let rzp: ReturnType<typeof razorpayHandlers>;
let proxy: RunningProxy;

before(async () => {
  const config = loadConfig(
    {
      PAY_LINK_PUBLIC_URL: 'http://proxy.test',
      PAY_LINK_CONFIG: 'shop.json',
      PAY_LINK_PROVIDER: 'razorpay',
      RAZORPAY_KEY_ID: 'rzp_test_abc123',
      RAZORPAY_KEY_SECRET: SECRETS.keySecret,
      RAZORPAY_WEBHOOK_SECRET: SECRETS.webhookSecret,
      RAZORPAY_BASE_URL: RAZORPAY_BASE,
      PAY_LINK_INTENT_SECRET: INTENT_SECRET,
      PAY_LINK_RATE_MINT_PER_MINUTE: '0',
      LOG_LEVEL: 'silent',
      // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
      PAY_LINK_DATABASE_URL: 'sqlite::memory:',
      ...OTHER_PROVIDERS,
    },
    () => JSON.stringify(SHOP),
  );
  proxy = await startTestProxy(config, { adapters: { pinelabs: pinelabs.adapter, eximpe: eximpe.adapter } });
});
after(async () => {
  await proxy.close();
  msw.close();
});
afterEach(() => {
  msw.resetHandlers();
  pinelabs.creates.length = 0;
  eximpe.creates.length = 0;
});

function useRazorpay() {
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  return rzp;
}

function providerCalls(): number {
  return rzp.calls.length + pinelabs.creates.length + eximpe.creates.length;
}

async function refused(res: Response) {
  assert.equal(res.status, 422);
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const body = (await res.json()) as { code: string; detail: string; errors: { field: string; message: string }[] };
  assert.equal(body.code, 'provider_not_allowed');
  assert.deepEqual(body.errors.map((e) => e.field), ['provider']);
  return body;
}

describe('POST /v1/links: who picks the provider', () => {
  it('refuses a buyer provider other than the product’s fixed one, before any provider is called', async () => {
    useRazorpay();
    for (const provider of ['eximpe', 'pinelabs', 'xendit']) {
      const body = await refused(await postJson(`${proxy.url}/v1/links`, { product: 'chai-tin', provider }));
      assert.match(body.detail, new RegExp(`"${provider}"`));
      assert.match(body.errors[0]!.message, /offered: razorpay$/);
    }
    assert.equal(providerCalls(), 0, 'no provider was asked to mint');
  });

  it('mints when the buyer names the fixed provider itself, or none', async () => {
    useRazorpay();
    for (const body of [{ product: 'chai-tin', provider: 'razorpay' }, { product: 'chai-tin' }]) {
      const res = await postJson(`${proxy.url}/v1/links`, body);
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as LinkView).provider, 'razorpay');
    }
    assert.equal(rzp.calls.length, 2);
  });

  it('holds a product that names no provider to the default one', async () => {
    useRazorpay();
    await refused(await postJson(`${proxy.url}/v1/links`, { product: 'plain', provider: 'pinelabs' }));
    assert.equal(providerCalls(), 0);
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'plain', provider: 'razorpay' });
    assert.equal(res.status, 201);
  });

  it('honours the buyer’s choice among the providers a product opens, and only among them', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'hamper', provider: 'pinelabs' });
    assert.equal(res.status, 201);
    const link = (await res.json()) as LinkView;
    assert.equal(link.provider, 'pinelabs');
    assert.match(link.url, /^https:\/\/pinelabs\.test\//);
    assert.deepEqual(pinelabs.creates.map((c) => c.amount), [{ value: 250000, currency: 'INR' }]);
    assert.equal(rzp.calls.length, 0);

    // Without a choice, the product's own provider.
    const own = await postJson(`${proxy.url}/v1/links`, { product: 'hamper' });
    assert.equal(((await own.json()) as LinkView).provider, 'razorpay');

    // EximPe is configured, but this product does not offer it.
    const body = await refused(await postJson(`${proxy.url}/v1/links`, { product: 'hamper', provider: 'eximpe' }));
    assert.match(body.errors[0]!.message, /offered: razorpay, pinelabs$/);
    assert.equal(eximpe.creates.length, 0);
  });

  it('does the same for open amounts: a range opens a choice, another range holds to its provider', async () => {
    useRazorpay();
    const chosen = await postJson(`${proxy.url}/v1/links`, { amount: 5000, currency: 'INR', provider: 'pinelabs' });
    assert.equal(chosen.status, 201);
    assert.equal(((await chosen.json()) as LinkView).provider, 'pinelabs');
    assert.deepEqual(pinelabs.creates.map((c) => c.amount), [{ value: 5000, currency: 'INR' }]);

    await refused(await postJson(`${proxy.url}/v1/links`, { amount: 5000, currency: 'INR', provider: 'eximpe' }));
    await refused(await postJson(`${proxy.url}/v1/links`, { amount: 500, currency: 'USD', provider: 'pinelabs' }));
    assert.equal(rzp.calls.length + eximpe.creates.length, 0);
    assert.equal(pinelabs.creates.length, 1);
  });

  it('mints an intent with the default provider only', async () => {
    useRazorpay();
    const intent = (reference: string) =>
      signIntent({ amount: { value: 150000, currency: 'INR' }, reference, description: 'Invoice', expiresAt: new Date(Date.now() + 3_600_000) }, INTENT_SECRET);
    const body = await refused(await postJson(`${proxy.url}/v1/links`, { intent: intent('INV-PC-1'), provider: 'pinelabs' }));
    assert.match(body.errors[0]!.message, /this payment request; offered: razorpay$/);
    assert.equal(providerCalls(), 0);
    const res = await postJson(`${proxy.url}/v1/links`, { intent: intent('INV-PC-2'), provider: 'razorpay' });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as LinkView).provider, 'razorpay');
  });
});

describe('GET /v1/config: the choices a page may offer', () => {
  it('lists per product and per open-amount range the providers a buyer may name, the binding one first', async () => {
    const config = (await (await fetch(`${proxy.url}/v1/config`)).json()) as PublicConfig;
    assert.deepEqual(config.providers.sort(), ['eximpe', 'pinelabs', 'razorpay']);
    assert.deepEqual(
      config.products.map((p) => [p.id, p.provider, p.providers]),
      [
        ['chai-tin', 'razorpay', ['razorpay']],
        ['plain', 'razorpay', ['razorpay']],
        ['hamper', 'razorpay', ['razorpay', 'pinelabs']],
      ],
    );
    assert.deepEqual(config.openAmounts, [
      { currency: 'INR', min: 1000, max: 500000, provider: 'razorpay', providers: ['razorpay', 'pinelabs'] },
      { currency: 'USD', min: 100, max: 10000, provider: 'razorpay', providers: ['razorpay'] },
    ]);
  });
});

describe('loadConfig: a provider list', () => {
  const env = { ...OTHER_PROVIDERS, RAZORPAY_KEY_ID: 'rzp_test_abc123', RAZORPAY_KEY_SECRET: 'a_very_secret_value', RAZORPAY_WEBHOOK_SECRET: 'whsec_value', PAY_LINK_CONFIG: 'shop.json' };
  const load = (file: unknown) => loadConfig(env, () => JSON.stringify(file));
  const refuses = (file: unknown, message: RegExp) =>
    assert.throws(() => load(file), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(file));
  const product = { id: 'a', name: 'A', amount: 100, currency: 'INR' };

  it('refuses a list that names a provider this proxy has not configured, naming the entry', () => {
    refuses({ products: [product, { ...product, id: 'b', providers: ['razorpay', 'xendit'] }] }, /^PAY_LINK_CONFIG \(shop\.json\): products\.1\.providers\.1: "xendit" is not configured \(configured: razorpay, pinelabs, eximpe\)$/);
    refuses({ openAmounts: [{ currency: 'INR', min: '1.00', max: '2.00', providers: ['payengine', 'razorpay'] }] }, /: openAmounts\.0\.providers\.0: "payengine" is not configured/);
    refuses({ openAmounts: [{ currency: 'INR', min: '1.00', max: '2.00', provider: 'xendit' }] }, /: openAmounts\.0\.provider: "xendit" is not configured/);
  });

  it('refuses a list without the entry’s own provider (or the default), a repeated entry, and an empty list', () => {
    refuses({ products: [{ ...product, provider: 'pinelabs', providers: ['razorpay', 'eximpe'] }] }, /products\.0\.providers: must include "pinelabs", its own provider/);
    refuses({ products: [{ ...product, providers: ['pinelabs', 'eximpe'] }] }, /products\.0\.providers: must include "razorpay", the default provider/);
    refuses({ products: [{ ...product, providers: ['razorpay', 'pinelabs', 'razorpay'] }] }, /products\.0\.providers\.2: "razorpay" is listed twice/);
    refuses({ products: [{ ...product, providers: [] }] }, /products\.0\.providers: /);
    refuses({ products: [{ ...product, providers: ['stripe'] }] }, /products\.0\.providers\.0: /);
  });

  it('puts the binding provider first and keeps a product without a list to that one', () => {
    const config = load({
      products: [product, { ...product, id: 'b', provider: 'eximpe', providers: ['pinelabs', 'eximpe'] }],
      openAmounts: [{ currency: 'INR', min: '1.00', max: '2.00', providers: ['eximpe', 'razorpay'] }],
    });
    assert.deepEqual(config.products.map((p) => [p.provider, p.providers]), [['razorpay', ['razorpay']], ['eximpe', ['eximpe', 'pinelabs']]]);
    assert.deepEqual([config.openAmounts[0]!.provider, config.openAmounts[0]!.providers], ['razorpay', ['razorpay', 'eximpe']]);
  });
});

/**
 * `defineProvider()` and the amount policy (providers/define.ts, providers/amounts.ts, decision 0019): a provider
 * typed once, configured from its variables without a cast, its capabilities read off its operations, its
 * currencies and amount rules declared once and applied by one function.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Problem } from '../src/problems.ts';
import { type AmountPolicy, toProviderAmount } from '../src/providers/amounts.ts';
import { type AdapterOperations, capabilitiesOf, defineProvider } from '../src/providers/define.ts';
import { httpUrl } from '../src/providers/inputs.ts';
import { PROVIDER_MODULES } from '../src/providers/registry.ts';
import { UNKNOWN_STATUS_READING } from '../src/providers/status-words.ts';
import type { ProviderLinkState } from '../src/providers/types.ts';
import { Secret } from '../src/secret.ts';

const STATE: ProviderLinkState = { providerLinkId: 'x', url: 'https://pay.test/x', status: 'pending', amountPaid: 0, expiresAt: null, paidAt: null, providerStatus: 'open' };
const ops = (extra: Partial<AdapterOperations> = {}): AdapterOperations => ({
  create: async () => STATE,
  retrieve: async () => STATE,
  cancel: async () => STATE,
  verifyWebhook: () => ({ ok: true }),
  parseWebhook: () => ({ kind: 'ignored', dedupeKey: 'k', event: 'e', reason: 'test' }),
  ...extra,
});

/** A toy provider: what a new one looks like, written without a single cast. */
const toy = defineProvider({
  name: 'razorpay',
  amount: { label: 'Toy', unit: 'minor', currencies: ['INR'] },
  uniqueReference: false,
  returnsBuyer: false,
  unknownStatus: UNKNOWN_STATUS_READING,
  env: z.object({
    TOY_KEY: z.string().min(8, 'a key of 8 characters or more').optional(),
    TOY_SECRET: z.string().optional(),
    TOY_BASE_URL: httpUrl.default('https://api.toy.test'),
  }),
  required: ['TOY_KEY', 'TOY_SECRET'],
  settings: (v, common) => ({ key: new Secret(v.TOY_KEY), secret: v.TOY_SECRET.length, baseUrl: v.TOY_BASE_URL, ...common }),
  isTestMode: (s) => s.key.reveal().startsWith('test_'),
  adapter: () => ops({ notify: async () => undefined }),
});

describe('defineProvider', () => {
  it('configures from its variables: absent, invalid, missing, or configured with settings closed over', () => {
    assert.deepEqual(toy.configure({}, { timeoutMs: 1 }), { kind: 'absent' });
    assert.deepEqual(toy.configure({ TOY_KEY: 'short', TOY_SECRET: 's' }, { timeoutMs: 1 }), { kind: 'invalid', variable: 'TOY_KEY', expected: 'a key of 8 characters or more' });
    assert.deepEqual(toy.configure({ TOY_KEY: 'test_12345678' }, { timeoutMs: 1 }), { kind: 'missing', variable: 'TOY_SECRET' });
    const setup = toy.configure({ TOY_KEY: 'test_12345678', TOY_SECRET: 'abc' }, { timeoutMs: 7 });
    assert.equal(setup.kind, 'configured');
    if (setup.kind !== 'configured') return;
    assert.equal(setup.provider.testMode, true);
    // The settings are the toy's own type here only because the test says so: the proxy never looks inside.
    const settings = setup.provider.settings as { key: Secret; secret: number; baseUrl: string; timeoutMs: number };
    assert.equal(settings.key.reveal(), 'test_12345678');
    assert.deepEqual({ ...settings, key: undefined }, { key: undefined, secret: 3, baseUrl: 'https://api.toy.test', timeoutMs: 7 });
    assert.equal(setup.provider.module, toy);
    assert.deepEqual(toy.variables, ['TOY_KEY', 'TOY_SECRET', 'TOY_BASE_URL']);
    const live = toy.configure({ TOY_KEY: 'live_12345678', TOY_SECRET: 'abc' }, { timeoutMs: 7 });
    assert.equal(live.kind === 'configured' && live.provider.testMode, false);
  });

  it('builds the adapter with the definition’s name, currencies and capabilities read off the operations', () => {
    const setup = toy.configure({ TOY_KEY: 'test_12345678', TOY_SECRET: 'abc' }, { timeoutMs: 7 });
    assert.ok(setup.kind === 'configured');
    const adapter = setup.provider.createAdapter({ fetch, now: Date.now });
    assert.equal(adapter.name, 'razorpay');
    assert.deepEqual(adapter.currencies, ['INR']);
    assert.deepEqual(adapter.capabilities, { cancel: true, extendExpiry: false, notify: true, findByReference: false, uniqueReference: false });
    assert.equal(adapter.returnsBuyer, false, 'the definition says its checkout cannot send the buyer back');
    assert.deepEqual(capabilitiesOf(ops({ extendExpiry: async () => STATE, findByReference: async () => undefined }), true), {
      cancel: true,
      extendExpiry: true,
      notify: false,
      findByReference: true,
      uniqueReference: true,
    });
  });

  it('every registered provider declares its amount unit, and its adapter’s currencies are its policy’s', () => {
    const units = Object.fromEntries(PROVIDER_MODULES.map((m) => [m.name, m.amount.unit]));
    // shared/providers.md §0, "Amount".
    assert.deepEqual(units, { razorpay: 'minor', xendit: 'major-number', payengine: 'major-string', pinelabs: 'minor', eximpe: 'major-string' });
    assert.deepEqual(Object.fromEntries(PROVIDER_MODULES.map((m) => [m.name, m.uniqueReference])), { razorpay: true, xendit: false, payengine: true, pinelabs: true, eximpe: false });
    // Only PayEngine's links take no return URL (shared/providers.md): the widget opens it in a new tab on phones.
    assert.deepEqual(Object.fromEntries(PROVIDER_MODULES.map((m) => [m.name, m.returnsBuyer])), { razorpay: true, xendit: true, payengine: false, pinelabs: true, eximpe: true });
  });
});

describe('toProviderAmount', () => {
  const refuses = (policy: AmountPolicy, value: number, currency: string, code: string) =>
    assert.throws(() => toProviderAmount(policy, { value, currency }), (e: unknown) => e instanceof Problem && e.status === 400 && e.code === code, `${value} ${currency}`);

  it('converts to the declared unit exactly', () => {
    assert.equal(toProviderAmount({ label: 'A', unit: 'minor' }, { value: 150000, currency: 'INR' }), 150000);
    assert.equal(toProviderAmount({ label: 'A', unit: 'major-string' }, { value: 150050, currency: 'INR' }), '1500.50');
    assert.equal(toProviderAmount({ label: 'A', unit: 'major-string' }, { value: 1005, currency: 'KWD' }), '1.005');
    assert.equal(toProviderAmount({ label: 'A', unit: 'major-number' }, { value: 1050, currency: 'USD' }), 10.5);
    assert.equal(toProviderAmount({ label: 'A', unit: 'major-number' }, { value: 500, currency: 'JPY' }), 500);
  });

  it('refuses what the policy says the provider cannot take, with the code for each reason', () => {
    refuses({ label: 'A', unit: 'minor', currencies: ['INR'] }, 100, 'USD', 'amount_not_allowed');
    refuses({ label: 'A', unit: 'minor' }, 0, 'INR', 'amount_not_representable');
    refuses({ label: 'A', unit: 'minor' }, 1.5, 'INR', 'amount_not_representable');
    refuses({ label: 'A', unit: 'minor', min: 100, max: 1000 }, 99, 'INR', 'amount_not_allowed');
    refuses({ label: 'A', unit: 'minor', min: 100, max: 1000 }, 1001, 'INR', 'amount_not_allowed');
    refuses({ label: 'A', unit: 'major-string', exponents: [2] }, 500, 'JPY', 'amount_not_representable');
    refuses({ label: 'A', unit: 'minor', decimals: { exponent: { 3: 2 } } }, 1005, 'KWD', 'amount_not_representable');
    refuses({ label: 'A', unit: 'major-number', decimals: { currency: { IDR: 0 } } }, 150, 'IDR', 'amount_not_representable');
    refuses({ label: 'A', unit: 'major-string', maxChars: 4 }, 10000, 'USD', 'amount_not_representable');
    // And takes what sits on each bound.
    assert.equal(toProviderAmount({ label: 'A', unit: 'minor', min: 100, max: 1000 }, { value: 1000, currency: 'INR' }), 1000);
    assert.equal(toProviderAmount({ label: 'A', unit: 'minor', decimals: { exponent: { 3: 2 } } }, { value: 1010, currency: 'KWD' }), 1010);
    assert.equal(toProviderAmount({ label: 'A', unit: 'major-string', maxChars: 4 }, { value: 999, currency: 'USD' }), '9.99');
  });
});

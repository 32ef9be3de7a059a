import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { RazorpayConfig } from '../src/providers/razorpay.ts';

const razorpay = (config: ReturnType<typeof loadConfig>) => config.providers.razorpay?.settings as RazorpayConfig;

const base = {
  RAZORPAY_KEY_ID: 'rzp_test_abc123',
  RAZORPAY_KEY_SECRET: 'a_very_secret_value',
  RAZORPAY_WEBHOOK_SECRET: 'whsec_value_one,whsec_value_two',
};

function refuses(env: Record<string, string>, pattern: RegExp, file?: string) {
  assert.throws(
    () => loadConfig(env, () => {
      if (file === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return file;
    }),
    (err: unknown) => err instanceof ConfigError && pattern.test(err.message),
  );
}

describe('loadConfig', () => {
  it('builds a config from a minimal environment, with production defaults', () => {
    const config = loadConfig(base);
    assert.equal(config.port, 4000);
    assert.equal(razorpay(config).baseUrl, 'https://api.razorpay.com');
    assert.equal(razorpay(config).webhookSecrets.length, 2);
    assert.equal(config.testMode, true);
    assert.deepEqual(config.allowedOrigins, ['http://localhost:4000']);
  });

  it('refuses bad values by naming the variable', () => {
    refuses({ ...base, PORT: 'eighty' }, /^PORT: /);
    refuses({ ...base, PAY_LINK_PUBLIC_URL: 'ftp://x' }, /^PAY_LINK_PUBLIC_URL: expected an http\(s\) URL/);
    refuses({ ...base, PAY_LINK_ALLOWED_ORIGINS: 'https://ok.test,not a url' }, /^PAY_LINK_ALLOWED_ORIGINS: /);
    refuses({ ...base, RAZORPAY_KEY_ID: 'key' }, /^RAZORPAY_KEY_ID: expected a key id/);
    refuses({ RAZORPAY_KEY_ID: 'rzp_test_abc' }, /^RAZORPAY_KEY_SECRET: required/);
    refuses({}, /^RAZORPAY_KEY_ID: no payment provider is configured/);
    refuses({ ...base, PAY_LINK_PROVIDER: 'xendit' }, /^PAY_LINK_PROVIDER: "xendit" is not configured/);
    refuses({ ...base, LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /);
  });

  it('never echoes a secret in its message', () => {
    try {
      loadConfig({ ...base, RAZORPAY_KEY_SECRET: 'short' });
      assert.fail('should refuse');
    } catch (err) {
      assert.match((err as Error).message, /^RAZORPAY_KEY_SECRET: /);
      assert.doesNotMatch((err as Error).message, /short"/);
    }
  });

  it('reads the catalog file and names the path inside it when it is wrong', () => {
    const env = { ...base, PAY_LINK_CONFIG: 'shop.json' };
    const config = loadConfig(env, () => JSON.stringify({ products: [{ id: 'a', name: 'A', price: '1500.50', currency: 'INR' }] }));
    assert.deepEqual(config.products[0]?.amount, { value: 150050, currency: 'INR' });
    refuses(env, /^PAY_LINK_CONFIG: cannot read shop\.json/);
    refuses(env, /^PAY_LINK_CONFIG \(shop\.json\): not valid JSON/, '{');
    refuses(env, /products\.0\.price: expected a positive decimal price in INR/, JSON.stringify({ products: [{ id: 'a', name: 'A', price: '1.005', currency: 'INR' }] }));
    refuses(env, /the id "a" is used twice/, JSON.stringify({ products: [{ id: 'a', name: 'A', amount: 1, currency: 'INR' }, { id: 'a', name: 'B', amount: 2, currency: 'INR' }] }));
    refuses(env, /shop\.json\): products\.0\.id/, JSON.stringify({ products: [{ id: 'no spaces', name: 'A', amount: 1, currency: 'INR' }] }));
  });

  it('keeps secrets masked when the config is logged or serialized', () => {
    const config = loadConfig(base);
    const text = JSON.stringify(config) + String(razorpay(config).keySecret);
    assert.ok(!text.includes('a_very_secret_value'));
    assert.ok(!text.includes('whsec_value_one'));
  });
});

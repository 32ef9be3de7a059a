import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { RazorpayConfig } from '../src/providers/razorpay/index.ts';

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

  it('reads the merchant\'s identity from the variables, else the file\'s merchant entry', () => {
    assert.deepEqual(loadConfig(base).merchant, { name: null, logoUrl: null, supportEmail: null, brandColor: null, defaultLang: 'en' });
    const env = {
      ...base,
      PAY_LINK_MERCHANT_NAME: ' Leaf & Kettle ',
      PAY_LINK_MERCHANT_LOGO_URL: 'https://cdn.example.com/leaf.svg',
      PAY_LINK_MERCHANT_SUPPORT_EMAIL: 'help@leaf.example',
      PAY_LINK_MERCHANT_BRAND_COLOR: '#2F6B3A',
      PAY_LINK_DEFAULT_LANG: 'hi',
    };
    const merchant = loadConfig(env).merchant;
    assert.equal(merchant.name, 'Leaf & Kettle');
    assert.equal(merchant.logoUrl, 'https://cdn.example.com/leaf.svg');
    assert.equal(merchant.supportEmail, 'help@leaf.example');
    assert.equal(merchant.defaultLang, 'hi');
    assert.equal(merchant.brandColor?.background, '#2f6b3a');
    assert.equal(merchant.brandColor?.text, '#ffffff', 'white on a dark green');
    assert.ok(merchant.brandColor!.contrast >= 4.5);
    assert.equal(loadConfig({ ...base, PAY_LINK_MERCHANT_BRAND_COLOR: '#fc0' }).merchant.brandColor?.text, '#111827', 'near-black on a yellow');
    assert.equal(loadConfig({ ...base, PAY_LINK_MERCHANT_LOGO_URL: '/brand/logo.png' }).merchant.logoUrl, '/brand/logo.png');

    const file = JSON.stringify({ merchant: { name: 'From the file', brandColor: '#1d4ed8', defaultLang: 'th' } });
    const fromFile = loadConfig({ ...base, PAY_LINK_CONFIG: 'shop.json' }, () => file).merchant;
    assert.equal(fromFile.name, 'From the file');
    assert.equal(fromFile.defaultLang, 'th');
    assert.equal(loadConfig({ ...base, PAY_LINK_CONFIG: 'shop.json', PAY_LINK_MERCHANT_NAME: 'Env wins' }, () => file).merchant.name, 'Env wins');
  });

  it('refuses a merchant setting it cannot show, naming the variable', () => {
    refuses({ ...base, PAY_LINK_MERCHANT_LOGO_URL: 'http://cdn.example.com/leaf.svg' }, /^PAY_LINK_MERCHANT_LOGO_URL: expected an https URL or a path/);
    refuses({ ...base, PAY_LINK_MERCHANT_LOGO_URL: '//cdn.example.com/leaf.svg' }, /^PAY_LINK_MERCHANT_LOGO_URL: /);
    refuses({ ...base, PAY_LINK_MERCHANT_LOGO_URL: 'javascript:alert(1)' }, /^PAY_LINK_MERCHANT_LOGO_URL: /);
    refuses({ ...base, PAY_LINK_MERCHANT_SUPPORT_EMAIL: 'help' }, /^PAY_LINK_MERCHANT_SUPPORT_EMAIL: expected an email address/);
    refuses({ ...base, PAY_LINK_MERCHANT_BRAND_COLOR: 'green' }, /^PAY_LINK_MERCHANT_BRAND_COLOR: expected a hex colour/);
    refuses({ ...base, PAY_LINK_DEFAULT_LANG: 'fr' }, /^PAY_LINK_DEFAULT_LANG: expected one of en, hi, id, ms, th, vi, es, got "fr"/);
    refuses({ ...base, PAY_LINK_CONFIG: 'shop.json' }, /shop\.json\): merchant\.defaultLang/, JSON.stringify({ merchant: { defaultLang: 'fr' } }));
  });

  it('refuses a brand colour on which neither white nor near-black text reaches 4.5:1', () => {
    // Mid greys: #808080 gives white 3.95:1 and #111827 4.49:1; #777777 4.48:1 and 3.96:1.
    for (const colour of ['#808080', '#777777', '#7a7a7a']) {
      refuses({ ...base, PAY_LINK_MERCHANT_BRAND_COLOR: colour }, /^PAY_LINK_MERCHANT_BRAND_COLOR: text on "#[0-9a-f]{6}" cannot reach the 4\.5:1 contrast/);
    }
    refuses({ ...base, PAY_LINK_CONFIG: 'shop.json' }, /^PAY_LINK_CONFIG \(shop\.json\): merchant\.brandColor: text on "#808080"/, JSON.stringify({ merchant: { brandColor: '#808080' } }));
    // Either side of the line: a shade darker or lighter passes.
    assert.equal(loadConfig({ ...base, PAY_LINK_MERCHANT_BRAND_COLOR: '#767676' }).merchant.brandColor?.text, '#ffffff');
    assert.equal(loadConfig({ ...base, PAY_LINK_MERCHANT_BRAND_COLOR: '#8a8a8a' }).merchant.brandColor?.text, '#111827');
  });
});

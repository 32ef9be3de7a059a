import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CliError } from '../src/cli/cli-error.ts';
import { runIntent } from '../src/cli/intent.ts';
import type { LinkView } from '../src/contract.ts';
import { type Intent, buildIntent, signIntent, verifyIntent } from '../src/links/intent.ts';
import { Problem } from '../src/problems.ts';
import { hmacSha256 } from '../src/secret.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const SECRET = 'intent_secret_0123456789abcdef0123456789';
const OLD_SECRET = 'intent_secret_old_0123456789abcdef012345';
const msw = createMockServer();
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy(testConfig({ PAY_LINK_INTENT_SECRET: `${SECRET},${OLD_SECRET}` }));
});
after(async () => {
  await proxy.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

const invoice = (reference: string, secret = SECRET, expiresInMs = 3_600_000) =>
  signIntent(
    {
      amount: { value: 250000, currency: 'INR' },
      reference,
      description: `Invoice ${reference}`,
      expiresAt: new Date(Date.now() + expiresInMs),
    },
    secret,
  );

describe('signed intents', () => {
  it('mints at the signed amount, and the same reference answers the same live link', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const token = invoice('INV-2026-001');
    const first = await postJson(`${proxy.url}/v1/links`, { intent: token });
    assert.equal(first.status, 201);
    const link = (await first.json()) as LinkView;
    assert.deepEqual(link.amount, { value: 250000, currency: 'INR' });
    assert.equal(link.description, 'Invoice INV-2026-001');
    // Another tab, another click, even a token signed again for the same invoice: the same link.
    const [again, resigned] = await Promise.all([
      postJson(`${proxy.url}/v1/links`, { intent: token }),
      postJson(`${proxy.url}/v1/links`, { intent: invoice('INV-2026-001', OLD_SECRET) }),
    ]);
    assert.equal(((await again.json()) as LinkView).id, link.id);
    assert.equal(((await resigned.json()) as LinkView).id, link.id);
    assert.equal(rzp.links.size, 1);

    // Once that link expired, the intent mints a fresh one.
    const providerId = [...rzp.links.keys()][0]!;
    rzp.setStatus(providerId, 'expired');
    await proxy.proxy.links.refresh(link.id);
    const fresh = await postJson(`${proxy.url}/v1/links`, { intent: token });
    assert.equal(fresh.status, 201);
    assert.notEqual(((await fresh.json()) as LinkView).id, link.id);
    assert.equal(rzp.links.size, 2);
  });

  it('refuses forged, tampered, expired and foreign-secret intents', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const token = invoice('INV-9');
    const [prefix, body, sig] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const cheaper = Buffer.from(JSON.stringify({ ...payload, a: 100 })).toString('base64url');
    const cases: [string, number, string][] = [
      [`${prefix}.${cheaper}.${sig}`, 400, 'intent_invalid'],
      [`${prefix}.${body}.${sig.slice(0, -2)}AA`, 400, 'intent_invalid'],
      [invoice('INV-9', 'some_other_secret_0123456789abcdef0123'), 400, 'intent_invalid'],
      [invoice('INV-9', SECRET, -1000), 410, 'intent_expired'],
      ['pli1.not-a-token-at-all', 400, 'intent_invalid'],
    ];
    for (const [intent, status, code] of cases) {
      const res = await postJson(`${proxy.url}/v1/links`, { intent });
      assert.equal(res.status, status, code);
      assert.equal(((await res.json()) as { code: string }).code, code);
    }
    assert.equal(rzp.calls.length, 0);
  });

  it('round-trips any valid intent and rejects any single-character change', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e12 }),
        fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/),
        fc.nat(),
        (value, reference, at) => {
          const token = signIntent(
            { amount: { value, currency: 'INR' }, reference, description: 'x', expiresAt: new Date(Date.now() + 60_000) },
            SECRET,
          );
          assert.equal(verifyIntent(token, [SECRET], Date.now()).amount.value, value);
          const i = at % token.length;
          const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
          if (flipped !== token) assert.throws(() => verifyIntent(flipped, [SECRET], Date.now()));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('serves the invoice pay page and its data, showing the state before any click', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const token = signIntent(
      { amount: { value: 123456, currency: 'INR' }, reference: 'INV-77', description: 'Design <work> & "review"', expiresAt: new Date(Date.now() + 86_400_000) },
      SECRET,
    );
    const data = (await (await fetch(`${proxy.url}/v1/intents/${token}`)).json()) as { invoice: { amount: unknown }; link: LinkView | null };
    assert.deepEqual(data.invoice.amount, { value: 123456, currency: 'INR' });
    assert.equal(data.link, null);

    let page = await fetch(`${proxy.url}/pay/${token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    let html = await page.text();
    assert.match(html, /Design &#60;work&#62; &#38; &#34;review&#34;/);
    assert.match(html, /₹1,234.56/);
    assert.match(html, /Not paid yet/);
    assert.match(html, new RegExp(`intent="${token}"`));

    const minted = (await (await postJson(`${proxy.url}/v1/links`, { intent: token })).json()) as LinkView;
    rzp.setStatus([...rzp.links.keys()][0]!, 'paid', 123456);
    await proxy.proxy.links.refresh(minted.id);
    html = await (await fetch(`${proxy.url}/pay/${token}`)).text();
    assert.match(html, /class="paid">Paid/);
    const after = (await (await fetch(`${proxy.url}/v1/intents/${token}`)).json()) as { link: LinkView };
    assert.equal(after.link.id, minted.id);
    assert.equal(after.link.status, 'paid');

    page = await fetch(`${proxy.url}/pay/${invoice('INV-OLD', SECRET, -5)}`);
    assert.equal(page.status, 410);
    assert.match(await page.text(), /expired/);
    page = await fetch(`${proxy.url}/pay/pli1.forgedforgedforged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(page.status, 404);
    assert.equal((await fetch(`${proxy.url}/v1/intents/nope`)).status, 404);
  });
});

describe('line items on intents', () => {
  const NOW = Date.parse('2026-11-20T10:00:00Z');
  const items = [
    { name: 'Tea tasting for 12', quantity: 1, amount: 1020000 },
    { name: 'Tea flight: oolong & snacks', quantity: 4, amount: 57500 },
  ];
  const intent: Intent = {
    amount: { value: 1250000, currency: 'INR' },
    reference: 'INV-2026-0042',
    description: 'Tea tasting for 12',
    lineItems: items,
    expiresAt: new Date(NOW + 86_400_000),
  };
  /** A token for any payload, signed as the proxy would: what a merchant with the secret but not our code makes. */
  const signRaw = (payload: unknown) => {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `pli1.${body}.${hmacSha256(SECRET, `pli1.${body}`, 'base64url')}`;
  };
  const fieldsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof Problem, String(err));
      assert.equal(err.status, 400);
      assert.equal(err.code, 'invalid_request');
      return err.errors!.map((e) => e.field);
    }
    assert.fail('no problem thrown');
  };

  it('round-trip in the token as compact [name, quantity, amount] tuples', () => {
    const token = signIntent(intent, SECRET);
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.deepEqual(payload.l, [
      ['Tea tasting for 12', 1, 1020000],
      ['Tea flight: oolong & snacks', 4, 57500],
    ]);
    assert.deepEqual(verifyIntent(token, [SECRET], NOW).lineItems, items);
    // No items: no key, and none read back.
    const plain = signIntent({ ...intent, lineItems: undefined }, SECRET);
    assert.equal('l' in JSON.parse(Buffer.from(plain.split('.')[1]!, 'base64url').toString()), false);
    assert.equal('lineItems' in verifyIntent(plain, [SECRET], NOW), false);
  });

  it('refuses items that do not add up to the amount, when signing and when verifying', () => {
    assert.throws(() => signIntent({ ...intent, amount: { value: 1250001, currency: 'INR' } }, SECRET), /add up to 12500\.00 INR, not the amount 12500\.01 INR/);
    // Signed with the right secret by other code: still not an intent the proxy mints.
    const payload = { a: 1250001, c: 'INR', r: 'INV-1', d: 'x', l: [['Tea', 1, 1250000]], e: Math.floor(NOW / 1000) + 3600 };
    assert.throws(() => verifyIntent(signRaw(payload), [SECRET], NOW), (err: unknown) => err instanceof Problem && err.code === 'intent_invalid');
    assert.equal(verifyIntent(signRaw({ ...payload, a: 1250000 }), [SECRET], NOW).lineItems?.[0]?.amount, 1250000);
  });

  it('buildIntent converts decimal strings per currency and names each field at fault', () => {
    const request = {
      amount: '12500.00',
      currency: 'INR',
      reference: 'INV-2026-0042',
      description: 'Tea tasting for 12',
      expiresIn: '1d',
      lineItems: [
        { name: 'Tea tasting for 12', quantity: 1, amount: '10200.00' },
        { name: 'Tea flight: oolong & snacks', quantity: 4, amount: '575' },
      ],
    };
    assert.deepEqual(buildIntent(request, NOW), intent);
    assert.deepEqual(buildIntent({ ...request, amount: '5000', currency: 'JPY', lineItems: [{ name: 'Sencha', quantity: 2, amount: '2500' }] }, NOW).lineItems, [
      { name: 'Sencha', quantity: 2, amount: 2500 },
    ]);
    // Without an amount (the CLI's --item alone), the items add up to it.
    assert.deepEqual(buildIntent({ ...request, amount: undefined }, NOW).amount, { value: 1250000, currency: 'INR' });

    const line = (over: object) => ({ ...request, lineItems: [{ name: 'Tea', quantity: 1, amount: '12500.00', ...over }] });
    const cases: [object, string[]][] = [
      [{ ...request, amount: '12500.01' }, ['lineItems']],
      [line({ amount: '12500.001' }), ['lineItems.0.amount']],
      [line({ amount: '0' }), ['lineItems.0.amount']],
      [line({ quantity: 0 }), ['lineItems.0.quantity']],
      [line({ quantity: 1001, amount: '12.50' }), ['lineItems.0.quantity']],
      [line({ quantity: 2.5, amount: '5000.00' }), ['lineItems.0.quantity']],
      [line({ name: '' }), ['lineItems.0.name']],
      [line({ name: 'x'.repeat(121) }), ['lineItems.0.name']],
      [{ ...request, lineItems: Array.from({ length: 21 }, () => ({ name: 'Cup', quantity: 1, amount: '1.00' })), amount: '21.00' }, ['lineItems']],
      [{ ...request, lineItems: [] }, ['lineItems']],
      [{ ...request, amount: 'lots', expiresIn: 'soon' }, ['amount', 'expiresIn']],
      [{ ...request, amount: undefined, lineItems: undefined }, ['amount']],
    ];
    for (const [body, fields] of cases) {
      assert.deepEqual(fieldsOf(() => buildIntent(body as typeof request, NOW)), fields, JSON.stringify(body));
    }
    // The edges are allowed.
    const most = Array.from({ length: 20 }, (_, i) => ({ name: 'x'.repeat(120), quantity: 1000, amount: String(i + 1) }));
    assert.equal(buildIntent({ ...request, amount: String(1000 * 210), lineItems: most }, NOW).lineItems?.length, 20);
  });

  it('pay-link intent takes repeatable --item name:quantity:amount, checked by the same builder', () => {
    const env = { PAY_LINK_INTENT_SECRET: SECRET, PAY_LINK_PUBLIC_URL: 'https://pay.example.com' };
    const base = ['--reference', 'INV-2026-0042', '--description', 'Tea tasting for 12', '--expires-in', '1d'];
    const items = ['--item', 'Tea tasting for 12:1:10200.00', '--item', 'Tea flight: oolong & snacks:4:575.00'];
    const signed = JSON.parse(runIntent([...base, ...items, '--amount', '12500.00', '--json'], env, NOW)) as { token: string };
    assert.deepEqual(verifyIntent(signed.token, [SECRET], NOW), intent);
    // Without --amount the items add up to it.
    const [token] = runIntent([...base, ...items], env, NOW).split('\n');
    assert.deepEqual(verifyIntent(token!, [SECRET], NOW), intent);

    const usage = (pattern: RegExp) => (err: unknown) => err instanceof CliError && err.exitCode === 2 && pattern.test(err.message);
    const cases: [string[], RegExp][] = [
      [[...items, '--amount', '12000.00'], /^--item: the items add up to 12500\.00 INR, not the amount 12000\.00 INR$/],
      [['--item', 'Tea tasting 1 10200.00'], /--item: expected "name:quantity:amount"/],
      [['--item', ':1:10.00'], /--item: expected "name:quantity:amount"/],
      [['--item', 'Tea:1:10.001'], /^--item 1 \(amount\): a positive decimal amount in INR/],
      [['--item', 'Tea:1:10.00', '--item', 'Cake:0:10.00'], /^--item 2 \(quantity\): /],
      [['--amount', 'ten'], /^--amount: a positive decimal amount in INR such as "1500\.00", got "ten"$/],
    ];
    for (const [args, pattern] of cases) assert.throws(() => runIntent([...base, ...args], env, NOW), usage(pattern), args.join(' '));
  });
});

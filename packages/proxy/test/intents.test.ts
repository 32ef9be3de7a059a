import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { LinkView } from '../src/contract.ts';
import { signIntent, verifyIntent } from '../src/links/intent.ts';
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

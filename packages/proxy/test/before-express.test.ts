import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, createMockServer, postJson, razorpayHandlers, razorpayWebhook, signRazorpay, startTestProxy, testConfig } from './helpers.ts';

// The plain paths are served ahead of Express (sse/before-express.ts); the same paths spelled in capitals still go
// through Express to the same routes. Both must answer alike, header for header.
const msw = createMockServer();
let proxy: RunningProxy;
let limited: RunningProxy;
before(async () => {
  msw.use(...razorpayHandlers().handlers);
  proxy = await startTestProxy();
  limited = await startTestProxy(testConfig({ PAY_LINK_RATE_READ_PER_MINUTE: '1' }));
});
after(async () => {
  await proxy.close();
  await limited.close();
  msw.close();
});

async function answer(url: string, headers: Record<string, string>) {
  const stream = new AbortController();
  const res = await fetch(url, { headers, signal: stream.signal });
  const event = res.headers.get('content-type')?.startsWith('text/event-stream');
  const body = event ? '' : await res.text();
  stream.abort();
  const kept = [...res.headers].filter(([name]) => name !== 'date');
  return { status: res.status, headers: Object.fromEntries(kept), body };
}

async function assertAlike(base: string, path: string, headers: Record<string, string>) {
  const plain = await answer(`${base}${path}`, headers);
  const routed = await answer(`${base}${path.replace('/v1/links', '/V1/LINKS').replace('/events', '/EVENTS')}`, headers);
  assert.deepEqual(plain, routed, path);
  return plain;
}

describe('status reads and event streams served ahead of Express', () => {
  it('answer as the Express routes do: 200, 304, 404, a stream, for an allowed origin and another', async () => {
    const view = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    for (const origin of [SHOP_ORIGIN, 'https://elsewhere.test']) {
      const read = await assertAlike(proxy.url, `/v1/links/${view.id}`, { origin });
      assert.equal(read.status, 200);
      const etag = read.headers.etag!;
      assert.equal((await assertAlike(proxy.url, `/v1/links/${view.id}`, { origin, 'if-none-match': etag })).status, 304);
      assert.equal((await assertAlike(proxy.url, '/v1/links/pl_CCCCCCCCCCCCCCCCCCCCCC', { origin })).status, 404);
      assert.equal((await assertAlike(proxy.url, '/v1/links/pl_CCCCCCCCCCCCCCCCCCCCCC/events', { origin })).status, 404);
      assert.equal((await assertAlike(proxy.url, `/v1/links/${view.id}/events`, { origin })).status, 200);
    }
  });

  it('answer a spent read limit as Express does', async () => {
    const view = (await (await postJson(`${limited.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    while ((await fetch(`${limited.url}/v1/links/${view.id}`)).status === 200);
    const refused = await assertAlike(limited.url, `/v1/links/${view.id}`, { origin: SHOP_ORIGIN });
    assert.equal(refused.status, 429);
    assert.equal((await assertAlike(limited.url, `/v1/links/${view.id}/events`, { origin: SHOP_ORIGIN })).status, 429);
  });

  it('answer provider webhooks as the Express route does: applied, duplicate, unknown provider, bad signature, spent failures', async () => {
    const strict = await startTestProxy(testConfig({ PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '2' }));
    try {
      const rzp = razorpayHandlers();
      msw.use(...rzp.handlers);
      const post = async (path: string, body: string, headers: Record<string, string>) => {
        const res = await fetch(`${strict.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        const kept = [...res.headers].filter(([name]) => name !== 'date');
        return { status: res.status, headers: Object.fromEntries(kept), body: await res.text() };
      };
      // The plain path is served ahead of Express, the capitals through it; both must answer alike.
      const alike = async (provider: string, body: string, headers: Record<string, string>) => {
        const plain = await post(`/v1/webhooks/${provider}`, body, headers);
        const routed = await post(`/V1/WEBHOOKS/${provider}`, body, headers);
        assert.deepEqual(routed, plain, `${provider}: ${plain.status}`);
        return plain;
      };
      const minted = async () => {
        const view = (await (await postJson(`${strict.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
        return { view, providerLink: [...rzp.links.values()].at(-1)! };
      };
      // Applied on one path, then a duplicate on the other, and the other way round: each answer alike.
      for (const [first, second] of [['/v1/webhooks/razorpay', '/V1/WEBHOOKS/razorpay'], ['/V1/WEBHOOKS/razorpay', '/v1/webhooks/razorpay']] as const) {
        const { view, providerLink } = await minted();
        const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
        const headers = { 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': `evt_${view.id}` };
        const applied = await post(first, body, headers);
        assert.equal(applied.status, 200);
        assert.equal(JSON.parse(applied.body).outcome, 'applied');
        assert.equal(((await (await fetch(`${strict.url}/v1/links/${view.id}`)).json()) as LinkView).status, 'paid');
        const duplicate = await post(second, body, headers);
        assert.equal(JSON.parse(duplicate.body).outcome, 'duplicate');
        assert.deepEqual(Object.keys(duplicate.headers).sort(), Object.keys(applied.headers).sort());
      }
      const body = razorpayWebhook('payment_link.paid', { id: 'plink_nobody', status: 'paid', amount: 100, amount_paid: 100 });
      assert.equal((await alike('nosuchprovider', body, { 'x-razorpay-signature': signRazorpay(body) })).status, 404);
      // Two failures spend the bucket (one each way), then both ways answer 429 before reading a body.
      assert.equal((await alike('razorpay', body, { 'x-razorpay-signature': signRazorpay(body, 'not_the_secret_at_all') })).status, 401);
      const spent = await alike('razorpay', body, { 'x-razorpay-signature': signRazorpay(body) });
      assert.equal(spent.status, 429);
      assert.ok(spent.headers['retry-after']);
    } finally {
      await strict.close();
    }
  });
});

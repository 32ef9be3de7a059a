import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

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
});

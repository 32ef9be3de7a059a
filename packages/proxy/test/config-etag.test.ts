/**
 * `GET /v1/config` revalidates: an entity tag, and 304 for a matching If-None-Match, so the widget's one read per
 * page (config-cache.ts) is, past the minute of `max-age`, a bodiless 304 rather than the catalog again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, startTestProxy } from './helpers.ts';

let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy();
});
after(() => proxy.close());

describe('GET /v1/config, conditional', () => {
  it('answers the config with a strong ETag, then 304 with no body for it (also weak, also in a list)', async () => {
    const res = await fetch(`${proxy.url}/v1/config`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]{16}"$/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { products: { id: string; amount: { value: number } }[] };
    assert.deepEqual(body.products.find((p) => p.id === 'tea')?.amount, { value: 49900, currency: 'INR' });
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);

    for (const header of [etag!, `W/${etag}`, `"other", ${etag}`]) {
      const again = await fetch(`${proxy.url}/v1/config`, { headers: { origin: SHOP_ORIGIN, 'if-none-match': header } });
      assert.equal(again.status, 304, header);
      assert.equal(await again.text(), '');
      assert.equal(again.headers.get('etag'), etag);
    }
    const changed = await fetch(`${proxy.url}/v1/config`, { headers: { 'if-none-match': '"something-else"' } });
    assert.equal(changed.status, 200);
    assert.deepEqual(await changed.json(), body);
  });
});

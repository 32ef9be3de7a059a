import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy } from './helpers.ts';

const msw = createMockServer();
let proxy: RunningProxy;
let link: LinkView;

before(async () => {
  proxy = await startTestProxy();
  msw.use(...razorpayHandlers().handlers);
  link = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
});
after(async () => {
  await proxy.close();
  msw.close();
});

const read = (headers: Record<string, string> = {}, method = 'GET') => fetch(`${proxy.url}/v1/links/${link.id}`, { method, headers });

describe('GET /v1/links/:id with If-None-Match', () => {
  it('answers 304 to the current tag however it is written (RFC 9110 §13.1.2)', async () => {
    for (const tag of ['"0"', 'W/"0"', '"7", "0"', ' "7" ,W/"0" ', '*']) {
      const res = await read({ 'if-none-match': tag });
      assert.equal(res.status, 304, tag);
      assert.equal(await res.text(), '');
      assert.equal(res.headers.get('etag'), '"0"');
      assert.equal(res.headers.get('retry-after'), '2');
    }
  });

  it('answers the view as JSON to another tag, and to none', async () => {
    for (const headers of [{ 'if-none-match': '"1"' }, { 'if-none-match': '"00"' }, {}] as Record<string, string>[]) {
      const res = await read(headers);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      const body = await res.text();
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(body)));
      assert.deepEqual(JSON.parse(body), link);
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await read({}, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), '"0"');
    assert.equal(await res.text(), '');
  });
});

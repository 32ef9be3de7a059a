import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy } from './helpers.ts';

const msw = createMockServer();
const razorpay = razorpayHandlers();
let proxy: RunningProxy;
let link: LinkView;
/** The link's current entity tag, as the mint answered it: `"<seq>.<digest of the view>"`. */
let tag: string;

before(async () => {
  proxy = await startTestProxy();
  msw.use(...razorpay.handlers);
  const minted = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
  tag = minted.headers.get('etag')!;
  link = (await minted.json()) as LinkView;
});
after(async () => {
  await proxy.close();
  msw.close();
});

const read = (headers: Record<string, string> = {}, method = 'GET') => fetch(`${proxy.url}/v1/links/${link.id}`, { method, headers });

describe('GET /v1/links/:id with If-None-Match', () => {
  it('answers 304 to the current tag however it is written (RFC 9110 §13.1.2)', async () => {
    assert.match(tag, /^"0\.[A-Za-z0-9_-]{16}"$/);
    for (const header of [tag, `W/${tag}`, `"7", ${tag}`, ` "7" ,W/${tag} `, '*']) {
      const res = await read({ 'if-none-match': header });
      assert.equal(res.status, 304, header);
      assert.equal(await res.text(), '');
      assert.equal(res.headers.get('etag'), tag);
      assert.equal(res.headers.get('retry-after'), '2');
    }
  });

  it('answers the view as JSON to another tag, and to none', async () => {
    // The seq alone is not the tag any more: it stood for a body that could change under it (an extended expiry).
    for (const headers of [{ 'if-none-match': '"1"' }, { 'if-none-match': '"0"' }, { 'if-none-match': `"0${tag.slice(1)}` }, {}] as Record<string, string>[]) {
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
    assert.equal(res.headers.get('etag'), tag);
    assert.equal(await res.text(), '');
  });

  it('changes the tag when the expiry moves though the status does not (an extended link)', async () => {
    const [providerLink] = [...razorpay.links.values()];
    const later = Math.floor(Date.now() / 1000) + 7 * 86_400;
    providerLink!.expire_by = later;
    const extended = await proxy.proxy.links.refresh(link.id);
    assert.equal(extended?.seq, link.seq, 'the same seq: no status changed');
    const res = await read({ 'if-none-match': tag });
    assert.equal(res.status, 200, 'a 304 would stand for the old expiry');
    assert.notEqual(res.headers.get('etag'), tag);
    assert.equal(((await res.json()) as LinkView).expiresAt, new Date(later * 1000).toISOString());
    const again = await read({ 'if-none-match': res.headers.get('etag')! });
    assert.equal(again.status, 304);
  });
});

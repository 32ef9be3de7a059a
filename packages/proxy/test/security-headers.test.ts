import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { LinkView } from '../src/contract.ts';
import { addSecurityHeaders } from '../src/security-headers.ts';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, createMockServer, postJson, razorpayHandlers, startTestProxy } from './helpers.ts';

const HELMET = ['content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy', 'x-frame-options', 'strict-transport-security'];

const msw = createMockServer();
let proxy: RunningProxy;

before(async () => {
  proxy = await startTestProxy();
  msw.use(...razorpayHandlers().handlers);
});
after(async () => {
  await proxy.close();
  msw.close();
});

describe('security headers', () => {
  it('go on a status read, a problem, a preflight and an event stream', async () => {
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const stream = new AbortController();
    const responses = [
      await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { origin: SHOP_ORIGIN } }),
      await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA`),
      await fetch(`${proxy.url}/v1/links`, { method: 'OPTIONS', headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' } }),
      await fetch(`${proxy.url}/v1/links/${minted.id}/events`, { signal: stream.signal }),
    ];
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 404, 204, 200],
    );
    for (const res of responses) {
      for (const name of HELMET) assert.ok(res.headers.get(name), `${res.url} ${res.status} lacks ${name}`);
      // Exactly the API's policy, with none of helmet's defaults (script-src, upgrade-insecure-requests …) merged in.
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none';frame-ancestors 'none';base-uri 'none'");
      assert.equal(res.headers.get('x-powered-by'), null);
    }
    stream.abort();
  });

  it('leave a 304 to what RFC 9110 §15.4.5 asks of it, plus CORS for the widget', async () => {
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const first = await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { origin: SHOP_ORIGIN } });
    const res = await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { origin: SHOP_ORIGIN, 'if-none-match': first.headers.get('etag')! } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get('etag'), first.headers.get('etag'));
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('vary'), 'Origin');
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(res.headers.get('access-control-expose-headers')!, /ETag/);
    for (const name of HELMET) assert.equal(res.headers.get(name), null, `a 304 carries ${name}`);
  });

  it("let a route's own value win", async () => {
    const app = express();
    addSecurityHeaders(app, { crossOriginResourcePolicy: { policy: 'same-site' } });
    app.get('/bundle.js', (_req, res) => void res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin').type('js').send(''));
    app.get('/page', (_req, res) => void res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      assert.equal((await fetch(`${base}/bundle.js`)).headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal((await fetch(`${base}/page`)).headers.get('cross-origin-resource-policy'), 'same-site');
    } finally {
      server.close();
    }
  });

  it('refuse options that vary per request', () => {
    const nonce = () => "'nonce-abc'";
    assert.throws(() => addSecurityHeaders(express(), { contentSecurityPolicy: { directives: { scriptSrc: [nonce] } } }), /vary per request/);
  });
});

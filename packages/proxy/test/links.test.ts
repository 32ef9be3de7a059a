import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay } from 'msw';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import {
  RAZORPAY_BASE,
  SECRETS,
  SHOP_ORIGIN,
  createMockServer,
  postJson,
  razorpayHandlers,
  startTestProxy,
} from './helpers.ts';

const msw = createMockServer();
let rzp: ReturnType<typeof razorpayHandlers>;
let proxy: RunningProxy;

before(async () => {
  proxy = await startTestProxy();
});
after(async () => {
  await proxy.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

function useRazorpay() {
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  return rzp;
}

async function problem(res: Response) {
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  return (await res.json()) as { status: number; code: string; detail?: string; errors?: { field: string }[]; title: string };
}

describe('POST /v1/links', () => {
  it('mints a link for a catalog product at the catalog price, with the provider called as documented', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea', quantity: 2, returnUrl: `${SHOP_ORIGIN}/thanks?x=1` });
    assert.equal(res.status, 201);
    const link = (await res.json()) as LinkView;
    assert.match(link.id, /^pl_[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(link.amount, { value: 99800, currency: 'INR' });
    assert.equal(link.status, 'pending');
    assert.equal(link.seq, 0);
    assert.equal(link.provider, 'razorpay');
    assert.match(link.url, /^https:\/\/rzp\.test\/i\//);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);

    assert.equal(rzp.calls.length, 1);
    const call = rzp.calls[0]!;
    assert.equal(call.auth, `Basic ${Buffer.from(`rzp_test_abc123:${SECRETS.keySecret}`).toString('base64')}`);
    const body = call.body as Record<string, unknown>;
    assert.equal(body.amount, 99800);
    assert.equal(body.currency, 'INR');
    assert.equal(body.reference_id, link.id);
    assert.equal(body.description, 'Masala chai tin × 2');
    assert.equal(body.callback_method, 'get');
    // The provider returns the buyer through the proxy's /return page, which forwards to the shop's page.
    const callback = new URL(String(body.callback_url));
    assert.equal(callback.href.split('?')[0], 'http://proxy.test/return');
    const to = new URL(callback.searchParams.get('to')!);
    assert.equal(to.origin, SHOP_ORIGIN);
    assert.equal(to.searchParams.get('x'), '1');
    assert.equal(to.searchParams.get('pay_link_id'), link.id);
    const expireBy = Number(body.expire_by) * 1000;
    assert.ok(expireBy > Date.now() + 15 * 60_000, 'expire_by at least 15 minutes ahead (Razorpay refuses less)');
  });

  it('refuses a malformed body with 400 problem+json naming the field', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea', quantity: 0 });
    assert.equal(res.status, 400);
    const body = await problem(res);
    assert.equal(body.code, 'invalid_request');
    assert.deepEqual(body.errors?.map((e) => e.field), ['quantity']);
    assert.equal(rzp.calls.length, 0);
  });

  it('refuses a price sent by the browser', async () => {
    useRazorpay();
    for (const body of [
      { product: 'tea', amount: 1 },
      { product: 'tea', price: 1 },
      { product: 'tea', currency: 'USD' },
      { amount: 1, currency: 'INR' },
      { amount: 500001, currency: 'INR' },
      { amount: 5000, currency: 'USD' },
    ]) {
      const res = await postJson(`${proxy.url}/v1/links`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      await problem(res);
    }
    assert.equal(rzp.calls.length, 0);
  });

  it('takes an open amount inside the configured range', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { amount: 25000, currency: 'INR' });
    assert.equal(res.status, 201);
    assert.deepEqual(((await res.json()) as LinkView).amount, { value: 25000, currency: 'INR' });
  });

  it('answers 404 problem+json for an unknown product', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'unicorn' });
    assert.equal(res.status, 404);
    assert.equal((await problem(res)).code, 'unknown_product');
  });

  it('answers 400 for invalid JSON, 415 for another media type, 413 for a huge body', async () => {
    const bad = await postJson(`${proxy.url}/v1/links`, '{"product": ');
    assert.equal(bad.status, 400);
    assert.equal((await problem(bad)).code, 'invalid_json');

    const form = await fetch(`${proxy.url}/v1/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SHOP_ORIGIN },
      body: 'product=tea',
    });
    assert.equal(form.status, 415);
    assert.equal((await problem(form)).code, 'unsupported_media_type');

    const huge = await postJson(`${proxy.url}/v1/links`, { product: 'tea', pad: 'x'.repeat(40_000) });
    assert.equal(huge.status, 413);
    assert.equal((await problem(huge)).code, 'payload_too_large');
  });

  it('refuses to mint for a page on an origin that is not allowed, and a return URL elsewhere', async () => {
    useRazorpay();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { origin: 'https://evil.test' });
    assert.equal(res.status, 403);
    assert.equal((await problem(res)).code, 'origin_not_allowed');
    assert.equal(res.headers.get('access-control-allow-origin'), null);

    const away = await postJson(`${proxy.url}/v1/links`, { product: 'tea', returnUrl: 'https://evil.test/phish' });
    assert.equal(away.status, 400);
    assert.equal((await problem(away)).code, 'return_url_not_allowed');
    assert.equal(rzp.calls.length, 0);
  });

  it('answers a CORS preflight for allowed origins only', async () => {
    const ok = await fetch(`${proxy.url}/v1/links`, {
      method: 'OPTIONS',
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    const no = await fetch(`${proxy.url}/v1/links`, { method: 'OPTIONS', headers: { origin: 'https://evil.test' } });
    assert.equal(no.headers.get('access-control-allow-origin'), null);
  });

  it('maps provider failures to stable problems without leaking the provider body', async () => {
    const cases: [Parameters<typeof http.post>[1], number, string][] = [
      [() => HttpResponse.json({ error: { code: 'SERVER_ERROR', description: 'db shard 7 down' } }, { status: 503 }), 502, 'provider_unavailable'],
      [() => HttpResponse.error(), 502, 'provider_unavailable'],
      [() => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'Authentication failed' } }, { status: 401 }), 502, 'provider_auth_failed'],
      [() => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'Too many requests' } }, { status: 429 }), 503, 'rate_limited'],
      [() => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'secret internal field xyz' } }, { status: 400 }), 422, 'provider_rejected'],
      [() => new HttpResponse('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }), 502, 'provider_bad_response'],
      [() => HttpResponse.json({ id: 'plink_1', status: 'weird' }), 502, 'provider_bad_response'],
      [async () => { await delay(2_000); return HttpResponse.json({}); }, 504, 'provider_timeout'],
    ];
    for (const [resolver, status, code] of cases) {
      msw.resetHandlers();
      let lookups = 0;
      msw.use(
        http.post(`${RAZORPAY_BASE}/v1/payment_links`, resolver),
        http.get(`${RAZORPAY_BASE}/v1/payment_links`, () => {
          lookups += 1;
          return HttpResponse.json({ count: 0, payment_links: [] });
        }),
      );
      const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
      assert.equal(res.status, status, code);
      // A create that may have made the link (5xx, network, timeout, a refusal) is followed by a lookup of its
      // reference (decision 0008); one refused for our credentials or our rate, or answered with junk, is not.
      const mayHaveCreated = ['provider_unavailable', 'provider_rejected', 'provider_timeout'].includes(code);
      assert.equal(lookups, mayHaveCreated ? 1 : 0, `${code}: lookups`);
      const text = await res.text();
      const body = JSON.parse(text) as { code: string };
      assert.equal(body.code, code);
      for (const leak of ['db shard', 'secret internal', '<html>', 'SERVER_ERROR', 'stack', SECRETS.keySecret]) {
        assert.ok(!text.includes(leak), `${code} leaked ${leak}`);
      }
    }
  });
});

describe('GET /return', () => {
  it('closes a script-opened window, else forwards to an allowed page only', async () => {
    const ok = await fetch(`${proxy.url}/return?to=${encodeURIComponent(`${SHOP_ORIGIN}/thanks?pay_link_id=pl_x`)}`);
    assert.equal(ok.status, 200);
    const html = await ok.text();
    assert.match(html, /data-to="http:\/\/shop\.test\/thanks\?pay_link_id=pl_x"/);
    assert.match(ok.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    const evil = await (await fetch(`${proxy.url}/return?to=${encodeURIComponent('https://evil.test/')}`)).text();
    assert.doesNotMatch(evil, /evil/);
    const script = await (await fetch(`${proxy.url}/return.js`)).text();
    assert.match(script, /window\.close\(\)/);
  });
});

describe('Idempotency-Key', () => {
  it('replays the same link for the same key and body, and refuses the key with another body', async () => {
    useRazorpay();
    const key = crypto.randomUUID();
    const first = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': key });
    assert.equal(first.status, 201);
    const a = (await first.json()) as LinkView;
    const again = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': key });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(((await again.json()) as LinkView).id, a.id);
    // The same purchase from a page with other query parameters is still the same purchase.
    const moved = await postJson(`${proxy.url}/v1/links`, { product: 'tea', returnUrl: `${SHOP_ORIGIN}/?pay_link_id=x` }, { 'idempotency-key': key });
    assert.equal(moved.status, 200);
    const other = await postJson(`${proxy.url}/v1/links`, { product: 'book' }, { 'idempotency-key': key });
    assert.equal(other.status, 422);
    assert.equal((await problem(other)).code, 'idempotency_key_reused');
    assert.equal(rzp.calls.length, 1);
  });

  it('answers a concurrent duplicate with 409 and Retry-After, and mints one provider link for fifty racing requests', async () => {
    rzp = razorpayHandlers();
    // The provider takes a while, so most of the fifty arrive while the first is still in flight.
    msw.use(http.post(`${RAZORPAY_BASE}/v1/payment_links`, async () => { await delay(250); }), ...rzp.handlers);
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': key })),
    );
    const statuses = answers.map((r) => r.status);
    // One mints; the rest arrive while it is in flight (409) or after it finished (a 200 replay of the same link).
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409 || s === 200).length, 49);
    assert.ok(statuses.includes(409));
    const ids = new Set(await Promise.all(answers.filter((r) => r.status !== 409).map(async (r) => ((await r.json()) as LinkView).id)));
    assert.equal(ids.size, 1);
    const conflict = answers.find((r) => r.status === 409)!;
    assert.equal(conflict.headers.get('retry-after'), '1');
    assert.equal((await problem(conflict)).code, 'idempotency_in_flight');
    assert.equal(rzp.links.size, 1);
  });

  it('frees the key when the provider failed, so a retry can mint', async () => {
    useRazorpay();
    msw.use(http.post(`${RAZORPAY_BASE}/v1/payment_links`, () => HttpResponse.error(), { once: true }));
    const key = crypto.randomUUID();
    const failed = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': key });
    assert.equal(failed.status, 502);
    const retried = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': key });
    assert.equal(retried.status, 201);
  });
});

describe('GET /v1/links/:id', () => {
  it('answers the status with an ETag, 304 when unchanged, and a poll hint', async () => {
    useRazorpay();
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const res = await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    const etag = res.headers.get('etag');
    assert.match(etag!, /^"0\.[A-Za-z0-9_-]{16}"$/);
    const view = (await res.json()) as LinkView;
    assert.equal(view.status, 'pending');
    assert.ok(view.pollAfterMs >= 1000);
    assert.equal(res.headers.get('access-control-expose-headers')?.includes('ETag'), true);
    const again = await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304);
  });

  it('answers 404 problem+json for unknown and malformed ids', async () => {
    for (const id of ['pl_AAAAAAAAAAAAAAAAAAAAAA', 'nope', '..%2f..%2fetc']) {
      const res = await fetch(`${proxy.url}/v1/links/${id}`);
      assert.equal(res.status, 404);
      assert.equal((await problem(res)).code, 'not_found');
    }
  });
});

describe('operator routes', () => {
  it('serves health, readiness and Prometheus metrics', async () => {
    assert.equal((await fetch(`${proxy.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${proxy.url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.match(metrics, /paylink_mints_total\{provider="razorpay",outcome="created"\} \d+/);
  });

  it('answers unknown routes with a 404 problem, not HTML', async () => {
    const res = await fetch(`${proxy.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal((await problem(res)).code, 'not_found');
  });
});

/**
 * `GET /v1/links/:id/qr.svg`: an SVG QR code of the link's checkout URL while it is payable, problems otherwise,
 * treated like the status read (CORS allowlist, read limit). The decoding itself is proven in e2e/qr.e2e.ts (a
 * browser renders the SVG, an independent decoder reads it); here: the QR library was given exactly the URL.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import QRCode from 'qrcode';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, createMockServer, eventually, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const msw = createMockServer();
let rzp: ReturnType<typeof razorpayHandlers>;
let proxy: RunningProxy;
let limited: RunningProxy;

before(async () => {
  // staleAfterMs 0: every read asks the (mock) provider, so a status set there shows at once
  proxy = await startTestProxy(testConfig(), { staleAfterMs: 0 });
  limited = await startTestProxy(testConfig({ PAY_LINK_RATE_READ_PER_MINUTE: '60' }));
});
after(async () => {
  await proxy.close();
  await limited.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

async function mint(base = proxy.url): Promise<LinkView> {
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  const res = await postJson(`${base}/v1/links`, { product: 'tea' });
  assert.equal(res.status, 201);
  return (await res.json()) as LinkView;
}

const qr = (id: string, headers: Record<string, string> = { origin: SHOP_ORIGIN }, base = proxy.url) => fetch(`${base}/v1/links/${id}/qr.svg`, { headers });

/** Reads the link until the proxy has taken in the status set at the (mock) provider (reads refresh in the background). */
async function until(id: string, status: string) {
  await eventually(async () => {
    const view = (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
    assert.equal(view.status, status);
  });
}

async function problem(res: Response) {
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  return (await res.json()) as { status: number; code: string };
}

describe('GET /v1/links/:id/qr.svg', () => {
  it('answers an SVG QR code of exactly the checkout URL, cacheable privately, loadable by an <img> on another site', async () => {
    const link = await mint();
    const res = await qr(link.id);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=300');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    // The API's strict CSP still applies: an SVG opened on its own runs nothing
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const svg = await res.text();
    assert.match(svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    // The same drawing as the library makes of the URL, and a different one from any other URL: the URL is what it encodes
    const expected = await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
    assert.equal(svg, expected);
    const other = await QRCode.toString(`${link.url}x`, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    assert.notEqual(svg, other);
    assert.doesNotMatch(svg, /<script/i);
  });

  it('gives a page on an origin not allowed no CORS header, like the status read', async () => {
    const link = await mint();
    const res = await qr(link.id, { origin: 'https://evil.test' });
    await res.arrayBuffer();
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('answers 404 not_found for an unknown id and for anything that is not a link id', async () => {
    for (const id of ['pl_AAAAAAAAAAAAAAAAAAAAAA', 'not-a-link', '..%2Fconfig']) {
      const res = await qr(id);
      assert.equal(res.status, 404, id);
      assert.equal((await problem(res)).code, 'not_found');
    }
  });

  it('answers 409 link_closed once paid, and 410 link_closed once expired or cancelled', async () => {
    const paid = await mint();
    const provider = [...rzp.links.keys()].at(-1)!;
    rzp.setStatus(provider, 'paid', 49900);
    await until(paid.id, 'paid');
    const res = await qr(paid.id);
    assert.equal(res.status, 409);
    assert.equal((await problem(res)).code, 'link_closed');
    assert.equal(res.headers.get('cache-control'), 'no-store');

    for (const status of ['expired', 'cancelled']) {
      const link = await mint();
      rzp.setStatus([...rzp.links.keys()].at(-1)!, status);
      await until(link.id, status);
      const gone = await qr(link.id);
      assert.equal(gone.status, 410, status);
      assert.equal((await problem(gone)).code, 'link_closed');
    }
  });

  it('spends the status reads’ limit: over it, 429 rate_limited with Retry-After', async () => {
    const link = await mint(limited.url);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await qr(link.id, { origin: SHOP_ORIGIN }, limited.url);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else await res.arrayBuffer();
      if (refused) break;
    }
    assert.ok(refused, `a burst of QR reads is limited: ${statuses}`);
    assert.equal(statuses[0], 200);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await problem(refused)).code, 'rate_limited');
    // One bucket with the status read: it is spent for that too
    const read = await fetch(`${limited.url}/v1/links/${link.id}`, { headers: { origin: SHOP_ORIGIN } });
    await read.arrayBuffer();
    assert.equal(read.status, 429);
  });
});

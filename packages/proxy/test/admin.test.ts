import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { CliError, runIntent, runLinks } from '../src/cli.ts';
import { ConfigError, loadAdminClientConfig } from '../src/config.ts';
import type { LinkView } from '../src/contract.ts';
import type { ProviderAdapter, ProviderLinkState } from '../src/providers/types.ts';
import type { AdminLinkView, SignedIntent } from '../src/contract.ts';
import { verifyIntent } from '../src/links/intent.ts';
import type { RunningProxy } from '../src/server.ts';
import type { LinkRecord } from '../src/store/types.ts';
import { RAZORPAY_BASE, SHOP_ORIGIN, captureLogs, createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const TOKEN = 'admin_token_0123456789abcdef0123456789ab';
const ROTATED = 'admin_token_previous_0123456789abcdef012';
const WRONG = 'admin_token_0123456789abcdef0123456789ac';
const INTENT_SECRET = 'intent_secret_0123456789abcdef0123456789';

const msw = createMockServer();
const logs = captureLogs();
/** Every response body any test read, to prove no token ever appears in one. */
const bodies: string[] = [];
let proxy: RunningProxy;
let rzp: ReturnType<typeof razorpayHandlers>;

before(async () => {
  proxy = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: `${TOKEN},${ROTATED}`, PAY_LINK_INTENT_SECRET: INTENT_SECRET }), {
    logger: logs.logger,
  });
});
after(async () => {
  await proxy.close();
  msw.close();
});
beforeEach(() => {
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers, ...razorpayAdminHandlers(rzp));
});
afterEach(() => msw.resetHandlers());

/** Cancel, edit (expiry) and notify_by on top of the helpers' in-memory Razorpay payment links. */
function razorpayAdminHandlers(api: ReturnType<typeof razorpayHandlers>) {
  const base = `${RAZORPAY_BASE}/v1/payment_links`;
  const unknown = () => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' } }, { status: 400 });
  return [
    http.post(`${base}/:id/cancel`, ({ params, request }) => {
      api.calls.push({ method: 'POST', path: `/v1/payment_links/${params.id}/cancel`, auth: request.headers.get('authorization'), body: null });
      const link = api.links.get(String(params.id));
      if (!link) return unknown();
      if (link.status !== 'created' && link.status !== 'partially_paid') {
        return HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: `Cannot cancel a ${link.status} payment link` } }, { status: 400 });
      }
      link.status = 'cancelled';
      link.cancelled_at = Math.floor(Date.now() / 1000);
      return HttpResponse.json(link);
    }),
    http.patch(`${base}/:id`, async ({ params, request }) => {
      const body = (await request.json()) as { expire_by: number };
      api.calls.push({ method: 'PATCH', path: `/v1/payment_links/${params.id}`, auth: request.headers.get('authorization'), body });
      const link = api.links.get(String(params.id));
      if (!link) return unknown();
      link.expire_by = body.expire_by;
      return HttpResponse.json(link);
    }),
    http.post(`${base}/:id/notify_by/:medium`, ({ params, request }) => {
      api.calls.push({ method: 'POST', path: `/v1/payment_links/${params.id}/notify_by/${params.medium}`, auth: request.headers.get('authorization'), body: null });
      if (!api.links.has(String(params.id))) return unknown();
      return HttpResponse.json({ success: true });
    }),
  ];
}

interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

async function admin(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string>; base?: string } = {},
) {
  const { method = init.body === undefined ? 'GET' : 'POST', body, token = TOKEN, headers = {}, base = proxy.url } = init;
  const res = await fetch(`${base}/v1/admin${path}`, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  bodies.push(text);
  return { res, status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
}

async function mint(body: Record<string, unknown> = { product: 'tea' }, base = proxy.url): Promise<LinkView> {
  const res = await postJson(`${base}/v1/links`, body);
  assert.equal(res.status, 201);
  return (await res.json()) as LinkView;
}

function providerIdOf(record: { id: string }): string {
  return [...rzp.links.values()].find((l) => l.reference_id === record.id)!.id as string;
}

async function markPaid(link: LinkView): Promise<void> {
  rzp.setStatus(providerIdOf(link), 'paid', link.amount.value);
  await proxy.proxy.links.refresh(link.id);
}

/** An adapter that can mint, read and cancel, and nothing else. */
function minimalAdapter(): ProviderAdapter {
  let n = 0;
  const state = (providerLinkId: string, status: ProviderLinkState['status'] = 'pending'): ProviderLinkState => ({
    providerLinkId,
    url: `https://pay.stub.test/${providerLinkId}`,
    status,
    amountPaid: 0,
    expiresAt: null,
    paidAt: null,
    providerStatus: status,
  });
  return {
    name: 'razorpay',
    capabilities: { cancel: true, extendExpiry: false, notify: false, findByReference: false, uniqueReference: false },
    async create() {
      n += 1;
      return state(`stub_${n}`);
    },
    async retrieve(id) {
      return state(id);
    },
    async cancel(id) {
      return state(id, 'cancelled');
    },
    verifyWebhook: () => ({ ok: false, reason: 'bad_signature' }),
    parseWebhook() {
      throw new Error('not used');
    },
  };
}

describe('admin API: access', () => {
  it('is off without PAY_LINK_ADMIN_TOKEN, and says so', async () => {
    const plain = await startTestProxy();
    try {
      const { status, json, res } = await admin('/links', { base: plain.url });
      assert.equal(status, 404);
      assert.equal(json.code, 'not_found');
      assert.match(json.detail, /admin API is disabled.*PAY_LINK_ADMIN_TOKEN/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    } finally {
      await plain.close();
    }
  });

  it('answers 401 with WWW-Authenticate for a missing, wrong or non-bearer token', async () => {
    const missing = await admin('/links', { token: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.json.code, 'unauthorized');
    assert.equal(missing.res.headers.get('www-authenticate'), 'Bearer realm="pay-link admin"');
    assert.equal(missing.res.headers.get('content-type'), 'application/problem+json; charset=utf-8');

    for (const token of [WRONG, TOKEN.slice(0, -1), `${TOKEN}x`, '']) {
      const wrong = await admin('/links', { token });
      assert.equal(wrong.status, 401, token);
      assert.equal(wrong.json.code, 'unauthorized');
    }
    const wrong = await admin('/links', { token: WRONG });
    assert.match(wrong.res.headers.get('www-authenticate')!, /^Bearer .*error="invalid_token"/);

    const basic = await admin('/links', { token: null, headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    assert.equal(basic.status, 401);
    // The refusal happens before anything else: no provider was called, no link touched.
    const cancel = await admin('/links/pl_AAAAAAAAAAAAAAAAAAAAAA/cancel', { method: 'POST', token: WRONG });
    assert.equal(cancel.status, 401);
    assert.equal(rzp.calls.length, 0);
  });

  it('takes the current token and a second one kept during rotation, with no-store', async () => {
    for (const token of [TOKEN, ROTATED]) {
      const { status, json, res } = await admin('/links', { token });
      assert.equal(status, 200);
      assert.ok(Array.isArray(json.links));
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const lowercase = await admin('/links', { token: null, headers: { authorization: `bearer ${ROTATED}` } });
    assert.equal(lowercase.status, 200);
  });

  it('refuses browser pages: any Origin but the proxy’s own gets 403 and no CORS headers, preflight included', async () => {
    const shop = await admin('/links', { headers: { origin: SHOP_ORIGIN } });
    assert.equal(shop.status, 403);
    assert.equal(shop.json.code, 'origin_not_allowed');
    assert.equal(shop.res.headers.get('access-control-allow-origin'), null);

    const preflight = await admin('/links/pl_AAAAAAAAAAAAAAAAAAAAAA/cancel', {
      method: 'OPTIONS',
      token: null,
      headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.res.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.res.headers.get('access-control-allow-headers'), null);

    const own = await admin('/links', { headers: { origin: 'http://proxy.test' } });
    assert.equal(own.status, 200);
    assert.equal(own.res.headers.get('access-control-allow-origin'), null);
  });

  it('answers 404 for anything else under /v1/admin, without falling through to the public routes', async () => {
    const { status, json } = await admin('/nothing-here');
    assert.equal(status, 404);
    assert.equal(json.code, 'not_found');
    assert.match(json.detail, /\/v1\/admin\/nothing-here/);
  });
});

describe('GET /v1/admin/links', () => {
  it('lists links newest first with what support needs, filtered by status and provider, and limited', async () => {
    const first = await mint({ product: 'tea', quantity: 2 });
    const second = await mint({ product: 'book' });
    const third = await mint({ amount: 25000, currency: 'INR' });
    await markPaid(second);

    const all = await admin('/links?limit=500');
    assert.equal(all.status, 200);
    const ids = (all.json.links as AdminLinkView[]).map((l) => l.id);
    assert.deepEqual(
      ids.filter((id) => [first.id, second.id, third.id].includes(id)),
      [third.id, second.id, first.id],
    );
    const row = (all.json.links as AdminLinkView[]).find((l) => l.id === first.id)!;
    assert.deepEqual(row.source, { kind: 'product', product: 'tea', quantity: 2 });
    assert.equal(row.reference, first.id);
    assert.equal(row.providerLinkId, providerIdOf(first));
    assert.ok(Math.abs(Date.parse(row.createdAt) - Date.now()) < 60_000);
    assert.deepEqual(row.amount, { value: 99800, currency: 'INR' });
    assert.equal(row.url, first.url);
    assert.equal('customer' in row, false);

    const paid = await admin('/links?status=paid');
    assert.ok((paid.json.links as AdminLinkView[]).length >= 1);
    assert.ok((paid.json.links as AdminLinkView[]).every((l) => l.status === 'paid'));
    assert.ok((paid.json.links as AdminLinkView[]).some((l) => l.id === second.id));

    const pending = await admin('/links?status=pending&provider=razorpay');
    assert.ok((pending.json.links as AdminLinkView[]).some((l) => l.id === third.id));
    assert.ok(!(pending.json.links as AdminLinkView[]).some((l) => l.id === second.id));

    const xendit = await admin('/links?provider=xendit');
    assert.deepEqual(xendit.json.links, []);

    const newest = await admin('/links?limit=1');
    assert.deepEqual((newest.json.links as AdminLinkView[]).map((l) => l.id), [third.id]);
  });

  it('pages through every link once with nextCursor, and filters by creation time', async () => {
    const minted = [await mint({ product: 'tea' }), await mint({ product: 'book' }), await mint({ product: 'tea', quantity: 3 })];
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await admin(`/links?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...(res.json.links as AdminLinkView[]).map((l) => l.id));
      cursor = res.json.nextCursor as string | undefined;
      if (!cursor) break;
    }
    assert.equal(new Set(seen).size, seen.length, 'no link twice');
    for (const link of minted) assert.ok(seen.includes(link.id));
    const future = await admin(`/links?from=${new Date(Date.now() + 60_000).toISOString()}`);
    assert.deepEqual(future.json.links, []);
    const past = await admin(`/links?to=${new Date(Date.now() - 86_400_000).toISOString()}`);
    assert.deepEqual(past.json.links, []);
  });

  it('refuses bad filters with a 400 naming each parameter', async () => {
    const bad = await admin('/links?status=done&provider=stripe&limit=0');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'invalid_request');
    assert.deepEqual(bad.json.errors.map((e: { field: string }) => e.field).sort(), ['limit', 'provider', 'status']);
    const typo = await admin('/links?stauts=paid');
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.json.errors.map((e: { field: string }) => e.field), ['stauts']);
  });
});

describe('POST /v1/admin/links/:id/cancel', () => {
  it('cancels at the provider, bumps seq, and tells subscribers and SSE watchers', async () => {
    const link = await mint();
    const seen: LinkRecord[] = [];
    const unsubscribe = proxy.proxy.links.subscribe(link.id, (record) => seen.push(record));
    const stream = await fetch(`${proxy.url}/v1/links/${link.id}/events`);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let sse = '';
    while (!sse.includes('"status":"pending"')) sse += (await reader.read()).value ?? '';

    const { status, json } = await admin(`/links/${link.id}/cancel`, { method: 'POST' });
    assert.equal(status, 200);
    assert.equal(json.status, 'cancelled');
    assert.ok(json.seq > link.seq);
    assert.equal(json.providerLinkId, providerIdOf(link));
    assert.deepEqual(
      rzp.calls.filter((c) => c.path.endsWith('/cancel')).map((c) => c.path),
      [`/v1/payment_links/${providerIdOf(link)}/cancel`],
    );

    assert.deepEqual(seen.map((r) => [r.status, r.seq]), [['cancelled', json.seq]]);
    unsubscribe();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) sse += chunk.value;
    assert.match(sse, new RegExp(`id: ${json.seq}\nevent: status\ndata: \\{[^\n]*"status":"cancelled"`));

    const read = await fetch(`${proxy.url}/v1/links/${link.id}`);
    assert.equal(((await read.json()) as LinkView).status, 'cancelled');

    // Again: the same answer, and the provider is not asked twice.
    const again = await admin(`/links/${link.id}/cancel`, { method: 'POST' });
    assert.equal(again.status, 200);
    assert.equal(again.json.seq, json.seq);
    assert.equal(rzp.calls.filter((c) => c.path.endsWith('/cancel')).length, 1);
  });

  it('refuses to cancel a paid link with 409, without asking the provider', async () => {
    const link = await mint();
    await markPaid(link);
    const { status, json } = await admin(`/links/${link.id}/cancel`, { method: 'POST' });
    assert.equal(status, 409);
    assert.equal(json.code, 'link_not_cancellable');
    assert.match(json.detail, /refund/);
    assert.equal(rzp.calls.filter((c) => c.path.endsWith('/cancel')).length, 0);
  });

  it('answers 409 when the buyer paid just before the cancel reached the provider, and records the payment', async () => {
    const link = await mint();
    rzp.setStatus(providerIdOf(link), 'paid', link.amount.value);
    const { status, json } = await admin(`/links/${link.id}/cancel`, { method: 'POST' });
    assert.equal(status, 409);
    assert.equal(json.code, 'link_not_cancellable');
    const read = await fetch(`${proxy.url}/v1/links/${link.id}`);
    assert.equal(((await read.json()) as LinkView).status, 'paid');
  });

  it('passes a provider refusal on as its problem', async () => {
    const link = await mint();
    msw.use(
      http.post(`${RAZORPAY_BASE}/v1/payment_links/:id/cancel`, () =>
        HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'secret internal text' } }, { status: 400 }),
      ),
    );
    const { status, json } = await admin(`/links/${link.id}/cancel`, { method: 'POST' });
    assert.equal(status, 422);
    assert.equal(json.code, 'provider_rejected');
    assert.doesNotMatch(JSON.stringify(json), /secret internal text/);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    assert.equal((await admin('/links/pl_AAAAAAAAAAAAAAAAAAAAAA/cancel', { method: 'POST' })).status, 404);
    assert.equal((await admin('/links/nope/cancel', { method: 'POST' })).status, 404);
  });
});

describe('POST /v1/admin/links/:id/extend and /notify', () => {
  it('extends a Razorpay link’s expiry at the provider', async () => {
    const link = await mint();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000);
    expiresAt.setUTCMilliseconds(0);
    const { status, json } = await admin(`/links/${link.id}/extend`, { body: { expiresAt: expiresAt.toISOString() } });
    assert.equal(status, 200);
    assert.equal(json.expiresAt, expiresAt.toISOString());
    const patch = rzp.calls.find((c) => c.method === 'PATCH')!;
    assert.equal(patch.path, `/v1/payment_links/${providerIdOf(link)}`);
    assert.deepEqual(patch.body, { expire_by: expiresAt.getTime() / 1000 });
    const read = await fetch(`${proxy.url}/v1/links/${link.id}`);
    assert.equal(((await read.json()) as LinkView).expiresAt, expiresAt.toISOString());
  });

  it('asks Razorpay to send the link again by email or sms', async () => {
    const link = await mint();
    for (const channel of ['email', 'sms']) {
      const { status, json } = await admin(`/links/${link.id}/notify`, { body: { channel } });
      assert.equal(status, 200);
      assert.equal(json.channel, channel);
      assert.equal(json.link.id, link.id);
    }
    assert.deepEqual(
      rzp.calls.filter((c) => c.path.includes('/notify_by/')).map((c) => c.path),
      ['email', 'sms'].map((c) => `/v1/payment_links/${providerIdOf(link)}/notify_by/${c}`),
    );
  });

  it('validates bodies with a 400 naming the field, and wants JSON', async () => {
    const link = await mint();
    const cases: [string, unknown, string[]][] = [
      ['extend', { expiresAt: new Date(Date.now() - 60_000).toISOString() }, ['expiresAt']],
      ['extend', { expiresAt: 'next tuesday' }, ['expiresAt']],
      ['extend', {}, ['expiresAt']],
      ['extend', { expiresAt: new Date(Date.now() + 86_400_000).toISOString(), force: true }, ['force']],
      ['notify', { channel: 'fax' }, ['channel']],
      ['notify', [], ['(body)']],
    ];
    for (const [action, body, fields] of cases) {
      const { status, json } = await admin(`/links/${link.id}/${action}`, { body });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(json.code, 'invalid_request');
      assert.deepEqual(json.errors.map((e: { field: string }) => e.field), fields, JSON.stringify(body));
    }
    const form = await admin(`/links/${link.id}/notify`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    assert.equal(form.status, 415);
    assert.equal(rzp.calls.filter((c) => c.method === 'PATCH' || c.path.includes('/notify_by/')).length, 0);
  });

  it('refuses to extend or resend a closed link with 409', async () => {
    const link = await mint();
    await markPaid(link);
    const extend = await admin(`/links/${link.id}/extend`, { body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() } });
    assert.equal(extend.status, 409);
    assert.equal(extend.json.code, 'link_closed');
    const notify = await admin(`/links/${link.id}/notify`, { body: { channel: 'email' } });
    assert.equal(notify.status, 409);
    assert.equal(notify.json.code, 'link_closed');
  });

  it('answers 501 naming the provider where the adapter cannot extend or notify', async () => {
    const stub = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: TOKEN }), { adapters: { razorpay: minimalAdapter() } });
    try {
      const link = await mint({ product: 'tea' }, stub.url);
      const extend = await admin(`/links/${link.id}/extend`, {
        base: stub.url,
        body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      });
      assert.equal(extend.status, 501);
      assert.equal(extend.json.code, 'not_implemented');
      assert.match(extend.json.detail, /razorpay cannot extend/);
      const notify = await admin(`/links/${link.id}/notify`, { base: stub.url, body: { channel: 'sms' } });
      assert.equal(notify.status, 501);
      assert.match(notify.json.detail, /razorpay cannot send/);
      // Cancel it can.
      const cancel = await admin(`/links/${link.id}/cancel`, { base: stub.url, method: 'POST' });
      assert.equal(cancel.status, 200);
      assert.equal(cancel.json.status, 'cancelled');
      // And with no intent secret there is nothing to sign with.
      const intent = await admin('/intents', {
        base: stub.url,
        body: { amount: '10.00', currency: 'INR', reference: 'INV-1', description: 'Invoice INV-1' },
      });
      assert.equal(intent.status, 400);
      assert.equal(intent.json.code, 'intents_not_configured');
    } finally {
      await stub.close();
    }
  });
});

describe('POST /v1/admin/intents', () => {
  it('signs an intent whose token mints at the signed amount', async () => {
    const { status, json } = await admin('/intents', {
      body: { amount: '1500.00', currency: 'INR', reference: 'INV-2026-042', description: 'Invoice INV-2026-042', expiresIn: '7d' },
    });
    assert.equal(status, 201);
    const signed = json as SignedIntent;
    assert.equal(signed.payUrl, `http://proxy.test/pay/${signed.token}`);
    assert.ok(Math.abs(Date.parse(signed.expiresAt) - (Date.now() + 7 * 86_400_000)) < 60_000);

    const link = await mint({ intent: signed.token });
    assert.deepEqual(link.amount, { value: 150000, currency: 'INR' });
    assert.equal(link.description, 'Invoice INV-2026-042');
    const create = rzp.calls.find((c) => c.method === 'POST' && c.path === '/v1/payment_links')!;
    assert.equal((create.body as { amount: number }).amount, 150000);
    const listed = await admin('/links?limit=1');
    assert.deepEqual(listed.json.links[0].source, { kind: 'intent', reference: 'INV-2026-042', attempt: 1 });
  });

  it('refuses bad bodies with a 400 naming the fields', async () => {
    const cases: [unknown, string[]][] = [
      [{ currency: 'inr', description: 'x', amount: '1' }, ['currency', 'reference']],
      [{ amount: '1.005', currency: 'INR', reference: 'INV-1', description: 'x', expiresIn: 'soon' }, ['amount', 'expiresIn']],
      [{ amount: '0', currency: 'INR', reference: 'INV-1', description: 'x' }, ['amount']],
      [{ amount: 1500, currency: 'INR', reference: 'INV-1', description: 'x' }, ['amount']],
      [{ amount: '10.00', currency: 'INR', reference: 'INV 1 with spaces', description: 'x' }, ['reference']],
      [{ amount: '10.00', currency: 'INR', reference: 'INV-1', description: 'x', customer: { email: 'nope' } }, ['customer.email']],
    ];
    for (const [body, fields] of cases) {
      const { status, json } = await admin('/intents', { body });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(json.code, 'invalid_request');
      assert.deepEqual(json.errors.map((e: { field: string }) => e.field), fields, JSON.stringify(body));
    }
  });
});

describe('POST /v1/admin/intents with line items', () => {
  const body = {
    amount: '12500.00',
    currency: 'INR',
    reference: 'INV-2026-0042',
    description: 'Tea tasting for 12',
    lineItems: [
      { name: 'Tea tasting for 12', quantity: 1, amount: '10200.00' },
      { name: 'Tea flight & snacks', quantity: 4, amount: '575.00' },
    ],
  };

  it('signs them in minor units, and the token carries them to the intent lookup', async () => {
    const { status, json } = await admin('/intents', { body });
    assert.equal(status, 201);
    const intent = verifyIntent((json as SignedIntent).token, [INTENT_SECRET], Date.now());
    assert.deepEqual(intent.lineItems, [
      { name: 'Tea tasting for 12', quantity: 1, amount: 1020000 },
      { name: 'Tea flight & snacks', quantity: 4, amount: 57500 },
    ]);
    assert.deepEqual(intent.amount, { value: 1250000, currency: 'INR' });
    const link = await mint({ intent: (json as SignedIntent).token });
    assert.deepEqual(link.amount, { value: 1250000, currency: 'INR' });
  });

  it('refuses items that do not add up, or are not items, with a 400 naming lineItems', async () => {
    const cases: [unknown, string[]][] = [
      [{ ...body, amount: '12000.00' }, ['lineItems']],
      [{ ...body, lineItems: [{ name: 'Tea', quantity: 1, amount: 12500 }] }, ['lineItems.0.amount']],
      [{ ...body, lineItems: [{ name: 'Tea', quantity: 1, amount: '12500.001' }] }, ['lineItems.0.amount']],
      [{ ...body, lineItems: [{ name: 'Tea', quantity: 1001, amount: '12.50' }] }, ['lineItems.0.quantity']],
      [{ ...body, lineItems: [{ name: 'Tea', quantity: 1, amount: '12500.00', sku: 'T-1' }] }, ['lineItems.0.sku']],
      [{ ...body, lineItems: Array.from({ length: 21 }, () => ({ name: 'Cup', quantity: 1, amount: '1.00' })) }, ['lineItems']],
    ];
    for (const [request, fields] of cases) {
      const { status, json } = await admin('/intents', { body: request });
      assert.equal(status, 400, JSON.stringify(request));
      assert.equal(json.code, 'invalid_request');
      assert.deepEqual(json.errors.map((e: { field: string }) => e.field), fields, JSON.stringify(request));
    }
  });
});

describe('POST /v1/admin/intents and pay-link intent: one builder', () => {
  const cliEnv = { PAY_LINK_INTENT_SECRET: INTENT_SECRET, PAY_LINK_PUBLIC_URL: 'http://proxy.test' };
  const fields = { amount: '12500.00', currency: 'INR', reference: 'INV-2026-0042', description: 'Tea tasting for 12', expiresIn: '7d' };
  const flags = ['--amount', '12500.00', '--currency', 'inr', '--reference', 'INV-2026-0042', '--description', 'Tea tasting for 12', '--expires-in', '7d'];
  const signedBoth = async (body: object, args: string[]) => {
    const api = await admin('/intents', { body: { ...fields, ...body } });
    assert.equal(api.status, 201, JSON.stringify(api.json));
    const cli = JSON.parse(runIntent([...flags, ...args, '--json'], cliEnv)) as SignedIntent;
    return [verifyIntent((api.json as SignedIntent).token, [INTENT_SECRET], Date.now()), verifyIntent(cli.token, [INTENT_SECRET], Date.now())];
  };
  const sameButExpiry = ([api, cli]: ReturnType<typeof verifyIntent>[]) => {
    assert.deepEqual({ ...cli, expiresAt: null }, { ...api, expiresAt: null });
    assert.ok(Math.abs(cli!.expiresAt.getTime() - api!.expiresAt.getTime()) < 60_000);
  };

  it('signs the same intent from the same fields: customer, line items, currency case', async () => {
    sameButExpiry(await signedBoth({}, []));
    sameButExpiry(
      await signedBoth(
        {
          customer: { name: 'Asha Rao', email: 'asha@example.com', contact: '+91 98000 00000' },
          lineItems: [
            { name: 'Tea tasting for 12', quantity: 1, amount: '10200.00' },
            { name: 'Tea flight: oolong & snacks', quantity: 4, amount: '575' },
          ],
        },
        ['--name', 'Asha Rao', '--email', 'asha@example.com', '--contact', '+91 98000 00000', '--item', 'Tea tasting for 12:1:10200.00', '--item', 'Tea flight: oolong & snacks:4:575'],
      ),
    );
  });

  it('refuses the same mistakes, naming the field (API) or the flag (CLI)', async () => {
    const cases: [object, string[], string[], RegExp][] = [
      [{ lineItems: [{ name: 'Tea', quantity: 1, amount: '12000.00' }] }, ['--item', 'Tea:1:12000.00'], ['lineItems'], /^--item: the items add up to 12000\.00 INR, not the amount 12500\.00 INR$/],
      [{ lineItems: [{ name: 'Tea', quantity: 1, amount: '12500.001' }] }, ['--item', 'Tea:1:12500.001'], ['lineItems.0.amount'], /^--item 1 \(amount\): a positive decimal amount in INR/],
      [{ lineItems: [{ name: 'Tea', quantity: 1001, amount: '12.50' }] }, ['--item', 'Tea:1001:12.50'], ['lineItems.0.quantity'], /^--item 1 \(quantity\): /],
      [{ reference: 'INV 1 with spaces' }, ['--reference', 'INV 1 with spaces'], ['reference'], /^--reference: a reference of 1 to 40/],
      [{ expiresIn: 'soon' }, ['--expires-in', 'soon'], ['expiresIn'], /^--expires-in: a duration such as 30m, 12h or 30d, got "soon"$/],
      [{ customer: { email: 'nope' } }, ['--email', 'nope'], ['customer.email'], /^--email: /],
    ];
    for (const [body, args, apiFields, cliMessage] of cases) {
      const { status, json } = await admin('/intents', { body: { ...fields, ...body } });
      assert.equal(status, 400, JSON.stringify(body));
      assert.deepEqual(json.errors.map((e: { field: string }) => e.field), apiFields, JSON.stringify(body));
      assert.throws(() => runIntent([...flags, ...args], cliEnv), (err: unknown) => err instanceof CliError && err.exitCode === 2 && cliMessage.test(err.message), args.join(' '));
    }
  });
});

describe('pay-link links (CLI)', () => {
  const env = () => ({ PAY_LINK_ADMIN_URL: proxy.url, PAY_LINK_ADMIN_TOKEN: TOKEN });

  it('lists links as a table or JSON, with filters', async () => {
    const link = await mint({ product: 'book' });
    const table = await runLinks(['list', '--status', 'pending', '--provider', 'razorpay'], { env: env() });
    const [header, ...rows] = table.split('\n');
    assert.match(header!, /^ID\s+STATUS\s+AMOUNT\s+PAID\s+PROVIDER\s+FOR\s+EXPIRES\s+CREATED$/);
    assert.match(rows[0]!, new RegExp(`^${link.id}\\s+pending\\s+INR 1200\\.00\\s+0\\.00\\s+razorpay\\s+product book\\s+\\d{4}-`));

    const json = JSON.parse(await runLinks(['list', '--limit', '1', '--json'], { env: env() })) as AdminLinkView[];
    assert.deepEqual(json.map((l) => l.id), [link.id]);
    assert.equal(await runLinks(['list', '--provider', 'xendit'], { env: env() }), 'No links.');
  });

  it('cancels a link, and prints a refusal as title: detail (code)', async () => {
    const link = await mint();
    const out = await runLinks(['cancel', link.id], { env: env() });
    assert.match(out, new RegExp(`^Cancelled ${link.id}\\.\\n`));
    assert.match(out, /cancelled/);
    assert.equal(rzp.links.get(providerIdOf(link))!.status, 'cancelled');

    const paid = await mint();
    await markPaid(paid);
    await assert.rejects(runLinks(['cancel', paid.id], { env: env() }), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, 'This payment link cannot be cancelled: This link is paid; refund the payment in the razorpay dashboard instead (link_not_cancellable)');
      return true;
    });
    await assert.rejects(runLinks(['list'], { env: { ...env(), PAY_LINK_ADMIN_TOKEN: WRONG } }), /A valid admin token is required: The admin token is not valid \(unauthorized\)/);
  });

  it('extends and notifies through the admin API', async () => {
    const link = await mint();
    const now = Date.now();
    const out = await runLinks(['extend', link.id, '--expires-in', '7d', '--json'], { env: env(), now });
    assert.equal(Date.parse((JSON.parse(out) as AdminLinkView).expiresAt!), Math.floor((now + 7 * 86_400_000) / 1000) * 1000);
    assert.equal(
      await runLinks(['notify', link.id, '--channel', 'email'], { env: env() }),
      `Asked razorpay to send ${link.id} to its customer by email.`,
    );
  });

  it('refuses bad usage with exit code 2, and an unreachable proxy with 1', async () => {
    for (const args of [['frobnicate'], ['cancel'], ['notify', 'pl_x', '--channel', 'fax'], ['extend', 'pl_x', '--expires-in', 'soon'], ['list', '--channel', 'sms']]) {
      await assert.rejects(runLinks(args, { env: env() }), (err: unknown) => err instanceof CliError && err.exitCode === 2, args.join(' '));
    }
    await assert.rejects(runLinks(['list'], { env: { ...env(), PAY_LINK_ADMIN_URL: 'http://127.0.0.1:9' } }), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /cannot reach the proxy at http:\/\/127\.0\.0\.1:9/);
      return true;
    });
  });

  it('finds the admin API at PAY_LINK_ADMIN_URL, else PAY_LINK_PUBLIC_URL, else localhost:4000, and needs a token', () => {
    const token = { PAY_LINK_ADMIN_TOKEN: `${TOKEN},${ROTATED}` };
    assert.equal(loadAdminClientConfig({ ...token, PAY_LINK_ADMIN_URL: 'http://10.0.0.5:4000/', PAY_LINK_PUBLIC_URL: 'https://pay.example.com' }).url, 'http://10.0.0.5:4000');
    assert.equal(loadAdminClientConfig({ ...token, PAY_LINK_PUBLIC_URL: 'https://pay.example.com' }).url, 'https://pay.example.com');
    assert.equal(loadAdminClientConfig(token).url, 'http://localhost:4000');
    assert.equal(loadAdminClientConfig(token).token.reveal(), TOKEN);
    assert.throws(() => loadAdminClientConfig({}), /PAY_LINK_ADMIN_TOKEN: required/);
  });
});

describe('admin secrets', () => {
  it('refuses a short token at start without echoing it', () => {
    const short = 'short-admin-token-abc';
    assert.throws(
      () => testConfig({ PAY_LINK_ADMIN_TOKEN: short }),
      (err: unknown) => err instanceof ConfigError && /^PAY_LINK_ADMIN_TOKEN: expected at least 32 characters/.test(err.message) && !err.message.includes(short),
    );
  });

  it('logs every admin action with its outcome, and never a token in a log line or a response', () => {
    const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const actions = lines.filter((l) => l.msg === 'admin action' || l.msg === 'admin action failed');
    assert.ok(actions.some((l) => l.action === 'cancel' && typeof l.linkId === 'string' && l.outcome === 'ok'));
    assert.ok(actions.some((l) => l.action === 'cancel' && l.outcome === 'link_not_cancellable'));
    assert.ok(actions.some((l) => l.action === 'extend' && l.outcome === 'ok'));
    assert.ok(actions.some((l) => l.action === 'notify' && l.outcome === 'ok'));
    assert.ok(actions.some((l) => l.action === 'sign_intent' && l.reference === 'INV-2026-042' && l.outcome === 'ok'));
    assert.ok(actions.some((l) => l.action === 'list' && l.outcome === 'invalid_request'));
    assert.ok(lines.some((l) => l.msg === 'admin request refused' && l.outcome === 'unauthorized'));
    assert.ok(lines.some((l) => l.msg === 'admin request refused' && l.outcome === 'origin_not_allowed'));

    assert.ok(bodies.length > 20);
    for (const secret of [TOKEN, ROTATED, WRONG, INTENT_SECRET]) {
      assert.ok(!logs.lines.some((line) => line.includes(secret)), 'a log line holds a secret');
      assert.ok(!bodies.some((body) => body.includes(secret)), 'a response holds a secret');
    }
  });
});

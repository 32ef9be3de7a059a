import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { SHOP_ORIGIN, captureLogs, createMockServer, postJson, razorpayHandlers, razorpayWebhook, signRazorpay, startTestProxy, takeSseEvents, testConfig } from './helpers.ts';

const msw = createMockServer();
let proxy: RunningProxy;
let rzp: ReturnType<typeof razorpayHandlers>;
before(async () => {
  proxy = await startTestProxy();
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
});
after(async () => {
  await proxy.close();
  msw.close();
});

/** Reads an SSE response into parsed events until the stream ends or `stop` says so. */
async function readEvents(res: Response, stop: (events: { id?: string; event?: string; data?: string; retry?: string }[]) => boolean = () => false) {
  const events: { id?: string; event?: string; data?: string; retry?: string }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const taken = takeSseEvents(buffer);
    buffer = taken.rest;
    events.push(...taken.events);
    if (stop(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

async function mint() {
  const view = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
  const providerLink = rzp.links.get([...rzp.links.keys()].at(-1)!)!;
  return { view, providerLink };
}

async function pay(providerLink: Record<string, unknown>, eventId: string) {
  const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
  const res = await fetch(`${proxy.url}/v1/webhooks/razorpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': eventId },
    body,
  });
  assert.equal(res.status, 200);
}

describe('GET /v1/links/:id/events', () => {
  it('sends the current state, then each change with id: seq, and ends after a terminal status', async () => {
    const { view, providerLink } = await mint();
    const res = await fetch(`${proxy.url}/v1/links/${view.id}/events`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    const reading = readEvents(res);
    await new Promise((r) => setTimeout(r, 100));
    await pay(providerLink, `evt_sse_${view.id}`);
    const events = await reading; // ends by itself after paid
    assert.equal(events[0]?.retry, '3000');
    const statuses = events.filter((e) => e.event === 'status');
    assert.deepEqual(statuses.map((e) => e.id), ['0', '6']);
    assert.deepEqual(statuses.map((e) => (JSON.parse(e.data!) as LinkView).status), ['pending', 'paid']);
  });

  it('resumes from Last-Event-ID without repeating what the client has', async () => {
    const { view, providerLink } = await mint();
    const res = await fetch(`${proxy.url}/v1/links/${view.id}/events`, { headers: { 'last-event-id': '0' } });
    const reading = readEvents(res);
    await new Promise((r) => setTimeout(r, 100));
    await pay(providerLink, `evt_sse2_${view.id}`);
    const statuses = (await reading).filter((e) => e.event === 'status');
    assert.deepEqual(statuses.map((e) => e.id), ['6']);
  });

  it('answers a finished link with its state and ends at once; unknown ids get a 404 problem', async () => {
    const { view, providerLink } = await mint();
    await pay(providerLink, `evt_sse3_${view.id}`);
    const events = await readEvents(await fetch(`${proxy.url}/v1/links/${view.id}/events`));
    assert.deepEqual(events.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data!).status), ['paid']);
    const missing = await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA/events`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('answers CORS exactly as a status read does, for an allowed origin and another', async () => {
    const { view } = await mint();
    for (const origin of [SHOP_ORIGIN, 'https://elsewhere.test']) {
      const stream = new AbortController();
      const res = await fetch(`${proxy.url}/v1/links/${view.id}/events`, { headers: { origin }, signal: stream.signal });
      const read = await fetch(`${proxy.url}/v1/links/${view.id}`, { headers: { origin } });
      for (const name of ['vary', 'access-control-allow-origin', 'access-control-expose-headers']) {
        assert.equal(res.headers.get(name), read.headers.get(name), `${origin}: ${name}`);
      }
      assert.equal(res.headers.get('vary'), 'Origin');
      assert.equal(res.headers.get('access-control-allow-origin'), origin === SHOP_ORIGIN ? SHOP_ORIGIN : null);
      stream.abort();
    }
  });

  it('answers an unknown link with a 404 problem that a merchant page can read', async () => {
    const res = await fetch(`${proxy.url}/v1/links/pl_BBBBBBBBBBBBBBBBBBBBBB/events`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    assert.ok(res.headers.get('content-security-policy'), 'security headers on the problem');
    assert.equal(((await res.json()) as { code: string }).code, 'not_found');
  });

  it('streams the path however it is spelled, as the Express route matched it', async () => {
    const { view, providerLink } = await mint();
    const res = await fetch(`${proxy.url}/V1/Links/${view.id}/EVENTS/`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
    const reading = readEvents(res);
    await new Promise((r) => setTimeout(r, 100));
    await pay(providerLink, `evt_sse_case_${view.id}`);
    assert.deepEqual((await reading).filter((e) => e.event === 'status').map((e) => e.id), ['0', '6']);
  });

  it('spends the read limit that status reads spend, and answers 429 with Retry-After when it is gone', async () => {
    const limited = await startTestProxy(testConfig({ PAY_LINK_RATE_READ_PER_MINUTE: '1' }));
    try {
      msw.use(...rzp.handlers);
      const view = (await (await postJson(`${limited.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
      let reads = 0;
      while ((await fetch(`${limited.url}/v1/links/${view.id}`)).status === 200) reads += 1;
      assert.equal(reads, 20, 'the burst, spent by status reads');
      const res = await fetch(`${limited.url}/v1/links/${view.id}/events`, { headers: { origin: SHOP_ORIGIN } });
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('access-control-allow-origin'), SHOP_ORIGIN);
      assert.equal(((await res.json()) as { code: string }).code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('logs one request line per stream, when it ends', async () => {
    const logs = captureLogs();
    const logged = await startTestProxy(testConfig({ LOG_LEVEL: 'info' }), { logger: logs.logger });
    try {
      msw.use(...rzp.handlers);
      const view = (await (await postJson(`${logged.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
      const providerLink = rzp.links.get([...rzp.links.keys()].at(-1)!)!;
      const reading = readEvents(await fetch(`${logged.url}/v1/links/${view.id}/events?from=widget`));
      await new Promise((r) => setTimeout(r, 100));
      const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
      await fetch(`${logged.url}/v1/webhooks/razorpay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': `evt_log_${view.id}` },
        body,
      });
      await reading;
      await new Promise((r) => setTimeout(r, 50));
      const lines = logs.lines.map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number; method?: string });
      const streams = lines.filter((line) => line.msg === 'request' && line.path === `/v1/links/${view.id}/events`);
      assert.equal(streams.length, 1);
      assert.equal(streams[0]!.status, 200);
      assert.equal(streams[0]!.method, 'GET');
    } finally {
      await logged.close();
    }
  });

  it('counts open streams and ends them with a retry hint when the proxy drains', async () => {
    const other = await startTestProxy();
    try {
      msw.use(...rzp.handlers);
      const view = (await (await postJson(`${other.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
      const res = await fetch(`${other.url}/v1/links/${view.id}/events`);
      const reading = readEvents(res);
      await new Promise((r) => setTimeout(r, 100));
      assert.match(await (await fetch(`${other.url}/metrics`)).text(), /paylink_sse_clients 1/);
      other.proxy.drain();
      const events = await reading;
      assert.equal(events.at(-1)?.retry, '1000');
    } finally {
      await other.close();
    }
  });
});

/**
 * What a hostile run found about the proxy's edges, each fixed and held here:
 *
 * - unsigned deep or large bodies to every webhook route are refused (401) in bounded time, never a 5xx, and
 *   once an address's bucket of failed verifications is spent it is answered 429 before its body is read;
 * - request headers and bodies that trickle in are cut with a 408 problem after the request timeout, while an
 *   SSE stream (a request that is complete at once) stays open past it.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { proxyEnvForAllProviders } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { type ProxyConfig, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, createMockServer, postJson, razorpayHandlers, testConfig } from './helpers.ts';

/** Nothing listens here: no test in this file may reach a provider. */
const NOWHERE = 'http://127.0.0.1:9';
const PROVIDERS = ['razorpay', 'xendit', 'pinelabs', 'payengine', 'eximpe'] as const;

function allProviders(env: Record<string, string> = {}): ProxyConfig {
  return loadConfig(
    {
      PORT: '1',
      PAY_LINK_PUBLIC_URL: 'http://proxy.test',
      PAY_LINK_CONFIG: 'catalog.json',
      LOG_LEVEL: 'silent',
      // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
      PAY_LINK_DATABASE_URL: 'sqlite::memory:',
      ...proxyEnvForAllProviders(NOWHERE),
      ...env,
    },
    () => JSON.stringify({ products: [{ id: 'tea', name: 'Tea', price: '499.00', currency: 'INR' }], allowedOrigins: [SHOP_ORIGIN] }),
  );
}

/** Every scheme's signature headers at once, all wrong: each adapter gets as far as comparing a signature. */
const FORGED = {
  'content-type': 'application/json',
  'x-razorpay-signature': 'ab'.repeat(32),
  'x-razorpay-event-id': 'evt_forged',
  'x-callback-token': 'forged-callback-token-0123456789',
  'webhook-id': 'msg_forged',
  'webhook-timestamp': '', // filled per request: a fresh timestamp, so the signature itself is what fails
  'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}`,
  'x-pf-signature': 'cd'.repeat(32),
  'x-webhook-signature': 'ef'.repeat(32),
  'x-webhook-timestamp': '',
};
const forged = () => {
  const seconds = String(Math.floor(Date.now() / 1000));
  return { ...FORGED, 'webhook-timestamp': seconds, 'x-webhook-timestamp': seconds };
};
const DEEP = `{"event_type":"PAYMENT_SUCCESSFUL","data":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
const LARGE = JSON.stringify({ event: 'payment_link.paid', event_type: 'PAYMENT_SUCCESSFUL', data: Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`k${i}`, 'x'.repeat(40)])) });

describe('webhook routes under unsigned deep and large bodies', () => {
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startProxy({ ...allProviders({ PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '0' }), port: 0 }, { logger: createLogger('silent') });
  });
  after(() => proxy.close());

  for (const provider of PROVIDERS) {
    it(`${provider}: 401 for each, never a 5xx, in bounded time`, async () => {
      assert.ok(Buffer.byteLength(LARGE) > 200_000);
      for (const [name, body] of [['deep', DEEP], ['large', LARGE]] as const) {
        for (const headers of [{ 'content-type': 'application/json' }, forged()]) {
          const started = performance.now();
          const res = await fetch(`${proxy.url}/v1/webhooks/${provider}`, { method: 'POST', headers, body });
          const ms = performance.now() - started;
          assert.equal(res.status, 401, `${name}: ${await res.clone().text()}`);
          assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
          assert.equal(((await res.json()) as { code: string }).code, 'invalid_signature');
          // Generous for a noisy 2-core machine; the defect took a stack overflow or 35 ms of CPU per request.
          assert.ok(ms < 1_000, `${name} took ${ms.toFixed(0)} ms`);
        }
      }
    });
  }
});

describe('the bucket of failed webhook verifications', () => {
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startProxy({ ...allProviders({ PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '5' }), port: 0 }, { logger: createLogger('silent') });
  });
  after(() => proxy.close());

  it('once spent, answers 429 with Retry-After on every webhook route, and counts it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${proxy.url}/v1/webhooks/razorpay`, { method: 'POST', headers: forged(), body: LARGE });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    for (const provider of PROVIDERS) {
      const res = await fetch(`${proxy.url}/v1/webhooks/${provider}`, { method: 'POST', headers: forged(), body: DEEP });
      assert.equal(res.status, 429, provider);
      assert.equal(((await res.json()) as { code: string }).code, 'rate_limited');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    }
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    for (const provider of PROVIDERS) {
      assert.match(metrics, new RegExp(`paylink_webhook_verification_failures_total\\{provider="${provider}",reason="rate_limited"\\} 1`));
    }
  });
});

describe('slow requests', () => {
  const msw = createMockServer();
  let proxy: RunningProxy;
  before(async () => {
    msw.use(...razorpayHandlers().handlers);
    proxy = await startProxy({ ...testConfig({ PAY_LINK_REQUEST_TIMEOUT_MS: '1000' }), port: 0 }, { logger: createLogger('silent') });
  });
  after(async () => {
    await proxy.close();
    msw.close();
  });

  /** Opens a raw connection, writes `head`, then a byte of `body` every 200 ms; resolves what came back. */
  function trickle(head: string, body = ''): Promise<{ text: string; ms: number }> {
    const { port } = new URL(proxy.url);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < body.length && socket.writable) socket.write(body[i++]!);
      }, 200);
      socket.on('connect', () => socket.write(head));
      socket.on('data', (d) => (text += d));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ text, ms: performance.now() - started });
      });
      // The bound under test is 1 s; 15 s would mean the cut never came.
      setTimeout(() => socket.destroy(new Error('no answer within 15 s')), 15_000).unref();
    });
  }

  it('a body that trickles in is cut with a 408 problem', async () => {
    const body = JSON.stringify({ product: 'tea' }).padEnd(200, ' ');
    const { text, ms } = await trickle(
      `POST /v1/links HTTP/1.1\r\nHost: proxy.test\r\nOrigin: ${SHOP_ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.match(text, /content-type: application\/problem\+json/i);
    assert.match(text, /"code":"request_timeout"/);
    assert.ok(ms < 8_000, `cut after ${ms.toFixed(0)} ms`);
  });

  it('headers that trickle in are cut with a 408 problem', async () => {
    const { text } = await trickle('GET /healthz HTTP/1.1\r\nHost: proxy.test\r\n', 'X-Slow: ' + 'a'.repeat(100));
    assert.match(text, /^HTTP\/1\.1 408 /);
  });

  it('an SSE stream stays open past the request timeout', async () => {
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/v1/links/${minted.id}/events`, { signal: controller.signal, headers: { origin: SHOP_ORIGIN } });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read(); // the current state
    const outcome = await Promise.race([
      reader.read().then((r) => (r.done ? 'closed' : 'data')),
      new Promise((resolve) => setTimeout(() => resolve('open'), 2_500)),
    ]);
    assert.notEqual(outcome, 'closed', 'the stream outlived the 1 s request timeout');
    controller.abort();
  });
});

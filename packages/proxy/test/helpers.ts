/** Shared test fixtures: a config, an app on an ephemeral port, a Razorpay stand-in for msw, signing helpers. */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { type AppDeps } from '../src/app.ts';
import { type ProxyConfig, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';

export const RAZORPAY_BASE = 'https://razorpay.test';
export const SECRETS = {
  keySecret: 'test_key_secret_9f8e7d6c5b4a',
  webhookSecret: 'test_webhook_secret_1a2b3c4d',
};
export const SHOP_ORIGIN = 'http://shop.test';

export const CATALOG = {
  products: [
    { id: 'tea', name: 'Masala chai tin', price: '499.00', currency: 'INR' },
    { id: 'book', name: 'A good book', amount: 120000, currency: 'INR', description: 'Hardcover' },
  ],
  openAmounts: [{ currency: 'INR', min: '10.00', max: '5000.00' }],
  allowedOrigins: [SHOP_ORIGIN],
};

export function testConfig(env: Record<string, string> = {}): ProxyConfig {
  return loadConfig(
    {
      PORT: '1',
      HOST: '127.0.0.1',
      PAY_LINK_PUBLIC_URL: 'http://proxy.test',
      PAY_LINK_CONFIG: 'catalog.json',
      RAZORPAY_KEY_ID: 'rzp_test_abc123',
      RAZORPAY_KEY_SECRET: SECRETS.keySecret,
      RAZORPAY_WEBHOOK_SECRET: SECRETS.webhookSecret,
      RAZORPAY_BASE_URL: RAZORPAY_BASE,
      PAY_LINK_PROVIDER_TIMEOUT_MS: '500',
      LOG_LEVEL: 'silent',
      // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
      PAY_LINK_DATABASE_URL: 'sqlite::memory:',
      // Tests mint and read far faster than a buyer; test/rate-limit.test.ts sets its own limits.
      PAY_LINK_RATE_MINT_PER_MINUTE: '0',
      PAY_LINK_RATE_READ_PER_MINUTE: '0',
      PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '0',
      ...env,
    },
    () => JSON.stringify(CATALOG),
  );
}

/** Captures every log line the app writes. */
export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('trace', stream) };
}

export async function startTestProxy(config = testConfig(), deps: AppDeps = {}): Promise<RunningProxy> {
  return startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), ...deps });
}

export function signRazorpay(body: string, secret = SECRETS.webhookSecret): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** msw: never let a test reach a real host; requests to the app on loopback pass through. */
export function createMockServer() {
  const server = setupServer();
  server.listen({
    onUnhandledRequest(request, print) {
      const host = new URL(request.url).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return;
      print.error();
    },
  });
  return server;
}

/** A small in-memory Razorpay payment-links API for msw, enough for route tests; the simulator does the rest. */
/** Razorpay's link ids are unique across an account, so across every mock in one test process too. */
let razorpayLinkCount = 0;

export function razorpayHandlers() {
  const links = new Map<string, Record<string, unknown>>();
  const calls: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  const handlers = [
    http.post(`${RAZORPAY_BASE}/v1/payment_links`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      calls.push({ method: 'POST', path: '/v1/payment_links', auth: request.headers.get('authorization'), body });
      if (body.reference_id !== undefined && [...links.values()].some((l) => l.reference_id === body.reference_id)) {
        const description = 'payment link creation with reference ID already attempted';
        return HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description, field: 'reference_id' } }, { status: 400 });
      }
      razorpayLinkCount += 1;
      const id = `plink_test${String(razorpayLinkCount).padStart(10, '0')}`;
      const link = {
        id,
        short_url: `https://rzp.test/i/${id}`,
        status: 'created',
        amount: body.amount,
        amount_paid: 0,
        currency: body.currency,
        reference_id: body.reference_id,
        expire_by: body.expire_by,
        payments: null,
        description: body.description,
        callback_url: body.callback_url,
      };
      links.set(id, link);
      return HttpResponse.json(link);
    }),
    http.get(`${RAZORPAY_BASE}/v1/payment_links`, ({ request }) => {
      const url = new URL(request.url);
      calls.push({ method: 'GET', path: `/v1/payment_links${url.search}`, auth: request.headers.get('authorization'), body: null });
      const reference = url.searchParams.get('reference_id');
      const found = [...links.values()].filter((l) => reference === null || l.reference_id === reference).reverse();
      return HttpResponse.json({ count: found.length, payment_links: found });
    }),
    http.get(`${RAZORPAY_BASE}/v1/payment_links/:id`, ({ params, request }) => {
      calls.push({ method: 'GET', path: `/v1/payment_links/${params.id}`, auth: request.headers.get('authorization'), body: null });
      const link = links.get(String(params.id));
      if (!link) {
        return HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' } }, { status: 400 });
      }
      return HttpResponse.json(link);
    }),
  ];
  return {
    handlers,
    links,
    calls,
    setStatus(id: string, status: string, amountPaid?: number) {
      const link = links.get(id)!;
      link.status = status;
      if (amountPaid !== undefined) link.amount_paid = amountPaid;
    },
  };
}

export function razorpayWebhook(event: string, link: Record<string, unknown>): string {
  return JSON.stringify({
    entity: 'event',
    account_id: 'acc_test',
    event,
    contains: ['payment_link'],
    payload: { payment_link: { entity: link } },
    created_at: Math.floor(Date.now() / 1000),
  });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The environment every proxy-against-the-simulator test shares; each adds its provider's variables. */
export function simulatorProxyEnv(provider: string, providerEnv: Record<string, string>): Record<string, string> {
  return {
    PORT: '1',
    HOST: '127.0.0.1',
    PAY_LINK_PUBLIC_URL: 'http://proxy.test',
    PAY_LINK_CONFIG: 'catalog.json',
    PAY_LINK_PROVIDER: provider,
    PAY_LINK_PROVIDER_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'silent',
    // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
    PAY_LINK_DATABASE_URL: 'sqlite::memory:',
    PAY_LINK_RATE_MINT_PER_MINUTE: '0',
    PAY_LINK_RATE_READ_PER_MINUTE: '0',
    PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '0',
    ...providerEnv,
  };
}

/** Polls until `check` stops throwing (async deliveries), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/**
 * Takes the complete Server-Sent Events blocks off the front of `buffer` (comments such as heartbeats dropped),
 * each as its fields; `rest` is the incomplete tail to keep for the next chunk.
 */
export function takeSseEvents(buffer: string): { events: Record<string, string>[]; rest: string } {
  const events: Record<string, string>[] = [];
  let rest = buffer;
  let cut: number;
  while ((cut = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, cut);
    rest = rest.slice(cut + 2);
    const event: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      event[line.slice(0, i)] = line.slice(i + 1).trimStart();
    }
    if (Object.keys(event).length) events.push(event);
  }
  return { events, rest };
}

/**
 * Provider calls are bounded and their failures visible. A misbehaving provider, a real `node:http` server on
 * loopback (msw does not model sockets, so it cannot trickle or flood), drips, floods, never ends or never
 * answers; every call still ends within its deadline with a stable problem, memory stays flat, the socket is let
 * go, and each failure is one `warn` line an operator can act on, with no secret and no provider bytes in it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import {
  DEFAULT_MAX_BODY_BYTES,
  type ProviderCallRecord,
  type ProviderHttpOptions,
  ProviderError,
  createProviderHttp,
} from '../src/providers/http.ts';
import type { RunningProxy } from '../src/server.ts';
import { IDLE_SOCKET_MS } from '../src/wire.ts';
import { SECRETS, captureLogs, postJson, startTestProxy, testConfig } from './helpers.ts';

const DEADLINE_MS = 500;
/** Generous: the point is that nothing hangs for 30 s, not to time the event loop. */
const BOUND_MS = 3_000;
/** Every byte the fake provider sends contains this, so a leak of provider bytes anywhere is visible. */
const MARKER = 'PROVIDER_BYTES_d41d8c';
const REQUEST_ID = 'req_fake_7Hq2Lx';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The misbehaving provider: each test sets `answer`; the fake counts requests, bytes sent and closed answers. */
async function startFakeProvider() {
  const state: { answer: Handler; requests: number; bytesSent: number; closed: number; connections: number } = {
    answer: (_req, res) => res.end('{}'),
    connections: 0,
    requests: 0,
    bytesSent: 0,
    closed: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    res.on('close', () => (state.closed += 1));
    res.on('error', () => undefined);
    // Razorpay's recovery read after a failed create (findByReference) finds nothing, so a mint fails with the
    // create's own problem and makes exactly one failing call.
    if (req.method === 'GET' && req.url?.startsWith('/v1/payment_links?')) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': REQUEST_ID });
      res.end(JSON.stringify({ count: 0, payment_links: [] }));
      return;
    }
    // Drain the request body first, as a real server would before answering.
    req.resume();
    req.on('end', () => state.answer(req, res));
  });
  server.on('connection', () => (state.connections += 1));
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always gives an AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    timers,
    reset(answer: Handler) {
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      Object.assign(state, { answer, requests: 0, bytesSent: 0, closed: 0 });
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Fake = Awaited<ReturnType<typeof startFakeProvider>>;

const markerChunk = Buffer.from(MARKER.repeat(Math.ceil((64 * 1024) / MARKER.length)).slice(0, 64 * 1024));

/** Headers at once, then one byte every 200 ms, forever. */
const drip =
  (fake: Fake): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': REQUEST_ID });
    res.write('{');
    const timer = setInterval(() => {
      fake.state.bytesSent += 1;
      res.write('x');
    }, 200);
    fake.timers.add(timer);
    res.on('close', () => clearInterval(timer));
  };

/** As fast as the socket takes it: `total` bytes (declared or chunked), or without end. */
const flood =
  (fake: Fake, total: number | undefined, declare: boolean): Handler =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-request-id': REQUEST_ID,
      ...(declare && total !== undefined && { 'content-length': String(total) }),
    });
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && (total === undefined || fake.state.bytesSent < total)) {
        const n = total === undefined ? markerChunk.length : Math.min(markerChunk.length, total - fake.state.bytesSent);
        fake.state.bytesSent += n;
        if (!res.write(markerChunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  };

/** Takes the request and never answers. */
const silent: Handler = () => undefined;

const json =
  (status: number, body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': REQUEST_ID, ...headers });
    res.end(body);
  };

/** A valid JSON object of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const shell = '{"pad":""}';
  return `{"pad":"${'a'.repeat(bytes - shell.length)}"}`;
}

const Answer = z.object({ ok: z.boolean() });
const Padded = z.object({ pad: z.string() });

function client(fake: Fake, overrides: Partial<ProviderHttpOptions> = {}) {
  const calls: ProviderCallRecord[] = [];
  const http = createProviderHttp({
    provider: 'razorpay',
    baseUrl: fake.url,
    headers: () => ({ authorization: `Basic ${Buffer.from(`rzp_test_abc123:${SECRETS.keySecret}`).toString('base64')}` }),
    timeoutMs: DEADLINE_MS,
    describeError: (body) => z.object({ error: z.object({ code: z.string() }) }).safeParse(body).data?.error.code,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { http, calls };
}

/** Runs a call that must fail; gives its error and how long it took. */
async function failure(call: Promise<unknown>): Promise<{ err: ProviderError; ms: number }> {
  const started = performance.now();
  const err = await call.then(
    () => assert.fail('the call should fail'),
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  assert.ok(err instanceof ProviderError, `a ProviderError, got ${String(err)}`);
  return { err, ms };
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** RSS now, after a collection when the process runs with --expose-gc (not relied on). */
function rss(): number {
  // `gc` exists only under --expose-gc; Node's types do not declare it on globalThis.
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

const MiB = 1024 * 1024;

/** A certificate for 127.0.0.1 that nothing trusts, made by openssl for this run; undefined without openssl. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'pay-link-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let fake: Fake;
before(async () => {
  fake = await startFakeProvider();
});
after(async () => {
  await fake.close();
});

/** Both wires (providers/wire.ts): node:http, which the proxy calls providers over, and an injected fetch. */
const WIRES: { name: string; options: Partial<ProviderHttpOptions> }[] = [
  { name: 'node:http', options: {} },
  { name: 'fetch', options: { fetch: (input, init) => fetch(input, init) } },
];

for (const wire of WIRES) {
  describe(`createProviderHttp against a misbehaving provider, over ${wire.name}`, () => {
    it('(a) cuts a drip (headers at once, a byte every 200 ms) at the deadline as provider_timeout, and lets the socket go', async (t) => {
      fake.reset(drip(fake));
      const { http, calls } = client(fake, wire.options);
      const { err, ms } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
      assert.equal(err.code, 'provider_timeout');
      assert.equal(err.status, 504);
      assert.ok(ms >= DEADLINE_MS - 50, `not before the deadline (${Math.round(ms)} ms)`);
      assert.ok(ms < BOUND_MS, `ended in ${Math.round(ms)} ms`);
      await until(() => fake.state.closed === 1);
      const sentAtCut = fake.state.bytesSent;
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(fake.state.bytesSent, sentAtCut, 'the provider stops sending once the proxy lets go');
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.errorClass, 'timeout');
      assert.equal(calls[0]!.status, 'timeout');
      assert.equal(calls[0]!.requestId, REQUEST_ID, 'the headers had come, so the request id is known');
      t.diagnostic(`drip cut after ${Math.round(ms)} ms (deadline ${DEADLINE_MS} ms)`);
    });

    it('retries an idempotent read once after a drip, each attempt with its own deadline: within 2 × deadline + 200 ms', async (t) => {
      fake.reset(drip(fake));
      const { http, calls } = client(fake, wire.options);
      const { err, ms } = await failure(http.request({ method: 'GET', path: '/v1/payment_links/plink_1', schema: Answer, idempotent: true }));
      assert.equal(err.code, 'provider_timeout');
      assert.equal(fake.state.requests, 2);
      assert.deepEqual(
        calls.map((c) => c.errorClass),
        ['timeout', 'timeout'],
      );
      assert.ok(ms < 2 * DEADLINE_MS + 200 + 500, `ended in ${Math.round(ms)} ms`);
      t.diagnostic(`idempotent drip: two attempts ended after ${Math.round(ms)} ms (bound ${2 * DEADLINE_MS + 200} ms + slack)`);
    });

    for (const declare of [true, false]) {
      it(`(b) refuses a 200 MB answer ${declare ? 'with its Content-Length declared' : 'sent chunked'} as provider_bad_response, without the memory`, async (t) => {
        // Warm up the read path (allocator arenas, undici's buffers) so the measurement sees only this answer.
        fake.reset(json(200, jsonOfSize(DEFAULT_MAX_BODY_BYTES)));
        await client(fake, wire.options).http.request({ method: 'GET', path: '/warm', schema: Padded });

        fake.reset(flood(fake, 200 * MiB, declare));
        const { http, calls } = client(fake, {
        ...wire.options, timeoutMs: 10_000 });
        const before = rss();
        const { err, ms } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
        const grown = rss() - before;
        assert.equal(err.code, 'provider_bad_response');
        assert.equal(err.status, 502);
        assert.match(err.detail ?? '', /more than 1048576 bytes/);
        assert.ok(!JSON.stringify(err.toJSON()).includes(MARKER), 'no provider bytes in the problem');
        assert.ok(ms < BOUND_MS, `ended in ${Math.round(ms)} ms`);
        assert.ok(grown < 20 * MiB, `RSS grew ${(grown / MiB).toFixed(1)} MiB`);
        await until(() => fake.state.closed === 1);
        assert.ok(fake.state.bytesSent < 32 * MiB, `the provider got to send only ${(fake.state.bytesSent / MiB).toFixed(1)} MiB`);
        assert.equal(calls[0]!.errorClass, 'too_large');
        assert.equal(calls[0]!.status, 200);
        t.diagnostic(
          `200 MB ${declare ? 'declared' : 'chunked'}: cut after ${Math.round(ms)} ms, RSS +${(grown / MiB).toFixed(1)} MiB, ` +
            `provider sent ${(fake.state.bytesSent / MiB).toFixed(1)} MiB before the socket closed`,
        );
      });
    }

    it('(c) cuts an endless fast chunked answer at the cap, long before the deadline', async () => {
      fake.reset(flood(fake, undefined, false));
      const { http, calls } = client(fake, {
        ...wire.options, timeoutMs: 10_000 });
      const { err, ms } = await failure(http.request({ method: 'GET', path: '/v1/payment_links', schema: Answer }));
      assert.equal(err.code, 'provider_bad_response');
      assert.ok(ms < BOUND_MS, `ended in ${Math.round(ms)} ms`);
      await until(() => fake.state.closed === 1);
      const sentAtCut = fake.state.bytesSent;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(fake.state.bytesSent, sentAtCut, 'nothing more is sent once the socket is closed');
      assert.equal(fake.state.requests, 1, 'an answer too large is not retried');
      assert.equal(calls[0]!.errorClass, 'too_large');
    });

    it('(c) cuts an endless answer that stays under the cap at the deadline, as provider_timeout', async () => {
      fake.reset(drip(fake));
      const { http } = client(fake, {
        ...wire.options, maxBodyBytes: 10 * MiB });
      const { err, ms } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
      assert.equal(err.code, 'provider_timeout');
      assert.ok(ms < BOUND_MS);
    });

    it('(d) gives provider_timeout when the headers never come', async () => {
      fake.reset(silent);
      const { http, calls } = client(fake, wire.options);
      const { err, ms } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
      assert.equal(err.code, 'provider_timeout');
      assert.ok(ms >= DEADLINE_MS - 50 && ms < BOUND_MS, `ended in ${Math.round(ms)} ms`);
      await until(() => fake.state.closed === 1);
      assert.equal(calls[0]!.errorClass, 'timeout');
      assert.equal(calls[0]!.requestId, undefined, 'no headers, no request id');
    });

    it('(e) still parses a normal JSON answer, and reports it without an error class', async () => {
      fake.reset(json(200, '{"ok":true}'));
      const { http, calls } = client(fake, wire.options);
      assert.deepEqual(await http.request({ method: 'GET', path: '/v1/payment_links/plink_1', query: { expand: 'payments' }, schema: Answer }), {
        ok: true,
      });
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.status, 200);
      assert.equal(calls[0]!.errorClass, undefined);
      assert.equal(calls[0]!.path, '/v1/payment_links/plink_1');
      assert.equal(calls[0]!.requestId, REQUEST_ID);
    });

    for (const declare of [true, false]) {
      it(`(e) takes an answer of exactly the cap and refuses one byte more (${declare ? 'Content-Length' : 'chunked'})`, async () => {
        const send = (body: string): Handler => (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', ...(declare && { 'content-length': String(Buffer.byteLength(body)) }) });
          // Chunked: written in pieces, so the cap is checked across chunks, not on one buffer.
          for (let i = 0; i < body.length; i += 100_000) res.write(body.slice(i, i + 100_000));
          res.end();
        };
        const atCap = jsonOfSize(DEFAULT_MAX_BODY_BYTES);
        fake.reset(send(atCap));
        const read = await client(fake, wire.options).http.request({ method: 'GET', path: '/cap', schema: Padded });
        assert.equal(read.pad.length, DEFAULT_MAX_BODY_BYTES - '{"pad":""}'.length);

        fake.reset(send(jsonOfSize(DEFAULT_MAX_BODY_BYTES + 1)));
        const { err } = await failure(client(fake, wire.options).http.request({ method: 'GET', path: '/cap', schema: Padded }));
        assert.equal(err.code, 'provider_bad_response');
      });
    }

    it('honours a smaller maxBodyBytes', async () => {
      fake.reset(json(200, jsonOfSize(2_000)));
      const { err } = await failure(client(fake, {
        ...wire.options, maxBodyBytes: 1_000 }).http.request({ method: 'GET', path: '/small', schema: Padded }));
      assert.match(err.detail ?? '', /more than 1000 bytes/);
    });
  });

  describe(`createProviderHttp classifies each failure for operators, over ${wire.name}`, () => {
    const cases: { name: string; answer: () => Handler; errorClass: string; status: ProviderCallRecord['status']; code: string; providerCode?: string }[] = [
      {
        name: 'a 5xx with an error body',
        answer: () => json(500, JSON.stringify({ error: { code: 'SERVER_ERROR', description: MARKER } })),
        errorClass: 'http_5xx',
        status: 500,
        code: 'provider_unavailable',
        providerCode: 'SERVER_ERROR',
      },
      {
        name: 'a 4xx',
        answer: () => json(400, JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: MARKER } })),
        errorClass: 'http_4xx',
        status: 400,
        code: 'provider_rejected',
        providerCode: 'BAD_REQUEST_ERROR',
      },
      { name: 'a 200 that is not JSON', answer: () => json(200, `<h1>${MARKER}</h1>`), errorClass: 'bad_json', status: 200, code: 'provider_bad_response' },
      { name: 'a 200 of the wrong shape', answer: () => json(200, JSON.stringify({ [MARKER]: 1 })), errorClass: 'bad_shape', status: 200, code: 'provider_bad_response' },
      {
        // Neither wire follows one: the credentials would go with it to wherever it points.
        name: 'a redirect',
        answer: () => json(302, '', { location: `http://127.0.0.1:1/${MARKER}` }),
        errorClass: 'network',
        status: 'network_error',
        code: 'provider_unavailable',
      },
      {
        name: 'a socket closed before any answer',
        answer: () => (req) => req.socket.destroy(),
        errorClass: 'reset',
        status: 'network_error',
        code: 'provider_unavailable',
      },
      {
        name: 'a socket closed in the middle of the body',
        answer: () => (req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"ok":');
          setTimeout(() => req.socket.destroy(), 20);
        },
        errorClass: 'reset',
        status: 'network_error',
        code: 'provider_unavailable',
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.errorClass}`, async () => {
        fake.reset(c.answer());
        const { http, calls } = client(fake, wire.options);
        const { err } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
        assert.equal(err.code, c.code);
        assert.ok(!JSON.stringify(err.toJSON()).includes(MARKER));
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.errorClass, c.errorClass);
        assert.equal(calls[0]!.status, c.status);
        assert.equal(calls[0]!.providerCode, c.providerCode);
      });
    }

    it('a port nobody listens on → refused', async () => {
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => closed.once('listening', resolve));
      const { port } = closed.address() as AddressInfo; // a TCP listener always has an AddressInfo
      await new Promise((resolve) => closed.close(resolve));
      const calls: ProviderCallRecord[] = [];
      const http = createProviderHttp({
        provider: 'xendit',
        baseUrl: `http://127.0.0.1:${port}`,
        headers: () => ({}),
        timeoutMs: DEADLINE_MS,
        ...wire.options,
        describeError: () => undefined,
        onCall: (call) => calls.push(call),
      });
      const { err } = await failure(http.request({ method: 'GET', path: '/v2/invoices', schema: Answer }));
      assert.equal(err.code, 'provider_unavailable');
      assert.equal(calls[0]!.errorClass, 'refused');
    });

    // The shape fetch rejects with, from a double: a real lookup would depend on this machine's resolver.
    it('a name that does not resolve → dns (ENOTFOUND and EAI_AGAIN, as undici wraps them)', { skip: wire.name !== 'fetch' }, async () => {
      for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
        const calls: ProviderCallRecord[] = [];
        const http = createProviderHttp({
          provider: 'xendit',
          baseUrl: 'http://api.provider.invalid',
          headers: () => ({}),
          timeoutMs: DEADLINE_MS,
          // The shape Node's fetch rejects with; a real lookup would depend on this machine's resolver.
          fetch: async () => {
            throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code} api.provider.invalid`), { code }) });
          },
          describeError: () => undefined,
          onCall: (call) => calls.push(call),
        });
        await failure(http.request({ method: 'GET', path: '/v2/invoices', schema: Answer }));
        assert.equal(calls[0]!.errorClass, 'dns');
      }
    });

    // The agents close a socket idle for IDLE_SOCKET_MS; one waiting on a slow answer is not idle, and is kept.
    it('waits for an answer slower than the idle-socket timeout, within the deadline', { skip: wire.name !== 'node:http' }, async () => {
      fake.reset((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"ok":');
        const timer = setTimeout(() => res.end('true}'), IDLE_SOCKET_MS + 500);
        fake.timers.add(timer);
      });
      const { http, calls } = client(fake, { ...wire.options, timeoutMs: IDLE_SOCKET_MS + 3_000 });
      assert.deepEqual(await http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }), { ok: true });
      assert.equal(calls[0]!.errorClass, undefined);
    });

    // The node wire's own agents; fetch's pool is undici's, and may open a second connection.
    it('refuses a provider whose TLS certificate is not trusted, before sending it anything', async (t) => {
      const cert = selfSignedCertificate();
      if (!cert) return t.skip('openssl is not installed (apt-get install openssl)');
      let requests = 0;
      const server = createTlsServer(cert, (_req, res) => {
        requests += 1;
        res.end('{"ok":true}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const calls: ProviderCallRecord[] = [];
        const http = createProviderHttp({
          provider: 'razorpay',
          baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          headers: () => ({ authorization: `Basic ${SECRETS.keySecret}` }),
          timeoutMs: DEADLINE_MS,
          ...wire.options,
          describeError: () => undefined,
          onCall: (call) => calls.push(call),
        });
        const { err } = await failure(http.request({ method: 'POST', path: '/v1/payment_links', body: {}, schema: Answer }));
        assert.equal(err.code, 'provider_unavailable');
        assert.equal(calls[0]!.errorClass, 'network');
        assert.equal(requests, 0, 'no request (and no credential) reached the server');
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('calls one after another share a kept-alive connection', { skip: wire.name !== 'node:http' }, async () => {
      fake.reset(json(200, '{"ok":true}'));
      const { http } = client(fake, wire.options);
      const before = fake.state.connections;
      for (let i = 0; i < 5; i++) assert.deepEqual(await http.request({ method: 'GET', path: '/x', schema: Answer }), { ok: true });
      assert.ok(fake.state.connections - before <= 1, `${fake.state.connections - before} new connections for 5 calls`);
    });

    it('a reporting sink that throws does not fail the call', async () => {
      fake.reset(json(200, '{"ok":true}'));
      const { http } = client(fake, {
        ...wire.options,
        onCall: () => {
          throw new Error('metrics broke');
        },
      });
      assert.deepEqual(await http.request({ method: 'GET', path: '/x', schema: Answer }), { ok: true });
    });
  });
}

describe('POST /v1/links against a misbehaving provider', () => {
  const logs = captureLogs();
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startTestProxy(
      testConfig({ RAZORPAY_BASE_URL: fake.url, PAY_LINK_PROVIDER_TIMEOUT_MS: String(DEADLINE_MS), LOG_LEVEL: 'trace' }),
      { logger: logs.logger },
    );
  });
  after(async () => {
    await proxy.close();
  });
  beforeEach(() => {
    logs.lines.length = 0;
  });

  const basicAuth = Buffer.from(`rzp_test_abc123:${SECRETS.keySecret}`).toString('base64');

  /** Mints; checks the answer is a problem with `code` within the bound, never a 500, with no provider bytes. */
  async function mintFails(status: number, code: string) {
    const started = performance.now();
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
    const text = await res.text();
    const ms = performance.now() - started;
    assert.equal(res.status, status, text);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const problem: { code?: unknown } = JSON.parse(text);
    assert.equal(problem.code, code);
    assert.ok(ms < BOUND_MS, `answered in ${Math.round(ms)} ms`);
    assert.ok(!text.includes(MARKER), 'no provider bytes in the answer');
    for (const line of logs.lines) {
      assert.ok(!line.includes(MARKER), `no provider bytes in a log line: ${line}`);
      assert.ok(!line.includes(SECRETS.keySecret) && !line.includes(basicAuth), `no secret in a log line: ${line}`);
    }
    return ms;
  }

  /** pino writes one JSON object per line. */
  function logEntries(): Record<string, unknown>[] {
    return logs.lines.map((line) => JSON.parse(line));
  }

  function providerWarnings() {
    return logEntries()
      .filter((entry) => entry.level === 'warn' && entry.msg === 'provider call failed');
  }

  it('a drip → 504 provider_timeout, and one warn line naming the call', async (t) => {
    fake.reset(drip(fake));
    const ms = await mintFails(504, 'provider_timeout');
    const warnings = providerWarnings();
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const line = warnings[0]!;
    assert.equal(line.provider, 'razorpay');
    assert.equal(line.method, 'POST');
    assert.equal(line.path, '/v1/payment_links');
    assert.equal(line.errorClass, 'timeout');
    assert.equal(line.status, 'timeout');
    assert.equal(line.requestId, REQUEST_ID);
    assert.equal(typeof line.ms, 'number');
    assert.ok(Number(line.ms) >= DEADLINE_MS - 50);
    assert.ok(!('body' in line) && !('headers' in line));
    t.diagnostic(`mint against a drip answered 504 in ${Math.round(ms)} ms`);
  });

  it('headers that never come → 504 provider_timeout', async () => {
    fake.reset(silent);
    await mintFails(504, 'provider_timeout');
  });

  it('a 200 MB answer → 502 provider_bad_response, logged as too_large', async () => {
    fake.reset(flood(fake, 200 * MiB, false));
    await mintFails(502, 'provider_bad_response');
    assert.deepEqual(
      providerWarnings().map((w) => w.errorClass),
      ['too_large'],
    );
  });

  it('an endless answer → 502 provider_bad_response', async () => {
    fake.reset(flood(fake, undefined, false));
    await mintFails(502, 'provider_bad_response');
  });

  it('a 500 → 502 provider_unavailable, one warn line with the status, request id and provider code, no body', async () => {
    fake.reset(json(500, JSON.stringify({ error: { code: 'SERVER_ERROR', description: `${MARKER} ${SECRETS.keySecret}` } })));
    await mintFails(502, 'provider_unavailable');
    const warnings = providerWarnings();
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.deepEqual(
      { ...warnings[0], time: undefined, ms: undefined, pid: undefined, hostname: undefined },
      {
        level: 'warn',
        service: 'pay-link-proxy',
        msg: 'provider call failed',
        provider: 'razorpay',
        method: 'POST',
        path: '/v1/payment_links',
        status: 500,
        errorClass: 'http_5xx',
        requestId: REQUEST_ID,
        providerCode: 'SERVER_ERROR',
        time: undefined,
        ms: undefined,
        pid: undefined,
        hostname: undefined,
      },
    );
  });

  it('an answer that is not JSON → 502 provider_bad_response', async () => {
    fake.reset(json(200, `<html>${MARKER}</html>`));
    await mintFails(502, 'provider_bad_response');
    assert.deepEqual(
      providerWarnings().map((w) => w.errorClass),
      ['bad_json'],
    );
  });

  it('a successful call logs nothing at warn (debug only)', async () => {
    fake.reset((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': REQUEST_ID });
      res.end(
        JSON.stringify({
          id: 'plink_fake0000000001',
          short_url: 'https://rzp.test/i/plink_fake0000000001',
          status: 'created',
          amount: 49900,
          amount_paid: 0,
          currency: 'INR',
        }),
      );
    });
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
    assert.equal(res.status, 201, await res.text());
    assert.equal(providerWarnings().length, 0);
    const debug = logEntries().filter((e) => e.msg === 'provider call');
    assert.equal(debug.length, 1);
    assert.equal(debug[0]!.level, 'debug');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { createLimiters, fixedWindow } from '../src/rate-limit.ts';
import type { RunningProxy } from '../src/server.ts';
import type { Store } from '../src/store/types.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';
import { freePort } from './postgres.ts';

const ADMIN_TOKEN = 'rate_limit_test_admin_token_0123456789abcdef';
const msw = createMockServer();
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy(
    testConfig({ PAY_LINK_RATE_MINT_PER_MINUTE: '6', PAY_LINK_RATE_READ_PER_MINUTE: '120', PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN }),
  );
  msw.use(...razorpayHandlers().handlers);
});
after(async () => {
  await proxy.close();
  msw.close();
});

describe('rate limits', () => {
  it('lets a burst of mints through, then answers 429 problem+json with Retry-After', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      else await res.text();
    }
    assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201]);
    assert.ok(limited, `some mint is limited: ${statuses}`);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const body = (await limited.json()) as { code: string; retryable: boolean };
    assert.equal(body.code, 'rate_limited');
    assert.equal(body.retryable, true);
  });

  it('limits status reads separately from mints', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA`);
      await res.text();
      if (res.status === 429) limited += 1;
      else assert.equal(res.status, 404);
    }
    assert.ok(limited > 0 && limited <= 20, `reads: burst of 20 then limited (${limited} limited)`);
  });

  it('counts refused admin tokens: after a burst of 10, the address waits, even with the right token', async () => {
    const admin = (token: string) => fetch(`${proxy.url}/v1/admin/links`, { headers: { authorization: `Bearer ${token}` } });
    const right = await admin(ADMIN_TOKEN);
    assert.equal(right.status, 200, 'right tokens spend nothing');
    await right.text();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await admin(`guess_${i}_${'x'.repeat(32)}`);
      statuses.push(res.status);
      await res.text();
    }
    assert.deepEqual(statuses, Array(10).fill(401));
    const limited = await admin(ADMIN_TOKEN);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(((await limited.json()) as { code: string }).code, 'rate_limited');
  });
});

describe('limits in memory (SQLite: no shared counters)', () => {
  it('is a token bucket: the burst at once, then a token every 60 / perMinute s, Retry-After until the next', async () => {
    let t = 0;
    const mint = createLimiters({}, () => t)('mint', { perMinute: 6, burst: 2 })!;
    assert.equal(await mint.take('10.0.0.1'), undefined);
    assert.equal(await mint.take('10.0.0.1'), undefined);
    assert.equal(await mint.take('10.0.0.1'), 10, 'one token per 10 s');
    t += 4_000;
    assert.equal(await mint.take('10.0.0.1'), 6);
    t += 6_000;
    assert.equal(await mint.take('10.0.0.1'), undefined, 'the token that refilled');
    assert.equal(await mint.take('10.0.0.1'), 10);
  });

  it('wait only looks: it spends nothing, and says how long once the bucket is empty', async () => {
    const failures = createLimiters({}, () => 0)('webhook_failures', { perMinute: 2, burst: 2 })!;
    for (let i = 0; i < 5; i++) assert.equal(await failures.wait('10.0.0.2'), undefined);
    await failures.take('10.0.0.2');
    await failures.take('10.0.0.2');
    assert.equal(await failures.wait('10.0.0.2'), 30);
  });

  it('keeps addresses and limits apart, and perMinute 0 turns a limit off', async () => {
    const limiters = createLimiters({}, () => 0);
    const [mint, read] = [limiters('mint', { perMinute: 1, burst: 1 })!, limiters('read', { perMinute: 1, burst: 1 })!];
    assert.equal(await mint.take('10.0.0.3'), undefined);
    assert.equal(await mint.take('10.0.0.3'), 60);
    assert.equal(await mint.take('10.0.0.4'), undefined, 'another address');
    assert.equal(await read.take('10.0.0.3'), undefined, 'another limit');
    assert.equal(limiters('mint', { perMinute: 0, burst: 5 }), undefined);
  });
});

describe('limits on a store with shared counters (Postgres: Store.rateLimiter)', () => {
  /** What two instances on one database see: one counter per name (test/rate-limit.postgres.test.ts: the real one). */
  function sharedStore(): Pick<Store, 'rateLimiter'> & { windows: Map<string, { points: number; duration: number }> } {
    const limiters = new Map<string, RateLimiterMemory>();
    const windows = new Map<string, { points: number; duration: number }>();
    return {
      windows,
      rateLimiter(name, window) {
        windows.set(name, window);
        let limiter = limiters.get(name);
        if (!limiter) limiters.set(name, (limiter = new RateLimiterMemory({ keyPrefix: name, ...window })));
        return limiter;
      },
    };
  }

  it('stands a window of burst requests per burst / perMinute minutes in for the bucket', () => {
    assert.deepEqual(fixedWindow({ perMinute: 6, burst: 5 }), { points: 5, duration: 50 });
    assert.deepEqual(fixedWindow({ perMinute: 600, burst: 100 }), { points: 100, duration: 10 });
    // A whole-second window, rounded up: the rate is never above perMinute.
    assert.deepEqual(fixedWindow({ perMinute: 7, burst: 5 }), { points: 5, duration: 43 });
    const store = sharedStore();
    createLimiters(store)('mint', { perMinute: 30, burst: 10 });
    assert.deepEqual(store.windows.get('mint'), { points: 10, duration: 20 });
  });

  it('counts takes from every instance against one window; wait only looks; Retry-After is the rest of the window', async () => {
    const store = sharedStore();
    const [a, b] = [createLimiters(store)('mint', { perMinute: 6, burst: 3 })!, createLimiters(store)('mint', { perMinute: 6, burst: 3 })!];
    assert.equal(await a.wait('10.0.0.5'), undefined);
    assert.equal(await a.take('10.0.0.5'), undefined);
    assert.equal(await b.take('10.0.0.5'), undefined);
    assert.equal(await b.wait('10.0.0.5'), undefined, 'one left: wait spent none');
    assert.equal(await a.take('10.0.0.5'), undefined);
    const retryAfter = await b.take('10.0.0.5');
    assert.ok(retryAfter !== undefined && retryAfter >= 29 && retryAfter <= 30, `the 30 s window's rest: ${retryAfter}`);
    assert.equal(await a.wait('10.0.0.5'), retryAfter);
    assert.equal(await a.take('10.0.0.6'), undefined, 'another address');
    assert.equal(await createLimiters(store)('read', { perMinute: 6, burst: 3 })!.take('10.0.0.5'), undefined, 'another limit');
  });

  it('lets the request through when the counter cannot answer at all (no insurance, database down)', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => {});
    try {
      const store: Pick<Store, 'rateLimiter'> = {
        rateLimiter: (name, window) => new RateLimiterPostgres({ storeClient: pool, tableName: 'pay_link_rate_limits', tableCreated: true, keyPrefix: name, ...window }),
      };
      const mint = createLimiters(store)('mint', { perMinute: 1, burst: 1 })!;
      for (let i = 0; i < 3; i++) {
        assert.equal(await mint.take('10.0.0.7'), undefined);
        assert.equal(await mint.wait('10.0.0.7'), undefined);
      }
    } finally {
      await pool.end();
    }
  });
});

describe('the client address behind a reverse proxy (PAY_LINK_TRUST_PROXY), on the routes ahead of Express and on Express', () => {
  const id = 'pl_AAAAAAAAAAAAAAAAAAAAAA';
  // The status read and the SSE stream for their plain paths are served ahead of Express; with a trailing slash the
  // status read is Express's route. All three share the read limit.
  const paths = [`/v1/links/${id}`, `/v1/links/${id}/events`, `/v1/links/${id}/`];
  const read = async (base: string, path: string, forwardedFor?: string) => {
    const res = await fetch(`${base}${path}`, { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    await res.text();
    return res.status;
  };
  const exhaust = async (base: string, forwardedFor: string) => {
    for (let i = 0; i < 100; i++) if ((await read(base, paths[0]!, forwardedFor)) === 429) return;
    assert.fail('the read limit never answered 429');
  };

  it('trusting the proxy in front: each forwarded address has its own limit, on every route alike', async () => {
    const behind = await startTestProxy(testConfig({ PAY_LINK_RATE_READ_PER_MINUTE: '60', PAY_LINK_TRUST_PROXY: 'loopback' }));
    try {
      await exhaust(behind.url, '203.0.113.7');
      for (const path of paths) {
        assert.equal(await read(behind.url, path, '203.0.113.7'), 429, `${path}: the limited address`);
        assert.notEqual(await read(behind.url, path, '203.0.113.8'), 429, `${path}: another forwarded address`);
        assert.notEqual(await read(behind.url, path), 429, `${path}: the proxy's own address, no header`);
      }
    } finally {
      await behind.close();
    }
  });

  it('trusting no proxy (the default): X-Forwarded-For is ignored, so a client cannot dodge its limit by sending one', async () => {
    const direct = await startTestProxy(testConfig({ PAY_LINK_RATE_READ_PER_MINUTE: '60' }));
    try {
      await exhaust(direct.url, '203.0.113.7');
      for (const path of paths) {
        assert.equal(await read(direct.url, path, '203.0.113.8'), 429, `${path}: another header, the same socket address`);
        assert.equal(await read(direct.url, path), 429, `${path}: no header`);
      }
    } finally {
      await direct.close();
    }
  });
});

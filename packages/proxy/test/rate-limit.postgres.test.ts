/**
 * Rate limits of two proxy instances, A and B, on one real Postgres database (test/postgres.ts), each with its own
 * pool, as two machines behind a load balancer would have. What must hold:
 *
 * - A and B count against one counter per limit and address (`pay_link_rate_limits`): together they allow the
 *   limit once, not once each; limits do not spend each other's counters;
 * - an address spent on A is refused by B before B reads its webhook's body (the `wait`/`take` pair);
 * - instances starting together on an empty database both open (the table is made once, under a lock);
 * - with the database gone, requests that need no database are not failed by their limit: each instance limits
 *   on its own (the insurance limiter) instead.
 *
 * Skipped, saying why, where no Postgres can be started (no initdb, no PAY_LINK_TEST_POSTGRES_URL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';
import { POSTGRES_MISSING, findPostgresBin, withClient, withPostgres } from './postgres.ts';

const canStartPostgres = Boolean(process.env.PAY_LINK_TEST_POSTGRES_URL) || findPostgresBin() !== undefined;
const needsPostgres = { skip: !canStartPostgres && POSTGRES_MISSING.split('\n')[0] };

/** Far above anything the tests wait for: the sweeper never runs (it would find the database gone). */
const STALE_AFTER_MS = 60_000;
/** Mints: 5 per minute, bursts of 5 (links.ts: at least 5), so one 60 s window of 5. */
const LIMITS = { PAY_LINK_RATE_MINT_PER_MINUTE: '5', PAY_LINK_RATE_READ_PER_MINUTE: '600', PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '3' };

function boot(url: string): Promise<RunningProxy> {
  return startTestProxy(testConfig({ ...LIMITS, PAY_LINK_DATABASE_URL: url }), { staleAfterMs: STALE_AFTER_MS });
}

const forgedWebhook = (proxy: RunningProxy) =>
  fetch(`${proxy.url}/v1/webhooks/razorpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': 'f'.repeat(64) },
    body: JSON.stringify({ event: 'payment_link.paid', payload: {} }),
  });

async function problem(res: Response): Promise<{ status: number; code: string; retryAfter: number | null }> {
  const body = (await res.json()) as { code: string };
  const retryAfter = res.headers.get('retry-after');
  return { status: res.status, code: body.code, retryAfter: retryAfter === null ? null : Number(retryAfter) };
}

describe('rate limits shared by two instances on one Postgres', needsPostgres, () => {
  const db = withPostgres();
  // Nested, so the instances close (this describe's after) before the database stops (the outer one's).
  describe('A and B', () => {
    const msw = createMockServer();
    let a: RunningProxy;
    let b: RunningProxy;

    before(async () => {
      msw.use(...razorpayHandlers().handlers);
      // Together, on an empty database: both migrate and make the limits' table.
      [a, b] = await Promise.all([boot(db.url), boot(db.url)]);
    });
    after(async () => {
      await Promise.all([a?.close(), b?.close()]);
      msw.close();
    });

    it('counts mints on A and on B against one limit: 3 + 3 at 5 a minute, the 6th is 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (const proxy of [a, a, a, b, b, b]) {
        const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
        statuses.push(res.status);
        if (res.status === 429) limited = res;
        else await res.text();
      }
      assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429], 'each instance alone would have let all 6 through');
      const refused = await problem(limited!);
      assert.equal(refused.code, 'rate_limited');
      assert.ok(refused.retryAfter! >= 1 && refused.retryAfter! <= 60, `Retry-After within the 60 s window: ${refused.retryAfter}`);
      // A refuses too: the counter is the database's, not B's.
      const onA = await problem(await postJson(`${a.url}/v1/links`, { product: 'tea' }));
      assert.deepEqual([onA.status, onA.code], [429, 'rate_limited']);
    });

    it('keeps limits apart: spent mints leave status reads alone', async () => {
      for (const proxy of [a, b]) {
        const res = await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA`);
        await res.text();
        assert.equal(res.status, 404);
      }
    });

    it('counts webhooks that failed verification on A, so B refuses that address before reading its body', async () => {
      const statuses: number[] = [];
      for (const proxy of [a, b, a]) {
        const res = await forgedWebhook(proxy);
        statuses.push(res.status);
        await res.text();
      }
      assert.deepEqual(statuses, [401, 401, 401]);
      const onB = await problem(await forgedWebhook(b));
      assert.deepEqual([onB.status, onB.code], [429, 'rate_limited']);
      assert.ok(onB.retryAfter! >= 1);
    });

    it('keeps one row per limit and address in pay_link_rate_limits, keyed by the limit name', async () => {
      const rows = await withClient(db.url, async (c) => (await c.query<{ key: string; points: number }>('SELECT key, points FROM pay_link_rate_limits ORDER BY key')).rows);
      const prefixes = rows.map((r) => r.key.slice(0, r.key.indexOf(':')));
      assert.deepEqual(prefixes, ['mint', 'read', 'webhook_failures']);
      assert.equal(rows.find((r) => r.key.startsWith('mint:'))!.points, 7, '5 let through and 2 refused, from both instances');
    });
  });
});

describe('rate limits when the Postgres goes away', needsPostgres, () => {
  const db = withPostgres();
  let a: RunningProxy;

  before(async () => {
    a = await boot(db.url);
  });
  after(() => a?.close());

  it('fails no request over its limit: the instance counts on its own (insurance) until the database answers', async () => {
    // Counted in the database while it is there.
    const first = await postJson(`${a.url}/v1/links`, {});
    assert.equal(first.status, 400);
    await first.text();
    await db.server.stop();

    // Requests that need no database: a malformed mint (400) and forged webhooks (401) still get their answers,
    // not a 500, and the per-instance limits still hold: 5 mints in the fresh in-memory window, then 429.
    const mints: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await postJson(`${a.url}/v1/links`, {});
      mints.push(res.status);
      if (res.status === 429) limited = res;
      else await res.text();
    }
    assert.deepEqual(mints, [400, 400, 400, 400, 400, 429]);
    const refused = await problem(limited!);
    assert.equal(refused.code, 'rate_limited');
    assert.ok(refused.retryAfter! >= 1);

    const webhooks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await forgedWebhook(a);
      webhooks.push(res.status);
      await res.text();
    }
    assert.deepEqual(webhooks, [401, 401, 401, 429]);
  });
});

/**
 * The dispatcher's store work in batches (decision 0016): attempts that finish together are recorded in one
 * `recordAttempts` (one transaction), each delivery still waiting for its own record; while attempts are in flight,
 * claims are spaced, so a stream of written events is claimed several at a time rather than one per kick.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { CLAIM_SPACING_MS, createDispatcher } from '../src/merchant-events/dispatcher.ts';
import { endpointId, newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import { merchantEvents } from '../src/merchant-events/events.ts';
import { Secret } from '../src/secret.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { LinkRecord, RecordedAttempt, Store } from '../src/store/types.ts';
import { link as baseLink } from './store/kit.ts';

async function fixture(fetchImpl: typeof fetch) {
  const now = () => Date.now();
  const inner = await openSqliteStore(':memory:', { now });
  const claims: { at: number; taken: number; inFlight: number }[] = [];
  const records: RecordedAttempt[][] = [];
  let inFlight = 0;
  const counted: typeof fetch = async (input, init) => {
    inFlight += 1;
    try {
      return await fetchImpl(input, init);
    } finally {
      inFlight -= 1;
    }
  };
  const store: Store = {
    ...inner,
    async claimDeliveries(...args) {
      const at = performance.now();
      const busy = inFlight;
      const taken = await inner.claimDeliveries(...args);
      claims.push({ at, taken: taken.length, inFlight: busy });
      return taken;
    },
    async recordAttempts(attempts) {
      records.push([...attempts]);
      return inner.recordAttempts(attempts);
    },
  };
  const url = 'http://merchant.test/hooks';
  const endpoint = { id: endpointId(url), url, secrets: [new Secret(newWebhookSecret())], events: ['payment_link.paid' as const] };
  const dispatcher = createDispatcher({
    store,
    endpoints: [endpoint],
    now,
    log: { warn: () => {}, info: () => {} },
    fetch: counted,
    timeoutMs: 2_000,
    retryScheduleMs: [60_000],
    testMode: true,
  });
  const events = merchantEvents({ endpoints: [endpoint], testMode: true, now });
  let n = 0;
  /** A new link, paid: one merchant event. */
  const pay = async () => {
    const id = `pl_batching_${String(n++).padStart(13, '0')}`;
    const record: LinkRecord = baseLink(id, { providerLinkId: `plink_${id}`, reference: `pi_${id}`, createdAt: now(), checkedAt: now() });
    await inner.insertLink(record);
    await inner.updateLink(id, (current) => ({ ...current, status: 'paid', amountPaid: current.amount.value, paidSteps: [current.amount.value], seq: 2, paidAt: new Date().toISOString() }), events);
  };
  const delivered = async () => (await inner.listEvents({ state: 'delivered', limit: 1_000 })).events.length;
  return { dispatcher, claims, records, pay, delivered, inner };
}

describe('merchant events dispatcher, batched store work', () => {
  it('records attempts that finished together in one recordAttempts, and each delivery still ends recorded', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const f = await fixture(async () => {
      await gate;
      return new Response(null, { status: 204 });
    });
    for (let i = 0; i < 5; i++) await f.pay();
    f.dispatcher.start();
    // All five claimed at once and in flight, held at the gate.
    for (let i = 0; i < 200 && f.claims.reduce((sum, c) => sum + c.taken, 0) < 5; i++) await sleep(10);
    assert.equal(f.claims.reduce((sum, c) => sum + c.taken, 0), 5);
    assert.equal(f.records.length, 0, 'nothing recorded while the attempts are in flight');
    open();
    await f.dispatcher.flush();
    assert.equal(await f.delivered(), 5);
    assert.deepEqual(f.records.map((batch) => batch.length), [5], 'the five answers that came together: one write');
    assert.ok(f.records[0]!.every((r) => r.outcome.state === 'delivered' && r.attempt.attempt === 1));
    await f.dispatcher.stop();
    await f.inner.close();
  });

  it('claims at most once per few ms while attempts are in flight, and delivers a stream of events in full', async () => {
    const f = await fixture(async () => {
      await sleep(3);
      return new Response(null, { status: 204 });
    });
    f.dispatcher.start();
    for (let i = 0; i < 40; i++) {
      await f.pay();
      f.dispatcher.kick();
      await sleep(1);
    }
    for (let i = 0; i < 500 && (await f.delivered()) < 40; i++) await f.dispatcher.flush();
    assert.equal(await f.delivered(), 40);
    // A claim made while another attempt was in flight came at least the spacing after the one before it;
    // a busy machine only makes the gaps longer. (A claim with nothing in flight goes at once.)
    for (const [i, c] of f.claims.entries()) {
      if (i === 0 || c.inFlight === 0) continue;
      assert.ok(c.at - f.claims[i - 1]!.at >= CLAIM_SPACING_MS - 0.5, `claim ${i} came ${(c.at - f.claims[i - 1]!.at).toFixed(1)} ms after the one before, with ${c.inFlight} in flight`);
    }
    assert.ok(f.claims.length <= 40, `${f.claims.length} claims for 40 events`);
    await f.dispatcher.stop();
    await f.inner.close();
  });
});

/**
 * The merchant events dispatcher on a clock the test moves: `Retry-After` is honoured, an endpoint failing for a
 * day is reported (a warn log and the metric's callback) and keeps being tried, a success clears it; the intent's
 * customer fields go out in the event; the outbox gauges reach `/metrics`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDispatcher } from '../src/merchant-events/dispatcher.ts';
import { endpointId, newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import { merchantEvents } from '../src/merchant-events/events.ts';
import { Secret } from '../src/secret.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { LinkRecord } from '../src/store/types.ts';
import { type Answer, startReceiver } from './receiver.ts';

const HOUR = 3_600_000;

async function fixture(answer: (index: number) => Answer, schedule: number[], options: { url?: (receiverUrl: string) => string; fetch?: typeof fetch } = {}) {
  const secret = newWebhookSecret();
  const receiver = await startReceiver({ secrets: [secret], answer: (_d, i) => answer(i) });
  // Near the real time: the receiver verifies webhook-timestamp against its own clock (5 minutes either way).
  const clock = { t: Date.now() };
  const now = () => clock.t;
  const store = await openSqliteStore(':memory:', { now });
  const url = options.url?.(receiver.url) ?? receiver.url;
  const endpoint = { id: endpointId(url), url, secrets: [new Secret(secret)], events: ['payment_link.paid' as const] };
  const warnings: { obj: object; msg: string }[] = [];
  const failing: boolean[] = [];
  const dispatcher = createDispatcher({
    store,
    endpoints: [endpoint],
    now,
    log: { warn: (obj, msg) => warnings.push({ obj, msg }), info: () => {} },
    timeoutMs: 2_000,
    retryScheduleMs: schedule,
    testMode: true,
    onFailing: (_id, isFailing) => failing.push(isFailing),
    fetch: options.fetch,
  });
  const events = merchantEvents({ endpoints: [endpoint], testMode: true, now });
  const link: LinkRecord = {
    id: 'pl_dispatcher_test_000001',
    provider: 'razorpay',
    providerLinkId: 'plink_1',
    reference: 'pi_x_1',
    url: 'https://rzp.test/i/1',
    amount: { value: 125_000, currency: 'INR' },
    description: 'Invoice INV-7',
    expiresAt: null,
    source: { kind: 'intent', reference: 'INV-7', attempt: 1 },
    customer: { name: 'Asha Rao', email: 'asha@example.com' },
    status: 'pending',
    amountPaid: 0,
    paidSteps: [],
    seq: 1,
    paidAt: null,
    createdAt: clock.t,
    checkedAt: clock.t,
    closedAt: null,
    claimedAt: null,
    recheckAt: null,
    version: 0,
  };
  await store.insertLink(link, events);
  const pay = () =>
    store.updateLink(link.id, (current) => ({ ...current, status: 'paid', amountPaid: 125_000, paidSteps: [125_000], seq: 2, paidAt: new Date(clock.t).toISOString() }), events);
  const delivery = async () => (await store.listEvents({ limit: 10 })).events[0]!.deliveries[0]!;
  return {
    receiver,
    clock,
    store,
    dispatcher,
    warnings,
    failing,
    pay,
    delivery,
    async close() {
      await dispatcher.stop();
      await store.close();
      await receiver.close();
    },
  };
}

describe('merchant events dispatcher', () => {
  it('takes a redirect as the answer, without following it: a failed attempt recorded as its status', async () => {
    const other = await startReceiver({ secrets: [newWebhookSecret()] });
    const f = await fixture((i) => (i === 0 ? { status: 302, headers: { location: other.url } } : 204), [5_000]);
    try {
      await f.pay();
      await f.dispatcher.flush();
      const d = await f.delivery();
      assert.equal(d.state, 'pending');
      assert.deepEqual(
        d.history.map((h) => [h.statusCode, h.error]),
        [[302, 'HTTP 302']],
      );
      assert.equal(other.deliveries.length, 0, 'the event did not follow the redirect');
    } finally {
      await f.close();
      await other.close();
    }
  });

  it("sends an endpoint URL's credentials as Basic auth over either wire, node:http's or an injected fetch", async () => {
    const withCredentials = (u: string) => u.replace('http://', 'http://shop%40example:p%3Ass@');
    const expected = `Basic ${Buffer.from('shop@example:p:ss').toString('base64')}`;
    for (const injected of [undefined, globalThis.fetch]) {
      const f = await fixture(() => 204, [5_000], { url: withCredentials, fetch: injected });
      try {
        await f.pay();
        await f.dispatcher.flush();
        assert.equal((await f.delivery()).state, 'delivered', injected ? 'under fetch' : 'under node:http');
        assert.equal(f.receiver.deliveries[0]!.authorization, expected);
      } finally {
        await f.close();
      }
    }
  });

  it('records a receiver that is not listening as connection refused', async () => {
    const f = await fixture(() => 204, [5_000]);
    try {
      await f.receiver.close();
      await f.pay();
      await f.dispatcher.flush();
      assert.deepEqual(
        (await f.delivery()).history.map((h) => [h.statusCode, h.error]),
        [[null, 'connection refused']],
      );
    } finally {
      await f.dispatcher.stop();
      await f.store.close();
    }
  });

  it('sends attempt after attempt over one kept-alive connection, an answer with a body included', async () => {
    const f = await fixture((i) => (i < 2 ? { status: 503, headers: { 'content-type': 'text/plain' }, body: 'busy, try later' } : 204), [1_000, 1_000]);
    try {
      await f.pay();
      for (let i = 0; i < 3; i++) {
        await f.dispatcher.flush();
        f.clock.t += 1_000;
      }
      assert.equal(f.receiver.deliveries.length, 3);
      assert.equal((await f.delivery()).state, 'delivered');
      assert.equal(f.receiver.connections, 1);
    } finally {
      await f.close();
    }
  });

  it('waits at least Retry-After on a 429 or 503, even when the schedule says sooner', async () => {
    const f = await fixture((i) => (i === 0 ? { status: 503, headers: { 'retry-after': '120' } } : i === 1 ? { status: 429, headers: { 'retry-after': '2' } } : 204), [5_000, 5_000, 5_000]);
    try {
      await f.pay();
      await f.dispatcher.flush();
      assert.equal(f.receiver.deliveries.length, 1);
      assert.equal((await f.delivery()).nextAttemptAt, f.clock.t + 120_000, 'Retry-After: 120 beats the 5 s of the schedule');
      f.clock.t += 119_000;
      await f.dispatcher.flush();
      assert.equal(f.receiver.deliveries.length, 1, 'not before its time');
      f.clock.t += 1_000;
      await f.dispatcher.flush();
      assert.equal(f.receiver.deliveries.length, 2);
      // A Retry-After shorter than the schedule's wait does not shorten it.
      assert.equal((await f.delivery()).nextAttemptAt, f.clock.t + 5_000);
      f.clock.t += 5_000;
      await f.dispatcher.flush();
      assert.equal((await f.delivery()).state, 'delivered');
    } finally {
      await f.close();
    }
  });

  it('reports an endpoint failing for a day, keeps trying it, and says when it recovers', async () => {
    let down = true;
    const f = await fixture(() => (down ? 500 : 204), Array.from({ length: 10 }, () => 6 * HOUR));
    try {
      await f.pay();
      await f.dispatcher.flush();
      for (let i = 0; i < 4; i++) {
        f.clock.t += 6 * HOUR;
        await f.dispatcher.flush();
      }
      assert.equal(f.receiver.deliveries.length, 5, 'still tried after a day');
      const report = f.warnings.filter((w) => w.msg.includes('failing for a day'));
      assert.equal(report.length, 1, 'reported once, not on every attempt');
      assert.deepEqual(f.failing, [true]);
      const [listed] = await f.dispatcher.endpoints();
      assert.equal(listed!.failing, true);
      assert.equal(listed!.disabledAt, null, 'never disabled for failing');
      down = false;
      f.clock.t += 6 * HOUR;
      await f.dispatcher.flush();
      assert.equal((await f.delivery()).state, 'delivered');
      assert.deepEqual(f.failing, [true, false]);
      assert.equal((await f.dispatcher.endpoints())[0]!.failing, false);
    } finally {
      await f.close();
    }
  });

  it("sends the intent's customer fields and what was bought", async () => {
    const f = await fixture(() => 204, [5_000]);
    try {
      await f.pay();
      await f.dispatcher.flush();
      const event = f.receiver.unique()[0]!.event!;
      assert.deepEqual(event.data.customer, { name: 'Asha Rao', email: 'asha@example.com' });
      assert.deepEqual(event.data.purchase, { kind: 'intent', reference: 'INV-7', description: 'Invoice INV-7' });
      assert.equal(event.data.amountPaid, 125_000);
    } finally {
      await f.close();
    }
  });
});

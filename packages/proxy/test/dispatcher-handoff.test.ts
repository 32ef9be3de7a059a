/**
 * Fresh events handed to the dispatcher in the write that makes them (decision 0016, "Fresh events handed to the
 * dispatcher"): a delivery there is room for is written leased to this instance's dispatcher and sent once the write
 * commits, without a claim; one that must wait its turn (its link's earlier event still pending) or finds no room
 * goes to the outbox and is claimed; one whose holder dies after the write is sent by another once its lease lapses.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createDispatcher } from '../src/merchant-events/dispatcher.ts';
import { endpointId, newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import { merchantEvents } from '../src/merchant-events/events.ts';
import { Secret } from '../src/secret.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { DeliveryHandOff, LinkRecord, Store } from '../src/store/types.ts';
import { link as baseLink } from './store/kit.ts';

const url = 'http://merchant.test/hooks';
const endpoint = {
  id: endpointId(url),
  url,
  secrets: [new Secret(newWebhookSecret())],
  events: ['payment_link.paid' as const, 'payment_link.partially_paid' as const],
};

async function fixture(options: { answer?: () => Promise<void>; concurrency?: number; clockAheadMs?: number; store?: Store } = {}) {
  const inner = options.store ?? (await openSqliteStore(':memory:', { now: () => Date.now() }));
  const received: { id: string; type: string; linkId: string }[] = [];
  const claimed: number[] = [];
  const store: Store = {
    ...inner,
    async claimDeliveries(...args) {
      const taken = await inner.claimDeliveries(...args);
      claimed.push(taken.length);
      return taken;
    },
  };
  const fetchImpl: typeof fetch = async (_input, init) => {
    const body = JSON.parse(String(init?.body)) as { id: string; type: string; data: { linkId: string } };
    await options.answer?.();
    received.push({ id: body.id, type: body.type, linkId: body.data.linkId });
    return new Response(null, { status: 204 });
  };
  const dispatcher = createDispatcher({
    store,
    endpoints: [endpoint],
    now: () => Date.now() + (options.clockAheadMs ?? 0),
    log: { warn: () => {}, info: () => {} },
    fetch: fetchImpl,
    timeoutMs: 2_000,
    retryScheduleMs: [60_000],
    testMode: true,
    concurrency: options.concurrency,
  });
  let n = 0;
  const newLink = async () => {
    const id = `pl_handoff_${String(n++).padStart(14, '0')}`;
    const record: LinkRecord = baseLink(id, { providerLinkId: `plink_${id}`, reference: `pi_${id}`, createdAt: Date.now(), checkedAt: Date.now() });
    await inner.insertLink(record);
    return id;
  };
  /** A payment on link `id` of `paid` minor units in all (the whole amount: paid), with its events offered to `handOff`. */
  const pay = async (id: string, paid?: number, handOff: DeliveryHandOff | undefined = dispatcher.handOff) => {
    const events = merchantEvents({ endpoints: [endpoint], testMode: true, now: Date.now, handOff });
    await inner.updateLink(
      id,
      (current) => {
        const amountPaid = paid ?? current.amount.value;
        const full = amountPaid >= current.amount.value;
        return { ...current, status: full ? 'paid' : 'partially_paid', amountPaid, paidSteps: [...current.paidSteps, amountPaid], seq: current.seq + 1, paidAt: full ? new Date().toISOString() : null };
      },
      events,
    );
  };
  const delivered = async () => (await inner.listEvents({ state: 'delivered', limit: 1_000 })).events.length;
  const until = async (count: number) => {
    for (let i = 0; i < 500 && (await delivered()) < count; i++) await sleep(10);
    assert.equal(await delivered(), count);
  };
  const close = async () => {
    await dispatcher.stop();
    await inner.close();
  };
  return { dispatcher, inner, received, claimed, newLink, pay, delivered, until, close };
}

describe('merchant events handed to the dispatcher in the write', () => {
  it('sends a fresh event without a claim taking it, each once', async () => {
    const f = await fixture();
    f.dispatcher.start();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await f.newLink());
    for (const id of ids) {
      await f.pay(id);
      await sleep(2);
    }
    await f.until(12);
    assert.equal(f.received.length, 12);
    assert.equal(new Set(f.received.map((r) => r.id)).size, 12, 'each event once');
    assert.deepEqual(new Set(f.received.map((r) => r.linkId)), new Set(ids));
    assert.equal(f.claimed.reduce((sum, taken) => sum + taken, 0), 0, 'every delivery went straight to the dispatcher');
    await f.close();
  });

  it("keeps a link's events in order: the next waits for the one in flight, then a claim sends it", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const f = await fixture({ answer: () => gate });
    f.dispatcher.start();
    const id = await f.newLink();
    await f.pay(id, 40_000);
    // The first is in flight, held at the gate; the second must not go past it.
    await f.pay(id);
    await sleep(50);
    assert.equal(f.received.length, 0);
    open();
    await f.until(2);
    assert.deepEqual(f.received.map((r) => r.type), ['payment_link.partially_paid', 'payment_link.paid']);
    assert.equal(f.claimed.reduce((sum, taken) => sum + taken, 0), 1, 'the second was claimed, once the first was delivered');
    await f.close();
  });

  it('with no room, leaves the delivery in the outbox for a claim', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const f = await fixture({ answer: () => gate, concurrency: 1 });
    f.dispatcher.start();
    const [a, b] = [await f.newLink(), await f.newLink()];
    await f.pay(a);
    await f.pay(b);
    await sleep(30);
    open();
    await f.until(2);
    assert.deepEqual(f.received.map((r) => r.linkId), [a, b]);
    assert.equal(f.claimed.reduce((sum, taken) => sum + taken, 0), 1, 'the one there was no room for was claimed');
    await f.close();
  });

  it('gives the slots back for a write that did not commit, and is not told of it', async () => {
    const f = await fixture({ concurrency: 1 });
    f.dispatcher.start();
    const id = await f.newLink();
    const calls: string[] = [];
    const handOff: DeliveryHandOff = {
      holder: f.dispatcher.handOff.holder,
      leaseMs: f.dispatcher.handOff.leaseMs,
      reserve: (endpointId) => (calls.push('reserve'), f.dispatcher.handOff.reserve(endpointId)),
      release: (count) => (calls.push(`release ${count}`), f.dispatcher.handOff.release(count)),
      written: (taken, waiting) => (calls.push(`written ${taken.length} ${waiting}`), f.dispatcher.handOff.written(taken, waiting)),
    };
    const events = merchantEvents({ endpoints: [endpoint], testMode: true, now: Date.now, handOff });
    // The first event's delivery is written leased; the second event breaks the write (no payload), which rolls back.
    const broken = (before: LinkRecord | undefined, after: LinkRecord) => {
      const [made] = events(before, after);
      return [made!, { ...made!, id: 'evt_broken', linkPosition: made!.linkPosition + 1, payload: null as unknown as string }];
    };
    await assert.rejects(f.inner.updateLink(id, (current) => ({ ...current, status: 'paid', amountPaid: current.amount.value, seq: 2 }), broken));
    assert.deepEqual(calls, ['reserve', 'release 1']);
    assert.equal((await f.inner.listEvents({ limit: 10 })).events.length, 0, 'nothing of the write was stored');
    // Its one slot is free again: the next fresh event still goes straight out.
    await f.pay(id);
    await f.until(1);
    assert.equal(f.claimed.reduce((sum, taken) => sum + taken, 0), 0, 'sent without a claim');
    await f.close();
  });

  it('a holder that dies after the write: its lease lapses and another dispatcher sends the event', async () => {
    const f = await fixture();
    const id = await f.newLink();
    // A dispatcher that leases in the write, then dies before sending: nothing is ever handed over.
    const dead: DeliveryHandOff = { holder: 'dead.holder', leaseMs: 5_000, reserve: () => true, release: () => {}, written: () => {} };
    await f.pay(id, undefined, dead);
    f.dispatcher.start();
    await f.dispatcher.flush();
    assert.equal(f.received.length, 0, 'leased to the dead holder: not claimed while its lease runs');
    await f.dispatcher.stop();
    // Another instance, with its clock past the lease (the same as waiting it out).
    const later = await fixture({ clockAheadMs: 6_000, store: f.inner });
    later.dispatcher.start();
    await later.until(1);
    assert.equal(later.received.length, 1);
    assert.deepEqual(later.claimed.filter((taken) => taken > 0), [1]);
    await later.close();
  });
});

/**
 * The link service's watchers and sweeper, without HTTP: the sweeper re-reads watched links only once their state
 * is older than `watchedStaleAfterMs`, never more than 16 at once however many are watched, and does not start a
 * second sweep while one runs; an unsubscribe called twice (a stream that ended, then closed) never removes a
 * later watcher of the same link.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLinkService } from '../src/links/service.ts';
import type { ProviderAdapter, ProviderLinkState } from '../src/providers/types.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { LinkRecord } from '../src/store/types.ts';
import { testConfig } from './helpers.ts';


function fakeProvider() {
  const links = new Map<string, ProviderLinkState>();
  let inFlight = 0;
  let maxInFlight = 0;
  let reads = 0;
  let release: (() => void) | undefined;
  let gate: Promise<void> = Promise.resolve();
  const adapter: ProviderAdapter = {
    name: 'razorpay',
    capabilities: { cancel: false, extendExpiry: false, notify: false, findByReference: false, uniqueReference: true },
    async create(input) {
      const state: ProviderLinkState = {
        providerLinkId: `plink_${links.size + 1}`,
        url: `https://pay.test/${links.size + 1}`,
        status: 'pending',
        amountPaid: 0,
        expiresAt: input.expiresAt.toISOString(),
        paidAt: null,
        providerStatus: 'created',
      };
      links.set(state.providerLinkId, state);
      return state;
    },
    async retrieve(id) {
      reads += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight -= 1;
      return links.get(id)!;
    },
    cancel: async () => assert.fail('not used'),
    verifyWebhook: () => ({ ok: true }),
    parseWebhook: () => assert.fail('not used'),
  };
  return {
    adapter,
    get reads() {
      return reads;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      release?.();
    },
  };
}

async function service(provider: ReturnType<typeof fakeProvider>, clock: { t: number }) {
  const silent = { warn() {}, info() {} };
  return createLinkService({
    config: testConfig(),
    store: await openSqliteStore(':memory:', { now: () => clock.t }),
    adapters: { razorpay: provider.adapter },
    now: () => clock.t,
    log: silent,
    staleAfterMs: 5_000,
  });
}

describe('the sweeper and watchers', () => {
  it('re-reads watched links once they are older than four stale intervals, at most 16 at once, one sweep at a time', async () => {
    const clock = { t: Date.parse('2026-11-22T00:00:00Z') };
    const provider = fakeProvider();
    const links = await service(provider, clock);
    const minted: LinkRecord[] = [];
    for (let i = 0; i < 100; i++) minted.push((await links.mint({ product: 'tea' })).record);
    for (const record of minted) links.subscribe(record.id, () => undefined);

    clock.t += 19_999;
    await links.sweep();
    assert.equal(provider.reads, 0, 'fresher than 20 s: left alone');

    clock.t += 1;
    provider.hold();
    const first = links.sweep();
    const second = links.sweep();
    assert.equal(first, second, 'a sweep that is running is not started again');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(provider.maxInFlight, 16, 'sixteen reads in flight, not a hundred');
    provider.release();
    await first;
    assert.equal(provider.reads, 100, 'every watched link read once');
    assert.equal(provider.maxInFlight, 16);

    await links.sweep();
    assert.equal(provider.reads, 100, 'just read: not again');
  });

  it('an unsubscribe called twice leaves a later watcher of the same link subscribed', async () => {
    const clock = { t: Date.now() };
    const provider = fakeProvider();
    const links = await service(provider, clock);
    const { record } = await links.mint({ product: 'tea' });
    const first = links.subscribe(record.id, () => undefined);
    first();
    const heard: number[] = [];
    links.subscribe(record.id, (r) => heard.push(r.seq));
    first(); // the 'close' after an end
    links.changes.emit('change', { ...record, seq: record.seq + 1 });
    assert.deepEqual(heard, [record.seq + 1]);
  });
});

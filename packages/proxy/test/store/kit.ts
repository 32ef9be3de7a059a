/**
 * The store kit: one suite every `Store` engine passes (`store.sqlite.test.ts`, `store.postgres.test.ts`). An
 * engine supplies fresh, empty databases and how to open a store instance on one; the kit checks what the
 * interface's doc comments promise (`src/store/types.ts`):
 *
 * - links round-trip every field; the unique constraints keep one link per purchase, answering the existing one;
 * - `updateLink` is a compare-and-set and `claimRefresh` a single winner, across two instances on one database;
 * - listing (order, filters, cursor pagination), the sweeper's queries;
 * - idempotency claims, webhook dedupe and named leases, with their TTLs and leases on an injected clock;
 * - `purgeExpired`, restarts and a database a newer version migrated;
 * - the change feed between instances, where the engine has one.
 *
 * Each case gets its own database, so no case sees another's rows; every store a case opens is closed after it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LinkStatus, ProviderName } from '../../src/contract.ts';
import { StoreError } from '../../src/store/sql.ts';
import type { LinkRecord, ListLinksQuery, Store } from '../../src/store/types.ts';

export interface StoreEngine<D extends TestDatabase = TestDatabase> {
  /** A new, empty database for one case. */
  createDatabase(): Promise<D>;
  /**
   * Engines whose instances hear each other (Postgres): cut this database's listening connection from the
   * server side, as a restart or a network fault would.
   */
  feed?: { dropListener(database: D): Promise<void> };
}

export interface TestDatabase {
  /** Opens a store instance on this database; the first one makes the schema. */
  open(now: () => number): Promise<Store>;
  /** Raw SQL on this database: rows only the store's internals can show, state only a newer version makes. */
  query(text: string): Promise<Record<string, unknown>[]>;
  /** Called once every store opened on it is closed. */
  drop(): Promise<void>;
}

/** The start of the injected clock: ms since the epoch, 2026-01-01T00:00:00Z. */
const T0 = Date.UTC(2026, 0, 1);
const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER; // 9_007_199_254_740_991

interface Fixture<D extends TestDatabase> {
  /** The first instance. */
  store: Store;
  /** Drives every instance's `now`; move `clock.t` to let TTLs and leases run out. */
  clock: { t: number };
  /** Another instance on the same database (another process, another machine). */
  another(): Promise<Store>;
  database: D;
}

export function describeStore<D extends TestDatabase>(name: string, engine: StoreEngine<D>): void {
  describe(`store: ${name}`, () => {
    let cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      const pending = cleanups.reverse();
      cleanups = [];
      // Every store closes and the database goes even when one step fails; the first failure is reported.
      const failures: unknown[] = [];
      for (const cleanup of pending) await cleanup().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    });

    /** A fresh database and a first store on it; both go after the case. */
    async function fixture(): Promise<Fixture<D>> {
      const database = await engine.createDatabase();
      cleanups.push(() => database.drop());
      const clock = { t: T0 };
      const another = async (): Promise<Store> => {
        const store = await database.open(() => clock.t);
        let closed = false;
        const tracked: Store = {
          ...store,
          async close() {
            if (closed) return;
            closed = true;
            await store.close();
          },
        };
        cleanups.push(() => tracked.close());
        return tracked;
      };
      return { store: await another(), clock, another, database };
    }

    describe('links', () => {
      it('round-trips every field of each price source, nulls and the largest safe amounts; version starts at 1', async () => {
        const { store } = await fixture();
        const records = [
          link('a0', {
            source: { kind: 'product', product: 'tshirt-blue', quantity: 3 },
            amount: { value: MAX_MINOR_UNITS, currency: 'INR' },
            description: 'Café ₹ «gift» — 日本',
            expiresAt: '2026-01-02T03:04:05.678Z',
            status: 'partially_paid',
            amountPaid: MAX_MINOR_UNITS - 1,
            paidSteps: [1, 250_000, MAX_MINOR_UNITS - 1],
            seq: 4,
            paidAt: '2026-01-01T10:00:00.000Z',
            createdAt: T0 + 1,
            checkedAt: T0 + 2,
            closedAt: T0 + 3,
            claimedAt: T0 + 4,
            recheckAt: T0 + 5,
            version: 7,
          }),
          link('a1', { provider: 'xendit', source: { kind: 'intent', reference: 'INV-2026-001', attempt: 3 } }),
          link('a2', { provider: 'eximpe', amount: { value: 0, currency: 'IDR' }, source: { kind: 'amount' } }),
        ];
        for (const record of records) {
          const expected = { ...record, version: 1 };
          const answer = await store.insertLink(record);
          assert.deepEqual(answer, { record: expected, inserted: true });
          assert.deepEqual(await store.getLink(record.id), expected);
          assert.deepEqual(await store.findLinkByProviderId(record.provider, record.providerLinkId), expected);
        }
        assert.deepEqual(await store.findLinkByMerchantReference('INV-2026-001'), { ...records[1], version: 1 });
        assert.equal(await store.getLink('nope'), undefined);
        assert.equal(await store.findLinkByProviderId('razorpay', records[1]!.providerLinkId), undefined, 'another provider');
        assert.equal(await store.findLinkByMerchantReference('INV-unknown'), undefined);
        assert.equal(await store.findLinkByMerchantReference(records[0]!.reference), undefined, 'only intents have one');
      });

      it('keeps an intent link minted before attempts were counted as attempt 1', async () => {
        const { store } = await fixture();
        await store.insertLink(link('b0', { source: { kind: 'intent', reference: 'INV-1' } }));
        assert.deepEqual((await store.getLink('b0'))?.source, { kind: 'intent', reference: 'INV-1', attempt: 1 });
        const again = await store.insertLink(link('b1', { source: { kind: 'intent', reference: 'INV-1', attempt: 1 } }));
        assert.equal(again.inserted, false);
        assert.equal(again.record.id, 'b0');
      });
    });

    describe('one link per purchase', () => {
      it('answers the existing link for the same provider link, provider reference, intent attempt or id', async () => {
        const { store } = await fixture();
        const first = { ...link('c0', { source: { kind: 'intent', reference: 'INV-7', attempt: 1 } }), version: 1 };
        await store.insertLink(first);
        const duplicates = {
          'provider link': link('c1', { providerLinkId: first.providerLinkId }),
          'provider reference': link('c2', { reference: first.reference }),
          'intent attempt': link('c3', { provider: 'xendit', source: { kind: 'intent', reference: 'INV-7', attempt: 1 } }),
          id: link('c0', { providerLinkId: 'plink_other', reference: 'ref_other' }),
        };
        for (const [why, duplicate] of Object.entries(duplicates)) {
          assert.deepEqual(await store.insertLink(duplicate), { record: first, inserted: false }, why);
          if (duplicate.id !== first.id) assert.equal(await store.getLink(duplicate.id), undefined, `${why}: nothing inserted`);
        }
        assert.equal(await countLinks(store), 1);
      });

      it('treats the same provider ids under another provider, and another attempt of an intent, as new links', async () => {
        const { store } = await fixture();
        await store.insertLink(link('d0', { source: { kind: 'intent', reference: 'INV-9', attempt: 1 } }));
        const otherProvider = await store.insertLink(link('d1', { provider: 'xendit', providerLinkId: 'plink_d0', reference: 'ref_d0' }));
        assert.equal(otherProvider.inserted, true);
        // Inserted out of order: the newest is the highest attempt (10 > 2 as numbers), not the last written.
        for (const [id, attempt] of [['d10', 10], ['d2', 2]] as const) {
          const answer = await store.insertLink(link(id, { source: { kind: 'intent', reference: 'INV-9', attempt } }));
          assert.equal(answer.inserted, true, `attempt ${attempt}`);
        }
        assert.equal((await store.findLinkByMerchantReference('INV-9'))?.id, 'd10');
      });

      it('inserts one link when two instances race to insert the same purchase', async () => {
        const { store, another } = await fixture();
        const stores = [store, await another()];
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            stores[i % 2]!.insertLink(link(`race${String(i).padStart(2, '0')}`, { providerLinkId: `plink_race${i}`, reference: 'ref_race' })),
          ),
        );
        assert.equal(answers.filter((a) => a.inserted).length, 1);
        const winner = answers.find((a) => a.inserted)!.record;
        for (const answer of answers) assert.deepEqual(answer.record, winner);
        assert.equal(await countLinks(store), 1);
      });
    });

    describe('updateLink', () => {
      it('loses no write when 50 concurrent updates on two instances each add one amount', async () => {
        const { store, another } = await fixture();
        const stores = [store, await another()];
        await store.insertLink(link('e0'));
        const amounts = Array.from({ length: 50 }, (_, i) => 1_000 + i);
        const results = await Promise.all(
          amounts.map((amount, i) =>
            stores[i % 2]!.updateLink('e0', (current) => ({
              ...current,
              paidSteps: [...current.paidSteps, amount].sort((a, b) => a - b),
            })),
          ),
        );
        for (const [i, result] of results.entries()) assert.ok(result?.paidSteps.includes(amounts[i]!), `update ${i} answers its write`);
        const after = await stores[1]!.getLink('e0');
        assert.deepEqual(after?.paidSteps, amounts);
        assert.equal(after?.version, 51);
      });

      it('answers the new record with the next version, and changes nothing when update answers its argument', async () => {
        const { store } = await fixture();
        await store.insertLink(link('f0'));
        const next = await store.updateLink('f0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000, paidAt: '2026-01-01T00:01:00.000Z' }));
        assert.equal(next?.version, 2);
        assert.deepEqual(await store.getLink('f0'), next);
        const same = await store.updateLink('f0', (current) => current);
        assert.deepEqual(same, next);
        assert.equal((await store.getLink('f0'))?.version, 2);
        let called = false;
        assert.equal(
          await store.updateLink('nope', (current) => {
            called = true;
            return current;
          }),
          undefined,
        );
        assert.equal(called, false);
      });
    });

    describe('claimRefresh', () => {
      it('lets one of several concurrent claims on two instances win, and records its time', async () => {
        const { store, another } = await fixture();
        const stores = [store, await another()];
        await store.insertLink(link('g0', { checkedAt: T0 }));
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.claimRefresh('g0', T0, T0 + 100 + i)));
        assert.equal(claims.filter(Boolean).length, 1);
        const after = await store.getLink('g0');
        assert.equal(after?.checkedAt, T0 + 100 + claims.indexOf(true));
        assert.equal(after?.version, 2, 'a claim is a write');
        assert.equal(await store.claimRefresh('g0', T0, T0 + 500), false, 'a stale checkedAt');
        assert.equal(await store.claimRefresh('nope', T0, T0 + 500), false);
      });
    });

    describe('listLinks', () => {
      // Ties on createdAt so the id tiebreak carries the cursor; ids in lowercase hex so every collation orders them alike.
      const spec: [string, number, LinkStatus, ProviderName][] = [
        ['0a', T0 + 1_000, 'pending', 'razorpay'],
        ['1b', T0 + 1_000, 'paid', 'xendit'],
        ['2c', T0 + 1_000, 'pending', 'xendit'],
        ['3d', T0 + 2_000, 'expired', 'razorpay'],
        ['4e', T0 + 3_000, 'pending', 'pinelabs'],
        ['5f', T0 + 3_000, 'paid', 'razorpay'],
        ['6a', T0 + 3_000, 'pending', 'razorpay'],
        ['7b', T0 + 3_000, 'partially_paid', 'eximpe'],
        ['8c', T0 + 4_000, 'pending', 'razorpay'],
        ['9d', T0 + 5_000, 'cancelled', 'payengine'],
        ['ae', T0 + 5_000, 'pending', 'razorpay'],
        ['bf', T0 + 6_000, 'pending', 'xendit'],
        ['c0', T0 + 6_000, 'failed', 'razorpay'],
      ];
      const records = spec.map(([id, createdAt, status, provider]) => link(id, { createdAt, status, provider }));
      const newestFirst = (list: LinkRecord[]) =>
        [...list].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.id);

      async function listed(): Promise<Store> {
        const { store } = await fixture();
        // Inserted in a shuffled order, so insertion order cannot pass for time order.
        for (const i of [5, 0, 12, 3, 8, 1, 10, 6, 2, 11, 4, 9, 7]) await store.insertLink(records[i]!);
        return store;
      }

      async function allPages(store: Store, query: Omit<ListLinksQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
        const ids: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listLinks({ ...query, cursor });
          pages++;
          assert.ok(page.links.length <= query.limit);
          if (page.nextCursor !== undefined) assert.equal(page.links.length, query.limit, 'only a full page says there is more');
          ids.push(...page.links.map((l) => l.id));
          cursor = page.nextCursor;
          assert.ok(pages <= records.length + 1, 'the cursor never ends');
        } while (cursor !== undefined);
        return { ids, pages };
      }

      it('answers newest first (createdAt, then id), whole records', async () => {
        const store = await listed();
        const page = await store.listLinks({ limit: 100 });
        assert.deepEqual(page.links.map((l) => l.id), newestFirst(records));
        assert.equal(page.nextCursor, undefined);
        assert.deepEqual(page.links[0], { ...records.find((r) => r.id === page.links[0]!.id), version: 1 });
      });

      it('filters by status, provider and a creation window [createdFrom, createdBefore)', async () => {
        const store = await listed();
        const cases: [Omit<ListLinksQuery, 'limit'>, (r: LinkRecord) => boolean][] = [
          [{ status: 'pending' }, (r) => r.status === 'pending'],
          [{ provider: 'razorpay' }, (r) => r.provider === 'razorpay'],
          [{ status: 'pending', provider: 'xendit' }, (r) => r.status === 'pending' && r.provider === 'xendit'],
          [{ createdFrom: T0 + 3_000 }, (r) => r.createdAt >= T0 + 3_000],
          [{ createdBefore: T0 + 3_000 }, (r) => r.createdAt < T0 + 3_000],
          [{ createdFrom: T0 + 2_000, createdBefore: T0 + 5_000 }, (r) => r.createdAt >= T0 + 2_000 && r.createdAt < T0 + 5_000],
          [{ status: 'paid', createdFrom: T0 + 1_000, createdBefore: T0 + 3_001 }, (r) => r.status === 'paid'],
          [{ status: 'pending', provider: 'payengine' }, () => false],
        ];
        for (const [query, keep] of cases) {
          const expected = newestFirst(records.filter(keep));
          assert.deepEqual((await store.listLinks({ ...query, limit: 100 })).links.map((l) => l.id), expected, JSON.stringify(query));
          assert.deepEqual((await allPages(store, { ...query, limit: 2 })).ids, expected, `${JSON.stringify(query)}, by twos`);
        }
      });

      it('visits every link exactly once, in order, page by page, for page sizes 1, 3, 13 and 100', async () => {
        const store = await listed();
        for (const limit of [1, 3, records.length, 100]) {
          const { ids, pages } = await allPages(store, { limit });
          assert.deepEqual(ids, newestFirst(records), `limit ${limit}`);
          assert.equal(pages, Math.max(1, Math.ceil(records.length / limit)), `limit ${limit}: no empty last page`);
        }
      });

      it('does not throw on a cursor it did not make', async () => {
        const store = await listed();
        const b64 = (value: string) => Buffer.from(value).toString('base64url');
        const garbage = ['not a cursor', '!!!', '', b64('{}'), b64('null'), b64('5'), b64('[1.5,"x"]'), b64('[1e400,"x"]'), b64('["x",1]'), b64('[-1e300,"z"]')];
        for (const cursor of garbage) {
          const page = await store.listLinks({ limit: 3, cursor });
          assert.ok(page.links.length <= 3, cursor);
        }
      });
    });

    describe("the sweeper's queries", () => {
      it('findOpenLinksExpiring: pending and partially paid links expiring in [from, to], soonest first, limited', async () => {
        const { store } = await fixture();
        const from = T0 + 60_000;
        const to = T0 + 120_000;
        const at = (ms: number) => new Date(ms).toISOString();
        const cases: [string, string | null, LinkStatus][] = [
          ['h-late', at(to - 1), 'pending'],
          ['h-partial', at(from + 30_000), 'partially_paid'],
          ['h-from', at(from), 'pending'],
          ['h-to', at(to), 'pending'],
          ['h-paid', at(from + 10_000), 'paid'],
          ['h-expired', at(from + 10_000), 'expired'],
          ['h-cancelled', at(from + 10_000), 'cancelled'],
          ['h-before', at(from - 1), 'pending'],
          ['h-after', at(to + 1), 'pending'],
          ['h-never', null, 'pending'],
        ];
        for (const [id, expiresAt, status] of cases) await store.insertLink(link(id, { expiresAt, status }));
        const ids = async (limit: number) => (await store.findOpenLinksExpiring(from, to, limit)).map((l) => l.id);
        assert.deepEqual(await ids(100), ['h-from', 'h-partial', 'h-late', 'h-to']);
        assert.deepEqual(await ids(2), ['h-from', 'h-partial']);
        assert.deepEqual((await store.findOpenLinksExpiring(from, to, 1))[0], { ...link('h-from', { expiresAt: at(from) }), version: 1 });
      });

      it('findLinksDueForRecheck: recheckAt at or before the time, soonest first, limited', async () => {
        const { store } = await fixture();
        const now = T0 + 60_000;
        const cases: [string, number | null][] = [
          ['i-now', now],
          ['i-long-ago', now - 50_000],
          ['i-next', now + 1],
          ['i-none', null],
          ['i-just', now - 1],
          ['i-later', now + 60_000],
        ];
        for (const [id, recheckAt] of cases) await store.insertLink(link(id, { recheckAt }));
        const ids = async (limit: number) => (await store.findLinksDueForRecheck(now, limit)).map((l) => l.id);
        assert.deepEqual(await ids(100), ['i-long-ago', 'i-just', 'i-now']);
        assert.deepEqual(await ids(2), ['i-long-ago', 'i-just']);
        assert.deepEqual(await store.findLinksDueForRecheck(now - 50_001, 100), []);
      });
    });

    describe('idempotency keys', () => {
      const TTL = 24 * 60 * 60_000;
      const LEASE = 30_000;

      it('new, then in_flight for the same request, mismatch for another, done once complete', async () => {
        const { store } = await fixture();
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'new' });
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'in_flight' });
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-b', TTL, LEASE), { kind: 'mismatch' });
        assert.deepEqual(await store.beginIdempotent('k2', 'fp-a', TTL, LEASE), { kind: 'new' }, 'keys are independent');
        await store.completeIdempotent('k1', 'link-1');
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'done', linkId: 'link-1' });
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-b', TTL, LEASE), { kind: 'mismatch' });
        await store.abandonIdempotent('k1');
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'done', linkId: 'link-1' }, 'a completed key is not abandoned');
      });

      it('abandon frees a claim for a retry', async () => {
        const { store } = await fixture();
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'new' });
        await store.abandonIdempotent('k1');
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'new' });
        await store.abandonIdempotent('never-claimed');
      });

      it('frees a claim whose lease ran out (its holder crashed) for another instance', async () => {
        const { store, clock, another } = await fixture();
        const other = await another();
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'new' });
        clock.t += LEASE - 1;
        assert.deepEqual(await other.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'in_flight' });
        clock.t += 2;
        assert.deepEqual(await other.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'new' });
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'in_flight' }, 'the new claim holds its own lease');
        await other.completeIdempotent('k1', 'link-2');
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-a', TTL, LEASE), { kind: 'done', linkId: 'link-2' });
      });

      it('forgets a completed key past its TTL', async () => {
        const { store, clock } = await fixture();
        await store.beginIdempotent('k1', 'fp-a', 60_000, LEASE);
        await store.completeIdempotent('k1', 'link-1');
        clock.t += 59_999;
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-b', 60_000, LEASE), { kind: 'mismatch' });
        clock.t += 2;
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-b', 60_000, LEASE), { kind: 'new' }, 'even for another request');
        assert.deepEqual(await store.beginIdempotent('k1', 'fp-b', 60_000, LEASE), { kind: 'in_flight' });
      });

      it('gives exactly one of 50 concurrent begins on two instances the key', async () => {
        const { store, another } = await fixture();
        const stores = [store, await another()];
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.beginIdempotent('k1', 'fp-a', TTL, LEASE)));
        assert.equal(answers.filter((a) => a.kind === 'new').length, 1);
        assert.equal(answers.filter((a) => a.kind === 'in_flight').length, 49);
      });

      it('gives a crashed claim, and an expired key, to exactly one of 20 concurrent retries on two instances', async () => {
        const { store, clock, another } = await fixture();
        const stores = [store, await another()];
        await store.beginIdempotent('crashed', 'fp-a', TTL, LEASE);
        await store.beginIdempotent('expired', 'fp-a', 60_000, LEASE);
        await store.completeIdempotent('expired', 'link-1');
        clock.t += 60_001;
        for (const key of ['crashed', 'expired']) {
          const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.beginIdempotent(key, 'fp-a', TTL, LEASE)));
          assert.equal(answers.filter((a) => a.kind === 'new').length, 1, key);
          assert.equal(answers.filter((a) => a.kind === 'in_flight').length, 19, key);
        }
      });
    });

    describe('webhook dedupe', () => {
      it('remembers a delivery until its TTL, per provider; recording again is fine', async () => {
        const { store, clock, another } = await fixture();
        const other = await another();
        assert.equal(await store.hasEvent('razorpay', 'evt_1'), false);
        await store.recordEvent('razorpay', 'evt_1', 1_000);
        assert.equal(await other.hasEvent('razorpay', 'evt_1'), true, 'another instance sees it');
        assert.equal(await store.hasEvent('xendit', 'evt_1'), false);
        assert.equal(await store.hasEvent('razorpay', 'evt_2'), false);
        await Promise.all([store.recordEvent('razorpay', 'evt_1', 1_000), other.recordEvent('razorpay', 'evt_1', 1_000)]);
        clock.t += 999;
        assert.equal(await store.hasEvent('razorpay', 'evt_1'), true);
        clock.t += 2;
        assert.equal(await store.hasEvent('razorpay', 'evt_1'), false);
        await store.recordEvent('razorpay', 'evt_1', 1_000);
        assert.equal(await store.hasEvent('razorpay', 'evt_1'), true, 'recorded again after it expired');
      });
    });

    describe('leases', () => {
      it('holds a lease for its holder until it expires; renewal extends it; only the holder releases it', async () => {
        const { store, clock, another } = await fixture();
        const other = await another();
        assert.equal(await store.acquireLease('sweeper', 'A', 1_000), true);
        assert.equal(await other.acquireLease('sweeper', 'B', 1_000), false);
        assert.equal(await store.acquireLease('intent:INV-1', 'B', 1_000), true, 'names are independent');
        clock.t += 999;
        assert.equal(await other.acquireLease('sweeper', 'B', 1_000), false);
        clock.t += 2;
        assert.equal(await other.acquireLease('sweeper', 'B', 1_000), true, 'expired');
        assert.equal(await store.acquireLease('sweeper', 'A', 1_000), false);
        clock.t += 800;
        assert.equal(await other.acquireLease('sweeper', 'B', 1_000), true, 'renewal');
        clock.t += 800; // past the first term, within the renewed one
        assert.equal(await store.acquireLease('sweeper', 'A', 1_000), false);
        await store.releaseLease('sweeper', 'A');
        assert.equal(await store.acquireLease('sweeper', 'A', 1_000), false, 'a release by a non-holder does nothing');
        await other.releaseLease('sweeper', 'B');
        assert.equal(await store.acquireLease('sweeper', 'A', 1_000), true, 'released');
      });

      it('gives exactly one of 20 concurrent acquires on two instances the lease', async () => {
        const { store, another } = await fixture();
        const stores = [store, await another()];
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.acquireLease('sweeper', `holder-${i}`, 10_000)));
        assert.equal(answers.filter(Boolean).length, 1);
      });
    });

    describe('purgeExpired', () => {
      it('deletes idempotency records, webhook events and leases past their time, and keeps links', async () => {
        const { store, clock, database } = await fixture();
        await store.insertLink(link('j0'));
        await store.beginIdempotent('k-short', 'fp', 1_000, 500);
        await store.beginIdempotent('k-long', 'fp', 100_000, 500);
        await store.recordEvent('razorpay', 'evt-short', 1_000);
        await store.recordEvent('razorpay', 'evt-long', 100_000);
        await store.acquireLease('short', 'A', 1_000);
        await store.acquireLease('long', 'A', 100_000);
        clock.t += 1_001;
        await store.purgeExpired();
        const keys = async (table: string, column: string) =>
          (await database.query(`SELECT ${column} AS k FROM ${table} ORDER BY ${column}`)).map((r) => r.k);
        assert.deepEqual(await keys('idempotency', 'key'), ['k-long']);
        assert.deepEqual(await keys('webhook_events', 'dedupe_key'), ['evt-long']);
        assert.deepEqual(await keys('leases', 'name'), ['long']);
        assert.deepEqual(await store.getLink('j0'), { ...link('j0'), version: 1 });
        assert.equal(await store.hasEvent('razorpay', 'evt-long'), true);
        assert.deepEqual(await store.beginIdempotent('k-long', 'fp', 100_000, 500), { kind: 'new' }, 'its lease ran out, the record stays');
      });
    });

    describe('the schema', () => {
      it('keeps every row across a restart', async () => {
        const { store, another } = await fixture();
        await store.insertLink(link('m0', { source: { kind: 'intent', reference: 'INV-3', attempt: 2 } }));
        await store.updateLink('m0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }));
        await store.recordEvent('razorpay', 'evt_1', 60_000);
        await store.beginIdempotent('k1', 'fp', 60_000, 1_000);
        await store.completeIdempotent('k1', 'm0');
        await store.acquireLease('sweeper', 'A', 60_000);
        await store.close();
        const restarted = await another();
        assert.deepEqual(await restarted.getLink('m0'), { ...link('m0', { source: { kind: 'intent', reference: 'INV-3', attempt: 2 }, status: 'paid', amountPaid: 50_000 }), version: 2 });
        assert.equal(await restarted.hasEvent('razorpay', 'evt_1'), true);
        assert.deepEqual(await restarted.beginIdempotent('k1', 'fp', 60_000, 1_000), { kind: 'done', linkId: 'm0' });
        assert.equal(await restarted.acquireLease('sweeper', 'B', 60_000), false);
      });

      it('refuses a database a newer version migrated, naming the migration', async () => {
        const { store, another, database } = await fixture();
        await store.close();
        await database.query(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_future', '${new Date().toISOString()}')`);
        await assert.rejects(another(), (error: unknown) => {
          assert.ok(error instanceof StoreError, String(error));
          assert.match(error.message, /9999_future/);
          assert.match(error.message, /newer version/);
          return true;
        });
      });
    });

    describe('the change feed', () => {
      const feed = engine.feed;
      if (!feed) {
        it('is silent: in one process the service tells its own watchers', async () => {
          const { store, another } = await fixture();
          const other = await another();
          const heard: string[] = [];
          await store.listenChanges((id) => heard.push(id), () => heard.push('resync'));
          await other.publishChange('n0');
          await store.publishChange('n1');
          await sleep(50);
          assert.deepEqual(heard, []);
        });
        return;
      }

      it("tells an instance about another's changes, never its own", async () => {
        const { store, another } = await fixture();
        const other = await another();
        const heard: string[] = [];
        await store.listenChanges((id) => heard.push(id), () => heard.push('resync'));
        await store.publishChange('own');
        await other.publishChange('n0');
        // Notifications arrive in commit order: once n0 is in, `own` would have been too.
        await until(() => heard.includes('n0'), 'n0 heard');
        await other.publishChange('n1');
        await until(() => heard.includes('n1'), 'n1 heard');
        assert.deepEqual(heard, ['n0', 'n1']);
      });

      it('reconnects after its listening connection is cut, asks for a resync, and hears later changes', async () => {
        const { store, another, database } = await fixture();
        const other = await another();
        const heard: string[] = [];
        await store.listenChanges((id) => heard.push(id), () => heard.push('resync'));
        await feed.dropListener(database);
        await until(() => heard.includes('resync'), 'resync after the reconnect');
        await other.publishChange('n2');
        await until(() => heard.includes('n2'), 'n2 heard after the reconnect');
        assert.deepEqual(heard, ['resync', 'n2']);
      });
    });
  });
}

/** How many links the store holds, through its own listing. */
async function countLinks(store: Store): Promise<number> {
  return (await store.listLinks({ limit: 1_000 })).links.length;
}

/** Waits for `condition`, polling; fails after `ms` (generous: a loaded CI machine). */
async function until(condition: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for: ${what}`);
    await sleep(10);
  }
}

/** A link with every field set to something plain; `overrides` for what a case is about. */
function link(id: string, overrides: Partial<LinkRecord> = {}): LinkRecord {
  return {
    id,
    provider: 'razorpay',
    providerLinkId: `plink_${id}`,
    reference: `ref_${id}`,
    url: `https://pay.example/${id}`,
    amount: { value: 50_000, currency: 'INR' },
    description: null,
    expiresAt: null,
    source: { kind: 'amount' },
    status: 'pending',
    amountPaid: 0,
    paidSteps: [],
    seq: 0,
    paidAt: null,
    createdAt: T0,
    checkedAt: T0,
    closedAt: null,
    claimedAt: null,
    recheckAt: null,
    version: 1,
    ...overrides,
  };
}

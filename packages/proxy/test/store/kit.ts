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
 * - the merchant events outbox (decision 0013): events written only with the change they describe, in its
 *   transaction (a lost compare-and-set or a failed event insert writes neither); each delivery claimed by one
 *   holder, a link's events handed out in order per endpoint; the attempt log, resends, retention;
 * - the change feed between instances, where the engine has one.
 *
 * Each case gets its own database, so no case sees another's rows; every store a case opens is closed after it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LinkStatus, ProviderName } from '../../src/contract.ts';
import { StoreError } from '../../src/store/sql.ts';
import type { ClaimedDelivery, EventsOf, LinkRecord, ListLinksQuery, NewEvent, Store } from '../../src/store/types.ts';

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

      it('stores every changed field whichever few change, and one set back to null or changed in place', async () => {
        // The write sets only the columns that differ (store/sql.ts, changedColumns): each change of a different
        // shape must still land whole, and a field cleared or edited on the record it was given counts as changed.
        const { store } = await fixture();
        await store.insertLink(link('f1', { status: 'pending' }));
        const claimed = await store.updateLink('f1', (current) => ({ ...current, recheckAt: 1_000 }));
        assert.equal((await store.getLink('f1'))?.recheckAt, 1_000);
        const paid = await store.updateLink('f1', (current) => ({ ...current, status: 'paid', amountPaid: current.amount.value, paidAt: '2026-01-01T00:01:00.000Z', recheckAt: null }));
        assert.deepEqual(await store.getLink('f1'), paid);
        assert.equal(paid?.version, (claimed?.version ?? 0) + 1);
        const edited = await store.updateLink('f1', (current) => {
          current.description = 'edited in place';
          return { ...current };
        });
        assert.equal(edited?.description, 'edited in place');
        assert.deepEqual(await store.getLink('f1'), edited);
      });

      it('takes a record the caller just read instead of reading it again, and reads afresh when another write came first', async () => {
        const { store, another } = await fixture();
        const other = await another();
        await store.insertLink(link('k1', { status: 'pending' }));
        const known = (await store.getLink('k1'))!;
        const fresh = await store.updateLink('k1', (current) => ({ ...current, recheckAt: 5_000 }), undefined, undefined, known);
        assert.equal(fresh?.version, known.version + 1);
        assert.deepEqual(await store.getLink('k1'), fresh);
        // `fresh` is now stale: another instance writes first. The update must see that write, not undo it.
        await other.updateLink('k1', (current) => ({ ...current, amountPaid: 100, paidSteps: [100], status: 'partially_paid' }));
        const seenBy: LinkRecord[] = [];
        const joined = await store.updateLink('k1', (current) => {
          seenBy.push(current);
          return { ...current, recheckAt: 9_000 };
        }, undefined, undefined, fresh!);
        assert.equal(seenBy.length, 2, 'tried on the stale record, lost, then on the row as stored');
        assert.equal(joined?.status, 'partially_paid');
        assert.equal(joined?.amountPaid, 100);
        assert.equal(joined?.recheckAt, 9_000);
        assert.equal(joined?.version, fresh!.version + 2);
        assert.deepEqual(await store.getLink('k1'), joined);
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

    describe('merchant events outbox', () => {
      /**
       * Who races on one link's transactional writes (a change and its events). Engines with a change feed run
       * their instances as separate processes on one database (Postgres): two instances. SQLite is one process per
       * file (decision 0012), so its writers race inside one instance; a second instance here would be a second
       * connection in this same thread, where better-sqlite3's synchronous busy wait blocks the event loop the
       * first connection needs to commit, until `busy_timeout` fails it (SQLITE_BUSY).
       */
      const racers = async (store: Store, another: () => Promise<Store>): Promise<Store[]> => (engine.feed ? [store, await another()] : [store]);

      it('updateLink writes the events of a change that lands, each with a pending delivery per endpoint, due at once', async () => {
        const { store, clock, database } = await fixture();
        await store.insertLink(link('o0'));
        clock.t += 1_000;
        const made: NewEvent[] = [];
        const paid = await store.updateLink('o0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), statusEvents(made, [EP1, EP2], clock));
        assert.equal(paid?.version, 2);
        assert.equal(made.length, 1);
        const stored = await store.getEvent(made[0]!.id);
        assert.deepEqual(stored, {
          id: made[0]!.id,
          linkId: 'o0',
          type: 'payment_link.paid',
          payload: made[0]!.payload,
          createdAt: T0 + 1_000,
          deliveries: [EP1, EP2].map((endpointId) => ({ endpointId, state: 'pending', attempts: 0, nextAttemptAt: T0 + 1_000, deliveredAt: null, history: [] })),
        });
        // A write that changes nothing calls no EventsOf; a change that makes no event (a refresh) writes none.
        let called = false;
        const touch: EventsOf = () => {
          called = true;
          return [];
        };
        await store.updateLink('o0', (current) => current, touch);
        assert.equal(called, false);
        await store.updateLink('o0', (current) => ({ ...current, checkedAt: clock.t }), touch);
        assert.equal(called, true);
        assert.equal(await countEvents(store), 1);
        // One change written twice (a replayed write) keeps one event at its position, and only its deliveries.
        const replayed = [event('o0', 4 * 8, { createdAt: clock.t }), event('o0', 4 * 8, { createdAt: clock.t })];
        await store.updateLink('o0', (current) => ({ ...current, checkedAt: clock.t + 1 }), () => replayed);
        assert.ok(await store.getEvent(replayed[0]!.id));
        assert.equal(await store.getEvent(replayed[1]!.id), undefined);
        assert.deepEqual(await database.query(`SELECT event_id FROM deliveries WHERE event_id = '${replayed[1]!.id}'`), []);
      });

      it('insertLink writes the events of an insert only when the link is inserted', async () => {
        const { store, clock } = await fixture();
        const made: NewEvent[] = [];
        const first = await store.insertLink(link('o1', { status: 'paid', amountPaid: 50_000 }), statusEvents(made, [EP1], clock));
        assert.equal(first.inserted, true);
        const again = await store.insertLink(link('o1-dup', { providerLinkId: 'plink_o1', status: 'paid', amountPaid: 50_000 }), statusEvents(made, [EP1], clock));
        assert.equal(again.inserted, false);
        assert.equal(made.length, 2, 'both computed their events');
        assert.ok(await store.getEvent(made[0]!.id));
        assert.equal(await store.getEvent(made[1]!.id), undefined, 'the insert that met the existing link wrote no event');
        assert.equal(await countEvents(store), 1);
      });

      it('writes no event for a write that lost the compare-and-set: 20 racing changes, one event', async () => {
        const { store, clock, another } = await fixture();
        const stores = await racers(store, another);
        await store.insertLink(link('p0'));
        const made: NewEvent[] = [];
        const events = statusEvents(made, [EP1], clock);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            stores[i % stores.length]!.updateLink('p0', (current) => (current.status === 'paid' ? current : { ...current, status: 'paid', amountPaid: 50_000 }), events),
          ),
        );
        assert.ok(results.every((r) => r?.status === 'paid' && r.version === 2));
        const { events: written } = await store.listEvents({ linkId: 'p0', limit: 100 });
        assert.equal(written.length, 1, 'one change, one event');
        // Every writer read version 1 and computed its event; only the winner's was written.
        assert.ok(made.length > 1, `the losers computed events too (${made.length})`);
        for (const lost of made.filter((e) => e.id !== written[0]!.id)) assert.equal(await store.getEvent(lost.id), undefined);
      });

      it('writes a change\'s event once when it loses the compare-and-set to writes that make none (refresh claims)', async () => {
        const { store, clock, another } = await fixture();
        const stores = await racers(store, another);
        await store.insertLink(link('p2'));
        const made: NewEvent[] = [];
        const events = statusEvents(made, [EP1], clock);
        // The status change goes last, so the writes ahead of it land first and it computes its event again.
        const writes = [
          ...Array.from({ length: 10 }, (_, i) => (current: LinkRecord) => ({ ...current, checkedAt: current.checkedAt + 1 + i })),
          (current: LinkRecord) => ({ ...current, status: 'paid' as const, amountPaid: 50_000 }),
        ];
        await Promise.all(writes.map((update, i) => stores[i % stores.length]!.updateLink('p2', update, events)));
        const final = await store.getLink('p2');
        assert.equal(final?.status, 'paid');
        assert.equal(final?.version, 12);
        const { events: written } = await store.listEvents({ linkId: 'p2', limit: 100 });
        assert.deepEqual(written.map((e) => e.type), ['payment_link.paid'], `one event (${made.length} computed)`);
      });

      it('writes exactly one event per landed write when 20 racing writers all change the link', async () => {
        const { store, clock, another } = await fixture();
        const stores = await racers(store, another);
        await store.insertLink(link('p1'));
        let computed = 0;
        const everyWrite: EventsOf = (_before, after) => {
          computed++;
          return [event(after.id, after.version * 8, { type: 'payment_link.partially_paid', payload: JSON.stringify({ version: after.version, amountPaid: after.amountPaid }), createdAt: clock.t })];
        };
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            stores[i % stores.length]!.updateLink(
              'p1',
              (current) => ({ ...current, status: 'partially_paid', amountPaid: current.amountPaid + 100 + i, paidSteps: [...current.paidSteps, 100 + i] }),
              everyWrite,
            ),
          ),
        );
        const final = await store.getLink('p1');
        assert.equal(final?.version, 21);
        const { events: written } = await store.listEvents({ linkId: 'p1', limit: 100 });
        assert.equal(written.length, 20, `one event per landed write (${computed} computed)`);
        assert.ok(computed > 20, 'some writes lost a round and computed again');
        // Each event describes the record its own write made, not one a loser computed: versions 2..21, and at
        // version v the amount of the first v - 1 steps in the order they landed.
        const bodies = written.map((e) => JSON.parse(e.payload) as { version: number; amountPaid: number }).sort((a, b) => a.version - b.version);
        assert.deepEqual(bodies.map((b) => b.version), Array.from({ length: 20 }, (_, i) => i + 2));
        const landed = final!.paidSteps;
        assert.deepEqual(bodies.map((b) => b.amountPaid), landed.map((_, i) => landed.slice(0, i + 1).reduce((sum, step) => sum + step, 0)));
      });

      it('no change without its event: an EventsOf that throws leaves the link as it was', async () => {
        const { store } = await fixture();
        await store.insertLink(link('q0'));
        const boom: EventsOf = () => {
          throw new Error('boom');
        };
        await assert.rejects(store.updateLink('q0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), boom), /boom/);
        assert.deepEqual(await store.getLink('q0'), { ...link('q0'), version: 1 });
        await assert.rejects(store.insertLink(link('q1'), boom), /boom/);
        assert.equal(await store.getLink('q1'), undefined);
        assert.equal(await countEvents(store), 0);
      });

      it('no change without its event, no event without its change: an event insert that fails rolls the whole write back', async () => {
        const { store, clock } = await fixture();
        await store.insertLink(link('r0'));
        const taken = event('r0', 2 * 8, { id: 'evt_kit_taken_000000', type: 'payment_link.partially_paid', createdAt: clock.t });
        await store.updateLink('r0', (current) => ({ ...current, status: 'partially_paid', amountPaid: 100 }), () => [taken]);
        const before = await store.getLink('r0');

        // Another link whose change brings an event under an id already used: the change goes with it.
        await store.insertLink(link('r1'));
        await assert.rejects(store.updateLink('r1', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), (_b, after) => [event(after.id, after.version * 8, { id: taken.id })]));
        assert.deepEqual(await store.getLink('r1'), { ...link('r1'), version: 1 }, 'the link change was rolled back');

        // A write of two events whose second fails: the link and the first event both roll back.
        const first = event('r0', 3 * 8, { createdAt: clock.t });
        await assert.rejects(store.updateLink('r0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), () => [first, event('r0', 3 * 8 + 1, { id: taken.id })]));
        assert.deepEqual(await store.getLink('r0'), before);
        assert.equal(await store.getEvent(first.id), undefined, 'no event without its change');

        // An insert whose event fails inserts no link.
        await assert.rejects(store.insertLink(link('r2'), (_b, after) => [event(after.id, 8, { id: taken.id })]));
        assert.equal(await store.getLink('r2'), undefined);

        // The event that was there is untouched and the store goes on: the same change with a fresh id lands.
        assert.deepEqual((await store.listEvents({ limit: 100 })).events.map((e) => e.id), [taken.id]);
        const paid = await store.updateLink('r0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), () => [first]);
        assert.equal(paid?.version, 3);
        assert.ok(await store.getEvent(first.id));
      });

      it('updateLink records a webhook as seen with its change, or on its own for no change, or not at all: a failed write records nothing', async () => {
        const { store, clock } = await fixture();
        await store.insertLink(link('s0'));
        const seen = (dedupeKey: string) => ({ provider: 'razorpay' as const, dedupeKey, ttlMs: 1_000 });
        const paid = await store.updateLink('s0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), undefined, seen('evt_s_1'));
        assert.equal(paid?.version, 2);
        assert.equal(await store.hasEvent('razorpay', 'evt_s_1'), true, 'recorded with the change');
        const same = await store.updateLink('s0', (current) => current, undefined, seen('evt_s_2'));
        assert.equal(same?.version, 2);
        assert.equal(await store.hasEvent('razorpay', 'evt_s_2'), true, 'recorded though nothing changed');
        assert.equal(await store.updateLink('nope', (current) => current, undefined, seen('evt_s_3')), undefined);
        assert.equal(await store.hasEvent('razorpay', 'evt_s_3'), false, 'no link, not recorded');
        // The change's event fails (an id already used): the change and the dedupe record both roll back, so the
        // provider's redelivery is applied rather than dropped as a duplicate.
        const taken = event('s1', 8, { id: 'evt_kit_s_taken_00000', createdAt: clock.t });
        await store.insertLink(link('s1'), () => [taken]);
        await assert.rejects(store.updateLink('s0', (current) => ({ ...current, checkedAt: clock.t + 5 }), () => [event('s0', 3 * 8, { id: taken.id })], seen('evt_s_4')));
        assert.equal(await store.hasEvent('razorpay', 'evt_s_4'), false, 'rolled back with the change');
        assert.equal((await store.getLink('s0'))?.version, 2);
        clock.t += 1_001;
        assert.equal(await store.hasEvent('razorpay', 'evt_s_1'), false, 'for its TTL, as recordEvent');
      });

      it('writes made at once stand or fall alone: one whose event fails rolls back only itself, with its dedupe record', async () => {
        const { store, clock } = await fixture();
        for (const id of ['g0', 'g1', 'g2', 'g3']) await store.insertLink(link(id));
        const taken = event('g0', 2 * 8, { id: 'evt_kit_g_taken_00000', createdAt: clock.t });
        await store.updateLink('g0', (current) => ({ ...current, status: 'partially_paid', amountPaid: 100 }), () => [taken]);
        const seen = (dedupeKey: string) => ({ provider: 'razorpay' as const, dedupeKey, ttlMs: 60_000 });
        const paid = (current: LinkRecord) => ({ ...current, status: 'paid' as const, amountPaid: 50_000 });
        const made: NewEvent[] = [];
        const results = await Promise.allSettled([
          store.updateLink('g1', paid, statusEvents(made, [EP1], clock), seen('evt_g1')),
          store.updateLink('g2', paid, (_b, after) => [event(after.id, after.version * 8, { id: taken.id })], seen('evt_g2')),
          store.updateLink('g3', paid, statusEvents(made, [EP1], clock), seen('evt_g3')),
        ]);
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.equal((await store.getLink('g1'))?.status, 'paid');
        assert.equal((await store.getLink('g2'))?.status, 'pending', 'the failed write rolled back');
        assert.equal((await store.getLink('g3'))?.status, 'paid');
        assert.deepEqual(await Promise.all(['evt_g1', 'evt_g2', 'evt_g3'].map((k) => store.hasEvent('razorpay', k))), [true, false, true]);
        assert.equal((await store.listEvents({ limit: 100 })).events.length, 3, 'the taken one and the two that landed');
      });

      it('recordAttempts records attempts that finished together in one write: each state and history line, and a late one undoes nothing', async () => {
        const { store, clock } = await fixture();
        const ids: string[] = [];
        for (const id of ['x0', 'x1', 'x2']) {
          await store.insertLink(link(id), (_b, after) => {
            const made = event(after.id, 8, { createdAt: clock.t });
            ids.push(made.id);
            return [made];
          });
        }
        const t = clock.t;
        assert.equal((await store.claimDeliveries('A', [EP1], t, 10_000, 10)).length, 3);
        const attempt = (n: number, statusCode: number) => ({ attempt: n, at: t, statusCode, durationMs: 5, error: statusCode < 300 ? null : `HTTP ${statusCode}` });
        await store.recordAttempts([
          { eventId: ids[0]!, endpointId: EP1, attempt: attempt(1, 204), outcome: { state: 'delivered' } },
          { eventId: ids[1]!, endpointId: EP1, attempt: attempt(1, 503), outcome: { state: 'pending', nextAttemptAt: t + 5_000 } },
          { eventId: ids[2]!, endpointId: EP1, attempt: attempt(1, 500), outcome: { state: 'failed' } },
          // A late record of an attempt already recorded: nothing changes.
          { eventId: ids[0]!, endpointId: EP1, attempt: attempt(1, 503), outcome: { state: 'pending', nextAttemptAt: t } },
        ]);
        await store.recordAttempts([]);
        const deliveries = await Promise.all(ids.map(async (id) => (await store.getEvent(id))!.deliveries[0]!));
        assert.deepEqual(deliveries.map((d) => [d.state, d.attempts, d.nextAttemptAt, d.history.map((h) => h.statusCode)]), [
          ['delivered', 1, null, [204]],
          ['pending', 1, t + 5_000, [503]],
          ['failed', 1, null, [500]],
        ]);
        const [retry] = await store.claimDeliveries('A', [EP1], t + 5_000, 10_000, 10);
        assert.equal(retry?.eventId, ids[1]);
      });

      it('claimDeliveries takes a backlog of 4,000 on a database that has no planner statistics yet: each link\'s first, in time', async () => {
        // A new database meeting a burst, before autovacuum's first look: the ordering check once went quadratic on
        // Postgres there (2.4 s a claim at 4,000 pending; decision 0016). A third of the links have two events.
        const { store, database, clock } = await fixture();
        const rows = `with recursive g(n) as (select 1 union all select n + 1 from g where n < 4000)`;
        await database.query(`${rows} insert into events (id, link_id, link_position, type, payload, created_at) select 'evt_b' || n, 'pl_b' || (n % 3000), n, 'payment_link.paid', '{}', n from g`);
        await database.query(
          `${rows} insert into deliveries (event_id, endpoint_id, link_id, link_position, state, attempts, retry_base, next_attempt_at, lease_holder, lease_until, delivered_at, created_at) ` +
            `select 'evt_b' || n, '${EP1}', 'pl_b' || (n % 3000), n, 'pending', 0, 0, 0, null, 0, null, n from g`,
        );
        const started = performance.now();
        const claimed = await store.claimDeliveries('A', [EP1], clock.t, 10_000, 100);
        const ms = performance.now() - started;
        assert.equal(claimed.length, 100);
        // Each link's earliest pending event only: a link's second event has the larger position (n + 3000).
        for (const c of claimed) assert.ok(Number(c.eventId.slice('evt_b'.length)) <= 3000, `${c.eventId} before its link's first`);
        // Generous for a busy two-core box: the quadratic plan takes seconds, the right one tens of ms.
        assert.ok(ms < 1_000, `a claim took ${Math.round(ms)} ms`);
      });

      it('claimDeliveries gives each delivery to one of two instances claiming at once, and again only once its lease lapsed', async () => {
        const { store, clock, another } = await fixture();
        const other = await another();
        const ids: string[] = [];
        for (let i = 0; i < 24; i++) {
          await store.insertLink(link(`s${String(i).padStart(2, '0')}`), (_b, after) => {
            const made = event(after.id, 8, { createdAt: clock.t });
            ids.push(made.id);
            return [made];
          });
        }
        const LEASE = 10_000;
        const rounds = await Promise.all(
          ['A', 'B', 'C', 'D'].map((holder, i) => (i % 2 === 0 ? store : other).claimDeliveries(holder, [EP1], clock.t, LEASE, 100)),
        );
        const claimed = rounds.flat().map((d) => d.eventId);
        assert.equal(claimed.length, 24, `every delivery claimed: ${rounds.map((r) => r.length).join(' + ')}`);
        assert.deepEqual([...new Set(claimed)].sort(), [...ids].sort(), 'each by one holder');
        const sample = rounds.flat().find((d) => d.eventId === ids[0])!;
        assert.deepEqual(sample, { eventId: ids[0], endpointId: EP1, linkId: 's00', type: 'payment_link.paid', payload: sample.payload, createdAt: T0, attempts: 0, retryBase: 0 });
        assert.equal(sample.payload, JSON.stringify({ id: ids[0], linkId: 's00', position: 8 }));

        clock.t += LEASE - 1;
        assert.deepEqual(await other.claimDeliveries('E', [EP1], clock.t, LEASE, 100), [], 'held while the lease runs');
        clock.t += 1;
        // The holders died: the deliveries go again, still each to one.
        const again = await Promise.all([store.claimDeliveries('E', [EP1], clock.t, LEASE, 100), other.claimDeliveries('F', [EP1], clock.t, LEASE, 100)]);
        assert.deepEqual(again.flat().map((d) => d.eventId).sort(), [...ids].sort());
        assert.deepEqual(await store.claimDeliveries('G', [EP1], clock.t, LEASE, 100), []);
      });

      it('claimDeliveries hands out only due deliveries to the endpoints asked for, at most `limit`', async () => {
        const { store, clock } = await fixture();
        await store.insertLink(link('s-ep2'), (_b, after) => [event(after.id, 8, { endpoints: [EP2], createdAt: clock.t })]);
        await store.insertLink(link('s-later'), (_b, after) => [event(after.id, 8, { createdAt: clock.t + 5_000 })]);
        for (const id of ['s-a', 's-b', 's-c']) await store.insertLink(link(id), (_b, after) => [event(after.id, 8, { createdAt: clock.t })]);
        const LEASE = 60_000;
        assert.deepEqual(await store.claimDeliveries('A', [], clock.t, LEASE, 100), []);
        assert.deepEqual(await store.claimDeliveries('A', [EP1], clock.t, LEASE, 0), []);
        const two = await store.claimDeliveries('A', [EP1], clock.t, LEASE, 2);
        assert.equal(two.length, 2);
        const rest = await store.claimDeliveries('A', [EP1], clock.t, LEASE, 100);
        assert.deepEqual([...two, ...rest].map((d) => d.linkId).sort(), ['s-a', 's-b', 's-c'], 'not the other endpoint, not one due later');
        assert.deepEqual((await store.claimDeliveries('A', [EP2], clock.t, LEASE, 100)).map((d) => d.linkId), ['s-ep2']);
        assert.deepEqual((await store.claimDeliveries('A', [EP1], clock.t + 5_000, LEASE, 100)).map((d) => d.linkId), ['s-later']);
      });

      it("never hands out a link's later event while an earlier one is pending to that endpoint", async () => {
        const { store, clock, another } = await fixture();
        const other = await another();
        await store.insertLink(link('t0'));
        const partial = event('t0', 2 * 8, { type: 'payment_link.partially_paid', endpoints: [EP1, EP2], createdAt: clock.t });
        const paid = event('t0', 3 * 8, { type: 'payment_link.paid', endpoints: [EP1, EP2], createdAt: clock.t });
        await store.updateLink('t0', (current) => ({ ...current, status: 'partially_paid', amountPaid: 100 }), () => [partial]);
        await store.updateLink('t0', (current) => ({ ...current, status: 'paid', amountPaid: 50_000 }), () => [paid]);
        const unrelated = event('u0', 8, { createdAt: clock.t });
        await store.insertLink(link('u0'), () => [unrelated]);
        const pairs = (claimed: ClaimedDelivery[]) => claimed.map((d) => `${d.linkId}:${d.type}:${d.endpointId}`).sort();
        const LEASE = 10_000;

        // Both instances at once: each gets the earliest of t0 per endpoint, and another link does not wait.
        const first = await Promise.all([store.claimDeliveries('A', [EP1, EP2], clock.t, LEASE, 100), other.claimDeliveries('B', [EP1, EP2], clock.t, LEASE, 100)]);
        assert.deepEqual(pairs(first.flat()), [`t0:payment_link.partially_paid:${EP1}`, `t0:payment_link.partially_paid:${EP2}`, `u0:payment_link.paid:${EP1}`]);
        const attempt = (statusCode: number) => ({ attempt: 1, at: clock.t, statusCode, durationMs: 5, error: statusCode < 300 ? null : `HTTP ${statusCode}` });
        await store.recordAttempt(partial.id, EP1, attempt(503), { state: 'pending', nextAttemptAt: clock.t + 60_000 });
        await store.recordAttempt(partial.id, EP2, attempt(204), { state: 'delivered' });
        await store.recordAttempt(unrelated.id, EP1, attempt(204), { state: 'delivered' });

        // EP2 had partially_paid: its paid goes. EP1 is retrying partially_paid: its paid waits, though due.
        clock.t += 1_000;
        assert.deepEqual(pairs(await other.claimDeliveries('B', [EP1, EP2], clock.t, LEASE, 100)), [`t0:payment_link.paid:${EP2}`]);
        await store.recordAttempt(paid.id, EP2, attempt(204), { state: 'delivered' });
        clock.t += 30_000;
        assert.deepEqual(await store.claimDeliveries('A', [EP1, EP2], clock.t, LEASE, 100), [], 'paid to EP1 waits while partially_paid is retried');

        // partially_paid's retry comes due: only it goes; given up, paid goes after it.
        clock.t += 30_000;
        assert.deepEqual(pairs(await store.claimDeliveries('A', [EP1, EP2], clock.t, LEASE, 100)), [`t0:payment_link.partially_paid:${EP1}`]);
        await store.recordAttempt(partial.id, EP1, { ...attempt(500), attempt: 2 }, { state: 'failed' });
        assert.deepEqual(pairs(await other.claimDeliveries('B', [EP1, EP2], clock.t, LEASE, 100)), [`t0:payment_link.paid:${EP1}`]);
      });

      it('recordAttempt keeps each attempt in the history; a late record never undoes a newer state', async () => {
        const { store, clock } = await fixture();
        let id = '';
        await store.insertLink(link('v0'), (_b, after) => {
          const made = event(after.id, 8, { createdAt: clock.t });
          id = made.id;
          return [made];
        });
        const t = clock.t;
        assert.equal((await store.claimDeliveries('A', [EP1], t, 10_000, 10)).length, 1);
        await store.recordAttempt(id, EP1, { attempt: 1, at: t, statusCode: 503, durationMs: 12.6, error: 'HTTP 503' }, { state: 'pending', nextAttemptAt: t + 5_000 });
        let delivery = (await store.getEvent(id))!.deliveries[0]!;
        assert.deepEqual(delivery, { endpointId: EP1, state: 'pending', attempts: 1, nextAttemptAt: t + 5_000, deliveredAt: null, history: [{ attempt: 1, at: t, statusCode: 503, durationMs: 13, error: 'HTTP 503' }] });
        assert.deepEqual(await store.claimDeliveries('A', [EP1], t + 4_999, 10_000, 10), [], 'not before its retry, though the lease was released');
        const [retry] = await store.claimDeliveries('A', [EP1], t + 5_000, 10_000, 10);
        assert.equal(retry?.attempts, 1);
        await store.recordAttempt(id, EP1, { attempt: 2, at: t + 5_000, statusCode: null, durationMs: 10_000, error: 'x'.repeat(2_000) }, { state: 'pending', nextAttemptAt: t + 20_000 });
        await store.recordAttempt(id, EP1, { attempt: 3, at: t + 20_000, statusCode: 200, durationMs: 40, error: null }, { state: 'delivered' });
        delivery = (await store.getEvent(id))!.deliveries[0]!;
        assert.equal(delivery.state, 'delivered');
        assert.equal(delivery.attempts, 3);
        assert.equal(delivery.nextAttemptAt, null);
        assert.equal(delivery.deliveredAt, t + 20_040);
        assert.deepEqual(delivery.history.map((h) => [h.attempt, h.statusCode]), [[1, 503], [2, null], [3, 200]]);
        assert.equal(delivery.history[1]!.error!.length, 500, 'a long error is cut');
        // A holder whose lease lapsed reports its own attempt 3 late, as a failure: delivered stays delivered.
        await store.recordAttempt(id, EP1, { attempt: 3, at: t + 20_001, statusCode: 503, durationMs: 5, error: 'HTTP 503' }, { state: 'pending', nextAttemptAt: t + 30_000 });
        delivery = (await store.getEvent(id))!.deliveries[0]!;
        assert.equal(delivery.state, 'delivered');
        assert.deepEqual(delivery.history.map((h) => [h.attempt, h.statusCode]), [[1, 503], [2, null], [3, 200]]);
        assert.deepEqual(await store.claimDeliveries('A', [EP1], t + 60_000, 10_000, 10), []);
        assert.equal((await store.listEvents({ state: 'delivered', limit: 10 })).events.length, 1);
        assert.equal((await store.listEvents({ state: 'pending', limit: 10 })).events.length, 0);
      });

      it('resendEvent makes given-up and delivered deliveries pending again, brings a waiting retry forward, per endpoint or all', async () => {
        const { store, clock } = await fixture();
        let id = '';
        await store.insertLink(link('w0'), (_b, after) => {
          const made = event(after.id, 8, { endpoints: [EP1, EP2], createdAt: clock.t });
          id = made.id;
          return [made];
        });
        const t = clock.t;
        await store.claimDeliveries('A', [EP1, EP2], t, 10_000, 10);
        await store.recordAttempt(id, EP1, { attempt: 1, at: t, statusCode: 500, durationMs: 5, error: 'HTTP 500' }, { state: 'failed' });
        await store.recordAttempt(id, EP2, { attempt: 1, at: t, statusCode: 204, durationMs: 5, error: null }, { state: 'delivered' });
        const states = async () => Object.fromEntries((await store.getEvent(id))!.deliveries.map((d) => [d.endpointId, [d.state, d.attempts, d.nextAttemptAt]]));

        assert.equal(await store.resendEvent(id, t + 1_000, EP1), 1);
        assert.deepEqual(await states(), { [EP1]: ['pending', 1, t + 1_000], [EP2]: ['delivered', 1, null] }, 'attempts are kept: the log goes on');
        const [resent] = await store.claimDeliveries('A', [EP1, EP2], t + 1_000, 10_000, 10);
        assert.deepEqual([resent?.endpointId, resent?.attempts], [EP1, 1]);
        await store.recordAttempt(id, EP1, { attempt: 2, at: t + 1_000, statusCode: 503, durationMs: 5, error: 'HTTP 503' }, { state: 'pending', nextAttemptAt: t + 3_600_000 });

        // All endpoints: the delivered one comes back, the one waiting an hour for its retry is brought forward.
        assert.equal(await store.resendEvent(id, t + 2_000), 2);
        assert.deepEqual(await states(), { [EP1]: ['pending', 2, t + 2_000], [EP2]: ['pending', 1, t + 2_000] });
        // A holder from before the resend reports its attempt 2 late: the resend stands.
        await store.recordAttempt(id, EP1, { attempt: 2, at: t + 1_500, statusCode: 503, durationMs: 5, error: 'HTTP 503' }, { state: 'pending', nextAttemptAt: t + 7_200_000 });
        assert.deepEqual(await states(), { [EP1]: ['pending', 2, t + 2_000], [EP2]: ['pending', 1, t + 2_000] });
        assert.equal((await store.claimDeliveries('A', [EP1, EP2], t + 2_000, 10_000, 10)).length, 2, 'leases cleared, due now');
        assert.equal(await store.resendEvent(id, t + 3_000), 0, 'both pending and due already');
        assert.equal(await store.resendEvent('evt_kit_unknown_0000', t + 3_000), 0);
      });

      it('purgeExpired(eventsBefore) deletes old events with nothing left to deliver, with their attempts, and keeps pending ones', async () => {
        const { store, clock, database } = await fixture();
        const DAY = 86_400_000;
        const ids: Record<string, string> = {};
        const write = async (name: string, createdAt: number, endpoints: string[]) => {
          await store.insertLink(link(name), (_b, after) => {
            const made = event(after.id, 8, { endpoints, createdAt });
            ids[name] = made.id;
            return [made];
          });
        };
        await write('x-delivered', T0, [EP1]);
        await write('x-failed', T0, [EP1]);
        await write('x-pending', T0, [EP1]);
        await write('x-half', T0, [EP1, EP2]);
        await write('x-nobody', T0, []);
        await write('x-recent', T0 + 10 * DAY, [EP1]);
        const record = (name: string, endpoint: string, state: 'delivered' | 'failed') =>
          store.recordAttempt(ids[name]!, endpoint, { attempt: 1, at: T0, statusCode: state === 'delivered' ? 204 : 500, durationMs: 1, error: null }, { state });
        await record('x-delivered', EP1, 'delivered');
        await record('x-failed', EP1, 'failed');
        await record('x-half', EP1, 'delivered');
        await store.recordAttempt(ids['x-pending']!, EP1, { attempt: 1, at: T0, statusCode: 503, durationMs: 1, error: 'HTTP 503' }, { state: 'pending', nextAttemptAt: T0 + DAY });
        await record('x-recent', EP1, 'delivered');
        clock.t = T0 + 40 * DAY;

        await store.purgeExpired();
        assert.equal(await countEvents(store), 6, 'without eventsBefore no event goes');
        await store.purgeExpired(T0 + 5 * DAY);
        const left = (await store.listEvents({ limit: 100 })).events.map((e) => e.linkId).sort();
        assert.deepEqual(left, ['x-half', 'x-pending', 'x-recent']);
        assert.equal((await store.getEvent(ids['x-pending']!))!.deliveries[0]!.history.length, 1, 'a kept event keeps its attempts');
        const gone = ['x-delivered', 'x-failed', 'x-nobody'].map((n) => `'${ids[n]}'`).join(', ');
        for (const table of ['deliveries', 'delivery_attempts']) assert.deepEqual(await database.query(`SELECT event_id FROM ${table} WHERE event_id IN (${gone})`), [], table);
        assert.equal((await store.claimDeliveries('A', [EP1, EP2], clock.t, 1_000, 10)).length, 2, 'what was pending is still delivered');
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

/** How many events the store holds, through its own listing. */
async function countEvents(store: Store): Promise<number> {
  return (await store.listEvents({ limit: 200 })).events.length;
}

/** Two merchant endpoints (ids as the dispatcher makes them: a digest of the URL). */
const EP1 = 'ep_kit_first_00001';
const EP2 = 'ep_kit_second_0002';
let events = 0;

/** An event of link `linkId` at `position`, to `EP1`, with a body naming itself; `overrides` for what a case is about. */
function event(linkId: string, position: number, overrides: Partial<NewEvent> = {}): NewEvent {
  const id = overrides.id ?? `evt_kit_${String(++events).padStart(12, '0')}`;
  return { id, linkId, linkPosition: position, type: 'payment_link.paid', payload: JSON.stringify({ id, linkId, position }), createdAt: T0, endpoints: [EP1], ...overrides };
}

/**
 * An `EventsOf` like the core's: a write that changes the status (or inserts a link) makes one event of the new
 * status, at the new version's position, with a fresh id on every call. Every event it makes goes into `made`.
 */
function statusEvents(made: NewEvent[], endpoints: string[], clock: { t: number }): EventsOf {
  return (before, after) => {
    if (before && before.status === after.status) return [];
    const next = event(after.id, after.version * 8, { type: `payment_link.${after.status}`, endpoints, createdAt: clock.t });
    made.push(next);
    return [next];
  };
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
export function link(id: string, overrides: Partial<LinkRecord> = {}): LinkRecord {
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

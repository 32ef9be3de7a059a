/**
 * The merchant events outbox over SQL (decision 0013), part of the store both engines share (`store/sql.ts`).
 * Events are written by the link writes they describe (`writeEvents`, inside their transaction); this file holds
 * the rest: the delivery claim, the attempt log, resends, the endpoints' state and the admin listing.
 *
 * A claim is a conditional update per delivery (`lease_until` still what was read), so of several instances
 * claiming at once each delivery goes to one; a holder that dies lets its lease lapse and the delivery is sent
 * again, with the same `webhook-id`. A link's events go to an endpoint in order: a delivery is due only when no
 * earlier one of its link to that endpoint is still pending.
 */
import { type Kysely, sql } from 'kysely';
import { type QueryTarget, compiledOnce } from './compiled.ts';
import type { Database, DeliveriesTable, DeliveryAttemptsTable, EventsTable } from './schema.ts';
import type {
  ClaimedDelivery,
  DeliveryAttempt,
  DeliveryState,
  EndpointState,
  ListEventsQuery,
  NewEvent,
  RecordedAttempt,
  Store,
  StoredDelivery,
  StoredEvent,
} from './types.ts';

const int = (value: number | string): number => Number(value);
const intOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

type OutboxMethods = Pick<
  Store,
  'listEvents' | 'getEvent' | 'claimDeliveries' | 'recordAttempt' | 'recordAttempts' | 'resendEvent' | 'outboxStats' | 'syncEndpoints' | 'updateEndpoint'
>;

/** Events a write has written, and the deliveries leased to this instance's dispatcher with them. */
export interface WrittenEvents {
  /** The write committed (call once): the leased deliveries go to the dispatcher, which hears of the rest. */
  committed(): void;
  /** The write did not commit (rolled back, or its commit failed; call once instead): its slots are given back. */
  abandoned(): void;
}

export interface Outbox extends OutboxMethods {
  /**
   * Writes events and their pending deliveries; called inside the transaction of the change they describe. A
   * delivery the event's `handOff` has room for is written leased to it when it is its link's earliest pending one
   * to its endpoint (`DeliveryHandOff`); the caller says whether the write committed.
   */
  writeEvents(trx: QueryTarget, events: readonly NewEvent[]): Promise<WrittenEvents>;
  purgeEvents(before: number): Promise<void>;
}

export function createOutbox(
  db: Kysely<Database>,
  options: {
    skipLocked?: boolean;
    /** The store's write transaction (store/sql.ts: the engine's own, or the query builder's). */
    transaction: <T>(work: (trx: QueryTarget) => Promise<T>) => Promise<T>;
    /**
     * `transaction` shares one commit among the writes asked for together (SQLite's group commit): the claim,
     * a write of its own, goes through it too, and reads its events there. Elsewhere (Postgres) it would only add
     * a round trip for `begin` and one for `commit`.
     */
    sharedCommits?: boolean;
  },
): Outbox {
  const { transaction } = options;
  // The queries every merchant event makes, compiled once (store/compiled.ts).
  const insertEvent = compiledOnce((row: EventsTable) =>
    db.insertInto('events').values(row).onConflict((oc) => oc.columns(['link_id', 'link_position']).doNothing()).returning('id'),
  );
  const insertDeliveries = compiledOnce((rows: DeliveriesTable[]) =>
    db.insertInto('deliveries').values(rows).onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing()),
  );
  // The same, each row leased as it says only if no delivery of its link to its endpoint is pending: then it is the
  // earliest (its link's writes come one after another, each after the last committed), and it may go at once.
  // Asked in the insert itself, on the claim's partial index: no statement more than an unleased write.
  const insertLeasedDeliveries = compiledOnce((rows: DeliveriesTable[]) =>
    db
      .insertInto('deliveries')
      .values(
        rows.map((row) => {
          const waits = sql`exists (select 1 from deliveries p where p.endpoint_id = ${row.endpoint_id} and p.link_id = ${row.link_id} and p.state = 'pending')`;
          return {
            ...row,
            lease_holder: sql<string | null>`case when ${waits} then null else ${row.lease_holder} end`,
            // A cast, or Postgres would type the parameter as the `0`'s integer and refuse a time in ms.
            lease_until: sql<number>`case when ${waits} then 0 else cast(${row.lease_until} as bigint) end`,
          };
        }),
      )
      .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())
      .returning(['endpoint_id', 'lease_holder']),
  );
  const setDelivery = compiledOnce((set: Partial<DeliveriesTable>, eventId: string, endpointId: string, attempt: number) =>
    db
      .updateTable('deliveries')
      .set(set)
      .where('event_id', '=', eventId)
      .where('endpoint_id', '=', endpointId)
      .where('state', '=', 'pending')
      .where('attempts', '<', attempt),
  );
  const insertAttempt = compiledOnce((row: DeliveryAttemptsTable) =>
    db.insertInto('delivery_attempts').values(row).onConflict((oc) => oc.columns(['event_id', 'endpoint_id', 'attempt']).doNothing()),
  );
  const claimDue = compiledOnce(claimDueQuery(db, options.skipLocked));
  const eventsById = compiledOnce((ids: string[]) => db.selectFrom('events').select(['id', 'type', 'payload', 'created_at']).where('id', 'in', ids));

  /**
   * Each attempt's delivery state (what the next claim reads) and its history line, all in one transaction: one
   * commit for attempts that finished together, and never a state without its line or a line without its state
   * (decision 0016). A delivery resent (or taken over and recorded by another holder) meanwhile keeps its newer
   * state: the update is conditional on the attempt count, and the line is written only once per attempt.
   */
  async function recordAttempts(attempts: readonly RecordedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    await transaction(async (trx) => {
      for (const { eventId, endpointId, attempt, outcome } of attempts) {
        const set: Partial<DeliveriesTable> = { attempts: attempt.attempt, state: outcome.state, lease_holder: null, lease_until: 0 };
        if (outcome.state === 'delivered') set.delivered_at = attempt.at + Math.round(attempt.durationMs);
        if (outcome.state === 'pending') set.next_attempt_at = outcome.nextAttemptAt;
        await setDelivery(trx, set, eventId, endpointId, attempt.attempt);
        await insertAttempt(trx, {
          event_id: eventId,
          endpoint_id: endpointId,
          attempt: attempt.attempt,
          at: attempt.at,
          status_code: attempt.statusCode,
          duration_ms: Math.max(0, Math.round(attempt.durationMs)),
          error: attempt.error === null ? null : attempt.error.slice(0, 500),
        });
      }
    });
  }

  async function withDeliveries(rows: { id: string; link_id: string; type: string; payload: string; created_at: number }[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const deliveries = await db.selectFrom('deliveries').selectAll().where('event_id', 'in', ids).orderBy('endpoint_id').execute();
    const attempts = await db.selectFrom('delivery_attempts').selectAll().where('event_id', 'in', ids).orderBy('attempt').execute();
    return rows.map((row) => ({
      id: row.id,
      linkId: row.link_id,
      type: row.type,
      payload: row.payload,
      createdAt: int(row.created_at),
      deliveries: deliveries
        .filter((d) => d.event_id === row.id)
        .map(
          (d): StoredDelivery => ({
            endpointId: d.endpoint_id,
            state: d.state as DeliveryState,
            attempts: int(d.attempts),
            nextAttemptAt: d.state === 'pending' ? int(d.next_attempt_at) : null,
            deliveredAt: intOrNull(d.delivered_at),
            history: attempts
              .filter((a) => a.event_id === row.id && a.endpoint_id === d.endpoint_id)
              .map((a) => ({
                attempt: int(a.attempt),
                at: int(a.at),
                statusCode: intOrNull(a.status_code),
                durationMs: int(a.duration_ms),
                error: a.error,
              })),
          }),
        ),
    }));
  }

  return {
    async writeEvents(trx, events) {
      const taken: ClaimedDelivery[] = [];
      let waiting = 0;
      let held = 0;
      const handOff = events.find((e) => e.handOff)?.handOff;
      try {
        for (const event of events) {
          const written = (
            await insertEvent(trx, {
              id: event.id,
              link_id: event.linkId,
              link_position: event.linkPosition,
              type: event.type,
              payload: event.payload,
              created_at: event.createdAt,
            })
          ).rows[0];
          if (!written || event.endpoints.length === 0) continue;
          const leaseUntil = event.createdAt + (handOff?.leaseMs ?? 0);
          const rows = event.endpoints.map((endpointId): DeliveriesTable => {
            const leased = handOff?.reserve(endpointId) === true;
            if (leased) held += 1;
            return {
              event_id: event.id,
              endpoint_id: endpointId,
              link_id: event.linkId,
              link_position: event.linkPosition,
              state: 'pending',
              attempts: 0,
              retry_base: 0,
              next_attempt_at: event.createdAt,
              lease_holder: leased ? handOff!.holder : null,
              lease_until: leased ? leaseUntil : 0,
              delivered_at: null,
              created_at: event.createdAt,
            };
          });
          if (!rows.some((row) => row.lease_holder !== null)) {
            await insertDeliveries(trx, rows);
            waiting += rows.length;
            continue;
          }
          const leased = (await insertLeasedDeliveries(trx, rows)).rows.filter((row) => row.lease_holder !== null);
          waiting += rows.length - leased.length;
          for (const row of leased) {
            taken.push({
              eventId: event.id,
              endpointId: row.endpoint_id,
              linkId: event.linkId,
              type: event.type,
              payload: event.payload,
              createdAt: event.createdAt,
              attempts: 0,
              retryBase: 0,
            });
          }
        }
      } catch (err) {
        handOff?.release(held);
        throw err;
      }
      // Slots held for deliveries that wait their turn are free again at once; the leased keep theirs to commit.
      handOff?.release(held - taken.length);
      return {
        committed() {
          if (taken.length > 0 || waiting > 0) handOff?.written(taken, waiting);
        },
        abandoned() {
          handOff?.release(taken.length);
        },
      };
    },


    async listEvents(query: ListEventsQuery) {
      let q = db.selectFrom('events').select(['id', 'link_id', 'type', 'payload', 'created_at']);
      if (query.linkId) q = q.where('link_id', '=', query.linkId);
      if (query.type) q = q.where('type', '=', query.type);
      if (query.state) {
        const state = query.state;
        q = q.where((eb) =>
          eb.exists(eb.selectFrom('deliveries').select('event_id').whereRef('deliveries.event_id', '=', 'events.id').where('deliveries.state', '=', state)),
        );
      }
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (after) {
        q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit);
      const events = await withDeliveries(page);
      const last = events.at(-1);
      return rows.length > query.limit && last ? { events, nextCursor: encodeCursor(last.createdAt, last.id) } : { events };
    },

    async getEvent(id) {
      const row = await db.selectFrom('events').select(['id', 'link_id', 'type', 'payload', 'created_at']).where('id', '=', id).executeTakeFirst();
      return row ? (await withDeliveries([row]))[0] : undefined;
    },

    async claimDeliveries(holder, endpointIds, at, leaseMs, limit): Promise<ClaimedDelivery[]> {
      if (endpointIds.length === 0 || limit <= 0) return [];
      const claim = async (trx: QueryTarget) => {
        const rows = (await claimDue(trx, holder, [...endpointIds], at, at + leaseMs, limit)).rows;
        return { taken: rows, events: rows.length === 0 ? [] : (await eventsById(trx, [...new Set(rows.map((t) => t.event_id))])).rows };
      };
      const { taken, events } = await (options.sharedCommits ? transaction(claim) : claim(db));
      if (taken.length === 0) return [];
      const byId = new Map(events.map((e) => [e.id, e]));
      return taken
        .sort((a, b) => int(a.next_attempt_at) - int(b.next_attempt_at) || int(a.created_at) - int(b.created_at))
        .map((row) => {
          const event = byId.get(row.event_id)!;
          return {
            eventId: row.event_id,
            endpointId: row.endpoint_id,
            linkId: row.link_id,
            type: event.type,
            payload: event.payload,
            createdAt: int(event.created_at),
            attempts: int(row.attempts),
            retryBase: int(row.retry_base),
          };
        });
    },

    recordAttempt(eventId, endpointId, attempt: DeliveryAttempt, outcome) {
      return recordAttempts([{ eventId, endpointId, attempt, outcome }]);
    },

    recordAttempts,

    async resendEvent(id, at, endpointId) {
      let q = db
        .updateTable('deliveries')
        // A fresh retry schedule from here: the history keeps every attempt before.
        .set((eb) => ({ state: 'pending', next_attempt_at: at, lease_holder: null, lease_until: 0, retry_base: eb.ref('attempts') }))
        .where('event_id', '=', id)
        .where('state', '!=', 'pending');
      if (endpointId) q = q.where('endpoint_id', '=', endpointId);
      const result = await q.executeTakeFirst();
      // A delivery still pending (waiting for its retry) is brought forward instead.
      let soon = db.updateTable('deliveries').set({ next_attempt_at: at }).where('event_id', '=', id).where('state', '=', 'pending').where('next_attempt_at', '>', at);
      if (endpointId) soon = soon.where('endpoint_id', '=', endpointId);
      const brought = await soon.executeTakeFirst();
      return Number(result.numUpdatedRows) + Number(brought.numUpdatedRows);
    },

    async outboxStats(endpointIds) {
      if (endpointIds.length === 0) return { pending: 0, oldestCreatedAt: null };
      const row = await db
        .selectFrom('deliveries')
        .select((eb) => [eb.fn.countAll<number | string>().as('pending'), eb.fn.min('created_at').as('oldest')])
        .where('state', '=', 'pending')
        .where('endpoint_id', 'in', [...endpointIds])
        .executeTakeFirst();
      return { pending: int(row?.pending ?? 0), oldestCreatedAt: row?.oldest === null || row?.oldest === undefined ? null : int(row.oldest) };
    },

    async syncEndpoints(endpoints) {
      for (const endpoint of endpoints) {
        await db
          .insertInto('webhook_endpoints')
          .values({ id: endpoint.id, url: endpoint.url, disabled_at: null, disabled_reason: null, failing_since: null, last_success_at: null })
          .onConflict((oc) => oc.column('id').doUpdateSet({ url: endpoint.url }))
          .execute();
      }
      const rows = await db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
      return rows.map(
        (row): EndpointState => ({
          id: row.id,
          url: row.url,
          disabledAt: intOrNull(row.disabled_at),
          disabledReason: row.disabled_reason,
          failingSince: intOrNull(row.failing_since),
          lastSuccessAt: intOrNull(row.last_success_at),
        }),
      );
    },

    async updateEndpoint(id, patch) {
      const set: Record<string, number | string | null> = {};
      if (patch.disabledAt !== undefined) set.disabled_at = patch.disabledAt;
      if (patch.disabledReason !== undefined) set.disabled_reason = patch.disabledReason;
      if (patch.failingSince !== undefined) set.failing_since = patch.failingSince;
      if (patch.lastSuccessAt !== undefined) set.last_success_at = patch.lastSuccessAt;
      if (Object.keys(set).length === 0) return;
      await db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute();
    },

    async purgeEvents(before) {
      const old = db
        .selectFrom('events')
        .select('id')
        .where('created_at', '<', before)
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom('deliveries').select('event_id').whereRef('deliveries.event_id', '=', 'events.id').where('deliveries.state', '=', 'pending'))),
        );
      await db.deleteFrom('delivery_attempts').where('event_id', 'in', old).execute();
      await db.deleteFrom('deliveries').where('event_id', 'in', old).execute();
      await db.deleteFrom('events').where('id', 'in', old).execute();
    },
  };
}

/**
 * The delivery claim (`claimDeliveries`): the earliest due deliveries, leased to `holder`. Exported for the plan
 * test (store.sqlite.test.ts), which reads how the engine runs this very statement.
 */
export function claimDueQuery(db: Kysely<Database>, skipLocked?: boolean) {
  return (holder: string, endpointIds: string[], at: number, leaseUntil: number, limit: number) => {
    let due = db
      .selectFrom('deliveries as d')
      .select(['d.event_id', 'd.endpoint_id'])
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', at)
      .where('d.lease_until', '<=', at)
      .where('d.endpoint_id', 'in', endpointIds)
      // The earliest pending delivery of its link to its endpoint: a link's events go in order. Asked as "its
      // position is the least pending one", a subquery per candidate that both engines run on the partial index
      // (endpoint, link, position); as `not exists (… position < …)` Postgres without planner statistics (a new
      // database, a burst before autovacuum's first look) made it an anti join that compared every pending row
      // with every other: 2.4 s a claim at 4,000 pending, so a burst's events trickled out at a few a second.
      .where((eb) =>
        eb(
          'd.link_position',
          '=',
          eb
            .selectFrom('deliveries as p')
            .select((e) => e.fn.min('p.link_position').as('first'))
            .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('p.link_id', '=', 'd.link_id')
            .where('p.state', '=', 'pending'),
        ),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.created_at')
      .limit(limit);
    // Postgres: claimers at once each take other rows instead of queueing on the same ones.
    if (skipLocked) due = due.forUpdate().skipLocked();
    // One statement: the lease is taken only where it is still free (a claimer that lost the race for a row
    // re-checks these conditions on it and skips it), so each delivery goes to one claimer. A CTE, so Postgres
    // runs the limited choice once (inside `IN (…)` it may run it again per row and take more than `limit`).
    return db
      .with('due', () => due)
      .updateTable('deliveries')
      .from('due')
      .set({ lease_holder: holder, lease_until: leaseUntil })
      .whereRef('deliveries.event_id', '=', 'due.event_id')
      .whereRef('deliveries.endpoint_id', '=', 'due.endpoint_id')
      .where('deliveries.state', '=', 'pending')
      .where('deliveries.lease_until', '<=', at)
      .returning(['deliveries.event_id', 'deliveries.endpoint_id', 'deliveries.link_id', 'deliveries.attempts', 'deliveries.retry_base', 'deliveries.next_attempt_at', 'deliveries.created_at']);
  };
}

/** A page's cursor (links and events alike): the last row's `created_at` and id, newest first. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // An integer, or Postgres refuses the query (`created_at` is a bigint) instead of ignoring the cursor.
    return Number.isSafeInteger(createdAt) && typeof id === 'string' ? { createdAt: createdAt as number, id } : undefined;
  } catch {
    return undefined;
  }
}

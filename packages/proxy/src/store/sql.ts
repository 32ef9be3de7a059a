/**
 * The store over SQL, one implementation for both engines (Kysely: typed queries, one dialect each; decision
 * 0012). The engines differ only in how they connect and in the change feed (`store/sqlite.ts`,
 * `store/postgres.ts`). Every step instances could race on is one statement the database makes atomic:
 * compare-and-set on `version`, `INSERT … ON CONFLICT DO NOTHING` against the unique constraints, and
 * conditional upserts for idempotency claims and leases.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, Migrator, sql } from 'kysely';
import type { ProviderName } from '../contract.ts';
import { type Database, type LinksTable, MIGRATIONS } from './schema.ts';
import { type QueryTarget, compiledOnce } from './compiled.ts';
import { type WrittenEvents, createOutbox, decodeCursor, encodeCursor } from './outbox.ts';
import type { Customer } from '../contract.ts';
import type { EventsOf, IdempotencyBegin, LinkPage, LinkRecord, ListLinksQuery, NewEvent, PriceSource, SeenWebhook, Store } from './types.ts';

/** A database this code cannot run on (a newer schema than it knows): the start is refused with this message. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface ChangeFeed {
  publish(id: string): Promise<void>;
  listen(onChange: (id: string) => void, onResync: () => void): Promise<void>;
  close(): Promise<void>;
}

/** In one process the service tells its own watchers; there is nobody else to tell. */
export const NO_FEED: ChangeFeed = { publish: async () => {}, listen: async () => {}, close: async () => {} };

/** How often a compare-and-set is retried against writers that keep winning before giving up. */
const CAS_ATTEMPTS = 20;
/**
 * The most a lost compare-and-set waits before its next attempt (a random wait up to 2^attempt ms, capped).
 * Retried at once, the losers of a burst read and write in lockstep and only one of them wins a round, so N
 * writers on one link need N rounds: past CAS_ATTEMPTS of them, the rest gave up.
 */
const CAS_BACKOFF_MAX_MS = 100;

/** Applies the migrations this code knows, refusing a database that has applied one it does not. */
export async function migrate(db: Kysely<Database>, where: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const known = new Set(Object.keys(MIGRATIONS));
  // Kysely's own listing shows only the migrations it knows; its table holds every one applied.
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (tables.some((t) => t.name === 'kysely_migration')) {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const unknown = rows.rows.map((r) => r.name).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new StoreError(
        `${where} has schema migrations this version of pay-link does not know (${unknown.join(', ')}): it was used by a newer version. Run that version, or restore a backup made before the upgrade.`,
      );
    }
  }
  const { error } = await migrator.migrateToLatest();
  if (error) throw new StoreError(`${where}: migrating the schema failed: ${(error as Error).message}`);
}

export interface SqlStoreOptions {
  now: () => number;
  feed: ChangeFeed;
  close: () => Promise<void>;
  /**
   * The hottest query (every status read) without the query builder, where the engine can keep it prepared
   * (SQLite): Kysely compiles the query and better-sqlite3 prepares it anew on every call.
   */
  selectLink?: (id: string) => Promise<LinksTable | undefined>;
  /** The next hottest (every webhook finds its link by the provider's id, after its dedupe check), likewise. */
  selectLinkByProviderLink?: (provider: string, providerLinkId: string) => Promise<LinksTable | undefined>;
  /** The webhook dedupe read every webhook makes first, likewise: the seen record's expiry. */
  selectEventExpiry?: (provider: string, dedupeKey: string) => Promise<number | bigint | undefined>;
  /**
   * Runs `work` in a write transaction on the engine's own terms (SQLite: its statements straight on the
   * connection, held from the query builder meanwhile); the query builder's `transaction()` when absent.
   */
  transaction?: <T>(work: (trx: QueryTarget) => Promise<T>) => Promise<T>;
  /** `transaction` shares its commit among the writes asked for together (SQLite's group commit, decision 0016). */
  sharedCommits?: boolean;
  /** The engine takes `FOR UPDATE SKIP LOCKED` (Postgres): concurrent delivery claims take different rows. */
  skipLocked?: boolean;
  /** `selectLink…` run on the connection transactions use (SQLite's one), so they must wait for them. */
  selectLinkSharesConnection?: boolean;
}

export function createSqlStore(db: Kysely<Database>, options: SqlStoreOptions): Store {
  const { now, feed } = options;
  const links = () => db.selectFrom('links').selectAll();
  const transaction = options.transaction ?? (<T>(work: (trx: QueryTarget) => Promise<T>) => db.transaction().execute(work));
  const { purgeEvents: _purge, writeEvents, ...outboxMethods } = createOutbox(db, { skipLocked: options.skipLocked, transaction, sharedCommits: options.sharedCommits });
  const outbox = { ...outboxMethods, purgeEvents: _purge };

  async function one(query: ReturnType<typeof links>): Promise<LinkRecord | undefined> {
    const row = await query.limit(1).executeTakeFirst();
    return row && fromRow(row);
  }

  // The queries every webhook and mint makes, compiled once (store/compiled.ts).
  const byProviderLink = compiledOnce((provider: string, providerLinkId: string) =>
    links().where('provider', '=', provider).where('provider_link_id', '=', providerLinkId).limit(1),
  );
  const insertRow = compiledOnce((row: Row) => db.insertInto('links').values(row).onConflict((oc) => oc.doNothing()).returning('id'));
  const updateRow = compiledOnce((changes: Partial<Omit<Row, 'id'>>, id: string, version: number) =>
    db.updateTable('links').set(changes).where('id', '=', id).where('version', '=', version),
  );
  const selectEvent = compiledOnce((provider: string, dedupeKey: string) =>
    db.selectFrom('webhook_events').select('expires_at').where('provider', '=', provider).where('dedupe_key', '=', dedupeKey),
  );
  const upsertEvent = compiledOnce((provider: string, dedupeKey: string, expiresAt: number) =>
    db
      .insertInto('webhook_events')
      .values({ provider, dedupe_key: dedupeKey, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['provider', 'dedupe_key']).doUpdateSet({ expires_at: expiresAt })),
  );

  const recordSeen = (target: QueryTarget, seen: SeenWebhook) => upsertEvent(target, seen.provider, seen.dedupeKey, now() + seen.ttlMs);

  /**
   * The write transactions in progress (a link change with its events). The prepared read (SQLite) runs on the
   * same connection outside the query builder's lock, so it would see a change its transaction may still roll
   * back: it waits for them first. Only writes that carry events open one, so the hot path rarely waits.
   */
  const open = new Set<Promise<unknown>>();
  function inTransaction<T>(work: (trx: QueryTarget) => Promise<T>): Promise<T> {
    const done = transaction(work);
    const settled = done.catch(() => undefined).finally(() => open.delete(settled));
    open.add(settled);
    return done;
  }

  /**
   * A write that may make merchant events, in its transaction: `work` calls `writeEvents` if its change landed. The
   * dispatcher hears of them only once the commit has stored them (`WrittenEvents`), or has its slots back.
   */
  async function withEvents<T>(events: readonly NewEvent[], work: (trx: QueryTarget, writeEvents?: () => Promise<void>) => Promise<T>): Promise<T> {
    const done: { written?: WrittenEvents } = {};
    let result: T;
    try {
      result = await inTransaction((trx) => work(trx, async () => void (done.written = await writeEvents(trx, events))));
    } catch (err) {
      // A write whose work failed rolled back; one whose commit failed stored nothing.
      done.written?.abandoned();
      throw err;
    }
    done.written?.committed();
    return result;
  }

  /**
   * A prepared read on the transactions' connection, once the transactions open now have ended: none of their
   * changes may show until committed. With none open, `read` starts in the same turn as the check, so no
   * transaction can begin in between.
   */
  function afterWrites<T>(read: () => Promise<T>): Promise<T> {
    return options.selectLinkSharesConnection && open.size > 0 ? Promise.all(open).then(read) : read();
  }

  async function getLink(id: string) {
    const { selectLink } = options;
    if (selectLink) {
      const row = await afterWrites(() => selectLink(id));
      return row && fromRow(row);
    }
    return one(links().where('id', '=', id));
  }

  return {
    getLink,
    async findLinkByProviderId(provider, providerLinkId) {
      const { selectLinkByProviderLink: prepared } = options;
      const row = prepared ? await afterWrites(() => prepared(provider, providerLinkId)) : (await byProviderLink(db, provider, providerLinkId)).rows[0];
      return row && fromRow(row);
    },
    findLinkByMerchantReference(reference) {
      return one(links().where('source_reference', '=', reference).orderBy('source_attempt', 'desc'));
    },
    async insertLink(record, eventsOf?: EventsOf) {
      const stored = { ...record, version: 1 };
      const row = toRow(stored);
      const events = eventsOf?.(undefined, stored) ?? [];
      const insert = async (trx: QueryTarget, writeEvents?: () => Promise<void>) => {
        const inserted = (await insertRow(trx, row)).rows[0];
        if (inserted && writeEvents) await writeEvents();
        return inserted !== undefined;
      };
      // The outbox row goes with the change it describes, or neither does (decision 0013).
      if (await (events.length > 0 ? withEvents(events, insert) : insert(db))) return { record: stored, inserted: true };
      // Which constraint it met decides which link holds the purchase.
      const existing =
        (await one(links().where('provider', '=', row.provider).where('provider_link_id', '=', row.provider_link_id))) ??
        (await one(links().where('provider', '=', row.provider).where('reference', '=', row.reference))) ??
        (row.source_reference !== null
          ? await one(links().where('source_reference', '=', row.source_reference).where('source_attempt', '=', row.source_attempt))
          : undefined) ??
        (await getLink(record.id));
      if (!existing) throw new StoreError(`link ${record.id} was neither inserted nor found`);
      return { record: existing, inserted: false };
    },
    async updateLink(id, update, eventsOf?: EventsOf, seen?: SeenWebhook, known?: LinkRecord) {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        // The caller's fresh read saves one of ours; if the row moved on since, the write below loses and we read.
        const current = attempt === 0 && known?.id === id ? known : await getLink(id);
        if (!current) return undefined;
        // Taken before `update` runs, so a change made in place still shows in the columns compared below.
        const before = toRow(current);
        const next = update(current);
        if (next === current) {
          if (seen) await recordSeen(db, seen);
          return current;
        }
        const stored = { ...next, id, version: current.version + 1 };
        const changes = changedColumns(before, toRow(stored));
        const events = eventsOf?.(current, stored) ?? [];
        const write = async (trx: QueryTarget, writeEvents?: () => Promise<void>) => {
          const result = await updateRow(trx, changes, id, current.version);
          const won = Number(result.numAffectedRows) === 1;
          if (won && writeEvents) await writeEvents();
          if (won && seen) await recordSeen(trx, seen);
          return won;
        };
        // The outbox row goes with the change it describes, or neither does (decision 0013); so does the webhook's
        // dedupe record, and the three are one commit instead of three (decision 0016).
        if (await (events.length > 0 ? withEvents(events, write) : seen ? inTransaction(write) : write(db))) return stored;
        await sleep(Math.random() * Math.min(2 ** attempt, CAS_BACKOFF_MAX_MS));
      }
      throw new StoreError(`link ${id}: gave up after ${CAS_ATTEMPTS} concurrent writes won`);
    },
    async claimRefresh(id, seenCheckedAt, at) {
      const result = await db
        .updateTable('links')
        .set((eb) => ({ checked_at: at, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('checked_at', '=', seenCheckedAt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async listLinks(query: ListLinksQuery): Promise<LinkPage> {
      let q = links();
      if (query.status) q = q.where('status', '=', query.status);
      if (query.provider) q = q.where('provider', '=', query.provider);
      if (query.createdFrom !== undefined) q = q.where('created_at', '>=', query.createdFrom);
      if (query.createdBefore !== undefined) q = q.where('created_at', '<', query.createdBefore);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (after) {
        q = q.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit).map(fromRow);
      const last = page.at(-1);
      return rows.length > query.limit && last ? { links: page, nextCursor: encodeCursor(last.createdAt, last.id) } : { links: page };
    },
    async findOpenLinksExpiring(from, to, limit) {
      // `expires_at` is ISO 8601 in UTC ('…Z'), so text order is time order.
      const rows = await links()
        .where('status', 'in', ['pending', 'partially_paid'])
        .where('expires_at', '>=', new Date(from).toISOString())
        .where('expires_at', '<=', new Date(to).toISOString())
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
    async findLinksDueForRecheck(at, limit) {
      const rows = await links().where('recheck_at', 'is not', null).where('recheck_at', '<=', at).orderBy('recheck_at').limit(limit).execute();
      return rows.map(fromRow);
    },

    async beginIdempotent(key, fingerprint, ttlMs, leaseMs): Promise<IdempotencyBegin> {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const t = now();
        const claimed = await db
          .insertInto('idempotency')
          .values({ key, fingerprint, link_id: null, lease_until: t + leaseMs, expires_at: t + ttlMs })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .executeTakeFirst();
        if (claimed) return { kind: 'new' };
        const row = await db.selectFrom('idempotency').selectAll().where('key', '=', key).executeTakeFirst();
        if (!row) continue; // freed meanwhile: claim again
        const expired = Number(row.expires_at) <= t;
        if (!expired && row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (!expired && row.link_id !== null) return { kind: 'done', linkId: row.link_id };
        if (!expired && Number(row.lease_until) > t) return { kind: 'in_flight' };
        // An expired record, or a claim whose holder crashed (its lease ran out): take it over, if nobody else did.
        const taken = await db
          .updateTable('idempotency')
          .set({ fingerprint, link_id: null, lease_until: t + leaseMs, expires_at: t + ttlMs })
          .where('key', '=', key)
          .where('lease_until', '=', row.lease_until)
          .where('expires_at', '=', row.expires_at)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) return { kind: 'new' };
      }
      return { kind: 'in_flight' };
    },
    async completeIdempotent(key, linkId) {
      await db.updateTable('idempotency').set({ link_id: linkId }).where('key', '=', key).execute();
    },
    async abandonIdempotent(key) {
      await db.deleteFrom('idempotency').where('key', '=', key).where('link_id', 'is', null).execute();
    },

    async addLinkAliases(provider, linkId, aliases) {
      if (aliases.length === 0) return;
      await db
        .insertInto('link_aliases')
        .values(aliases.map((alias) => ({ provider, alias, link_id: linkId })))
        .onConflict((oc) => oc.columns(['provider', 'alias']).doNothing())
        .execute();
    },
    async findLinkByAlias(provider, alias) {
      const row = await db.selectFrom('link_aliases').select('link_id').where('provider', '=', provider).where('alias', '=', alias).executeTakeFirst();
      return row ? getLink(row.link_id) : undefined;
    },

    ...outboxMethods,

    async hasEvent(provider, dedupeKey) {
      const { selectEventExpiry: prepared } = options;
      const expiresAt = prepared ? await afterWrites(() => prepared(provider, dedupeKey)) : (await selectEvent(db, provider, dedupeKey)).rows[0]?.expires_at;
      return expiresAt !== undefined && Number(expiresAt) > now();
    },
    async recordEvent(provider, dedupeKey, ttlMs) {
      await recordSeen(db, { provider, dedupeKey, ttlMs });
    },

    async acquireLease(name, holder, ttlMs) {
      const t = now();
      const row = await db
        .insertInto('leases')
        .values({ name, holder, expires_at: t + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: t + ttlMs })
            .where((eb) => eb.or([eb('leases.expires_at', '<=', t), eb('leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    },
    async releaseLease(name, holder) {
      await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
    },

    async purgeExpired(eventsBefore) {
      const t = now();
      await db.deleteFrom('idempotency').where('expires_at', '<=', t).execute();
      await db.deleteFrom('webhook_events').where('expires_at', '<=', t).execute();
      await db.deleteFrom('leases').where('expires_at', '<=', t).execute();
      if (eventsBefore !== undefined) await outbox.purgeEvents(eventsBefore);
    },

    publishChange: (id) => feed.publish(id),
    listenChanges: (onChange, onResync) => feed.listen(onChange, onResync),
    async close() {
      await feed.close();
      await options.close();
    },
  };
}

type Row = LinksTable;

/**
 * The columns whose values differ, with the version (it always does): the write sets only these. The row at the
 * compared version is `before` (the update's `where version = ?` makes sure), so the stored row ends the same; but
 * SQLite then rewrites only the indexes over those columns, not every index of the table, and the WAL takes fewer
 * pages per webhook. A handful of shapes in practice (a payment, a check, a claim), each compiled once.
 */
function changedColumns(before: Row, after: Row): Partial<Omit<Row, 'id'>> {
  const { id: _id, ...columns } = after;
  return Object.fromEntries(Object.entries(columns).filter(([key, value]) => value !== before[key as keyof Row]));
}

function toRow(record: LinkRecord): Row {
  const source = record.source;
  return {
    id: record.id,
    provider: record.provider,
    provider_link_id: record.providerLinkId,
    reference: record.reference,
    url: record.url,
    amount_value: record.amount.value,
    currency: record.amount.currency,
    description: record.description,
    expires_at: record.expiresAt,
    source_kind: source.kind,
    source_product: source.kind === 'product' ? source.product : null,
    source_quantity: source.kind === 'product' ? source.quantity : null,
    source_reference: source.kind === 'intent' ? source.reference : null,
    // Intent links minted before attempts were counted are attempt 1 (decision 0008).
    source_attempt: source.kind === 'intent' ? (source.attempt ?? 1) : null,
    status: record.status,
    amount_paid: record.amountPaid,
    paid_steps: JSON.stringify(record.paidSteps),
    seq: record.seq,
    paid_at: record.paidAt,
    created_at: record.createdAt,
    checked_at: record.checkedAt,
    closed_at: record.closedAt,
    claimed_at: record.claimedAt,
    recheck_at: record.recheckAt,
    version: record.version,
    customer: record.customer ? JSON.stringify(record.customer) : null,
  };
}

/** node-postgres answers `bigint` columns as strings (they may exceed 2^53; ours are ms and minor units, which do not). */
const int = (value: number | string): number => Number(value);
const intOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

function fromRow(row: Row): LinkRecord {
  let source: PriceSource;
  if (row.source_kind === 'product') source = { kind: 'product', product: row.source_product!, quantity: int(row.source_quantity!) };
  else if (row.source_kind === 'intent') source = { kind: 'intent', reference: row.source_reference!, attempt: int(row.source_attempt!) };
  else source = { kind: 'amount' };
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    providerLinkId: row.provider_link_id,
    reference: row.reference,
    url: row.url,
    amount: { value: int(row.amount_value), currency: row.currency },
    description: row.description,
    expiresAt: row.expires_at,
    source,
    status: row.status as LinkRecord['status'],
    amountPaid: int(row.amount_paid),
    paidSteps: (JSON.parse(row.paid_steps) as number[]).map(int),
    seq: int(row.seq),
    paidAt: row.paid_at,
    createdAt: int(row.created_at),
    checkedAt: int(row.checked_at),
    closedAt: intOrNull(row.closed_at),
    claimedAt: intOrNull(row.claimed_at),
    recheckAt: intOrNull(row.recheck_at),
    version: int(row.version),
    // Only where an intent's merchant set it: absent, not null, on every other record.
    ...(row.customer ? { customer: JSON.parse(row.customer) as Customer } : {}),
  };
}

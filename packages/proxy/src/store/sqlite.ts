/**
 * The embedded engine: one SQLite file (better-sqlite3), no service. WAL journal, so status reads never wait for
 * a write; `synchronous=NORMAL`, which in WAL mode loses no committed transaction when the process dies (kill -9)
 * and at worst the last few on a power cut (decision 0012). Checkpoints run in a worker thread
 * (store/sqlite-checkpointer.ts), not inside a commit on the event loop. One instance per file: instances on
 * several machines share state through Postgres.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Compilable, type CompiledQuery, Kysely, type QueryResult, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { QueryTarget } from './compiled.ts';
import type { Database, LinksTable } from './schema.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { groupCommits, prepareGroupStatements } from './sqlite-group-commit.ts';
import { NO_FEED, StoreError, createSqlStore, migrate } from './sql.ts';
import type { Store } from './types.ts';

/** Opens (creating it and its folder if need be) the database at `path`, or a private one for `:memory:`. */
export async function openSqliteStore(path: string, options: { now?: () => number } = {}): Promise<Store> {
  let sqlite: SQLite.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path);
    tuneConnection(sqlite);
  } catch (err) {
    throw new StoreError(`cannot open the SQLite database ${path}: ${(err as Error).message}`);
  }
  const database = preparedOnce(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateOnce(db, path);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const selectLinkById = sqlite.prepare<[string], LinksTable>('select * from links where id = ?');
  const selectByProviderLink = sqlite.prepare<[string, string], LinksTable>('select * from links where provider = ? and provider_link_id = ?');
  const selectEventExpiry = sqlite.prepare<[string, string], number>('select expires_at from webhook_events where provider = ? and dedupe_key = ?').pluck();
  const checkpointer = startCheckpointer(sqlite, path);
  /** The statements of a write transaction, run as Kysely's SQLite driver runs them, without its per-query set-up. */
  const direct: QueryTarget = {
    async executeQuery<R>(query: CompiledQuery<R> | Compilable<R>): Promise<QueryResult<R>> {
      const { sql, parameters } = 'compile' in query ? query.compile() : query;
      const statement = database.prepare(sql);
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
  };
  const writes = groupCommits(db, sqlite, prepareGroupStatements(sqlite), direct);
  return createSqlStore(db, {
    // Each statement straight on the connection: a webhook's write is six statements, and the builder's set-up of
    // each (its connection lock, its executor) was a tenth of the proxy's CPU per webhook (decision 0016).
    transaction: writes.transaction,
    sharedCommits: true,
    now: options.now ?? Date.now,
    feed: NO_FEED,
    close: async () => {
      // The writes already asked for are committed (or fail) before the connection goes.
      await writes.flush();
      await checkpointer?.stop();
      await db.destroy();
    },
    selectLink: async (id) => selectLinkById.get(id),
    selectLinkByProviderLink: async (provider, providerLinkId) => selectByProviderLink.get(provider, providerLinkId),
    selectEventExpiry: async (provider, dedupeKey) => selectEventExpiry.get(provider, dedupeKey),
    selectLinkSharesConnection: true,
  });
}

/**
 * The connection's settings (decision 0012; the last, decision 0016):
 * - WAL, so status reads never wait for a write, with `synchronous=NORMAL` (see the header);
 * - a busy timeout: a second process on the same file (a CLI, a restart overlapping the old one) waits instead of
 *   failing;
 * - statement journals in memory (`temp_store = MEMORY`). A group commit runs each write in a savepoint, and when a
 *   write first changes a page its group had already changed, SQLite saves the page's earlier content to the
 *   savepoint's journal, so it can roll that write back alone. In a temporary file that was two `pwrite`s per
 *   page: 29 of the 42 syscall writes per webhook (a trace of the store's write path), each slow on this VM.
 *   The journal holds at most the pages one
 *   group changes (64 writes of a few pages each, a few MB at worst), and it is gone at the commit. Sorts and
 *   temporary tables a query needs go to memory too; ours are small (a page of links, a claim's batch).
 */
export function tuneConnection(sqlite: SQLite.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('temp_store = MEMORY');
}

/** How many distinct statements stay prepared; past it the least recently used is dropped (re-prepared if it comes back). */
const STATEMENT_CACHE = 256;

/**
 * The database as Kysely sees it, with each statement prepared once: Kysely's SQLite driver calls `prepare` on
 * every query, and parsing and planning it again was a fifth of a webhook's store time (a profile of
 * bench/webhook-throughput.ts, 2026-12-02). The query builder writes the same text for the same query (values are
 * bound parameters), so a few dozen statements serve every call. Safe to share: better-sqlite3 runs a statement to completion synchronously, and Kysely never
 * streams ours (`iterate`, which would hold one busy). SQLite re-prepares a cached statement itself after a
 * schema change.
 */
function preparedOnce(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      let statement = cache.get(text);
      if (statement) {
        // Most recently used last: Map keeps insertion order, so the first key is the one to drop.
        cache.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/**
 * Kysely's SQLite migrator takes no lock across processes: two processes opening a brand-new file at once race to
 * create the tables, and the loser fails. Its second try finds the winner's migrations recorded and does nothing.
 */
async function migrateOnce(db: Kysely<Database>, path: string): Promise<void> {
  const where = `The SQLite database ${path}`;
  try {
    await migrate(db, where);
  } catch (err) {
    if (!(err instanceof StoreError) || /newer version/.test(err.message)) throw err;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await migrate(db, where);
  }
}

/**
 * The embedded engine: one SQLite file (better-sqlite3), no service. WAL journal, so status reads never wait for
 * a write; `synchronous=NORMAL`, which in WAL mode loses no committed transaction when the process dies (kill -9)
 * and at worst the last few on a power cut (decision 0012). One instance per file: instances on several
 * machines share state through Postgres.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database, LinksTable } from './schema.ts';
import { NO_FEED, StoreError, createSqlStore, migrate } from './sql.ts';
import type { Store } from './types.ts';

/** Opens (creating it and its folder if need be) the database at `path`, or a private one for `:memory:`. */
export async function openSqliteStore(path: string, options: { now?: () => number } = {}): Promise<Store> {
  let sqlite: SQLite.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // A second process on the same file (a CLI, a restart overlapping the old one) waits instead of failing.
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new StoreError(`cannot open the SQLite database ${path}: ${(err as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrateOnce(db, path);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const selectLinkById = sqlite.prepare<[string], LinksTable>('select * from links where id = ?');
  return createSqlStore(db, {
    now: options.now ?? Date.now,
    feed: NO_FEED,
    close: () => db.destroy(),
    selectLink: async (id) => selectLinkById.get(id),
    selectLinkSharesConnection: true,
  });
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

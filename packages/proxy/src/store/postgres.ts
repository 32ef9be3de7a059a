/**
 * The engine for several instances: one Postgres database they all share (node-postgres). Besides the queries
 * (a pool), each instance keeps one connection LISTENing on `pay_link_changes`: a status change applied on any
 * instance is NOTIFYed with the link id and reaches the SSE watchers on every other one at once. That connection
 * reconnects with backoff when it drops; once back, the service re-reads its watched links, since a change may
 * have passed while it was deaf. Migrations take Kysely's lock, so instances starting together migrate once.
 * Rate limits count in `pay_link_rate_limits`, shared by every instance (`rateLimiter`, see rate-limit.ts).
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Database, LinksTable } from './schema.ts';
import { type ChangeFeed, StoreError, createSqlStore, migrate } from './sql.ts';
import type { Store } from './types.ts';

const CHANNEL = 'pay_link_changes';
const RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000];
const RATE_LIMITS_TABLE = 'pay_link_rate_limits';

export interface PostgresStoreOptions {
  now?: () => number;
  /** Connections in this instance's pool (besides the listening one); count it against the server's limit. */
  poolSize?: number;
  /** Where the feed reports a lost connection (never the URL: it may hold a password). */
  log?: { warn: (obj: object, msg: string) => void };
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const where = `The Postgres database ${redact(url)}`;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, where);
    await createRateLimitsTable(db);
  } catch (err) {
    await db.destroy();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`${where} cannot be reached: ${(err as Error).message}`);
  }
  const feed = postgresFeed(url, pool, options.log);
  const store = createSqlStore(db, {
    skipLocked: true,
    now: options.now ?? Date.now,
    feed,
    close: () => db.destroy(),
    // A named statement: each pooled connection parses and plans it once.
    selectLink: async (id) => (await pool.query<LinksTable>({ name: 'pay_link_select_link', text: 'select * from links where id = $1', values: [id] })).rows[0],
  });
  return {
    ...store,
    rateLimiter: (name, window) =>
      new RateLimiterPostgres({
        storeClient: pool,
        tableName: RATE_LIMITS_TABLE,
        tableCreated: true,
        keyPrefix: name,
        ...window,
        // A failed query (the database restarting, unreachable) counts in memory instead: per instance for a
        // while, rather than refusing or failing the request.
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, ...window }),
      }),
  };
}

/**
 * The table RateLimiterPostgres queries, in its own layout (rate-limiter-flexible 7.4 `_getCreateTableStmt`;
 * each limiter deletes rows an hour past their window every 5 minutes). Made here at open, not by the library: it
 * would create it in the background, where every count fails over to memory until it exists and an error ends
 * the process as an unhandled rejection. The advisory lock serialises instances starting together: two racing
 * `CREATE TABLE IF NOT EXISTS` can fail one of them on a unique violation in pg_type.
 */
async function createRateLimitsTable(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${RATE_LIMITS_TABLE}))`.execute(trx);
    await sql`create table if not exists ${sql.table(RATE_LIMITS_TABLE)} (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`.execute(trx);
  });
}

function postgresFeed(url: string, pool: pg.Pool, log: PostgresStoreOptions['log']): ChangeFeed {
  /** This instance's own notifications carry its id, so it does not hear itself. */
  const self = randomBytes(6).toString('base64url');
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;

  async function connect(onChange: (id: string) => void, onResync: () => void, resync: boolean): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      const payload = message.payload ?? '';
      const at = payload.indexOf(':');
      if (at > 0 && payload.slice(0, at) !== self) onChange(payload.slice(at + 1));
    });
    const lost = () => {
      if (client !== next || closed) return;
      client = undefined;
      log?.warn({ channel: CHANNEL }, 'change feed connection lost; reconnecting');
      setTimeout(() => void retry(onChange, onResync), RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]).unref();
    };
    next.on('error', lost);
    next.on('end', lost);
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    if (resync) onResync();
  }

  async function retry(onChange: (id: string) => void, onResync: () => void): Promise<void> {
    if (closed) return;
    try {
      await connect(onChange, onResync, true);
    } catch {
      setTimeout(() => void retry(onChange, onResync), RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]).unref();
    }
  }

  return {
    async publish(id) {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, `${self}:${id}`]);
    },
    async listen(onChange, onResync) {
      try {
        await connect(onChange, onResync, false);
      } catch (err) {
        // Not there at start: keep trying in the background, and say so (the caller logs it).
        setTimeout(() => void retry(onChange, onResync), RECONNECT_MS[0]).unref();
        throw err;
      }
    },
    async close() {
      closed = true;
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'at PAY_LINK_DATABASE_URL';
  }
}

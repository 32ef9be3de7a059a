/**
 * The store kit (test/store/kit.ts) against SQLite: each case a new database file in a temp dir, a second
 * instance being a second connection to the same file; then what only this engine shows: the claim's plan.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { claimDueQuery } from '../src/store/outbox.ts';
import type { Database } from '../src/store/schema.ts';
import { openSqliteStore, tuneConnection } from '../src/store/sqlite.ts';
import { describeStore } from './store/kit.ts';

const dir = mkdtempSync(join(tmpdir(), 'pay-link-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let cases = 0;

describeStore('sqlite', {
  async createDatabase() {
    const path = join(dir, `case-${++cases}.db`);
    return {
      open: (now) => openSqliteStore(path, { now }),
      async query(text) {
        const sqlite = new SQLite(path);
        try {
          const statement = sqlite.prepare(text);
          if (!statement.reader) {
            statement.run();
            return [];
          }
          return statement.all() as Record<string, unknown>[];
        } finally {
          sqlite.close();
        }
      },
      async drop() {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      },
    };
  },
});

describe('sqlite: the delivery claim under a backlog', () => {
  // The claim's own statement (store/outbox.ts), as the dispatcher runs it: how SQLite plans it over this file.
  const planOf = (sqlite: SQLite.Database) => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const { sql, parameters } = claimDueQuery(db)('holder', ['ep'], 5, 10, 16).compile();
    return (sqlite.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join('; ');
  };
  const dueIndex = (sqlite: SQLite.Database) => (sqlite.prepare(`select name from pragma_index_info('deliveries_due') order by seqno`).all() as { name: string }[]).map((r) => r.name);

  it('reads the due deliveries in the index\'s order, so a claim stops at its limit instead of sorting every pending row', async () => {
    const path = join(dir, `case-${++cases}.db`);
    await (await openSqliteStore(path)).close();
    const sqlite = new SQLite(path);
    try {
      assert.deepEqual(dueIndex(sqlite), ['state', 'next_attempt_at', 'created_at']);
      const plan = planOf(sqlite);
      assert.match(plan, /USING INDEX deliveries_due/);
      assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
    } finally {
      sqlite.close();
    }
  });

  it('gives a database made before the claim\'s order was indexed (migrations 0001 and 0002 only) the index when it opens', async () => {
    const path = join(dir, `case-${++cases}.db`);
    await (await openSqliteStore(path)).close();
    const old = new SQLite(path);
    old.exec(`drop index deliveries_due; create index deliveries_due on deliveries (state, next_attempt_at); delete from kysely_migration where name = '0003_deliveries_due_order'`);
    assert.match(planOf(old), /TEMP B-TREE/, 'the old index sorts the tie-break');
    old.close();
    await (await openSqliteStore(path)).close();
    const sqlite = new SQLite(path);
    try {
      assert.deepEqual(dueIndex(sqlite), ['state', 'next_attempt_at', 'created_at']);
      assert.doesNotMatch(planOf(sqlite), /TEMP B-TREE/);
    } finally {
      sqlite.close();
    }
  });
});

describe('sqlite: the connection\'s settings', () => {
  it('opens in WAL with synchronous=NORMAL, a busy timeout, and statement journals in memory (decisions 0012, 0016)', () => {
    const sqlite = new SQLite(join(dir, 'settings.db'));
    try {
      tuneConnection(sqlite);
      assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(sqlite.pragma('synchronous', { simple: true }), 1); // NORMAL
      assert.equal(sqlite.pragma('busy_timeout', { simple: true }), 5000);
      assert.equal(sqlite.pragma('temp_store', { simple: true }), 2); // MEMORY
      // A write rolled back to its savepoint, inside a transaction that already changed its pages, as a group
      // commit's failed write is: the journal in memory restores them.
      sqlite.exec('create table t (id integer primary key, v text not null)');
      sqlite.exec('begin');
      sqlite.prepare('insert into t (v) values (?)').run('kept');
      sqlite.exec('savepoint one');
      sqlite.prepare('update t set v = ?').run('undone');
      sqlite.prepare('insert into t (v) values (?)').run('undone too');
      sqlite.exec('rollback to one');
      sqlite.exec('release one');
      sqlite.exec('commit');
      assert.deepEqual(sqlite.prepare('select v from t').pluck().all(), ['kept']);
    } finally {
      sqlite.close();
    }
  });

  it('is what the store opens its file with: a new file is left in WAL, the one setting another connection can see', async () => {
    const path = join(dir, 'opened.db');
    const store = await openSqliteStore(path);
    await store.close();
    const sqlite = new SQLite(path, { readonly: true });
    try {
      assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      sqlite.close();
    }
  });
});

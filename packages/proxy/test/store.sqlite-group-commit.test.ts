/**
 * SQLite's group commit (store/sqlite-group-commit.ts, decision 0016), on a real better-sqlite3 connection with
 * the query builder holding it: which writes share a commit, when each caller hears its outcome, and what a
 * failure takes with it. The store kit (test/store/kit.ts) runs every store behaviour over it as well.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, type QueryResult, SqliteDialect } from 'kysely';
import type { QueryTarget } from '../src/store/compiled.ts';
import type { Database } from '../src/store/schema.ts';
import { GROUP_MAX, type GroupStatements, groupCommits, prepareGroupStatements } from '../src/store/sqlite-group-commit.ts';

let sqlite: SQLite.Database;
let db: Kysely<Database>;
let commits: number;
let failNextCommit: Error | undefined;
let transaction: ReturnType<typeof groupCommits>['transaction'];
let flush: () => Promise<void>;

beforeEach(() => {
  sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (id integer primary key, v text not null unique)');
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  commits = 0;
  failNextCommit = undefined;
  const prepared = prepareGroupStatements(sqlite);
  const statements: GroupStatements = {
    ...prepared,
    commit: {
      run: () => {
        if (failNextCommit) {
          const err = failNextCommit;
          failNextCommit = undefined;
          throw err;
        }
        commits += 1;
        return prepared.commit.run();
      },
    },
  };
  const direct: QueryTarget = {
    async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
      const statement = sqlite.prepare(query.sql);
      if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
      statement.run(query.parameters);
      return { rows: [] };
    },
  };
  ({ transaction, flush } = groupCommits(db, sqlite, statements, direct));
});
afterEach(async () => {
  await db.destroy();
});

const insert = (v: string) => (trx: QueryTarget) => trx.executeQuery(CompiledQuery.raw('insert into t (v) values (?)', [v])).then(() => v);
const stored = () => (sqlite.prepare('select v from t order by id').all() as { v: string }[]).map((row) => row.v);

describe('SQLite group commit', () => {
  it('writes asked for together share one commit, and each caller hears its outcome only once it is committed', async () => {
    const heard: boolean[] = [];
    const writes = Array.from({ length: 10 }, (_, i) => transaction(insert(`w${i}`)).then((v) => (heard.push(sqlite.inTransaction), v)));
    assert.deepEqual(await Promise.all(writes), Array.from({ length: 10 }, (_, i) => `w${i}`));
    assert.equal(commits, 1);
    assert.deepEqual(heard, Array(10).fill(false), 'no caller heard while the transaction was open');
    assert.deepEqual(stored(), Array.from({ length: 10 }, (_, i) => `w${i}`));
  });

  it('a write asked for in a later turn of the event loop, after the commit, has a commit of its own', async () => {
    for (const v of ['a', 'b', 'c']) await transaction(insert(v));
    assert.equal(commits, 3);
    assert.deepEqual(stored(), ['a', 'b', 'c']);
  });

  it('a write asked for while a group runs (from a write\'s own work) joins that group', async () => {
    // The first write's work asks for another (as a webhook read off the same poll would): it joins the group.
    const nested = transaction(async (trx) => {
      void transaction(insert('joined'));
      return insert('first')(trx);
    });
    await nested;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(stored(), ['first', 'joined']);
    assert.equal(commits, 1);
  });

  it(`carries at most ${GROUP_MAX} writes per commit; the rest go in the next`, async () => {
    const count = GROUP_MAX * 2 + 3;
    await Promise.all(Array.from({ length: count }, (_, i) => transaction(insert(`w${i}`))));
    assert.equal(commits, 3);
    assert.equal(stored().length, count);
  });

  it('a write whose work fails rolls back to its savepoint and fails alone', async () => {
    await transaction(insert('taken'));
    const results = await Promise.allSettled([
      transaction(insert('one')),
      transaction(async (trx) => {
        await insert('half')(trx);
        return insert('taken')(trx); // the unique constraint: the whole write, `half` too, is undone
      }),
      transaction(insert('two')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(stored(), ['taken', 'one', 'two']);
    assert.equal(commits, 2);
  });

  it('a commit that fails fails every write in the group and stores none of them; the next group goes on', async () => {
    failNextCommit = new Error('disk I/O error');
    const results = await Promise.allSettled(['a', 'b', 'c'].map((v) => transaction(insert(v))));
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), Array(3).fill('Error: disk I/O error'));
    assert.equal(sqlite.inTransaction, false, 'rolled back');
    assert.deepEqual(stored(), []);
    assert.equal(await transaction(insert('d')), 'd');
    assert.deepEqual(stored(), ['d']);
  });

  it('when SQLite ends the transaction itself, the writes before it fail with it and the writes after it are stored', async () => {
    const ended = new Error('SQLITE_IOERR: SQLite rolled the transaction back');
    const results = await Promise.allSettled([
      transaction(insert('before')),
      transaction(async (trx) => {
        // What SQLite does on an I/O error or a full disk: the transaction, savepoints and all, is gone.
        await trx.executeQuery(CompiledQuery.raw('rollback'));
        throw ended;
      }),
      transaction(insert('after')),
    ]);
    assert.deepEqual(results.map((r) => (r.status === 'rejected' ? r.reason : r.status)), [ended, ended, 'fulfilled']);
    assert.deepEqual(stored(), ['after']);
    assert.equal(sqlite.inTransaction, false);
  });

  it('flush settles once the writes asked for so far are committed, so a store can close without losing them', async () => {
    await flush();
    let answered = 0;
    const writes = ['a', 'b', 'c'].map((v) => transaction(insert(v)).then(() => (answered += 1)));
    await flush();
    assert.equal(answered, 3);
    assert.deepEqual(stored(), ['a', 'b', 'c']);
    await Promise.all(writes);
  });

  it('a query through the builder runs before a group whose turn has not come, or after it: never inside it', async () => {
    const count = async () => (await db.executeQuery<{ n: number }>(CompiledQuery.raw('select count(*) as n from t'))).rows[0]!.n;
    const writes = Promise.all(['a', 'b', 'c', 'd'].map((v) => transaction(insert(v))));
    assert.equal(await count(), 0, 'asked in the same turn as the writes: it goes first');
    await writes;
    assert.equal(await count(), 4);
  });

  it("never holds SQLite's write lock across a turn of the event loop: two connections to one file in one process write at once", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pay-link-group-'));
    const opened: { sqlite: SQLite.Database; db: Kysely<Database> }[] = [];
    try {
      const writers = [0, 1].map(() => {
        const conn = new SQLite(join(dir, 'shared.db'));
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.exec('create table if not exists t (id integer primary key, v text not null unique)');
        const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
        opened.push({ sqlite: conn, db: kysely });
        const run: QueryTarget = {
          async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
            conn.prepare(query.sql).run(query.parameters);
            return { rows: [] };
          },
        };
        return groupCommits(kysely, conn, prepareGroupStatements(conn), run).transaction;
      });
      const started = performance.now();
      // Interleaved, as two stores' webhooks would be: had a group held the lock while it waited for its turn, the
      // other connection's `begin … insert` would wait in SQLite's busy handler, blocking this thread for 5 s, then fail.
      const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => writers[i % 2]!(insert(`w${i}`))));
      const ms = performance.now() - started;
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      // Generous for a noisy machine, far below the 5 s a blocked busy handler would take.
      assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
      assert.equal((opened[0]!.sqlite.prepare('select count(*) as n from t').get() as { n: number }).n, 40);
    } finally {
      for (const { db: kysely } of opened) await kysely.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Group commit for SQLite's write transactions (decision 0016): the writes asked for together share one commit.
 */
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { QueryTarget } from './compiled.ts';
import type { Database } from './schema.ts';

/** The statements a group runs around its writes, prepared once (`prepareGroupStatements`). */
export type GroupStatements = Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Pick<SQLite.Statement, 'run'>>;

export function prepareGroupStatements(sqlite: SQLite.Database): GroupStatements {
  return {
    begin: sqlite.prepare('begin'),
    commit: sqlite.prepare('commit'),
    rollback: sqlite.prepare('rollback'),
    savepoint: sqlite.prepare('savepoint one'),
    release: sqlite.prepare('release one'),
    undo: sqlite.prepare('rollback to one'),
  };
}

export interface GroupCommits {
  /** Runs `work` in the next group; answers once the group's commit has (or has not) stored it. */
  transaction<T>(work: (trx: QueryTarget) => Promise<T>): Promise<T>;
  /** Settles once every write asked for so far has been committed or failed (before closing the connection). */
  flush(): Promise<void>;
}

/** The most write transactions one commit carries. */
export const GROUP_MAX = 64;

interface Queued {
  work: (trx: QueryTarget) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Write transactions with their commits shared (group commit, decision 0016). A transaction asked for waits for
 * the event loop's next turn (`setImmediate`); then the writes asked for by then (the other webhooks read off the
 * same poll) run one after another in one SQLite transaction, each in a savepoint of its own, and one commit ends
 * them all. Each caller hears its outcome only after that commit: a write answered is a write committed. One
 * whose work fails rolls back to its savepoint and fails alone; a commit that fails (a full disk) fails every
 * write in it, and none of them is stored. On this VM a commit writes each WAL frame with its own syscall, ~60 µs,
 * most of a webhook's store time; concurrent webhooks touch the same few index pages, so a group of them writes
 * little more than one would.
 *
 * The wait comes before `begin`, never inside the transaction: a group runs in one macrotask (its writes' work
 * only ever awaits these statements, which better-sqlite3 runs synchronously), so SQLite's write lock is never
 * held across a turn of the event loop. Another connection to the file in this process (a second store, as the
 * tests' second instance) would otherwise wait in SQLite's busy handler, which blocks the very thread the group
 * needs to commit. The connection is held from the query builder for the group (its driver's lock, as its own
 * `transaction()` takes it), so no other query runs inside it; the prepared reads beside the builder wait for open
 * writes (sql.ts `afterWrites`).
 */
export function groupCommits(
  db: Kysely<Database>,
  sqlite: SQLite.Database,
  statements: GroupStatements,
  direct: QueryTarget,
): GroupCommits {
  const queue: Queued[] = [];
  let scheduled = false;
  const idle: (() => void)[] = [];

  async function runGroup(): Promise<void> {
    let done: [Queued, unknown][] = [];
    try {
      statements.begin.run();
      // Writes asked for while these run (from their own work) join, up to the cap.
      for (let size = 0; size < GROUP_MAX && queue.length > 0; size++) {
        const next = queue.shift()!;
        statements.savepoint.run();
        try {
          const value = await next.work(direct);
          statements.release.run();
          done.push([next, value]);
        } catch (err) {
          next.reject(err);
          if (sqlite.inTransaction) {
            statements.undo.run();
            statements.release.run();
          } else {
            // SQLite ended the whole transaction itself (an I/O error, a full disk): what the group held is gone.
            for (const [lost] of done) lost.reject(err);
            done = [];
            statements.begin.run();
          }
        }
      }
      statements.commit.run();
    } catch (err) {
      // A commit that failed (or a statement around the writes): none of the group's writes is stored.
      if (sqlite.inTransaction) statements.rollback.run();
      for (const [lost] of done) lost.reject(err);
      return;
    }
    for (const [queued, value] of done) queued.resolve(value);
  }

  function schedule(): void {
    scheduled = true;
    setImmediate(() => {
      // The builder's own lock on its one connection, taken below its `connection()` (which builds a new query
      // builder around the connection each time, for a callback that does not use it).
      db.getExecutor()
        .provideConnection(runGroup)
        .catch((err: unknown) => {
          // The connection itself failed (its `begin` refused): every write waiting fails with it.
          for (const queued of queue.splice(0)) queued.reject(err);
        })
        .finally(() => {
          scheduled = false;
          if (queue.length > 0) return schedule();
          for (const resolve of idle.splice(0)) resolve();
        });
    });
  }

  return {
    transaction: <T>(work: (trx: QueryTarget) => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) schedule();
      }),
    flush: () => (scheduled ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve()),
  };
}

/**
 * SQLite's WAL checkpoints run in a worker thread (store/sqlite-checkpointer.ts, decision 0012), not inside a
 * commit on the event loop. The database file itself only changes when a checkpoint copies the WAL's pages back
 * into it; a few dozen link writes are far below the 1,000 pages at which SQLite would checkpoint by itself, so the
 * file growing shows the worker did it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startCheckpointer } from '../src/store/sqlite-checkpointer.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';
import { link } from './store/kit.ts';

const dir = mkdtempSync(join(tmpdir(), 'pay-link-checkpoint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite checkpoints', () => {
  it('copies committed writes into the database file from its worker, well before SQLite would by itself', async () => {
    const path = join(dir, 'worker.db');
    const store = await openSqliteStore(path);
    try {
      // Let the worker take over, then note the file as it stands (the schema, checkpointed or not).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = statSync(path).size;
      for (let i = 0; i < 40; i++) await store.insertLink(link(`pl_checkpoint_${i}`));
      const wal = statSync(`${path}-wal`).size;
      assert.ok(wal < 1_000 * 4_096, `the writes stay below SQLite's own checkpoint (WAL ${wal} B)`);
      // The worker checkpoints every 100 ms; the bound is generous for a busy box, and far below "never".
      const deadline = Date.now() + 5_000;
      while (statSync(path).size <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(statSync(path).size > before, 'the database file took the WAL pages');
      assert.equal(await countLinks(store), 40);
    } finally {
      await store.close();
    }
    // Every connection closed, the worker's too: SQLite removes the WAL when the last one goes.
    assert.equal(existsSync(`${path}-wal`), false);
    const reopened = await openSqliteStore(path);
    try {
      assert.equal(await countLinks(reopened), 40);
    } finally {
      await reopened.close();
    }
  });

  // A worker that took over and then ends: one whose checkpoint threw (a disk error), one that simply exits.
  for (const [how, ending] of [
    ['throws', "setTimeout(() => { throw new Error('disk I/O error'); }, 100);"],
    ['exits', 'setTimeout(() => parentPort.close(), 100);'],
  ] as const) {
    it(`hands checkpoints back to SQLite when its worker ${how}`, async () => {
      const path = join(dir, `fallback-${how}.db`);
      const sqlite = new Database(path);
      sqlite.pragma('journal_mode = WAL');
      const pages = () => sqlite.pragma('wal_autocheckpoint', { simple: true });
      const script = `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); ${ending}`;
      const checkpointer = startCheckpointer(sqlite, path, 100, script)!;
      try {
        const deadline = Date.now() + 5_000;
        while (pages() === 1_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(pages(), 16_000, 'while the worker runs, the process keeps only a far larger safety net');
        while (pages() !== 1_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(pages(), 1_000, "once it is gone, SQLite's own automatic checkpoint is back");
      } finally {
        await checkpointer.stop();
        sqlite.close();
      }
    });
  }

  it('runs no worker for a private in-memory database, and closes as before', async () => {
    const store = await openSqliteStore(':memory:');
    await store.insertLink(link('pl_memory_checkpoint'));
    await store.close();
  });
});

async function countLinks(store: Store): Promise<number> {
  return (await store.listLinks({ limit: 1_000 })).links.length;
}

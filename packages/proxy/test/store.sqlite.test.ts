/**
 * The store kit (test/store/kit.ts) against SQLite: each case a new database file in a temp dir, a second
 * instance being a second connection to the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import SQLite from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite.ts';
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

/**
 * The store kit (test/store/kit.ts) against a real Postgres (test/postgres.ts: a throwaway server, or
 * PAY_LINK_TEST_POSTGRES_URL's): one server for the file, each case a database of its own, a second instance
 * being a second pool on it. Then what only this engine claims: instances starting together migrate once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openPostgresStore } from '../src/store/postgres.ts';
import { MIGRATIONS } from '../src/store/schema.ts';
import { withPostgres, withClient } from './postgres.ts';
import { describeStore, type StoreEngine, type TestDatabase } from './store/kit.ts';

const server = withPostgres();


const engine: StoreEngine<TestDatabase & { name: string }> = {
  async createDatabase() {
    const name = `store_case_${randomBytes(6).toString('hex')}`;
    await withClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(server.adminUrl);
    url.pathname = `/${name}`;
    return {
      name,
      open: (now) => openPostgresStore(url.toString(), { now }),
      query: (text) => withClient(url.toString(), async (c) => (await c.query(text)).rows as Record<string, unknown>[]),
      // FORCE: a pool a failed case left open must not keep the database, nor the server, from going.
      drop: () => withClient(server.adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
    };
  },
  feed: {
    async dropListener(database) {
      const cut = await withClient(server.adminUrl, (c) =>
        c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`, [database.name]),
      );
      if (cut.rowCount !== 1) throw new Error(`expected one listening connection on ${database.name}, cut ${cut.rowCount}`);
    },
  },
};

describeStore('postgres', engine);

describe('store: postgres only', () => {
  it('lets instances starting together on an empty database migrate it once', async () => {
    const database = await engine.createDatabase();
    try {
      const opened = await Promise.allSettled(Array.from({ length: 4 }, () => database.open(Date.now)));
      for (const result of opened) if (result.status === 'fulfilled') await result.value.close();
      assert.deepEqual(opened.map((r) => (r.status === 'fulfilled' ? 'opened' : String(r.reason))), ['opened', 'opened', 'opened', 'opened']);
      assert.deepEqual(await database.query('SELECT name FROM kysely_migration ORDER BY name'), Object.keys(MIGRATIONS).map((name) => ({ name })));
    } finally {
      await database.drop();
    }
  });
});

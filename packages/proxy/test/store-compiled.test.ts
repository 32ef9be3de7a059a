/**
 * store/compiled.ts: a query compiled once answers what the same query built per call answers, for every shape of
 * its values, and refuses a builder that does not pass its values through as parameters.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { compiledOnce } from '../src/store/compiled.ts';

interface Db {
  items: { id: string; n: number; note: string | null };
}

function open() {
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  return db;
}

describe('compiledOnce', () => {
  test('scalar values: each call binds its own, constants of the query stay', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer').addColumn('note', 'text').execute();
    const insert = compiledOnce((id: string, n: number) => db.insertInto('items').values({ id, n, note: 'fixed' }));
    await insert(db, 'a', 1);
    await insert(db, 'b', 2);
    const byN = compiledOnce((n: number) => db.selectFrom('items').selectAll().where('n', '>=', n).orderBy('id').limit(10));
    assert.deepEqual((await byN(db, 2)).rows, [{ id: 'b', n: 2, note: 'fixed' }]);
    assert.deepEqual((await byN(db, 0)).rows.map((r) => r.id), ['a', 'b']);
    await db.destroy();
  });

  test('a value used twice (an upsert) goes to both places', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer').addColumn('note', 'text').execute();
    const upsert = compiledOnce((id: string, n: number) =>
      db.insertInto('items').values({ id, n, note: null }).onConflict((oc) => oc.column('id').doUpdateSet({ n })),
    );
    await upsert(db, 'a', 1);
    await upsert(db, 'a', 7);
    assert.deepEqual(await db.selectFrom('items').selectAll().execute(), [{ id: 'a', n: 7, note: null }]);
    await db.destroy();
  });

  test('arrays and objects: each shape compiled for itself, undefined keys left out as Kysely leaves them', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer').addColumn('note', 'text').execute();
    const insertRows = compiledOnce((rows: { id: string; n: number; note?: string }[]) => db.insertInto('items').values(rows));
    await insertRows(db, [{ id: 'a', n: 1, note: 'x' }]);
    await insertRows(db, [
      { id: 'b', n: 2 },
      { id: 'c', n: 3 },
    ]);
    const inIds = compiledOnce((ids: string[]) => db.selectFrom('items').select(['id', 'note']).where('id', 'in', ids).orderBy('id'));
    assert.deepEqual((await inIds(db, ['a', 'c'])).rows, [
      { id: 'a', note: 'x' },
      { id: 'c', note: null },
    ]);
    assert.deepEqual((await inIds(db, ['b'])).rows, [{ id: 'b', note: null }]);
    const set = compiledOnce((changes: { n?: number; note?: string }, id: string) => db.updateTable('items').set(changes).where('id', '=', id));
    assert.equal(Number((await set(db, { note: 'y' }, 'a')).numAffectedRows), 1);
    await set(db, { n: 9, note: undefined }, 'b');
    assert.deepEqual(await db.selectFrom('items').selectAll().orderBy('id').execute(), [
      { id: 'a', n: 1, note: 'y' },
      { id: 'b', n: 9, note: null },
      { id: 'c', n: 3, note: null },
    ]);
    await db.destroy();
  });

  test('plain values build their query once; nested values build it once per length of their list', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer').addColumn('note', 'text').execute();
    await db.insertInto('items').values([{ id: 'a', n: 1, note: null }, { id: 'b', n: 2, note: null }, { id: 'c', n: 3, note: null }]).execute();
    let builds = 0;
    const byIds = compiledOnce((first: string, more: string[]) => {
      builds++;
      return db.selectFrom('items').select('id').where((eb) => eb.or([eb('id', '=', first), eb('id', 'in', more)])).orderBy('id');
    });
    const byId = compiledOnce((id: string, n: number) => {
      builds++;
      return db.selectFrom('items').select('id').where('id', '=', id).where('n', '=', n);
    });
    for (let i = 0; i < 5; i++) assert.deepEqual((await byId(db, 'b', 2)).rows, [{ id: 'b' }]);
    assert.deepEqual((await byId(db, 'b', 3)).rows, []);
    assert.equal(builds, 1, 'plain values: one shape, built once');
    assert.deepEqual((await byIds(db, 'a', ['c'])).rows.map((r) => r.id), ['a', 'c']);
    assert.deepEqual((await byIds(db, 'b', ['a', 'c'])).rows.map((r) => r.id), ['a', 'b', 'c']);
    assert.deepEqual((await byIds(db, 'c', ['a'])).rows.map((r) => r.id), ['a', 'c']);
    assert.equal(builds, 3, 'nested values: one build per length of the list');
    await db.destroy();
  });

  test('runs inside a transaction on the transaction', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('n', 'integer').addColumn('note', 'text').execute();
    const insert = compiledOnce((id: string) => db.insertInto('items').values({ id, n: 0, note: null }));
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await insert(trx, 'a');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await db.selectFrom('items').selectAll().execute(), []);
    await db.destroy();
  });

  test('refuses a builder that computes with a value instead of passing it on', async () => {
    const db = open();
    const computed = compiledOnce((n: number) => db.selectFrom('items').selectAll().where('n', '=', Number(n) + 1));
    await assert.rejects(async () => computed(db, 1), /takes 0 of its 1 values/);
    await db.destroy();
  });
});

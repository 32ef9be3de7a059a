/**
 * The Postgres test harness (test/postgres.ts) gives a real server: SQL and LISTEN/NOTIFY work on it, stop()
 * leaves no server and no temp dir behind, two servers at once are independent, and a test process that dies
 * without calling stop() (a crash, or SIGKILL) does not leave its server running.
 * With PAY_LINK_TEST_POSTGRES_URL set the same tests run against fresh databases on that server instead.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startPostgres, type TestPostgres, withClient } from './postgres.ts';

const external = Boolean(process.env.PAY_LINK_TEST_POSTGRES_URL);


/** Resolves with the connection error's code, or 'connected' if something accepted. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

async function assertGone(server: { port?: number; dir?: string }): Promise<void> {
  assert.equal(await probe(server.port!), 'ECONNREFUSED', `port ${server.port} still accepts connections`);
  assert.equal(existsSync(server.dir!), false, `${server.dir} is still there`);
}

async function databaseExists(server: TestPostgres): Promise<boolean> {
  const name = new URL(server.url).pathname.slice(1);
  const found = await withClient(server.adminUrl, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return found.rowCount === 1;
}

describe('postgres test harness', () => {
  it('starts a real server: SQL, LISTEN/NOTIFY between two connections, then stop() leaves nothing behind', async () => {
    const server = await startPostgres();
    try {
      if (!external) {
        assert.match(server.url, /^postgres:\/\/paylink@127\.0\.0\.1:\d+\/paylink$/);
        assert.equal(existsSync(server.dir!), true);
      }
      await withClient(server.url, async (c) => {
        if (!external) {
          const { rows } = await c.query("SELECT current_setting('data_directory') AS d, current_user AS u");
          assert.deepEqual(rows[0], { d: `${server.dir}/data`, u: 'paylink' });
        }
        await c.query('CREATE TABLE links (id text PRIMARY KEY, amount bigint NOT NULL, meta jsonb)');
        await c.query('INSERT INTO links VALUES ($1, $2, $3)', ['plink_1', 49900, { shop: 'tea' }]);
        const { rows } = await c.query('SELECT id, amount, meta FROM links');
        assert.deepEqual(rows, [{ id: 'plink_1', amount: '49900', meta: { shop: 'tea' } }]);
      });

      const listener = new pg.Client({ connectionString: server.url });
      const notifier = new pg.Client({ connectionString: server.url });
      await Promise.all([listener.connect(), notifier.connect()]);
      try {
        const received = new Promise<pg.Notification>((resolve) => listener.on('notification', resolve));
        await listener.query('LISTEN link_events');
        const payload = JSON.stringify({ id: 'plink_1', status: 'paid' });
        await notifier.query('SELECT pg_notify($1, $2)', ['link_events', payload]);
        const timeout = sleep(5000).then(() => assert.fail('no notification within 5 s'));
        const note = await Promise.race([received, timeout]);
        assert.equal(note.channel, 'link_events');
        assert.equal(note.payload, payload);
        assert.notEqual(note.processId, (listener as unknown as { processID: number }).processID);
      } finally {
        await Promise.all([listener.end(), notifier.end()]);
      }
    } finally {
      await server.stop();
    }
    await server.stop(); // idempotent
    if (external) assert.equal(await databaseExists(server), false, 'the test database was not dropped');
    else await assertGone(server);
  });

  it('two startPostgres() at once give two independent servers', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      assert.notEqual(a.url, b.url);
      if (!external) {
        assert.notEqual(a.port, b.port);
        assert.notEqual(a.dir, b.dir);
      }
      await withClient(a.url, (c) => c.query('CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (1)'));
      const inB = await withClient(b.url, (c) => c.query("SELECT to_regclass('only_in_a') AS t"));
      assert.equal(inB.rows[0].t, null);
      // Stopping one leaves the other up.
      await a.stop();
      const sum = await withClient(b.url, (c) => c.query('SELECT 41 + 1 AS n'));
      assert.equal(sum.rows[0].n, 42);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    if (!external) {
      await assertGone(a);
      await assertGone(b);
    }
  });

  /** Runs a child that starts a server, prints its port and dir, then does `then`. */
  async function child(then: string): Promise<{ port: number; dir: string; proc: ReturnType<typeof spawn> }> {
    const harness = new URL('./postgres.ts', import.meta.url).href;
    const code = `const { startPostgres } = await import(${JSON.stringify(harness)});
      const s = await startPostgres();
      console.log(JSON.stringify({ port: s.port, dir: s.dir }));
      ${then}`;
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve({ ...JSON.parse(line), proc });
      });
      proc.once('exit', (code, signal) => {
        if (!out.includes('{')) reject(new Error(`child exited (${code ?? signal}) before starting a server:\n${err}`));
      });
    });
  }

  const exited = (proc: ReturnType<typeof spawn>) =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });

  const ownServersOnly = { skip: external && 'PAY_LINK_TEST_POSTGRES_URL: no server of our own' };

  it('a process that crashes without stop() stops its server on exit', ownServersOnly, async () => {
    const { port, dir, proc } = await child("setTimeout(() => { throw new Error('crash'); }, 10);");
    await exited(proc);
    assert.equal(proc.exitCode, 1);
    await assertGone({ port, dir });
  });

  it('a process killed with SIGKILL does not leave its server running (the watchdog stops it)', ownServersOnly, async () => {
    const { port, dir, proc } = await child('setInterval(() => {}, 1000);');
    assert.equal(await probe(port), 'connected');
    proc.kill('SIGKILL');
    await exited(proc);
    for (let i = 0; i < 100 && ((await probe(port)) !== 'ECONNREFUSED' || existsSync(dir)); i++) {
      await sleep(100);
    }
    await assertGone({ port, dir });
  });
});

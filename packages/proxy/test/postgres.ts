/**
 * Real PostgreSQL servers for tests, from the project's own scripts (scripts/setup.mjs installs Debian's
 * `postgresql` package for `pnpm test` / `pnpm bench` when it is missing).
 *
 * `startPostgres()` gives `{ url, adminUrl, stop() }`:
 * - with `PAY_LINK_TEST_POSTGRES_URL` set, a fresh database `pay_link_test_<random>` on that server (the role
 *   needs CREATEDB); `stop()` drops it (WITH (FORCE), so a pool a test forgot to end does not block it);
 * - otherwise a throwaway cluster of its own: a temp dir under os.tmpdir() (owned by the `postgres` user when
 *   running as root, since Postgres refuses to run as root; by whoever runs the tests otherwise), `initdb` with
 *   trust auth for the role `paylink` and no fsync, a server on a free 127.0.0.1 port with its socket in the temp
 *   dir, and a database `paylink`. `url` is `postgres://paylink@127.0.0.1:<port>/paylink`, `adminUrl` the same
 *   server's `postgres` database (to create more databases from). `stop()` is `pg_ctl stop -m fast`, then the
 *   temp dir goes. It never touches the apt service or the package's `15/main` cluster.
 *   A process that ends without calling `stop()` (a crash, `process.exit`, a signal the test runner turns into
 *   an exit) stops its servers synchronously on 'exit' (`pg_ctl stop -m immediate`). One that is killed outright
 *   (SIGKILL, OOM) is covered by a detached watchdog per server that waits on a pipe from this process and stops
 *   the server and removes the dir when the pipe closes. (On an external server, a database whose process died
 *   before stop() stays behind as `pay_link_test_*`; drop those by hand.)
 *
 * `withPostgres()` is the node:test form: call it at the top of a file or `describe` and it registers a
 * `before` that starts a server and an `after` that stops it; read `.url` (or `.adminUrl`) inside the tests:
 *
 *   const db = withPostgres();
 *   it('stores', async () => { const pool = new pg.Pool({ connectionString: db.url }); ... await pool.end(); });
 *
 * Servers are independent: two `startPostgres()` at once give two clusters on two ports.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';

/** The same advice scripts/setup.mjs gives. */
export const POSTGRES_MISSING =
  'the tests need PostgreSQL and no initdb was found (looked in /usr/lib/postgresql/*/bin and on PATH).\n' +
  '  Install PostgreSQL 15+ (Debian: apt-get install postgresql) ' +
  'or set PAY_LINK_TEST_POSTGRES_URL to a server you run.\n' +
  '  (For that URL, a role that may CREATE DATABASE, e.g. postgres://user:password@127.0.0.1:5432/postgres.)';

export interface TestPostgres {
  /** The database to use: `paylink` on a throwaway cluster, or `pay_link_test_<random>` on the external server. */
  readonly url: string;
  /** The same server's maintenance database (`postgres`, or `PAY_LINK_TEST_POSTGRES_URL` itself). */
  readonly adminUrl: string;
  /** The throwaway cluster's port and temp dir; undefined on the external server. */
  readonly port?: number;
  readonly dir?: string;
  /** Idempotent. */
  stop(): Promise<void>;
}

/** The directory holding initdb and pg_ctl: the highest Debian version, else the first initdb on PATH. */
export function findPostgresBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin/initdb')))
      .sort((a, b) => compareVersions(b, a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split('.').map((n) => Number(n) || 0));
  for (let i = 0; i < Math.max(pa!.length, pb!.length); i++) {
    const d = (pa![i] ?? 0) - (pb![i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.PAY_LINK_TEST_POSTGRES_URL;
  return external ? freshDatabase(external) : throwawayCluster();
}

/** node:test: a server for the enclosing file or `describe`, started in `before` and stopped in `after`. */
export function withPostgres(): { readonly url: string; readonly adminUrl: string; readonly server: TestPostgres } {
  let server: TestPostgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  const get = (): TestPostgres => {
    if (!server) throw new Error('withPostgres(): the server starts in before(); read .url inside a test or hook');
    return server;
  };
  return {
    get url() {
      return get().url;
    },
    get adminUrl() {
      return get().adminUrl;
    },
    get server() {
      return get();
    },
  };
}

// ── an external server: one database per call ──────────────────────────────────────────────────────────────

async function freshDatabase(adminUrl: string): Promise<TestPostgres> {
  const name = `pay_link_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let stopping: Promise<void> | undefined;
  return {
    url: url.toString(),
    adminUrl,
    stop: () =>
      (stopping ??= withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {})),
  };
}

/** Runs `fn` with a connected client, ended afterwards. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ── a throwaway cluster ─────────────────────────────────────────────────────────────────────────────────────

interface Cluster {
  bin: string;
  dir: string;
  watchdog?: ChildProcess;
}

/** Clusters started and not yet stopped, for the 'exit' handler. */
const live = new Set<Cluster>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const cluster of live) {
      const data = join(cluster.dir, 'data');
      spawnSync(...asPostgres(cluster.bin, 'pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w']), { stdio: 'ignore' });
      rmSync(cluster.dir, { recursive: true, force: true });
      cluster.watchdog?.kill('SIGKILL');
    }
    live.clear();
  });
}

const isRoot = process.getuid?.() === 0;
let postgresUser: { uid: number; gid: number } | undefined;

/** The unprivileged user the cluster runs as when we are root. */
function postgresIds(): { uid: number; gid: number } {
  if (postgresUser) return postgresUser;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [u, g] = [id('-u'), id('-g')];
  if (u.status !== 0 || g.status !== 0) {
    throw new Error(
      'running as root, Postgres needs an unprivileged user to run as and there is no `postgres` user.\n' +
        "  Debian's postgresql package creates it (apt-get install postgresql), or set PAY_LINK_TEST_POSTGRES_URL.",
    );
  }
  return (postgresUser = { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) });
}

/** [command, args] running a Postgres binary as the `postgres` user when we are root, as ourselves otherwise. */
function asPostgres(bin: string, tool: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
}

function runTool(bin: string, tool: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const [cmd, argv] = asPostgres(bin, tool, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}${error && !stderr ? String(error) : ''}` }),
    );
  });
}

/** A port nothing listens on now (bound to port 0 and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'pg.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

async function throwawayCluster(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const ids = isRoot ? postgresIds() : undefined;

  const dir = await mkdtemp(join(tmpdir(), 'pay-link-pg-'));
  const cluster: Cluster = { bin, dir };
  try {
    if (ids) await chown(dir, ids.uid, ids.gid);
    const data = join(dir, 'data');
    const initdbArgs = ['-D', data, '-A', 'trust', '-U', 'paylink', '--no-sync', '-E', 'UTF8', '--locale=C'];
    const init = await runTool(bin, 'initdb', initdbArgs);
    if (!init.ok) throw new Error(`initdb failed in ${dir}:\n${init.output.trim()}`);

    installExitHandler();
    live.add(cluster);
    cluster.watchdog = startWatchdog(bin, dir);

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      const log = join(dir, 'pg.log');
      const started = await runTool(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', 'start']);
      if (started.ok) break;
      const tail = readLog(dir);
      // Another process took the port between our probe and the server's bind: try another one.
      if (attempt < 5 && /could not bind|address already in use/i.test(tail)) continue;
      throw new Error(`pg_ctl start failed (port ${port}, ${dir}):\n${started.output.trim()}\n${tail}`);
    }

    const adminUrl = `postgres://paylink@127.0.0.1:${port}/postgres`;
    await withClient(adminUrl, (c) => c.query('CREATE DATABASE paylink'));

    let stopping: Promise<void> | undefined;
    return {
      url: `postgres://paylink@127.0.0.1:${port}/paylink`,
      adminUrl,
      port,
      dir,
      stop: () => (stopping ??= stopCluster(cluster)),
    };
  } catch (error) {
    // Whatever got started is stopped; the dir goes either way.
    if (live.has(cluster)) await stopCluster(cluster).catch(() => {});
    else await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function stopCluster(cluster: Cluster): Promise<void> {
  const data = join(cluster.dir, 'data');
  const stopped = existsSync(join(data, 'postmaster.pid'))
    ? await runTool(cluster.bin, 'pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w'])
    : { ok: true, output: '' };
  if (!stopped.ok) {
    // Fast shutdown refused or timed out: do not leave it running.
    await runTool(cluster.bin, 'pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w']);
  }
  await rm(cluster.dir, { recursive: true, force: true });
  live.delete(cluster);
  cluster.watchdog?.kill('SIGKILL');
  cluster.watchdog = undefined;
}

/**
 * A detached `sh` that blocks reading a pipe only this process writes to (and never does). When this process
 * dies, however it dies, the read returns and the shell stops the server and removes the dir. `stop()` and the
 * 'exit' handler kill it once they have done that themselves. It holds no event-loop handle of ours.
 */
function startWatchdog(bin: string, dir: string): ChildProcess | undefined {
  const [cmd, argv] = asPostgres(bin, 'pg_ctl', ['-D', join(dir, 'data'), 'stop', '-m', 'immediate', '-w']);
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const script = `read _ ; ${[cmd, ...argv].map(quote).join(' ')} >/dev/null 2>&1 ; rm -rf ${quote(dir)}`;
  try {
    const child = spawn('sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return undefined;
  }
}

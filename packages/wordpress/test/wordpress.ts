/**
 * A real WordPress for tests, from Debian's packages (scripts/setup.mjs installs them for `pnpm test`):
 * `wordpress` (6.1, /usr/share/wordpress), `wordpress-theme-twentytwentythree` (its default theme, only Recommended),
 * `php-cli`, `php-mysql`, `mariadb-server` (and `phpunit` for test/php/).
 *
 * `startWordPress()` gives `{ url, dir, php(), stop() }`:
 * - a throwaway MariaDB in a temp dir: `mariadb-install-db` then `mariadbd` as the unprivileged `mysql` user when
 *   running as root, listening on a socket in that dir only (`--skip-networking`: no port to race for);
 * - a copy of /usr/share/wordpress in the same dir with its own wp-config.php (Debian's reads /etc/wordpress/,
 *   which a test must not touch), served by `php -S 127.0.0.1:<port>`, installed unattended with `wp_install()`;
 * - `php(code)` runs PHP inside that WordPress (wp-load.php, as the administrator) and returns what it printed;
 * - `stop()` stops both servers and removes the dir. A process that exits without `stop()` kills them on 'exit';
 *   one killed outright is covered by a detached watchdog that does the same when our pipe closes.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORDPRESS = '/usr/share/wordpress';
const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((f) => existsSync(f)) ?? '/usr/sbin/mariadbd';

/** The same advice scripts/setup.mjs gives. */
export const WORDPRESS_MISSING =
  "the WordPress tests need Debian's wordpress, wordpress-theme-twentytwentythree, php-cli, php-mysql, mariadb-server and phpunit packages.\n" +
  '  Install them with: apt-get install -y wordpress wordpress-theme-twentytwentythree php-cli php-mysql mariadb-server phpunit';

/** What is missing for a test WordPress, as Debian package names; empty when everything is there. */
export function missingWordPressPackages(): string[] {
  const missing: string[] = [];
  if (!existsSync(join(WORDPRESS, 'wp-settings.php'))) missing.push('wordpress');
  // Only Recommended by `wordpress`: without a theme every front-end page is an empty 200.
  if (!existsSync(join(WORDPRESS, 'wp-content/themes/twentytwentythree/style.css'))) missing.push('wordpress-theme-twentytwentythree');
  const php = spawnSync('php', ['-r', 'exit(extension_loaded("mysqli") ? 0 : 3);']);
  if (php.error) missing.push('php-cli', 'php-mysql');
  else if (php.status === 3) missing.push('php-mysql');
  if (!existsSync(MARIADBD) || spawnSync('sh', ['-c', 'command -v mariadb-install-db']).status !== 0) missing.push('mariadb-server');
  return missing;
}

export const ADMIN = { user: 'admin', password: 'pay-link-test-admin-password', email: 'admin@example.com' } as const;

export interface TestWordPress {
  /** `http://127.0.0.1:<port>`, the site's home and siteurl. */
  readonly url: string;
  readonly dir: string;
  /** The document root: a copy of /usr/share/wordpress with our wp-config.php. */
  readonly docroot: string;
  /** Runs PHP inside WordPress as the administrator; resolves with stdout, rejects with PHP's output on failure. */
  php(code: string): Promise<string>;
  /** What the PHP server logged (requests and PHP errors). */
  serverLog(): string;
  /** WordPress's debug.log (WP_DEBUG_LOG): notices, warnings, deprecations. */
  debugLog(): string;
  stop(): Promise<void>;
}

interface Running {
  dir: string;
  children: ChildProcess[];
  watchdog?: ChildProcess;
}
const live = new Set<Running>();
let exitHandler = false;
function installExitHandler(): void {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const running of live) {
      for (const child of running.children) killGroup(child, 'SIGKILL');
      rmSync(running.dir, { recursive: true, force: true });
      running.watchdog?.kill('SIGKILL');
    }
  });
}

const isRoot = process.getuid?.() === 0;

function mysqlIds(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, 'mysql'], { encoding: 'utf8' });
  const [u, g] = [id('-u'), id('-g')];
  if (u.status !== 0 || g.status !== 0) throw new Error(`running as root, MariaDB needs the \`mysql\` user, which mariadb-server creates.\n  ${WORDPRESS_MISSING}`);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function run(cmd: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: options.cwd, encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) =>
      // WordPress answers a fatal error with a whole HTML page: keep its words, not its style sheet.
      error ? reject(new Error(`${cmd} ${args.join(' ')} failed:\n${plain(stderr)}\n${plain(stdout)}`.trim().slice(0, 4000))) : resolve(stdout),
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

const plain = (s: string) => s.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number, detail: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not come up in ${timeoutMs} ms${last ? ` (${String(last)})` : ''}\n${detail()}`);
}

const tail = (file: string, lines = 20) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

const phpString = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Starts MariaDB and a fresh, installed WordPress on `port` (a free one when 0). */
export async function startWordPress(options: { port?: number; title?: string; scriptDebug?: boolean } = {}): Promise<TestWordPress> {
  const missing = missingWordPressPackages();
  if (missing.length) throw new Error(`${WORDPRESS_MISSING}\n  (missing here: ${missing.join(', ')})`);

  const dir = await mkdtemp(join(tmpdir(), 'pay-link-wp-'));
  const running: Running = { dir, children: [] };
  installExitHandler();
  live.add(running);
  running.watchdog = startWatchdog(running);
  try {
    // ── MariaDB ──
    const data = join(dir, 'db');
    const socket = join(data, 'mysqld.sock');
    await mkdir(data);
    await chmod(dir, 0o755);
    const user = isRoot ? ['--user=mysql'] : [];
    if (isRoot) {
      const ids = mysqlIds();
      await chown(data, ids.uid, ids.gid);
    }
    await run('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${data}`,
      ...user,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
    const dbLog = join(dir, 'mariadb.log');
    const mariadbd = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--pid-file=${join(data, 'mysqld.pid')}`,
        `--log-error=${dbLog}`,
        '--skip-networking',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        ...user,
      ],
      { stdio: 'ignore', detached: true },
    );
    await track(running, mariadbd);
    const mariadbExited = new Promise<never>((_, reject) =>
      mariadbd.once('exit', (code) => reject(new Error(`mariadbd exited (${code}):\n${tail(dbLog)}`))),
    );
    mariadbExited.catch(() => {});
    await Promise.race([
      until('MariaDB', async () => (await run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', 'CREATE DATABASE IF NOT EXISTS wordpress'])) !== undefined || undefined, 20_000, () => tail(dbLog)),
      mariadbExited,
    ]);

    // ── WordPress ──
    const port = options.port || (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const docroot = join(dir, 'wp');
    await run('cp', ['-a', WORDPRESS, docroot]);
    await relinkDebianSymlinks(docroot);
    const salt = () => randomBytes(24).toString('hex');
    const keys = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];
    await writeFile(
      join(docroot, 'wp-config.php'),
      [
        '<?php',
        '// Written by packages/wordpress/test/wordpress.ts for one test run.',
        "define( 'DB_NAME', 'wordpress' );",
        "define( 'DB_USER', 'root' );",
        "define( 'DB_PASSWORD', '' );",
        `define( 'DB_HOST', ${phpString(`localhost:${socket}`)} );`,
        "define( 'DB_CHARSET', 'utf8mb4' );",
        "define( 'DB_COLLATE', '' );",
        ...keys.map((k) => `define( '${k}', '${salt()}' );`),
        "$table_prefix = 'wp_';",
        `define( 'WP_HOME', '${url}' );`,
        `define( 'WP_SITEURL', '${url}' );`,
        "define( 'FS_METHOD', 'direct' );",
        "define( 'DISABLE_WP_CRON', true );",
        "define( 'AUTOMATIC_UPDATER_DISABLED', true );",
        "define( 'WP_AUTO_UPDATE_CORE', false );",
        // No internet here: WordPress must not wait on api.wordpress.org. The proxy is on localhost.
        "define( 'WP_HTTP_BLOCK_EXTERNAL', true );",
        "define( 'WP_ACCESSIBLE_HOSTS', 'localhost,127.0.0.1' );",
        "define( 'WP_DEBUG', true );",
        // The editor's unminified scripts and React's development build: its warnings reach the console.
        ...(options.scriptDebug ? ["define( 'SCRIPT_DEBUG', true );"] : []),
        "define( 'WP_DEBUG_DISPLAY', false );",
        `define( 'WP_DEBUG_LOG', ${phpString(join(dir, 'debug.log'))} );`,
        "if ( ! defined( 'ABSPATH' ) ) define( 'ABSPATH', __DIR__ . '/' );",
        "require_once ABSPATH . 'wp-settings.php';",
        '',
      ].join('\n'),
    );

    const serverLog = join(dir, 'php-server.log');
    const logFd = openSync(serverLog, 'a');
    const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', docroot], {
      cwd: docroot,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
      // Its own process group: with workers, `php -S` forks, and killing only the parent would orphan them.
      detached: true,
    });
    await track(running, server);

    const wp: TestWordPress = {
      url,
      dir,
      docroot,
      php: (code) => runPhp(docroot, url, code),
      serverLog: () => tail(serverLog, 200),
      debugLog: () => tail(join(dir, 'debug.log'), 200),
      stop: () => (stopping ??= stop(running)),
    };
    let stopping: Promise<void> | undefined;

    await runPhp(
      docroot,
      url,
      `require_once ABSPATH . 'wp-admin/includes/upgrade.php';
       $r = wp_install( ${phpString(options.title ?? 'Leaf & Kettle (pay-link test)')}, '${ADMIN.user}', '${ADMIN.email}', false, '', '${ADMIN.password}' );
       echo $r['user_id'];`,
      { installing: true },
    );
    await until('php -S', async () => ((await fetch(`${url}/wp-login.php`)).ok ? true : undefined), 15_000, () => tail(serverLog));
    return wp;
  } catch (error) {
    await stop(running);
    throw error;
  }
}

/**
 * Debian's WordPress links some files to other packages with relative links (wp-includes/js/underscore.min.js →
 * ../../../javascript/underscore/underscore.min.js, libjs-underscore; cropper, getID3). In a copy those resolve
 * inside the temp dir and 404, and the admin breaks (`_ is not defined`). Each is pointed at its absolute target.
 */
async function relinkDebianSymlinks(docroot: string): Promise<void> {
  for (const entry of readdirSync(docroot, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const copy = join(entry.parentPath, entry.name);
    const target = readlinkSync(copy);
    if (isAbsolute(target)) continue;
    const original = resolve(WORDPRESS, relative(docroot, entry.parentPath), target);
    if (!existsSync(original)) continue;
    await unlink(copy);
    await symlink(original, copy);
  }
}

/** Signals a server's whole process group (each is spawned detached, as its group's leader). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Remembers a server for stop(), the 'exit' handler and the watchdog (<dir>/pids). */
async function track(running: Running, child: ChildProcess): Promise<void> {
  running.children.push(child);
  if (child.pid) await appendFile(join(running.dir, 'pids'), `${child.pid}\n`);
}

/** A PHP script that boots WordPress (as user 1 unless installing) and runs `code`. */
async function runPhp(docroot: string, url: string, code: string, options: { installing?: boolean } = {}): Promise<string> {
  const { host } = new URL(url);
  const script = `<?php
$_SERVER['HTTP_HOST'] = '${host}';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
${options.installing ? "define( 'WP_INSTALLING', true );" : ''}
require ${phpString(join(docroot, 'wp-load.php'))};
${options.installing ? '' : 'wp_set_current_user( 1 );'}
${code}
`;
  return run('php', ['-d', 'display_errors=stderr', '--'], { cwd: docroot, input: script });
}

async function stop(running: Running): Promise<void> {
  await Promise.all(
    running.children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            killGroup(child, 'SIGKILL'); // php -S workers that outlive their parent
            resolve();
          });
          killGroup(child, 'SIGTERM');
        }),
    ),
  );
  await rm(running.dir, { recursive: true, force: true });
  running.watchdog?.kill('SIGKILL');
  live.delete(running);
}

/** A detached shell that waits on a pipe from this process; when the pipe closes it kills the servers and the dir. */
function startWatchdog(running: Running): ChildProcess | undefined {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  // The pids are not known yet: each server's pid is written to <dir>/pids as it starts.
  const pids = quote(join(running.dir, 'pids'));
  const script = `read _ ; [ -f ${pids} ] && for p in $(cat ${pids}); do kill -KILL -- -$p 2>/dev/null; done ; rm -rf ${quote(running.dir)}`;
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

/**
 * Installs a plugin zip the way Plugins → Add New → Upload does (Plugin_Upgrader, WP_Filesystem direct) and
 * activates it. Resolves with the plugin's basename (`pay-link/pay-link.php`).
 */
export async function installPlugin(wp: TestWordPress, zip: string): Promise<string> {
  const out = await wp.php(`
    require_once ABSPATH . 'wp-admin/includes/file.php';
    require_once ABSPATH . 'wp-admin/includes/plugin.php';
    require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
    WP_Filesystem();
    $skin = new WP_Ajax_Upgrader_Skin();
    $upgrader = new Plugin_Upgrader( $skin );
    $ok = $upgrader->install( ${phpString(zip)} );
    if ( true !== $ok ) { fwrite( STDERR, 'install failed: ' . print_r( $skin->get_error_messages(), true ) ); exit( 1 ); }
    $file = $upgrader->plugin_info();
    $activated = activate_plugin( $file );
    if ( is_wp_error( $activated ) ) { fwrite( STDERR, $activated->get_error_message() ); exit( 1 ); }
    echo $file;`);
  return out.trim();
}

/** A browserless visitor with a cookie jar: enough for wp-login.php, admin pages and options.php. */
export class WordPressSession {
  readonly #cookies = new Map<string, string>();
  constructor(readonly url: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; body: string }> {
    const headers: Record<string, string> = { cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(new URL(path, this.url), { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      if (value === 'deleted' || /expires=Thu, 01-Jan-1970/i.test(cookie) || /Max-Age=0/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  /** Logs in through wp-login.php; throws unless WordPress answers with its logged-in redirect. */
  async login(user: string, password: string): Promise<void> {
    this.#cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const res = await this.request('/wp-login.php', { form: { log: user, pwd: password, 'wp-submit': 'Log In', testcookie: '1', redirect_to: `${this.url}/wp-admin/` } });
    if (res.status !== 302) throw new Error(`login as ${user} failed: HTTP ${res.status}`);
  }
}

/** The value of `<input name="<name>" value="…">` in a page, HTML entities decoded as WordPress writes them. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name=["']${name.replace(/[[\]]/g, '\\$&')}["'][^>]*>`).exec(html)?.[0];
  const value = tag && /value=["']([^"']*)["']/.exec(tag)?.[1];
  return value?.replaceAll('&amp;', '&').replaceAll('&#038;', '&').replaceAll('&quot;', '"').replaceAll('&#039;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}

/**
 * Builds dist/pay-link.zip when it is missing or older than a plugin source, the build script, or the widget's
 * built files it copies (the widget is rebuilt on its own, and a zip with last week's bundle would test that).
 */
export function buildZipWhenStale(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const zip = join(here, '../dist/pay-link.zip');
  const widgetDist = join(here, '../../widget/dist');
  const widgetFiles = ['pay-link-button.iife.js', 'THIRD-PARTY-LICENSES.txt', ...(existsSync(join(widgetDist, 'translations')) ? readdirSync(join(widgetDist, 'translations')).map((f) => `translations/${f}`) : [])]
    .map((f) => join(widgetDist, f))
    .filter((f) => existsSync(f));
  const sources = [
    join(here, '../build.mjs'),
    ...readdirSync(join(here, '../pay-link'), { recursive: true, encoding: 'utf8' }).map((f) => join(here, '../pay-link', f)),
    ...widgetFiles,
  ];
  const built = existsSync(zip) ? statSync(zip).mtimeMs : 0;
  if (sources.every((f) => statSync(f).mtimeMs < built)) return;
  const build = spawnSync('node', [join(here, '../build.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build.mjs failed:\n${build.stderr}`);
}


#!/usr/bin/env node
// One-time and every-time set-up behind `pnpm start`, `pnpm test` and `pnpm bench`: checks Node, installs the
// workspace's dependencies when the lockfile changed, builds the widget when its sources changed, and for tests
// finds Chromium and PostgreSQL (installing Debian's packages when it can, or saying exactly what to install).
// Plain Node with no dependencies: it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const job = process.argv[2] ?? 'start';
const say = (msg) => process.stderr.write(`[setup] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`\n[setup] cannot continue: ${msg}\n\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (result.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` exited with ${result.status ?? result.signal}`);
}

// `apt-get install` as root on Debian, with `apt-get update` run once however many packages are missing.
const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
let aptUpdated = false;
function aptInstall(packages) {
  const update = aptUpdated ? '' : 'apt-get update -qq && ';
  aptUpdated = true;
  run('sh', ['-c', `${update}DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages} >/dev/null`]);
}

// 1. Node
const [major, minor] = process.versions.node.split('.').map(Number);
if (!((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22)) {
  fail(`Node ${process.versions.node} is too old; install Node 20.19+ or 22.12+ (https://nodejs.org)`);
}

// 2. pnpm (the pinned version; `npm start` / `npm test` also land here)
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
let pnpmVersion = '';
try {
  pnpmVersion = execFileSync('pnpm', ['--version'], { encoding: 'utf8', cwd: root }).trim();
} catch {}
if (!pnpmVersion) {
  say(`pnpm not found: installing pnpm@${pinned} with npm`);
  const r = spawnSync('npm', ['install', '-g', `pnpm@${pinned}`], { stdio: 'inherit' });
  if (r.status !== 0) fail(`could not install pnpm; run \`npm install -g pnpm@${pinned}\` (with sudo if npm needs it)`);
}

// 3. Dependencies, when the lockfile differs from what is installed
const lock = join(root, 'pnpm-lock.yaml');
const installed = join(root, 'node_modules/.pnpm/lock.yaml');
const sameLock = existsSync(installed) && readFileSync(installed, 'utf8') === readFileSync(lock, 'utf8');
if (!sameLock || !existsSync(join(root, 'packages/widget/node_modules'))) {
  // better-sqlite3 compiles its native addon when no prebuilt binary can be fetched: it needs a C++ toolchain.
  const missing = ['python3', 'make', 'g++'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    if (isRoot && hasApt) {
      say(`${missing.join(', ')} not found (the SQLite driver may need to compile): installing Debian's python3, make and g++`);
      aptInstall('--no-install-recommends python3 make g++');
    } else {
      say(`${missing.join(', ')} not found: if installing the SQLite driver fails, install them (Debian: apt-get install python3 make g++)`);
    }
  }
  say('installing dependencies (pnpm install --frozen-lockfile)');
  run('pnpm', ['install', '--frozen-lockfile'], { env: { ...process.env, CI: 'true' } });
}

// 4. The widget bundle the proxy serves, when a source is newer than the build
const widget = join(root, 'packages/widget');
const bundle = join(widget, 'dist/pay-link-button.iife.js');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((t, e) => Math.max(t, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs), 0);
if (!existsSync(bundle) || newest(join(widget, 'src')) > statSync(bundle).mtimeMs || statSync(join(widget, 'vite.config.ts')).mtimeMs > statSync(bundle).mtimeMs) {
  say('building the widget');
  run('pnpm', ['--filter', '@pay-link/widget', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// 5. Chromium for the browser tests, the end-to-end tests and the benchmarks
if (job === 'test' || job === 'bench') {
  if (!findChromium()) {
    if (isRoot && hasApt) {
      say('Chromium not found: installing Debian\'s chromium package (apt-get install chromium)');
      aptInstall('chromium');
    }
    if (!findChromium()) {
      fail(
        'the browser tests need Chromium and none was found.\n' +
          (hasApt ? '  Install it with: sudo apt-get install -y chromium\n' : '  Install Chromium or Google Chrome.\n') +
          '  Or point CHROME_PATH at a Chromium/Chrome binary.',
      );
    }
  }
}

// 6. PostgreSQL for the store tests: packages/proxy/test/postgres.ts starts throwaway servers from its binaries
// (initdb, pg_ctl) as the unprivileged `postgres` user, never the apt service. Not needed when
// PAY_LINK_TEST_POSTGRES_URL points at a server the developer runs. (postgres.ts looks for initdb the same way.)
const POSTGRES_ADVICE =
  'Install PostgreSQL 15+ (Debian: apt-get install postgresql) or set PAY_LINK_TEST_POSTGRES_URL to a server you run';
function findInitdb() {
  const debian = '/usr/lib/postgresql';
  const byVersion = (a, b) => {
    const [pa, pb] = [a, b].map((v) => v.split('.').map((n) => Number(n) || 0));
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pb[i] ?? 0) - (pa[i] ?? 0);
    }
    return 0;
  };
  const versions = existsSync(debian)
    ? readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin/initdb'))).sort(byVersion)
    : [];
  if (versions.length) return join(debian, versions[0], 'bin/initdb');
  return (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, 'initdb')).find((f) => existsSync(f));
}
function onlineClusters() {
  if (!existsSync('/usr/bin/pg_lsclusters')) return [];
  const r = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3]?.startsWith('online'))
    .map(([version, name]) => `${version} ${name}`);
}
if ((job === 'test' || job === 'bench') && !process.env.PAY_LINK_TEST_POSTGRES_URL) {
  if (!findInitdb()) {
    if (isRoot && hasApt) {
      say('PostgreSQL not found: installing Debian\'s postgresql package (apt-get install postgresql)');
      const before = new Set(onlineClusters());
      aptInstall('--no-install-recommends postgresql');
      // The package creates a default cluster (15/main on Debian 12) and its postinst asks invoke-rc.d to start
      // it. Under Docker's policy-rc.d (exit 101), as on this project's CI machine, nothing starts; on a machine
      // without one it would be left running. The tests never use it: stop any cluster the install started (it
      // stays created, which is harmless; `pg_ctlcluster <version> main start` brings it back).
      for (const cluster of onlineClusters().filter((c) => !before.has(c))) {
        say(`stopping the ${cluster.replace(' ', '/')} cluster the postgresql package started (tests run their own)`);
        spawnSync('pg_ctlcluster', [...cluster.split(' '), 'stop'], { stdio: 'inherit' });
      }
    }
    if (!findInitdb()) {
      fail(
        'the tests need PostgreSQL and no initdb was found (looked in /usr/lib/postgresql/*/bin and on PATH).\n' +
          `  ${POSTGRES_ADVICE}.`,
      );
    }
  }
}

// 7. WordPress for the plugin's tests (packages/wordpress, e2e/wordpress.e2e.ts): Debian's wordpress, PHP and
// MariaDB. packages/wordpress/test/wordpress.ts copies /usr/share/wordpress and runs its own throwaway MariaDB
// (mariadbd as the `mysql` user, a socket in a temp dir) and `php -S`; never Apache or the apt services.
// The default theme is its own package (only Recommended, and we install without recommends): without a theme
// WordPress answers every front-end page with an empty body. PHPUnit runs the plugin's PHP-side tests.
// (wordpress.ts checks for the same files.)
const WORDPRESS_PACKAGES = 'wordpress wordpress-theme-twentytwentythree php-cli php-mysql mariadb-server phpunit';
function missingWordPress() {
  const has = (cmd) => spawnSync('sh', ['-c', cmd]).status === 0;
  return (
    !existsSync('/usr/share/wordpress/wp-settings.php') ||
    !existsSync('/usr/share/wordpress/wp-content/themes/twentytwentythree/style.css') ||
    !has('php -r \'exit(extension_loaded("mysqli") ? 0 : 1);\'') ||
    !has('command -v phpunit') ||
    !(existsSync('/usr/sbin/mariadbd') || existsSync('/usr/sbin/mysqld')) ||
    !has('command -v mariadb-install-db')
  );
}
if (job === 'test' && missingWordPress()) {
  if (isRoot && hasApt) {
    say(`WordPress test packages not found: installing Debian's ${WORDPRESS_PACKAGES}`);
    aptInstall(`--no-install-recommends ${WORDPRESS_PACKAGES}`);
    // mariadb-server's postinst starts the packaged service where invoke-rc.d allows it; the tests never use it.
    if (spawnSync('sh', ['-c', 'command -v invoke-rc.d && invoke-rc.d mariadb status']).status === 0) {
      say('stopping the mariadb service the package started (tests run their own)');
      spawnSync('invoke-rc.d', ['mariadb', 'stop'], { stdio: 'inherit' });
    }
  }
  if (missingWordPress()) {
    fail(`the WordPress plugin tests need Debian's ${WORDPRESS_PACKAGES}.\n  Install them with: sudo apt-get install -y ${WORDPRESS_PACKAGES}`);
  }
}

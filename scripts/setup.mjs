#!/usr/bin/env node
// One-time and every-time set-up behind `pnpm start`, `pnpm test` and `pnpm bench`: checks Node, installs the
// workspace's dependencies when the lockfile changed, builds the widget when its sources changed, and for tests
// finds Chromium (installing Debian's package when it can, or saying exactly what to install).
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
    const isRoot = process.getuid?.() === 0;
    const hasApt = existsSync('/usr/bin/apt-get');
    if (isRoot && hasApt) {
      say('Chromium not found: installing Debian\'s chromium package (apt-get install chromium)');
      run('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
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

#!/usr/bin/env node
// Runs every suite in turn and ends with one line summing them: `N passed, N failed`.
// Suites: typecheck, widget (web-test-runner in Chromium), proxy and simulator (node:test), end to end
// (node:test + playwright-core through the demo). A suite that crashes without reporting counts as one failure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);

const nodeTest = (cwd, pattern) => ({
  cmd: 'sh',
  args: ['-c', `node --import tsx --test --test-reporter=spec --test-concurrency=1 ${pattern}`],
  cwd,
  parse: (out) => {
    const pass = /^ℹ pass (\d+)$/m.exec(out);
    const fail = /^ℹ fail (\d+)$/m.exec(out);
    return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
  },
});

const SUITES = [
  {
    name: 'typecheck',
    cmd: 'pnpm',
    args: ['typecheck'],
    cwd: root,
    parse: (_out, code) => (code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }),
  },
  {
    name: 'widget',
    cmd: 'pnpm',
    args: ['exec', 'web-test-runner'],
    cwd: `${root}packages/widget`,
    parse: (out) => {
      const m = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
    },
  },
  // The built bundles, loaded in real Chromium from another origin under a strict CSP, twice, and in Node (SSR);
  // the custom-elements manifest against the element's class and the chunks' parts and flags.
  { name: 'bundles', ...nodeTest(`${root}packages/widget`, 'test/bundles.node.mjs test/manifest.node.mjs') },
  { name: 'proxy', ...nodeTest(`${root}packages/proxy`, 'test/*.test.ts') },
  { name: 'simulator', ...nodeTest(`${root}packages/simulator`, 'test/*.test.ts') },
  { name: 'e2e', ...nodeTest(root, 'e2e/*.e2e.ts') },
  // The WordPress plugin in a real WordPress (PHP, MariaDB) without a browser; its Chromium flows are in e2e/.
  // test/phpunit.test.ts runs the PHPUnit tests (test/php/) and reports each one as a node:test subtest: counted here.
  { name: 'wordpress', ...nodeTest(`${root}packages/wordpress`, 'test/*.test.ts') },
];

function runSuite(suite) {
  return new Promise((resolve) => {
    const started = Date.now();
    process.stdout.write(`\n━━ ${suite.name} ━━\n`);
    const child = spawn(suite.cmd, suite.args, {
      cwd: suite.cwd,
      env: { ...process.env, CHROME_PATH: findChromium() ?? '', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const strip = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    child.stdout.on('data', (d) => {
      out += strip(String(d));
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += strip(String(d));
      process.stderr.write(d);
    });
    child.on('close', (code) => {
      const counts = suite.parse(out, code) ?? { passed: 0, failed: 1, crashed: true };
      // A runner that exits non-zero with every test passing still failed (a hook, a compile error, a leak).
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      resolve({ name: suite.name, ...counts, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const results = [];
for (const suite of SUITES) {
  if (only.length && !only.includes(suite.name)) continue;
  results.push(await runSuite(suite));
}

process.stdout.write('\n━━ summary ━━\n');
for (const r of results) {
  process.stdout.write(
    `${r.name.padEnd(10)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)}s${r.crashed ? '  (no test report: the suite crashed)' : ''}\n`,
  );
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);

/**
 * The plugin's PHP-side tests (test/php/*Test.php) under Debian's PHPUnit, inside a real WordPress: a fresh test
 * WordPress (wordpress.ts) with the built zip installed and activated, then `phpunit -c test/php/phpunit.xml` with
 * that WordPress's document root in PAY_LINK_WP_ROOT (test/php/bootstrap.php loads its wp-load.php).
 *
 * Each PHPUnit test (each data set too) becomes one node:test subtest, read from PHPUnit's JUnit log, so
 * scripts/test.mjs counts them in the `wordpress` suite like any other test; the parent test checks the run itself
 * (PHPUnit's exit status, a log that lists tests). No stack is needed: the tests store the proxy's config themselves
 * and answer HTTP with WordPress's `pre_http_request` filter.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type TestWordPress, buildZipWhenStale, installPlugin, startWordPress } from './wordpress.ts';

const here = dirname(fileURLToPath(import.meta.url));
const zip = join(here, '../dist/pay-link.zip');

export const PHPUNIT_MISSING = "the plugin's PHP tests need Debian's phpunit package.\n  Install it with: apt-get install -y phpunit";

interface Case {
  name: string;
  className: string;
  assertions: number;
  /** The failure's or error's text; undefined when the test passed. */
  failure?: string;
  skipped: boolean;
}

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** PHPUnit's `--log-junit` file → its test cases (nested <testsuite>s, one per class and per data provider, flattened). */
export function parseJUnit(xml: string): Case[] {
  const cases: Case[] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, decode(v!)]));
    const body = m[2] ?? '';
    const failure = /<(failure|error|warning)\b[^>]*>([\s\S]*?)<\/\1>/.exec(body);
    cases.push({
      name: attrs.name ?? '?',
      className: attrs.class ?? attrs.classname ?? '?',
      assertions: Number(attrs.assertions ?? 0),
      failure: failure ? decode(failure[2]!).trim() : undefined,
      skipped: /<skipped\b/.test(body),
    });
  }
  return cases;
}

function runPhpunit(wp: TestWordPress, junit: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'phpunit',
      ['--configuration', join(here, 'php/phpunit.xml'), '--log-junit', junit, '--do-not-cache-result', '--colors=never'],
      { cwd: join(here, 'php'), encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, PAY_LINK_WP_ROOT: wp.docroot, PAY_LINK_WP_URL: wp.url, LC_ALL: 'C' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}`.trim() }),
    );
  });
}

let wp: TestWordPress;

describe('PHP-side tests (Debian phpunit, inside the test WordPress)', () => {
  before(async () => {
    if (spawnSync('sh', ['-c', 'command -v phpunit']).status !== 0) throw new Error(PHPUNIT_MISSING);
    buildZipWhenStale();
    wp = await startWordPress();
    await installPlugin(wp, zip);
  });
  after(async () => {
    await wp?.stop();
  });

  it('phpunit passes, and each of its tests is reported here', async (t) => {
    const junit = join(wp.dir, 'phpunit-junit.xml');
    const { code, output } = await runPhpunit(wp, junit);
    let xml = '';
    try {
      xml = readFileSync(junit, 'utf8');
    } catch {
      assert.fail(`phpunit wrote no JUnit log (exit ${code}):\n${output.slice(-4000)}`);
    }
    const cases = parseJUnit(xml);
    assert.ok(cases.length > 0, `the JUnit log lists no tests:\n${output.slice(-4000)}`);
    for (const c of cases) {
      await t.test(`${c.className}: ${c.name}`, { skip: c.skipped ? 'skipped by phpunit' : false }, () => {
        assert.equal(c.failure, undefined, c.failure);
        assert.ok(c.assertions > 0, 'made at least one assertion');
      });
    }
    t.diagnostic(output.split('\n').filter((l) => /^(OK|Tests:|Time:|PHPUnit )/.test(l)).join(' | '));
    assert.equal(code, 0, `phpunit exited ${code}:\n${output.slice(-4000)}`);
    // Only the plugin's own notices count here: WordPress 6.1 on PHP 8.2 logs deprecations of its own.
    assert.deepEqual(wp.debugLog().split('\n').filter((l) => /\/plugins\/pay-link\//.test(l)), [], 'no PHP notice from the plugin');
  });
});

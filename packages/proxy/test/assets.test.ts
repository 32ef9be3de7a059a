/**
 * The widget's files as merchants' pages load them from another origin: the bundles and the translation
 * modules, each at a short-cached URL and at an immutable versioned one, with CORS `*` and CORP cross-origin;
 * nothing else from the widget directory, whatever the path says.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { VERSION } from '../src/version.ts';
import { startTestProxy, testConfig } from './helpers.ts';

let dir: string;
let proxy: RunningProxy;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pay-link-assets-'));
  mkdirSync(join(dir, 'translations'));
  writeFileSync(join(dir, 'pay-link-button.js'), 'export const esm = 1;');
  writeFileSync(join(dir, 'pay-link-button.iife.js'), 'var iife = 1;');
  writeFileSync(join(dir, 'translations', 'hi.js'), 'export default {};');
  writeFileSync(join(dir, 'translations', 'pt-br.js'), 'export default {};');
  writeFileSync(join(dir, 'translations', 'notes.txt'), 'not a translation');
  writeFileSync(join(dir, 'secret.json'), '{"not":"served"}');
  proxy = await startTestProxy(testConfig({ PAY_LINK_WIDGET_DIR: dir }));
});
after(async () => {
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('widget assets', () => {
  const get = (path: string) => fetch(`${proxy.url}${path}`);

  for (const [path, body] of [
    ['/pay-link-button.js', 'export const esm = 1;'],
    ['/pay-link-button.iife.js', 'var iife = 1;'],
    ['/translations/hi.js', 'export default {};'],
    ['/translations/pt-br.js', 'export default {};'],
  ] as const) {
    it(`serves ${path} cross-origin, briefly cached, and immutably under /v/<version>/`, async () => {
      const res = await get(path);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), body);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      const versioned = await get(`/v/${VERSION}${path}`);
      assert.equal(versioned.status, 200);
      assert.equal(await versioned.text(), body);
      assert.equal(versioned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    });
  }

  for (const path of [
    '/secret.json',
    '/translations/notes.txt',
    '/translations/xx.js',
    '/translations/..%2Fsecret.json',
    '/translations/%2e%2e%2fpay-link-button.js',
    '/v/0.0.0-other/pay-link-button.js',
    `/v/${VERSION}/translations/HI.js`,
  ]) {
    it(`answers 404 problem+json for ${path}`, async () => {
      const res = await get(path);
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.doesNotMatch(await res.text(), /not":"served/);
    });
  }
});

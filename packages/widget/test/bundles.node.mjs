// Checks what only the built files and a real browser can show (run: `node --import tsx --test test/bundles.node.mjs`):
// - the source, and the package as Node resolves it (its `node` build), import in Node with no DOM (server
//   rendering, tooling); with no custom element registry at all, registering does nothing;
// - each bundle defaults `proxy` to the origin it was loaded from (ESM: import.meta.url, IIFE: currentScript);
// - loading the script several times (ESM twice + IIFE) is harmless;
// - under a strict CSP (no inline script or style), the real flow works cross-origin: popup opened in the click
//   keeping its opener (decision 0018) and closed once paid, CORS preflight for Idempotency-Key, live status over server-sent events (cross-origin, with a
//   reconnect that carries Last-Event-ID), no polling while the stream works;
// - the size budget.
// Uses playwright-core and tsx from the workspace root, and /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const dist = new URL('../dist/', import.meta.url);
const BUDGET = 12_000; // bytes, gzip -9

// Test what the source builds to now (both builds, as `pnpm build` runs them)
const vite = new URL('../node_modules/vite/bin/vite.js', import.meta.url).pathname;
for (const config of ['vite.config.ts', 'vite.translations.config.ts', 'vite.chunks.config.ts', 'vite.node.config.ts']) {
  execFileSync(process.execPath, [vite, 'build', '-c', config, '--logLevel', 'error'], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
}

// Rendering to a string is left to @lit-labs/ssr (not a dependency here): it needs the one Lit the element was
// defined with, which is why Node gets a build with `lit` external (vite.node.config.ts). What these tests hold is the
// precondition for it: importing the element in Node neither throws nor needs a DOM, and it lands in Lit's registry.
const DOM_GLOBALS = ['window', 'document', 'HTMLElement', 'customElements'];

test('the source imports in Node without DOM globals and registers harmlessly', async () => {
  assert.deepEqual(DOM_GLOBALS.map((name) => typeof globalThis[name]), DOM_GLOBALS.map(() => 'undefined'));
  const widget = await import('../src/index.ts');
  assert.equal(typeof widget.PayLinkButton, 'function');
  assert.doesNotThrow(() => widget.definePayLinkButton());
});

test('the package, as Node resolves it, imports without DOM globals; with no registry at all, define is a no-op', () => {
  // A fresh process: nothing imported yet, so no shim from an earlier import either
  const script = `
    const before = ${JSON.stringify(DOM_GLOBALS)}.map((name) => typeof globalThis[name]);
    const widget = await import('@pay-link/widget');
    const registered = customElements.get('pay-link-button') === widget.PayLinkButton; // Lit's shim registry
    delete globalThis.customElements; // no registry at all
    widget.definePayLinkButton('other-pay-button');
    console.log(JSON.stringify({ before, resolved: import.meta.resolve('@pay-link/widget'), exports: Object.keys(widget).sort(), registered }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' }));
  assert.deepEqual(out.before, DOM_GLOBALS.map(() => 'undefined'));
  assert.equal(out.resolved, new URL('node/index.js', dist).href);
  assert.equal(out.registered, true);
  // The same API as the browser bundle
  const esm = readFileSync(new URL('pay-link-button.js', dist), 'utf8');
  const browserExports = [...esm.slice(esm.lastIndexOf('export{')).matchAll(/ as (\w+)/g)].map(([, name]) => name).sort();
  assert.ok(browserExports.length >= 10);
  assert.deepEqual(out.exports, browserExports);
});

test(`each bundle is at most ${BUDGET} bytes gzipped`, (t) => {
  for (const file of ['pay-link-button.js', 'pay-link-button.iife.js']) {
    const code = readFileSync(new URL(file, dist));
    const size = gzipSync(code, { level: 9 }).length;
    t.diagnostic(`${file}: ${size} B gzip`);
    assert.ok(size <= BUDGET, `${file}: ${size} B gzip`);
    // Lit's legacy-polyfill hooks and version bookkeeping are stripped (vite.config.ts), its hydration hook is not
    assert.doesNotMatch(String(code), /PolyfillSupport|lit\w*Versions|reactiveElementVersions/);
    assert.match(String(code), /litElementHydrateSupport/);
  }
});

/** The merchant's proxy: serves the bundles and a fake /v1 API for one link, with CORS for the page's origin. */
function startProxy(pageOrigin) {
  const link = { id: 'pl_e2e', provider: 'razorpay', status: 'pending', seq: 1, amount: { value: 150000, currency: 'INR' }, amountPaid: 0, url: '', expiresAt: null, paidAt: null, description: null, pollAfterMs: 60000 };
  const seen = { preflightHeaders: [], ifNoneMatch: [], mints: 0, lastEventIds: [] };
  const streams = new Set();
  const event = () => `id: ${link.seq}\nevent: status\ndata: ${JSON.stringify(link)}\n\n`;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('Access-Control-Allow-Origin', pageOrigin);
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      seen.preflightHeaders.push(req.headers['access-control-request-headers']);
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID' });
      return res.end();
    }
    if (url.pathname.endsWith('.js')) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(readFileSync(new URL(url.pathname.slice(1), dist)));
    }
    if (req.method === 'POST' && url.pathname === '/v1/links') {
      seen.mints++;
      link.url = `http://${req.headers.host}/checkout`;
      res.writeHead(201, { 'Content-Type': 'application/json', ETag: `"${link.seq}"` });
      return res.end(JSON.stringify(link));
    }
    if (url.pathname === `/v1/links/${link.id}/events`) {
      // As the proxy streams it. The first connection ends after its first event, as on a proxy restart; the
      // browser reconnects after `retry` with Last-Event-ID, and an unchanged link sends nothing new.
      const lastEventId = req.headers['last-event-id'] ?? null;
      seen.lastEventIds.push(lastEventId);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write(seen.lastEventIds.length === 1 ? 'retry: 50\n\n' : 'retry: 3000\n\n');
      if (lastEventId !== String(link.seq)) res.write(event());
      if (seen.lastEventIds.length === 1) return res.end();
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/pay') {
      // The provider's webhook reached the proxy: the link is paid, every stream hears it and ends
      Object.assign(link, { status: 'paid', amountPaid: 150000, seq: link.seq + 1 });
      for (const stream of streams) stream.end(event());
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname === `/v1/links/${link.id}`) {
      seen.ifNoneMatch.push(req.headers['if-none-match'] ?? null);
      if (req.headers['if-none-match'] === `"${link.seq}"`) {
        res.writeHead(304, { ETag: `"${link.seq}"` });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: `"${link.seq}"` });
      return res.end(JSON.stringify(link));
    }
    if (url.pathname === '/v1/config') {
      // Read by the on-demand extras.js (prices): a catalog without this product, so the label stays "Pay"
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ testMode: true, providers: ['razorpay'], products: [], openAmounts: [] }));
    }
    if (url.pathname === '/checkout') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<!doctype html><title>Checkout</title><p>Paid</p>');
    }
    res.writeHead(404).end();
  });
  return { server, seen };
}

function startPage(proxyOrigin) {
  const csp = `default-src 'none'; script-src ${proxyOrigin}; connect-src ${proxyOrigin}; style-src 'none'`;
  const pages = {
    '/esm.html': `<script type="module" src="${proxyOrigin}/pay-link-button.js"></script>
<script type="module" src="${proxyOrigin}/pay-link-button.js?copy=2"></script>
<script src="${proxyOrigin}/pay-link-button.iife.js"></script>`,
    '/iife.html': `<script src="${proxyOrigin}/pay-link-button.iife.js"></script>`,
  };
  return createServer((req, res) => {
    const body = pages[new URL(req.url, 'http://x').pathname];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Security-Policy': csp });
    res.end(`<!doctype html><html lang="en"><title>Shop</title>${body}<pay-link-button product="chai"></pay-link-button>`);
  });
}

const listen = (server, host) => new Promise((done) => server.listen(0, host, () => done(server.address().port)));

/** Records the page's CSP violations from its first script on (init scripts run outside the page's CSP). */
async function recordCspViolations(tab) {
  await tab.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return () => tab.evaluate(() => window.cspViolations);
}

test('the bundles in a real browser, cross-origin, under a strict CSP', async (t) => {
  // Two origins: the page on localhost, the proxy (and the bundles) on 127.0.0.1
  const pageServer = startPage('http://127.0.0.1:PORT');
  const pagePort = await listen(pageServer, '127.0.0.1');
  const pageOrigin = `http://localhost:${pagePort}`;
  const { server: proxyServer, seen } = startProxy(pageOrigin);
  const proxyPort = await listen(proxyServer, '127.0.0.1');
  const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
  pageServer.removeAllListeners('request');
  pageServer.on('request', startPage(proxyOrigin).listeners('request')[0]);

  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  t.after(async () => {
    await browser.close();
    pageServer.close();
    proxyServer.close();
  });

  for (const page of ['esm.html', 'iife.html']) {
    await t.test(`${page}: proxy defaults to the script's origin; repeated loads are harmless`, async () => {
      const tab = await browser.newPage();
      const violations = await recordCspViolations(tab);
      const problems = [];
      tab.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      tab.on('pageerror', (e) => problems.push(String(e)));
      await tab.goto(`${pageOrigin}/${page}`);
      await tab.waitForFunction(() => document.querySelector('pay-link-button')?.shadowRoot?.querySelector('button'));
      assert.equal(await tab.evaluate(() => document.querySelector('pay-link-button').proxy), proxyOrigin);
      assert.equal((await tab.locator('pay-link-button button').textContent()).trim(), 'Pay');
      assert.deepEqual(problems, []);
      assert.deepEqual(await violations(), []);
      // The recorder hears violations: an inline <style> is one under `style-src 'none'`
      await tab.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'p{}' })));
      await tab.waitForFunction(() => window.cspViolations.length === 1);
      assert.deepEqual(await violations(), ['style-src-elem inline']);
      await tab.close();
    });
  }

  await t.test('popup flow: opened in the click, keeps its opener, paid live over server-sent events, closed once paid', async () => {
    const tab = await browser.newPage();
    const violations = await recordCspViolations(tab);
    const problems = [];
    tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await tab.goto(`${pageOrigin}/iife.html`);
    await tab.locator('pay-link-button[status=idle] button').waitFor();
    const [popup] = await Promise.all([tab.waitForEvent('popup'), tab.locator('pay-link-button button').click()]);
    await popup.waitForURL(`${proxyOrigin}/checkout`);
    // Kept (docs/decisions/0018-checkout-window-opener.md): without it Chromium refuses the element's close()
    assert.equal(await popup.evaluate(() => window.opener !== null), true);
    await tab.locator('pay-link-button[status=pending]').waitFor();
    // The stream is up again after the simulated restart, and resumed where it was
    for (let i = 0; i < 100 && seen.lastEventIds.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen.lastEventIds, [null, '1']);
    await fetch(`${proxyOrigin}/pay`);
    const closed = popup.isClosed() || popup.waitForEvent('close', { timeout: 3000 });
    await tab.locator('pay-link-button[status=paid]').waitFor({ timeout: 3000 });
    await closed; // the element closed the checkout window it opened, once paid (cross-origin)
    assert.equal(await tab.locator('pay-link-button [role=status]').textContent(), 'Paid ✓ ₹1,500.00');
    assert.equal(seen.mints, 1);
    assert.deepEqual(seen.ifNoneMatch, [], 'no polling while the stream works');
    assert.ok(seen.preflightHeaders.some((h) => /idempotency-key/i.test(h)), 'preflight for Idempotency-Key');
    assert.deepEqual(problems, []);
    assert.deepEqual(await violations(), [], 'a strict CSP page with zero violations');
    await tab.close();
  });
});

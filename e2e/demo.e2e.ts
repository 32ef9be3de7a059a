/**
 * The demo, clicked through as a buyer would: the shop page → a button → the simulated Razorpay checkout →
 * Pay (or Cancel) → the button on the shop page shows the outcome. Real Chromium, real servers, no mocks.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CREDENTIALS } from '@pay-link/simulator';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-results');
mkdirSync(ARTIFACTS, { recursive: true });
const SECRETS = [DEMO_CREDENTIALS.razorpay.keySecret, DEMO_CREDENTIALS.razorpay.webhookSecret];

let stack: Stack;
let browser: Browser;

before(async () => {
  stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh page that records page errors, CSP violations and every response body it receives. */
async function openShop() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const bodies: Promise<string>[] = [];
  const watch = (p: Page) => {
    recordProblems(p, problems);
    p.on('response', (res) => bodies.push(res.body().then((b) => b.toString('utf8')).catch(() => '')));
  };
  watch(page);
  context.on('page', watch);
  await page.goto(`${stack.demoUrl}/`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  return { context, page, problems, bodies };
}

/** axe-core, as e2e/pages.e2e.ts finds it: whatever copy the widget's tests brought; nothing is installed for this. */
const AXE = (() => {
  const store = join(import.meta.dirname, '..', 'node_modules', '.pnpm');
  const dir = existsSync(store) ? readdirSync(store).find((name) => name.startsWith('axe-core@')) : undefined;
  const file = dir && join(store, dir, 'node_modules', 'axe-core', 'axe.min.js');
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
})();

/** axe's colour-contrast rule over `selectors` of the page: the violations, as `target: summary` lines. */
async function contrastViolations(page: Page, selectors: string[]): Promise<string[]> {
  assert.ok(AXE, 'axe-core is in node_modules/.pnpm (the widget tests bring it)');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async (include) => {
    type Result = { violations: { nodes: { target: unknown; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(context: object, options: object): Promise<Result> } }).axe;
    const result = await axe.run({ include: include.map((s) => [s]) }, { runOnly: { type: 'rule', values: ['color-contrast'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`));
  }, selectors);
}

const button = (page: Page, product: string) => page.locator(`pay-link-button[product="${product}"]`);

async function waitForStatus(page: Page, product: string, status: string) {
  await page.waitForFunction(
    ([p, s]) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === s,
    [product, status] as const,
    { timeout: 15_000 },
  );
}

describe('demo shop, end to end in Chromium', () => {
  it('popup: click → simulated Razorpay checkout → Pay → the button shows Paid', async () => {
    const { context, page, problems, bodies } = await openShop();
    const popupOpened = page.waitForEvent('popup');
    await button(page, 'chai-tin').locator('button').first().click();
    const popup = await popupOpened;
    await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    assert.match(await popup.textContent('body') ?? '', /499/);
    const closed = popup.waitForEvent('close', { timeout: 10_000 });
    await popup.getByRole('button', { name: /^Pay\b/ }).first().click();

    // The provider returns the popup to the proxy's /return page, which closes it; the shop page shows Paid.
    await closed;
    await waitForStatus(page, 'chai-tin', 'paid');
    const status = await button(page, 'chai-tin').locator('[role="status"]').first().textContent();
    assert.match(status ?? '', /paid/i);
    const events = await page.locator('#event-log').textContent();
    assert.match(events ?? '', /pay-link-paid/);
    assert.match(events ?? '', /pay-link-created/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-popup-paid.png'), fullPage: true });

    assert.deepEqual(problems, [], 'no page errors and no CSP violations');
    const seen = await Promise.all(bodies);
    for (const secret of SECRETS) assert.ok(!seen.some((b) => b.includes(secret)), 'no secret in any response the browser got');
    await context.close();
  });

  it('redirect: the same tab goes to checkout and comes back Paid', async () => {
    const { context, page, problems } = await openShop();
    await button(page, 'workshop-seat').locator('button').first().click();
    await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    await page.getByRole('button', { name: /^Pay\b/ }).first().click();
    await page.waitForURL((url) => url.origin === stack.demoUrl && url.searchParams.has('pay_link_id'), { timeout: 10_000 });
    await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
    await waitForStatus(page, 'workshop-seat', 'paid');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a link cancelled at the checkout shows Cancelled', async () => {
    const { context, page } = await openShop();
    const popupOpened = page.waitForEvent('popup');
    await button(page, 'tasting-box').locator('button').first().click();
    const popup = await popupOpened;
    await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    await popup.getByRole('button', { name: /cancel/i }).first().click();
    await waitForStatus(page, 'tasting-box', 'cancelled');
    await context.close();
  });

  it('the Xendit button, lang="id", reads Indonesian (the page loads that translation)', async () => {
    const { context, page, problems } = await openShop();
    const label = button(page, 'bali-kopi').locator('[part=label]');
    await page.waitForFunction(() => /^Bayar/.test(document.querySelector('pay-link-button[product="bali-kopi"]')?.shadowRoot?.querySelector('[part=label]')?.textContent ?? ''));
    assert.match((await label.textContent()) ?? '', /^Bayar\b/);
    assert.doesNotMatch((await label.textContent()) ?? '', /\bPay\b/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('dark mode: the nav links and provider labels meet WCAG AA contrast (axe)', async () => {
    for (const path of ['/', '/cms.html']) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
      const page = await context.newPage();
      await page.goto(`${stack.demoUrl}${path}`);
      await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
      const selectors = path === '/' ? ['.demo-nav', '.product .provider'] : ['.demo-nav', '.snippet-form'];
      assert.deepEqual(await contrastViolations(page, selectors), [], `${path} in dark mode`);
      await context.close();
    }
  });

  it('snippet builder: "Sign a demo invoice" stays inside its column at 1280 and 1440 px; at 375 px nothing scrolls sideways', async () => {
    for (const width of [1280, 1440, 375]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.demoUrl}/cms.html`);
      await page.getByLabel('An invoice (signed intent)').check();
      const box = (selector: string) => page.locator(selector).first().boundingBox();
      const [fieldset, form, output] = await Promise.all([box('.sign-demo'), box('#snippet-form'), box('.snippet-output')]);
      assert.ok(fieldset && form && output);
      assert.ok(fieldset.x + fieldset.width <= form.x + form.width + 0.5, `${width}px: the fieldset ends at ${fieldset.x + fieldset.width}, its form at ${form.x + form.width}`);
      if (width >= 1200) assert.ok(fieldset.x + fieldset.width < output.x, `${width}px: the fieldset reaches the preview column (${output.x})`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(sideways, 0, `${width}px: the page scrolls sideways`);
      await context.close();
    }
  });

  it('snippet builder: the language chosen translates the live preview', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    await page.goto(`${stack.demoUrl}/cms.html`);
    await page.locator('#product:not([disabled])').waitFor();
    const previewLabel = () => page.locator('#preview pay-link-button [part=label]').first().textContent();
    await page.selectOption('#lang', 'hi');
    await page.waitForFunction(() => /भुगतान/.test(document.querySelector('#preview pay-link-button')?.shadowRoot?.querySelector('[part=label]')?.textContent ?? ''), null, { timeout: 10_000 });
    await page.selectOption('#lang', 'id');
    await page.waitForFunction(() => /^Bayar/.test(document.querySelector('#preview pay-link-button')?.shadowRoot?.querySelector('[part=label]')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.match((await previewLabel()) ?? '', /^Bayar/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('serves bundles with no secret in them', async () => {
    for (const file of ['pay-link-button.js', 'pay-link-button.iife.js']) {
      const res = await fetch(`${stack.proxyUrl}/${file}`);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      const text = await res.text();
      assert.ok(text.length > 1000);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${file} holds a secret`);
    }
  });
});

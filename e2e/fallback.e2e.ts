/**
 * Progressive enhancement, in Chromium: every `<pay-link-button>` on the demo pages holds a fallback link
 * (`<a slot="fallback">`) to the proxy's buy page (or pay page), shown until the element upgrades and whenever it
 * never does. With the widget script blocked on the shop, a buyer still pays through the chai tin's link; with
 * JavaScript off the links are there too; with the script loaded they are gone (the element renders no `fallback`
 * slot); and the CMS page's snippet builder writes the link into every snippet unless told not to.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContextOptions, Page, Route } from 'playwright-core';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';
import { openCheckout, pageFacts, payInCheckout, settled, waitForStatus } from './pay-page.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-results');
mkdirSync(ARTIFACTS, { recursive: true });

/** The shop's product buttons and the text of their fallback links, in page order (demo/index.html). */
const SHOP = [
  ['chai-tin', 'Buy the chai tin'],
  ['tasting-box', 'Buy the box'],
  ['workshop-seat', 'Book a seat'],
  ['bali-kopi', 'Buy the Bali kopi'],
  ['gift-hamper', 'Buy the hamper'],
  ['online-class', 'Book the class'],
  ['export-crate', 'Order the crate'],
] as const;
/** Both bundles: the shop loads the module, the CMS page the classic one. */
const WIDGET_SCRIPT = '**/pay-link-button*.js';

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

async function open(options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  recordProblems(page, problems);
  context.on('page', (p) => recordProblems(p, problems));
  return { context, page, problems };
}

/**
 * Blocks the widget's script for pages of the merchant's site only, as an extension or a corporate proxy that
 * refuses the pay-link origin from that site would; the proxy's own buy page (same tab, later) loads it.
 */
async function blockWidgetOnShop(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.route(WIDGET_SCRIPT, (route: Route) => {
    const frameUrl = route.request().frame().url();
    if (frameUrl.startsWith(`${stack.demoUrl}/`)) {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return blocked;
}

const card = (page: Page, product: string) => page.locator('.product').filter({ has: page.locator(`pay-link-button[product="${product}"]`) });

/** Each product card offers its fallback link: visible, named, pointing at the proxy's buy page for that product. */
async function assertFallbackLinks(page: Page): Promise<void> {
  for (const [product, name] of SHOP) {
    const link = card(page, product).getByRole('link', { name, exact: true });
    assert.equal(await link.count(), 1, `${product}: one link named "${name}"`);
    assert.ok(await link.isVisible(), `${product}: the fallback link is visible`);
    assert.equal(await link.getAttribute('slot'), 'fallback');
    assert.equal(await link.getAttribute('href'), `${stack.proxyUrl}/buy/${product}`, `${product}: the proxy's buy page`);
  }
  // The open amount has no page of its own: a sentence says so, after a moment (no flash on a normal load).
  const note = page.locator('pay-link-button[amount] > [slot="fallback"]');
  await note.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match((await note.textContent()) ?? '', /Tipping needs the payment script/);
}

describe('fallback content: the shop without its widget script, and with it', () => {
  it('script blocked: every card shows its link, and the chai tin is bought through the buy page', async () => {
    const { context, page, problems } = await open();
    const blocked = await blockWidgetOnShop(page);
    await page.goto(`${stack.demoUrl}/`);
    await page.waitForLoadState('load');
    assert.deepEqual(blocked, [`${stack.proxyUrl}/pay-link-button.js`], 'the shop asked for the widget and was refused');
    assert.equal(await page.evaluate(() => customElements.get('pay-link-button')), undefined, 'the element never upgraded');

    await assertFallbackLinks(page);
    // The link is drawn as the button it stands in for, not as bare text.
    const chai = card(page, 'chai-tin').getByRole('link', { name: 'Buy the chai tin' });
    const look = await chai.evaluate((el) => {
      const style = getComputedStyle(el);
      return { display: style.display, background: style.backgroundColor, color: style.color, decoration: style.textDecorationLine };
    });
    assert.deepEqual(look, { display: 'inline-block', background: 'rgb(29, 78, 216)', color: 'rgb(255, 255, 255)', decoration: 'none' });
    await page.screenshot({ path: join(ARTIFACTS, 'fallback-shop-script-blocked.png'), fullPage: true });

    // The buyer follows the link: the proxy's buy page, same tab, whose own widget script does load.
    await chai.click();
    await page.waitForURL(`${stack.proxyUrl}/buy/chai-tin`);
    await settled(page);
    assert.equal(await page.title(), 'Buy Masala chai tin, 250 g — ₹499.00');
    assert.equal(blocked.length, 1, 'nothing blocked on the buy page');

    const popup = await openCheckout(page);
    assert.match((await popup.textContent('body')) ?? '', /499/);
    await payInCheckout(popup);
    await waitForStatus(page, 'paid');
    assert.equal((await pageFacts(page)).Status, 'Paid ₹499.00');
    assert.deepEqual(problems, [], 'no page errors, console errors, CSP violations or failed responses');
    await context.close();
  });

  it('JavaScript off: the links are there, and one leads to a buy page that shows the product', async () => {
    const { context, page, problems } = await open({ javaScriptEnabled: false });
    await page.goto(`${stack.demoUrl}/`);
    await assertFallbackLinks(page);
    await card(page, 'tasting-box').getByRole('link', { name: 'Buy the box' }).click();
    await page.waitForURL(`${stack.proxyUrl}/buy/tasting-box`);
    assert.equal(await page.title(), 'Buy Tasting box, 6 teas — ₹1,850.00');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Tasting box, 6 teas');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('script loaded: every element upgrades and its fallback is neither shown nor in the accessibility tree', async () => {
    const { context, page, problems } = await open();
    await page.goto(`${stack.demoUrl}/`);
    await page.waitForFunction(() => [...document.querySelectorAll('pay-link-button')].every((el) => el.shadowRoot?.querySelector('[part=button]')));
    const fallbacks = page.locator('pay-link-button > [slot="fallback"]');
    assert.equal(await fallbacks.count(), SHOP.length + 1, 'the fallback content is still in the light DOM');
    for (const fallback of await fallbacks.all()) assert.equal(await fallback.isVisible(), false, await fallback.evaluate((el) => el.outerHTML));
    for (const [product, name] of SHOP) {
      assert.equal(await card(page, product).getByRole('link').count(), 0, `${product}: no link left to find`);
      assert.equal(await page.getByRole('link', { name }).count(), 0);
      // The element's own button, labelled as before: the fallback never reaches the label slot.
      assert.equal(await card(page, product).getByRole('button').first().isVisible(), true);
    }
    assert.equal(await card(page, 'chai-tin').locator('[part="label"]').textContent(), 'Buy now · ₹499.00'); // the catalog price, before the click
    // Still hidden a while later, when the open amount's sentence would have appeared.
    await page.waitForTimeout(1_700);
    assert.equal(await page.locator('pay-link-button[amount] > [slot="fallback"]').isVisible(), false);
    assert.deepEqual(problems, [], 'no page errors, console errors, CSP violations or failed responses');
    await context.close();
  });
});

describe('fallback content: the CMS page and its snippet builder', () => {
  const snippet = (page: Page) => page.locator('#snippet-code').textContent();
  const script = () => `<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>`;

  it('the snippet carries the fallback link by default; the checkbox leaves it out', async () => {
    const { context, page, problems } = await open();
    await page.goto(`${stack.demoUrl}/cms.html`);
    await page.waitForFunction(() => (document.getElementById('product') as HTMLSelectElement).options.length > 1);

    const withFallback =
      `${script()}\n<pay-link-button product="chai-tin"><a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy Masala chai tin, 250 g</a></pay-link-button>`;
    assert.equal(await snippet(page), withFallback);
    const checkbox = page.getByLabel('A fallback link inside the button');
    assert.equal(await checkbox.isChecked(), true, 'on by default');

    // The button's text, when given, is the link's too; both escaped.
    await page.getByLabel(/Button text/).fill('Buy "the" tin & <more>');
    await page.getByLabel('Product', { exact: true }).selectOption('tasting-box');
    assert.equal(
      await snippet(page),
      `${script()}\n<pay-link-button product="tasting-box" label="Buy &quot;the&quot; tin &amp; &lt;more&gt;"><a slot="fallback" href="${stack.proxyUrl}/buy/tasting-box">Buy &quot;the&quot; tin &amp; &lt;more&gt;</a></pay-link-button>`,
    );

    // The preview is that HTML: upgraded, its link hidden, its label the given text.
    const previewed = page.locator('#preview pay-link-button');
    await previewed.locator('[part="button"]').waitFor();
    assert.equal(await previewed.locator('a[slot="fallback"]').count(), 1);
    assert.equal(await previewed.locator('a[slot="fallback"]').isVisible(), false);
    assert.equal(await previewed.locator('[part="label"]').textContent(), 'Buy "the" tin & <more> · ₹1,850.00'); // with the catalog price

    await checkbox.uncheck();
    assert.equal(
      await snippet(page),
      `${script()}\n<pay-link-button product="tasting-box" label="Buy &quot;the&quot; tin &amp; &lt;more&gt;"></pay-link-button>`,
    );
    // The choice survives a reload (a redirect checkout leaves the page).
    await page.reload();
    await page.waitForFunction(() => (document.getElementById('product') as HTMLSelectElement).options.length > 1);
    assert.equal(await page.getByLabel('A fallback link inside the button').isChecked(), false);
    await page.getByLabel('A fallback link inside the button').check();
    await page.getByLabel(/Button text/).fill('');

    // An invoice: the link goes to its pay page.
    await page.getByLabel('An invoice (signed intent)').check();
    await page.getByRole('button', { name: 'Sign with the demo key' }).click();
    await page.locator('#sign-status').filter({ hasText: 'Signed' }).waitFor();
    const token = await page.getByLabel('Intent token').inputValue();
    assert.equal(
      await snippet(page),
      `${script()}\n<pay-link-button intent="${token}"><a slot="fallback" href="${stack.proxyUrl}/pay/${token}">Pay this invoice</a></pay-link-button>`,
    );
    const pay = await fetch(`${stack.proxyUrl}/pay/${token}`);
    assert.equal(pay.status, 200, 'the fallback link is a pay page that exists');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("the page builder's blocks fall back to buy-page links when the classic script is blocked", async () => {
    const { context, page } = await open();
    const blocked = await blockWidgetOnShop(page);
    await page.goto(`${stack.demoUrl}/cms.html`);
    await page.locator('#canvas pay-link-button').first().waitFor({ state: 'attached' });
    assert.deepEqual(blocked, [`${stack.proxyUrl}/pay-link-button.iife.js`]);
    for (const [product, name] of [['chai-tin', 'Buy the tin'], ['tasting-box', 'Buy the box'], ['online-class', 'Book a place']]) {
      const link = page.locator(`#canvas pay-link-button[product="${product}"]`).getByRole('link', { name, exact: true });
      assert.ok(await link.isVisible(), `${product}: visible`);
      assert.equal(await link.getAttribute('href'), `${stack.proxyUrl}/buy/${product}`);
    }
    // The journal's own colours reach the link through the custom properties it sets on the element.
    const look = await page.locator('#canvas a[slot="fallback"]').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(look, 'rgb(242, 182, 50)');
    await context.close();
  });
});

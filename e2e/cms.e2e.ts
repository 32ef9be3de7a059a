/**
 * The CMS path, clicked through in Chromium: a page that loads the classic (IIFE) bundle in its head, renders its
 * blocks with innerHTML after load (so the buttons upgrade late), restyles them with custom properties, ::part()
 * and :state(paid), and a snippet builder whose HTML is checked to the character and whose preview pays.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

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

/** A fresh tab on the CMS page that records page errors, console errors, CSP violations and failed requests. */
async function openCms() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.demoUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  const watch = (p: Page) => recordProblems(p, problems);
  watch(page);
  context.on('page', watch);
  await page.goto(`${stack.demoUrl}/cms.html`);
  await page.locator('#canvas pay-link-button').first().waitFor();
  return { context, page, problems };
}

const block = (page: Page, product: string) => page.locator(`#canvas pay-link-button[product="${product}"]`);

async function waitForStatus(page: Page, button: Locator, status: string) {
  const el = await button.elementHandle();
  await page.waitForFunction(([e, s]) => e!.getAttribute('status') === s, [el, status] as const, { timeout: 15_000 });
}

/** Click → the simulated Razorpay checkout in a popup → Pay → the popup closes itself → the button shows Paid. */
async function payThroughPopup(page: Page, button: Locator, amount: RegExp) {
  const popupOpened = page.waitForEvent('popup');
  await button.locator('[part="button"]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
  assert.match((await popup.textContent('body')) ?? '', amount);
  const closed = popup.waitForEvent('close', { timeout: 10_000 });
  await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
  await closed;
  await waitForStatus(page, button, 'paid');
}

/** A computed style inside the element's shadow root, read the way the browser paints it. */
const partStyle = (button: Locator, part: string, property: string) =>
  button.evaluate(
    (el, [p, prop]) => getComputedStyle(el.shadowRoot!.querySelector(`[part="${p}"]`)!).getPropertyValue(prop),
    [part, property] as const,
  );

describe('CMS page: classic script, innerHTML blocks, restyled buttons, snippet builder', () => {
  it('buttons inserted with innerHTML after load are upgraded and wear the journal theme', async () => {
    const { context, page, problems } = await openCms();

    // The page ships no button markup: the builder creates every one after load, from its stored layout.
    const served = await (await fetch(`${stack.demoUrl}/cms.html`)).text();
    assert.ok(!served.includes('<pay-link-button'), 'no <pay-link-button> in the served HTML');
    assert.ok(served.includes(`<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>`), 'the classic bundle in <head>');
    assert.equal(await page.locator('script[type="module"]').count(), 0, 'no module script on the page');

    const buttons = page.locator('#canvas pay-link-button');
    assert.equal(await buttons.count(), 3);
    const upgraded = await buttons.evaluateAll((els) =>
      els.map((el) => el instanceof customElements.get('pay-link-button')! && el.shadowRoot !== null && el.matches(':defined')),
    );
    assert.deepEqual(upgraded, [true, true, true]);
    assert.match((await page.locator('#canvas-meta').textContent()) ?? '', /3 of 3 buttons upgraded/);

    // Custom properties and ::part() reach inside: saffron pill, plum text, uppercase label.
    const tin = block(page, 'chai-tin');
    assert.equal(await partStyle(tin, 'button', 'background-color'), 'rgb(242, 182, 50)');
    assert.equal(await partStyle(tin, 'button', 'color'), 'rgb(59, 18, 56)');
    assert.equal(await partStyle(tin, 'button', 'border-top-left-radius'), '999px');
    assert.equal(await partStyle(tin, 'button', 'box-shadow'), 'rgb(59, 18, 56) 0px 3px 0px 0px');
    assert.equal(await partStyle(tin, 'label', 'text-transform'), 'uppercase');
    assert.equal(await tin.locator('[part="label"]').textContent(), 'Buy the tin · ₹499.00'); // the catalog price, before the click

    // The journal's styling is scoped to it: the snippet preview shows the stock button.
    const stock = page.locator('#preview pay-link-button');
    await stock.waitFor();
    assert.equal(await partStyle(stock, 'button', 'background-color'), 'rgb(29, 78, 216)');

    // Every control of the snippet builder has a label.
    const unlabelled = await page.locator('#snippet-form').evaluate((form) =>
      [...form.querySelectorAll<HTMLInputElement>('input, select, textarea')].filter((el) => el.labels?.length === 0).map((el) => el.id),
    );
    assert.deepEqual(unlabelled, []);
    assert.deepEqual(problems, [], 'no page errors, CSP violations or failed requests');
    await context.close();
  });

  it('a block pays through the simulated checkout and wears the :state(paid) style', async () => {
    const { context, page, problems } = await openCms();
    const box = block(page, 'tasting-box');
    assert.equal(await box.evaluate((el) => el.matches(':state(paid)')), false);
    assert.equal(await partStyle(box, 'status', 'background-color'), 'rgba(0, 0, 0, 0)');

    await payThroughPopup(page, box, /1,?850/);

    assert.equal(await box.evaluate((el) => el.matches(':state(paid)')), true);
    assert.match((await box.locator('[part="status"]').textContent()) ?? '', /Paid/);
    assert.equal(await partStyle(box, 'status', 'background-color'), 'rgb(226, 240, 231)');
    assert.equal(await partStyle(box, 'status', 'color'), 'rgb(31, 107, 69)');
    assert.equal(await partStyle(box, 'status', 'font-style'), 'normal');
    const card = page.locator('#canvas .block-product:has(pay-link-button[product="tasting-box"])');
    assert.equal(await card.evaluate((el) => getComputedStyle(el).borderTopColor), 'rgb(31, 107, 69)');
    // The other blocks are untouched.
    assert.equal(await block(page, 'chai-tin').evaluate((el) => el.getAttribute('status')), 'idle');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('snippet builder: the exact HTML for a product, copied with the keyboard, and a preview that pays', async () => {
    const { context, page, problems } = await openCms();
    const product = page.getByLabel('Product', { exact: true });
    await page.waitForFunction(() => (document.getElementById('product') as HTMLSelectElement).options.length > 1);

    // The default choices give the shortest snippet.
    assert.equal(
      await page.locator('#snippet-code').textContent(),
      `<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>\n<pay-link-button product="chai-tin"><a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy Masala chai tin, 250 g</a></pay-link-button>`,
    );

    await product.selectOption('chai-tin');
    await page.getByLabel('Checkout opens in').selectOption('popup');
    await page.getByLabel('Theme').selectOption('dark');
    const label = 'Buy "Masala" chai & <more>';
    await page.getByLabel(/Button text/).fill(label);
    const expected =
      `<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>\n` +
      '<pay-link-button product="chai-tin" presentation="popup" theme="dark" label="Buy &quot;Masala&quot; chai &amp; &lt;more&gt;">' + `<a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy &quot;Masala&quot; chai &amp; &lt;more&gt;</a></pay-link-button>`;
    assert.equal(await page.locator('#snippet-code').textContent(), expected);

    // Copy, from the keyboard; the result is said in a live region and is on the clipboard.
    await page.locator('#copy-button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#copy-status').filter({ hasText: 'Copied the HTML to the clipboard.' }).waitFor();
    assert.equal(await page.locator('#copy-status').getAttribute('role'), 'status');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);

    // A language other than English brings its translation file along, after the bundle.
    await page.getByLabel('Language').selectOption('hi');
    assert.equal(
      await page.locator('#snippet-code').textContent(),
      `<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>\n<script src="${stack.proxyUrl}/translations/hi.js"></script>\n` +
        '<pay-link-button product="chai-tin" presentation="popup" theme="dark" lang="hi" label="Buy &quot;Masala&quot; chai &amp; &lt;more&gt;">' + `<a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy &quot;Masala&quot; chai &amp; &lt;more&gt;</a></pay-link-button>`,
    );
    assert.equal(await page.locator('#copy-status').textContent(), '', 'a new snippet clears "Copied"');
    await page.getByLabel('Language').selectOption('');
    assert.equal(await page.locator('#snippet-code').textContent(), expected);

    // The preview is that same HTML through innerHTML: the attributes come back unescaped, the label is text.
    const previewed = page.locator('#preview pay-link-button');
    await previewed.waitFor();
    assert.deepEqual(
      await previewed.evaluate((el) => ({
        product: el.getAttribute('product'),
        presentation: el.getAttribute('presentation'),
        theme: el.getAttribute('theme'),
        label: el.getAttribute('label'),
        upgraded: el.shadowRoot !== null,
      })),
      { product: 'chai-tin', presentation: 'popup', theme: 'dark', label, upgraded: true },
    );
    assert.equal(await previewed.locator('[part="label"]').textContent(), `${label} · ₹499.00`); // with the catalog price
    // theme="dark" and no journal styling: the stock dark palette.
    assert.equal(await partStyle(previewed, 'button', 'background-color'), 'rgb(147, 197, 253)');

    await payThroughPopup(page, previewed, /499/);
    assert.match((await previewed.locator('[part="status"]').textContent()) ?? '', /Paid/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('snippet builder: a demo-signed invoice intent gives an intent snippet whose preview shows the amount and pays', async () => {
    const { context, page, problems } = await openCms();
    await page.getByLabel('An invoice (signed intent)').check();
    assert.match((await page.locator('#snippet-code').textContent()) ?? '', /^Paste or sign an intent token/);
    assert.equal(await page.locator('#copy-button').isDisabled(), true);

    // Something that is not a token is named as such and gives no snippet.
    await page.getByLabel('Intent token').fill('not-a-token');
    await page.locator('#intent-error').filter({ hasText: 'not an intent token' }).waitFor();
    assert.equal(await page.locator('#preview pay-link-button').count(), 0);

    await page.getByLabel('Amount (INR)').fill('1250.50');
    await page.getByLabel('Invoice number').fill('INV-CMS-0001');
    await page.getByRole('button', { name: 'Sign with the demo key' }).click();
    await page.locator('#sign-status').filter({ hasText: 'Signed INV-CMS-0001' }).waitFor();
    const token = await page.getByLabel('Intent token').inputValue();
    assert.match(token, /^pli1\.[\w-]+\.[\w-]+$/);
    assert.equal(await page.locator('#intent-error').textContent(), '');
    assert.equal(
      await page.locator('#snippet-code').textContent(),
      `<script src="${stack.proxyUrl}/pay-link-button.iife.js"></script>\n<pay-link-button intent="${token}"><a slot="fallback" href="${stack.proxyUrl}/pay/${token}">Pay this invoice</a></pay-link-button>`,
    );

    // The element reads the invoice on load: its button names the amount before any click.
    const previewed = page.locator('#preview pay-link-button');
    await previewed.locator('[part="label"]', { hasText: '₹1,250.50' }).waitFor({ timeout: 10_000 });
    await payThroughPopup(page, previewed, /1,?250\.50/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('the demo signing endpoint refuses what it cannot sign, as problem+json', async () => {
    const post = (body: unknown) =>
      fetch(`${stack.demoUrl}/demo-api/intents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const body of [
      { amount: -5, currency: 'INR', reference: 'INV-1', description: 'x' },
      { amount: 100, currency: 'INR', reference: 'has spaces in it', description: 'x' },
      { amount: 100, currency: 'INR', reference: 'INV-1' },
    ]) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await res.json()) as { code: string }).code, 'invalid_request');
    }
    const malformed = await fetch(`${stack.demoUrl}/demo-api/intents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const ok = await post({ amount: 100, currency: 'INR', reference: 'INV-1', description: 'One rupee' });
    assert.equal(ok.status, 201);
    assert.match(((await ok.json()) as { token: string }).token, /^pli1\./);
  });
});

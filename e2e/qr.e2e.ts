/**
 * Desktop → phone (issue #15): on the demo shop at desktop size, a waiting purchase offers "Pay on your phone"; its
 * dialog shows the proxy's QR code of the checkout URL. The code is read back by an independent decoder (jsQR) from a
 * screenshot, as a phone's camera would read the screen; a second browser context (a phone) opens what it decoded
 * and pays in the simulator's checkout; the desktop button flips to Paid live and the dialog closes. Also: the
 * dialog is modal (Tab stays inside), Escape closes it, focus comes back; the price shows on product buttons and
 * the tip button offers an amount field (the on-demand chunks, loaded by the element). Screenshots to docs/img.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import jsQRModule from 'jsqr';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

const IMG = join(import.meta.dirname, '..', 'docs', 'img');
mkdirSync(IMG, { recursive: true });

const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};

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

/** The shop at `width` px on a desktop (a fine pointer): the widget and its chunks loaded, problems recorded. */
async function openShop(width = 1440) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  recordProblems(page, problems);
  context.on('page', (p) => recordProblems(p, problems));
  await page.goto(`${stack.demoUrl}/`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  return { context, page, problems };
}

const shadowText = (page: Page, selector: string, part: string) =>
  page.evaluate(([s, p]) => document.querySelector(s)?.shadowRoot?.querySelector(p)?.textContent?.replace(/\s+/g, ' ').trim() ?? null, [selector, part] as const);

/** jsQR is CommonJS whose types declare an ES default export: under NodeNext the function is `.default` to TypeScript. */
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

/** Decodes the QR code in a PNG with jsQR, independently of the library that drew it. */
function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

/** Clicks a product's button, lets the checkout window open, closes it (the buyer will pay on the phone): the link. */
async function startPurchase(page: Page, product: string) {
  const button = page.locator(`pay-link-button[product="${product}"]`);
  const popupOpened = page.waitForEvent('popup');
  await button.locator('[part=button]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
  const url = await button.evaluate((el: HTMLElement & { link: { url: string; id: string } | null }) => el.link!.url);
  await popup.close();
  await page.waitForFunction((p) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === 'pending', product);
  return { button, url };
}

/** Where focus is: `dialog` inside the QR dialog, `qr` on the action, else the active element's tag. */
const focusIn = (page: Page) =>
  page.evaluate(() => {
    const qr = document.querySelector('pay-link-qr');
    if (qr && document.activeElement === qr) return `dialog:${qr.shadowRoot!.activeElement?.localName}`;
    const active = document.activeElement;
    const inner = active?.shadowRoot?.activeElement;
    return inner?.getAttribute('part') ?? active?.localName ?? 'none';
  });

describe('desktop → phone: the QR handoff, end to end', () => {
  it('shows the QR of the checkout URL; a phone that scans and pays it flips the desktop button to Paid', async () => {
    const { context, page, problems } = await openShop();
    const { button, url } = await startPurchase(page, 'chai-tin');

    const action = button.locator('[part=qr]');
    await action.waitFor({ timeout: 10_000 });
    assert.equal(await action.textContent(), 'Pay on your phone');
    await action.click();
    const dialog = page.locator('pay-link-qr dialog');
    await dialog.waitFor();
    await page.locator('pay-link-qr .code svg').waitFor();
    assert.equal(await dialog.evaluate((d: HTMLDialogElement) => d.matches(':modal')), true);
    assert.equal(await page.getByRole('dialog', { name: 'Pay on your phone' }).count(), 1, 'labelled by its title');
    assert.equal(await page.getByRole('img', { name: 'QR code of the checkout link' }).count(), 1);

    // Modal: Tab stays inside (its one control); Escape closes it and focus goes back to the action
    assert.equal(await focusIn(page), 'dialog:button');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      assert.match(await focusIn(page), /^dialog:|^body$/, 'focus stays in the dialog (or the browser UI, never the page)');
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await focusIn(page), 'qr');
    await page.keyboard.press('Enter'); // opens it again, from the keyboard
    await page.locator('pay-link-qr .code svg').waitFor();

    await page.screenshot({ path: join(IMG, 'qr-1440.png') });
    // What a phone's camera would see: the code on the screen, decoded by jsQR, is the link's checkout URL
    const decoded = decodeQr(await page.locator('pay-link-qr .code').screenshot());
    assert.equal(decoded, url);

    // The phone opens what it decoded and pays there
    const phone = await browser.newContext(PHONE);
    const phonePage = await phone.newPage();
    await phonePage.goto(decoded!);
    await phonePage.getByRole('button', { name: /^Pay\b/ }).first().click();

    await page.waitForFunction(() => document.querySelector('pay-link-button[product="chai-tin"]')?.getAttribute('status') === 'paid', null, { timeout: 15_000 });
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await button.locator('[part=qr]').count(), 0, 'no QR action once paid');
    assert.match((await shadowText(page, 'pay-link-button[product="chai-tin"]', '[part=status]')) ?? '', /paid/i);
    assert.equal(await focusIn(page), 'status', 'focus lands on the paid status line');
    // A QR asked for now (a stale tab) is refused: the link is paid
    const id = await button.evaluate((el: HTMLElement & { link: { id: string } | null }) => el.link!.id);
    const stale = await fetch(`${stack.proxyUrl}/v1/links/${id}/qr.svg`);
    assert.equal(stale.status, 409);
    await phone.close();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('at 375 px on a desktop window the dialog fits; a phone gets no QR action (it pays where it is)', async () => {
    const { context, page, problems } = await openShop(375);
    const { button } = await startPurchase(page, 'tasting-box');
    await button.locator('[part=qr]').click();
    await page.locator('pay-link-qr .code svg').waitFor();
    const box = await page.locator('pay-link-qr dialog').boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `the dialog fits 375 px: ${JSON.stringify(box)}`);
    await page.screenshot({ path: join(IMG, 'qr-375.png') });
    assert.ok(decodeQr(await page.locator('pay-link-qr .code').screenshot()), 'still decodable at this size');
    assert.deepEqual(problems, []);
    await context.close();

    // A phone goes to the checkout in this tab; back on the shop, the purchase waits, with no QR to offer
    const phone = await browser.newContext(PHONE);
    const phonePage = await phone.newPage();
    await phonePage.goto(`${stack.demoUrl}/`);
    await phonePage.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
    await phonePage.locator('pay-link-button[product="chai-tin"] [part=button]').click();
    await phonePage.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    await phonePage.goBack();
    await phonePage.waitForFunction(() => document.querySelector('pay-link-button[product="chai-tin"]')?.getAttribute('status') === 'pending', null, { timeout: 10_000 });
    await phonePage.waitForTimeout(500); // the chunk has had its chance to add the action
    assert.equal(await phonePage.locator('pay-link-button [part=qr]').count(), 0);
    await phone.close();
  });
});

describe('prices and open amounts on the demo shop (on-demand chunks)', () => {
  for (const width of [1440, 375]) {
    it(`${width} px: product buttons show their price before the click, with one config read; the tip takes an amount`, async () => {
      const { context, page, problems } = await openShop(width);
      const configReads: string[] = [];
      page.on('request', (req) => req.url().endsWith('/v1/config') && configReads.push(req.url()));
      await page.reload();
      await page.waitForFunction(() => /₹499\.00/.test(document.querySelector('pay-link-button[product="chai-tin"]')?.shadowRoot?.querySelector('[part=label]')?.textContent ?? ''));
      assert.equal(await shadowText(page, 'pay-link-button[product="chai-tin"]', '[part=label]'), 'Buy now · ₹499.00');
      assert.equal(await shadowText(page, 'pay-link-button[product="gift-hamper"]', '[part=label]'), 'Pay ₹2,500.00');
      assert.match((await shadowText(page, 'pay-link-button[product="bali-kopi"]', '[part=label]')) ?? '', /^Bayar Rp\s?150\.000$/);
      assert.equal(configReads.length, 1, `one /v1/config read for ${await page.locator('pay-link-button').count()} buttons`);
      await page.locator('pay-link-button[product="chai-tin"]').scrollIntoViewIfNeeded();
      await page.locator('pay-link-button[product="chai-tin"]').locator('xpath=ancestor::article').screenshot({ path: join(IMG, `price-${width}.png`) });

      const tip = page.locator('pay-link-button[currency="INR"]');
      const input = tip.getByLabel('Amount (₹)');
      await input.waitFor();
      assert.equal(await input.inputValue(), '50.00');
      await input.fill('25');
      await tip.locator('[part=button]').click();
      const error = tip.locator('[part=amount-error]');
      await error.waitFor();
      assert.equal(await error.textContent(), 'Enter an amount between ₹50.00 and ₹10,000.00.');
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.equal(await tip.getAttribute('status'), 'idle', 'nothing minted');
      await tip.locator('xpath=ancestor::article').screenshot({ path: join(IMG, `amount-invalid-${width}.png`) });
      await input.fill('250.50');
      assert.equal(await error.textContent(), '');
      assert.equal(await tip.evaluate((el: HTMLElement & { amount?: number }) => el.amount), 25050);
      await tip.locator('xpath=ancestor::article').screenshot({ path: join(IMG, `amount-valid-${width}.png`) });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

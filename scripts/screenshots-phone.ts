/**
 * Pictures of the button's states from issue #15, at 375 px (a phone: touch, mobile user agent) and 1440 px: back
 * from a redirect (scrolled to and focused, Paid), paid kept after a reload, PayEngine waiting in a new tab, and
 * Instagram's in-app browser taking the checkout in the same tab. Called by `pnpm screenshots`; runs alone too:
 * `node --import tsx scripts/screenshots-phone.ts` (its own stack), writing only docs/img/phone-*.png and widget-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { type Stack, startStack } from './stack.ts';

const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
const WIDE: BrowserContextOptions = { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 };

const status = (page: Page, product: string, wanted: string) =>
  page.waitForFunction(([p, s]) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === s, [product, wanted] as const, { timeout: 15_000 });

async function shop(browser: Browser, stack: Stack, options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${stack.demoUrl}/`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  return { context, page };
}

export async function shootPhone(browser: Browser, stack: Stack, out: string): Promise<void> {
  for (const [name, options] of [['phone', PHONE], ['widget-1440', WIDE]] as const) {
    const prefix = name === 'phone' ? 'phone' : 'widget';
    const suffix = name === 'phone' ? '-375' : '-1440';
    // Back from a redirect: the seat (a redirect everywhere, by its attribute), paid in the same tab.
    {
      const { context, page } = await shop(browser, stack, options);
      await page.locator('pay-link-button[product="workshop-seat"] [part="button"]').click();
      await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      await page.getByRole('button', { name: /^Pay\b/ }).first().click();
      await page.waitForURL((url) => url.searchParams.has('pay_link_id'), { timeout: 10_000 });
      await status(page, 'workshop-seat', 'paid');
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(out, `${prefix}-returned-paid${suffix}.png`) });
      // Paid kept for the visit: the same tab reloaded without the return parameters
      await page.goto(`${stack.demoUrl}/`);
      await status(page, 'workshop-seat', 'paid');
      await page.locator('pay-link-button[product="workshop-seat"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `${prefix}-paid-after-reload${suffix}.png`) });
      await context.close();
    }
    // PayEngine: the checkout in a new tab (a popup on the wide screen), the shop waiting for it.
    {
      const { context, page } = await shop(browser, stack, options);
      const opened = page.waitForEvent('popup');
      await page.locator('pay-link-button[product="online-class"] [part="button"]').click();
      const tab = await opened;
      await tab.getByRole('button', { name: /^Pay\b/ }).first().waitFor({ timeout: 10_000 });
      await status(page, 'online-class', 'pending');
      await page.locator('pay-link-button[product="online-class"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `${prefix}-payengine-waiting${suffix}.png`) });
      await context.close();
    }
  }
  // Instagram's in-app browser: no popup, the checkout takes the tab (the provider's page, as the buyer sees it).
  const { context, page } = await shop(browser, stack, { ...PHONE, userAgent: `${PHONE.userAgent} Instagram 340.0.0.22.109 Android` });
  await page.locator('pay-link-button[product="chai-tin"] [part="button"]').tap();
  await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
  await page.getByRole('button', { name: /^Pay\b/ }).first().waitFor();
  await page.screenshot({ path: join(out, 'phone-in-app-same-tab-375.png') });
  await context.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../docs/img/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  const browser = await launchChromium();
  try {
    await shootPhone(browser, stack, out);
  } finally {
    await browser.close();
    await stack.close();
  }
}

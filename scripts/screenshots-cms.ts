/**
 * The CMS page's pictures for `pnpm screenshots`: the page builder's blocks with the journal's restyled buttons
 * (one of them paid, to show the `:state(paid)` style), and the snippet builder with a snippet just copied.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Stack } from './stack.ts';

export async function shootCms(browser: Browser, stack: Stack, out: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.demoUrl });
  try {
    const page = await context.newPage();
    await page.goto(`${stack.demoUrl}/cms.html`);
    await page.waitForFunction(() => (document.getElementById('product') as HTMLSelectElement | null)?.disabled === false);

    // Buy the tasting box through the simulated checkout so one block shows Paid.
    const box = page.locator('#canvas pay-link-button[product="tasting-box"]');
    const popupOpened = page.waitForEvent('popup');
    await box.locator('[part="button"]').click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
    await page.waitForFunction(() => document.querySelector('#canvas pay-link-button[product="tasting-box"]')?.getAttribute('status') === 'paid');
    await page.mouse.move(0, 0);
    const frame = (await page.locator('.builder-frame').boundingBox())!;
    await page.screenshot({ path: join(out, 'cms-page.png'), clip: { x: 0, y: 0, width: 1100, height: Math.ceil(frame.y + frame.height + 24) } });

    await page.getByLabel('Product', { exact: true }).selectOption('chai-tin');
    await page.getByLabel('Checkout opens in').selectOption('popup');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel(/Button text/).fill('Buy the tin');
    await page.locator('#preview pay-link-button[label="Buy the tin"]').waitFor();
    await page.locator('#copy-button').click();
    await page.locator('#copy-status').filter({ hasText: 'Copied' }).waitFor();
    await page.locator('.snippets').screenshot({ path: join(out, 'cms-snippet-builder.png') });
  } finally {
    await context.close();
  }
}

/**
 * `pnpm screenshots`: pictures of the demo for the README and docs, taken in headless Chromium from a live
 * stack, written to docs/img/. Run it after changing how the button or the demo looks.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signIntent } from '@pay-link/proxy';
import { launchChromium } from '../e2e/browser.ts';
import { DEMO_INTENT_SECRET, startStack } from './stack.ts';
import { shootCms } from './screenshots-cms.ts';
import { shootInvoice } from './screenshots-invoice.ts';
import { shootPhone } from './screenshots-phone.ts';

const out = fileURLToPath(new URL('../docs/img/', import.meta.url));
mkdirSync(out, { recursive: true });

const stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${stack.demoUrl}/`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);

  // One paid purchase (popup → simulated Razorpay → Pay), one left waiting, so the picture shows three states.
  const pay = async (product: string, finish: boolean) => {
    const popupOpened = page.waitForEvent('popup');
    await page.locator(`pay-link-button[product="${product}"] button`).first().click();
    const popup = await popupOpened;
    const payButton = popup.getByRole('button', { name: /^Pay\b/ }).first();
    await payButton.waitFor();
    if (product === 'chai-tin') await popup.screenshot({ path: join(out, 'checkout-simulated-razorpay.png') });
    if (finish) await payButton.click();
    else await popup.close();
  };
  await pay('chai-tin', true);
  await page.waitForFunction(() => document.querySelector('pay-link-button[product="chai-tin"]')?.getAttribute('status') === 'paid');
  await pay('tasting-box', false);
  await page.waitForFunction(() => document.querySelector('pay-link-button[product="tasting-box"]')?.getAttribute('status') === 'pending');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'demo-shop.png'), clip: { x: 0, y: 0, width: 1100, height: 530 } });
  await page.screenshot({ path: join(out, 'demo-shop-full.png'), fullPage: true });

  // The invoice pay page, as a buyer from an email sees it.
  const token = signIntent(
    { amount: { value: 1250000, currency: 'INR' }, reference: 'INV-2026-0042', description: 'Tea tasting for 12, 14 December', expiresAt: new Date(Date.now() + 7 * 86_400_000) },
    DEMO_INTENT_SECRET,
  );
  const invoice = await context.newPage();
  await invoice.setViewportSize({ width: 640, height: 520 });
  await invoice.goto(`${stack.proxyUrl}/pay/${token}`);
  await invoice.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  await invoice.waitForTimeout(300);
  await invoice.screenshot({ path: join(out, 'invoice-pay-page.png') });

  // The CMS page: the page builder's restyled buttons (one paid) and the snippet builder.
  await shootCms(browser, stack, out);

  // The invoice path: the sample email, and the pay page paid, partly paid and with an expired link.
  await shootInvoice(browser, stack, out);

  // The button's phone and wide-screen states of issue #15 (phone-*.png, widget-*.png).
  await shootPhone(browser, stack, out);
  process.stdout.write(`screenshots written to ${out}\n`);
} finally {
  await browser.close();
  await stack.close();
}

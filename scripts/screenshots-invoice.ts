/**
 * Screenshots of the invoice path for the docs: the sample email, the pay page in the states a buyer can find it
 * in (paid, partly paid, an expired link), the receipt its paid state links to, and the pay page in Hindi.
 * Called by `scripts/screenshots.ts` with its browser and stack.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { signIntent } from '@pay-link/proxy';
import { abandonThenForce, openCheckout, payInCheckout, settled, waitForStatus } from '../e2e/pay-page.ts';
import { DEMO_INTENT_SECRET, type Stack } from './stack.ts';

export async function shootInvoice(browser: Browser, stack: Stack, out: string): Promise<void> {
  const razorpay = stack.simulator.control.razorpay!;
  const context = await browser.newContext({ viewport: { width: 720, height: 900 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.goto(`${stack.demoUrl}/invoice-email.html`);
    await page.screenshot({ path: join(out, 'invoice-email.png'), fullPage: true });

    // Through the email's link, pay; come back later: the receipt.
    await page.getByRole('link', { name: /^Pay / }).click();
    await page.waitForURL(stack.invoiceEmail.payUrl);
    await page.setViewportSize({ width: 640, height: 520 });
    await settled(page);
    await payInCheckout(await openCheckout(page));
    await waitForStatus(page, 'paid');
    await page.reload();
    await settled(page);
    await page.screenshot({ path: join(out, 'invoice-pay-page-paid.png') });

    // The receipt the paid page links to, as a buyer would keep it.
    await page.locator('[data-receipt-link] a').click();
    await page.waitForURL(/\/receipts\/pl_/);
    await page.screenshot({ path: join(out, 'invoice-receipt.png'), fullPage: true });

    const shoot = async (reference: string, value: number, description: string, status: 'partially_paid' | 'expired', file: string) => {
      const token = signIntent(
        { amount: { value, currency: 'INR' }, reference, description, expiresAt: new Date(Date.now() + 7 * 86_400_000) },
        DEMO_INTENT_SECRET,
      );
      await page.goto(`${stack.proxyUrl}/pay/${token}`);
      await abandonThenForce(page, razorpay, status);
      await page.reload();
      await settled(page);
      await page.screenshot({ path: join(out, file) });
    };
    await shoot('INV-2026-0051', 480000, 'Office chai subscription, December', 'partially_paid', 'invoice-pay-page-partly-paid.png');
    await shoot('INV-2026-0052', 99900, 'Darjeeling sampler', 'expired', 'invoice-pay-page-expired.png');

    // The same kind of invoice for a buyer who reads Hindi (`?lang=hi`): the words, the amount's grouping, the button.
    const hindi = signIntent(
      { amount: { value: 1250000, currency: 'INR' }, reference: 'INV-2026-0053', description: 'Tea tasting for 12, 14 December', expiresAt: new Date(Date.now() + 7 * 86_400_000) },
      DEMO_INTENT_SECRET,
    );
    await page.goto(`${stack.proxyUrl}/pay/${hindi}?lang=hi`);
    await settled(page);
    await page.screenshot({ path: join(out, 'invoice-pay-page-hi.png') });
  } finally {
    await context.close();
  }
}

/**
 * Every provider, end to end in Chromium through the demo shop: click → that provider's simulated checkout →
 * Pay → the button shows Paid; cancelling at the checkout shows Cancelled; letting the link expire shows Expired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ADMIN_TOKEN, type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium } from './browser.ts';

const PRODUCTS = [
  ['razorpay', 'chai-tin'],
  ['xendit', 'bali-kopi'],
  ['pinelabs', 'gift-hamper'],
  ['payengine', 'online-class'],
  ['eximpe', 'export-crate'],
] as const;

/**
 * What the buyer sees after the merchant ends the link at the provider. Xendit has no cancel: "Expire invoice"
 * makes it EXPIRED, indistinguishable from a lapse (providers.md §6); only a cancel made through the proxy reads
 * Cancelled there.
 */
const ENDED_AT_PROVIDER: Record<string, string> = { xendit: 'expired' };

/** Pine Labs cancels only links still CREATED; once the buyer opened the checkout (CLICKED) it refuses. */
const CANCEL_REFUSED_AFTER_OPEN = new Set(['pinelabs']);

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const pageErrors: string[] = [];

/** Closes the shop page, failing the test if the page threw meanwhile. */
async function closeShop(page: Page): Promise<void> {
  await page.context().close();
  assert.deepEqual(pageErrors.splice(0), [], 'no errors in the page');
}

async function openShop(stack: Stack): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${stack.demoUrl}/`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  return page;
}

/** Clicks the product's button and returns the checkout popup once the provider's page is up. */
async function openCheckout(page: Page, product: string): Promise<Page> {
  const popupOpened = page.waitForEvent('popup');
  await page.locator(`pay-link-button[product="${product}"]`).locator('button').first().click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: /^Pay\b/ }).first().waitFor({ timeout: 15_000 });
  return popup;
}

/**
 * Where the provider sends no webhook for an end (EximPe's deactivate, legacy Razorpay invoices' cancel) nothing
 * tells the proxy but its sweeper, which re-reads a watched link once its state is 20 s old (decision 0005).
 */
const NO_WEBHOOK_MS = 45_000;

async function waitForStatus(page: Page, product: string, status: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ([p, s]) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === s,
    [product, status] as const,
    { timeout },
  );
}

describe('each provider, end to end', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  });
  after(async () => {
    await stack?.close();
  });

  for (const [provider, product] of PRODUCTS) {
    it(`${provider}: pay at the simulated checkout → Paid`, async () => {
      const page = await openShop(stack);
      const popup = await openCheckout(page, product);
      await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
      await waitForStatus(page, product, 'paid');
      await closeShop(page);
    });

    const ended = ENDED_AT_PROVIDER[provider] ?? 'cancelled';
    it(`${provider}: the merchant ends the link at the provider → ${ended}`, async () => {
      const page = await openShop(stack);
      const popup = await openCheckout(page, product);
      await popup.getByRole('button', { name: /^(Cancel|Deactivate|Expire)\b/i }).first().click();
      await waitForStatus(page, product, ended, NO_WEBHOOK_MS);
      await closeShop(page);
    });

    it(`${provider}: the merchant cancels through the proxy (pay-link links cancel) → ${CANCEL_REFUSED_AFTER_OPEN.has(provider) ? 'refused, still payable' : 'Cancelled'}`, async () => {
      const page = await openShop(stack);
      const created = page.evaluate(
        (p) => new Promise<string>((resolve) => document.querySelector(`pay-link-button[product="${p}"]`)!.addEventListener('pay-link-created', (e) => resolve((e as CustomEvent).detail.linkId), { once: true })),
        product,
      );
      const popup = await openCheckout(page, product);
      const linkId = await created;
      const res = await fetch(`${stack.proxyUrl}/v1/admin/links/${linkId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}` } });
      if (CANCEL_REFUSED_AFTER_OPEN.has(provider)) {
        if (res.status !== 422) throw new Error(`expected the provider to refuse, got ${res.status}`);
        await waitForStatus(page, product, 'pending');
      } else {
        if (res.status !== 200) throw new Error(`admin cancel answered ${res.status}: ${await res.text()}`);
        await waitForStatus(page, product, 'cancelled');
      }
      await popup.close();
      await closeShop(page);
    });
  }
});

describe('each provider, a link left to expire', () => {
  let stack: Stack;
  before(async () => {
    // Its own stack: the simulator's clock moves forward here, which would refuse later mints in a shared one.
    stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  });
  after(async () => {
    await stack?.close();
  });

  it('every provider: the checkout is left open past expiry → Expired', async () => {
    const page = await openShop(stack);
    for (const [, product] of PRODUCTS) await (await openCheckout(page, product)).close();
    for (const [, product] of PRODUCTS) await waitForStatus(page, product, 'pending');
    await fetch(`${stack.simulatorUrl}/_control/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 200 * 24 * 60 * 60_000 }),
    });
    // Webhooks tell some at once; for the others the proxy's sweeper re-reads the watched links. Only the
    // simulator's clock moved, so the proxy does not know the links are past expiry: the 20 s watched interval.
    for (const [, product] of PRODUCTS) await waitForStatus(page, product, 'expired', NO_WEBHOOK_MS);
    await closeShop(page);
  });
});

describe("Razorpay's legacy /v1/invoices API (RAZORPAY_API=invoices)", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, razorpayApi: 'invoices' });
  });
  after(async () => {
    await stack?.close();
  });

  it('pay → Paid, and a cancel → Cancelled', async () => {
    const page = await openShop(stack);
    const popup = await openCheckout(page, 'chai-tin');
    await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
    await waitForStatus(page, 'chai-tin', 'paid');
    const other = await openCheckout(page, 'tasting-box');
    await other.getByRole('button', { name: /^Cancel\b/i }).first().click();
    await waitForStatus(page, 'tasting-box', 'cancelled', NO_WEBHOOK_MS);
    await closeShop(page);
  });
});

/**
 * Driving the proxy's invoice pay page (`/pay/<intent>`) and buy page (`/buy/<product>`) in Chromium: shared by
 * `invoice.e2e.ts`, `pages.e2e.ts` and the screenshots. Each page hosts one `<pay-link-button>`; the checkout is
 * the simulated Razorpay one.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RazorpayControl } from '@pay-link/simulator';

export const payButton = (page: Page) => page.locator('pay-link-button');

/**
 * Waits until the button has read the invoice (its load-time lookup is over): paid shows no button, anything else
 * a button that is not busy.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('pay-link-button');
      if (!el || !customElements.get('pay-link-button') || !el.shadowRoot) return false;
      const main = el.shadowRoot.querySelector('[part=button]');
      return el.getAttribute('status') === 'paid' ? main === null : main !== null && !main.hasAttribute('aria-busy');
    },
    undefined,
    { timeout: 15_000 },
  );
}

export async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector('pay-link-button')?.getAttribute('status') === s, status, { timeout: 15_000 });
}

/**
 * The facts the page shows, as laid out: `Reference` → `INV-…`, `Amount` → `₹…`, `Status` → `…`, and once paid
 * `Paid at`, `Receipt`. Rows the page hides (a receipt before payment) are left out. Works for the buy page too.
 */
export async function pageFacts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const facts: Record<string, string> = {};
    for (const dt of document.querySelectorAll('dl.facts dt')) {
      if (dt.checkVisibility()) facts[dt.textContent!.trim()] = dt.nextElementSibling!.textContent!.trim();
    }
    return facts;
  });
}

/** The name `restart.e2e.ts` knows it by. */
export const invoiceFacts = pageFacts;

/** Clicks the button and answers the checkout window it opens, once that shows the simulated checkout. */
export async function openCheckout(page: Page): Promise<Page> {
  const popupOpened = page.waitForEvent('popup');
  await payButton(page).locator('[part=button]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
  return popup;
}

/** Pays what is due in the simulated checkout; the proxy's /return page then closes the window. */
export async function payInCheckout(popup: Page): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout: 10_000 });
  await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
  await closed;
}

/** The link the button is watching (the proxy's id), and the simulated Razorpay link behind it (by checkout URL). */
export async function currentLink(page: Page, razorpay: RazorpayControl): Promise<{ linkId: string; providerLinkId: string }> {
  // The element's `link` property (the widget's types are not a dependency of the root package).
  const link = await payButton(page).evaluate((el) => {
    const view = (el as unknown as { link: { id: string; url: string } | null }).link;
    return view && { id: view.id, url: view.url };
  });
  assert.ok(link, 'the button knows its link');
  const provider = razorpay.links().find((candidate) => candidate.short_url === link.url);
  assert.ok(provider, 'the simulator has the link the proxy minted');
  return { linkId: link.id, providerLinkId: provider.id };
}

/**
 * Opens the pay page, starts a checkout and abandons it, then moves the link at the simulated provider (with its
 * webhook) and waits for the page to show it: how a buyer meets a partly paid or expired invoice.
 */
export async function abandonThenForce(page: Page, razorpay: RazorpayControl, status: 'partially_paid' | 'expired') {
  await settled(page);
  const abandoned = await openCheckout(page);
  await abandoned.close();
  const link = await currentLink(page, razorpay);
  await razorpay.setStatus(link.providerLinkId, status);
  await waitForStatus(page, status);
  return link;
}

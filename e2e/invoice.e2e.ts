/**
 * The invoice path, clicked through as a buyer would: the merchant's email (served by the demo site, as
 * `pay-link invoice-email` writes it) → its Pay link → the proxy's pay page, which shows the invoice and where it
 * stands before any click and opens nothing by itself → the simulated Razorpay checkout → Paid. Then the states
 * a buyer can come back to: paid (the receipt), partly paid (what remains), an expired link (a click mints a
 * fresh one), an expired payment request. Real Chromium, real servers, no mocks.
 *
 * Partial payment: the proxy mints Razorpay links with `accept_partial: false`, so the simulated checkout offers
 * no "Pay partially" button for them. The partial payment is forced through the simulator's control API
 * (`setStatus(id, 'partially_paid')`, which records half the amount and sends `payment_link.partially_paid`),
 * standing in for a payment made some other way (a bank transfer against the invoice).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signIntent } from '@pay-link/proxy';
import type { RazorpayControl } from '@pay-link/simulator';
import { DEMO_INTENT_SECRET, type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';
import { abandonThenForce, currentLink, openCheckout, pageFacts, payButton as button, payInCheckout, settled, waitForStatus } from './pay-page.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-results');
mkdirSync(ARTIFACTS, { recursive: true });

let stack: Stack;
let browser: Browser;
let razorpay: RazorpayControl;

before(async () => {
  stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  razorpay = stack.simulator.control.razorpay!;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh browser context that records page errors, CSP violations, failed responses and every page it opens. */
async function openPage(url: string) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const opened: Page[] = [];
  const watch = (p: Page) => recordProblems(p, problems);
  watch(page);
  context.on('page', (p) => {
    opened.push(p);
    watch(p);
  });
  await page.goto(url);
  return { context, page, problems, opened };
}

const payPage = (reference: string, value: number, description: string, expiresInMs = 7 * 86_400_000) => {
  const token = signIntent(
    { amount: { value, currency: 'INR' }, reference, description, expiresAt: new Date(Date.now() + expiresInMs) },
    DEMO_INTENT_SECRET,
  );
  return `${stack.proxyUrl}/pay/${token}`;
};

async function close(context: BrowserContext, problems: string[]): Promise<void> {
  assert.deepEqual(problems, [], 'no page errors, CSP violations or failed requests');
  await context.close();
}

describe('invoice email → pay page, end to end in Chromium', () => {
  it('the email links to the pay page, which shows the invoice, opens nothing by itself, and takes the payment', async () => {
    const { context, page, problems, opened } = await openPage(`${stack.demoUrl}/invoice-email.html`);

    // The email as a mail client shows it: no script at all (its CSP has no script-src), styles inline.
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('style, link[rel=stylesheet]').count(), 0);
    const email = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const part of ['Invoice INV-2026-0042', 'Hello Asha Rao,', 'Guided tasting, per guest 12 × ₹850.00 ₹10,200.00', 'Total ₹12,500.00']) {
      assert.ok(email.includes(part), `the email shows "${part}"`);
    }
    assert.match(email, /Due \d{1,2} [A-Z][a-z]{2} \d{4}/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-invoice-email.png'), fullPage: true });

    const payLink = page.getByRole('link', { name: 'Pay ₹12,500.00' });
    assert.equal(await payLink.getAttribute('href'), stack.invoiceEmail.payUrl);
    await payLink.click();
    await page.waitForURL(stack.invoiceEmail.payUrl);
    await settled(page);

    assert.equal(await page.locator('h1').textContent(), 'Tea tasting for 12, 14 December');
    assert.deepEqual(await pageFacts(page), { Reference: 'INV-2026-0042', Amount: '₹12,500.00', Status: 'Not paid yet' });
    assert.equal(await button(page).getAttribute('status'), 'idle');
    assert.match((await button(page).locator('[part=button]').textContent()) ?? '', /Pay ₹12,500\.00/);
    assert.equal(opened.length, 0, 'the pay page opened no window on load');

    const popup = await openCheckout(page);
    assert.equal(opened.length, 1, 'the click opened exactly one window');
    assert.match((await popup.textContent('body')) ?? '', /12,500/);
    await payInCheckout(popup);
    await waitForStatus(page, 'paid');
    assert.match((await button(page).locator('[role=status]').textContent()) ?? '', /Paid ✓ ₹12,500\.00/);

    // Back later (the email again, or a reload): the receipt shows on load, with no button and no window.
    await page.reload();
    await settled(page);
    const facts = await pageFacts(page);
    assert.equal(facts.Status, 'Paid ₹12,500.00');
    assert.match(facts['Paid at']!, /\d{4}.* UTC\)?$/);
    assert.match(facts.Receipt!, /^pl_[\w-]{22}$/);
    assert.equal(await button(page).getAttribute('status'), 'paid');
    assert.equal(await button(page).locator('[part=button]').count(), 0, 'nothing left to pay');
    assert.match((await button(page).locator('[role=status]').textContent()) ?? '', /Paid ✓ ₹12,500\.00/);
    assert.equal(opened.length, 1, 'reloading opened no window');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-invoice-paid.png'), fullPage: true });
    await close(context, problems);
  });

  it('a partly paid invoice shows what remains on load, and the rest can be paid', async () => {
    const url = payPage('INV-2026-0051', 480000, 'Office chai subscription, December');
    const { context, page, problems, opened } = await openPage(url);
    // A checkout started and left; then half the amount arrives (with its webhook), shown live on the open page.
    const { providerLinkId } = await abandonThenForce(page, razorpay, 'partially_paid');

    const before = opened.length;
    await page.reload();
    await settled(page);
    assert.deepEqual(await pageFacts(page), {
      Reference: 'INV-2026-0051',
      Amount: '₹4,800.00',
      Status: 'Partly paid: ₹2,400.00 received',
      Due: '₹2,400.00',
    });
    assert.equal(await button(page).getAttribute('status'), 'partially_paid');
    assert.match((await button(page).locator('[role=status]').textContent()) ?? '', /₹2,400\.00 paid, ₹2,400\.00 remaining/);
    assert.equal(opened.length, before, 'the pay page opened no window on load');

    const popup = await openCheckout(page); // "Reopen checkout": the same link, for what is due
    assert.equal((await currentLink(page, razorpay)).providerLinkId, providerLinkId);
    await popup.getByRole('button', { name: 'Pay ₹2,400.00' }).waitFor();
    await payInCheckout(popup);
    await waitForStatus(page, 'paid');
    await close(context, problems);
  });

  it('an expired link shows as expired on load; a click mints a fresh link that works', async () => {
    const url = payPage('INV-2026-0052', 99900, 'Darjeeling sampler');
    const { context, page, problems, opened } = await openPage(url);
    // A checkout started and left; then the link expires at the provider (with its webhook).
    const expired = await abandonThenForce(page, razorpay, 'expired');

    const before = opened.length;
    await page.reload();
    await settled(page);
    assert.deepEqual(await pageFacts(page), {
      Reference: 'INV-2026-0052',
      Amount: '₹999.00',
      Status: 'The last payment link expired; paying now creates a fresh one',
    });
    assert.equal(await button(page).getAttribute('status'), 'idle', 'an ended link is not watched: the button offers a new one');
    assert.equal(opened.length, before, 'the pay page opened no window on load');

    const popup = await openCheckout(page);
    const fresh = await currentLink(page, razorpay);
    assert.notEqual(fresh.linkId, expired.linkId, 'a fresh link, not the expired one');
    assert.notEqual(fresh.providerLinkId, expired.providerLinkId);
    await payInCheckout(popup);
    await waitForStatus(page, 'paid');

    const old = (await (await fetch(`${stack.proxyUrl}/v1/links/${expired.linkId}`)).json()) as { status: string };
    assert.equal(old.status, 'expired', 'the old link stays expired');
    await page.reload();
    await settled(page);
    assert.match((await pageFacts(page)).Status!, /^Paid ₹[\d,.]+$/);
    await close(context, problems);
  });

  it('an expired payment request says so, with no button and no window', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const opened: Page[] = [];
    context.on('page', (p) => opened.push(p));
    const response = await page.goto(payPage('INV-2026-0053', 50000, 'Late invoice', -60_000));
    assert.equal(response?.status(), 410);
    assert.equal(await page.locator('h1').textContent(), 'This payment request has expired');
    assert.equal(await page.locator('pay-link-button').count(), 0);
    assert.equal(opened.length, 0);
    await context.close();
  });
});

/**
 * The merchant's side of a payment, for every provider, through the demo shop in Chromium: pay at the simulated
 * checkout → the proxy sends one signed `payment_link.paid` to the demo's merchant backend
 * (`scripts/merchant-backend.ts`), which verifies it with the official Standard Webhooks library and fulfils the
 * order → the shop page says so under the paid button. One stack for all providers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import type { Money, PaymentLinkEvent } from '@pay-link/proxy';
import type { AdminEventView } from '../packages/proxy/src/contract.ts';
import { newWebhookSecret } from '../packages/proxy/src/merchant-events/endpoints.ts';
import { DEMO_ADMIN_TOKEN, type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

/** What each provider's product costs (demo/shop.json, in minor units: IDR has two decimals in ISO 4217). */
const PURCHASES = [
  { provider: 'razorpay', product: 'chai-tin', quantity: 1, unit: { value: 49_900, currency: 'INR' } },
  { provider: 'xendit', product: 'bali-kopi', quantity: 2, unit: { value: 15_000_000, currency: 'IDR' } },
  { provider: 'pinelabs', product: 'gift-hamper', quantity: 1, unit: { value: 250_000, currency: 'INR' } },
  { provider: 'payengine', product: 'online-class', quantity: 3, unit: { value: 4_900, currency: 'USD' } },
  { provider: 'eximpe', product: 'export-crate', quantity: 2, unit: { value: 150_000, currency: 'INR' } },
] as const;

const FULFILLED = "Order fulfilled by the merchant's server";

let stack: Stack;
let browser: Browser;
/** The link each provider's purchase made, for the checks after all of them. */
const paidLinks = new Map<string, string>();

before(async () => {
  stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

const admin = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`${stack.proxyUrl}/v1/admin${path}`, { ...init, headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}` } });
  assert.ok(res.ok, `admin ${path} answered ${res.status}`);
  return (await res.json()) as T;
};

/** The `payment_link.paid` events the merchant backend accepted for one link. */
const paidEventsOf = (linkId: string) =>
  stack.merchant.events().filter((e): e is typeof e & { body: PaymentLinkEvent } => e.type === 'payment_link.paid' && (e.body as PaymentLinkEvent).data.linkId === linkId);

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The product's card: its button and the line under it in which the merchant's server answers. */
function card(page: Page, product: string) {
  const article = page.locator('article.product', { has: page.locator(`pay-link-button[product="${product}"]`) });
  return { button: article.locator('pay-link-button'), line: article.locator('.fulfilment') };
}

/** Buys `quantity` of the product in the shop, pays at the provider's simulated checkout; the link id. */
async function buy(page: Page, product: string, quantity: number): Promise<string> {
  const { button } = card(page, product);
  await button.evaluate((el, q) => el.setAttribute('quantity', String(q)), quantity);
  const created = button.evaluate((el) => new Promise<string>((resolve) => el.addEventListener('pay-link-created', (e) => resolve((e as CustomEvent).detail.linkId), { once: true })));
  const popupOpened = page.waitForEvent('popup');
  await button.locator('button').first().click();
  const popup = await popupOpened;
  const pay = popup.getByRole('button', { name: /^Pay\b/ }).first();
  await pay.waitFor({ timeout: 15_000 });
  await pay.click();
  const linkId = await created;
  await page.waitForFunction((p) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === 'paid', product, { timeout: 20_000 });
  return linkId;
}

/** WCAG contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe("merchant events: every provider's payment reaches the merchant's server", () => {
  for (const [index, { provider, product, quantity, unit }] of PURCHASES.entries()) {
    // The first on a 375 px phone in dark mode (where the line must stay readable and keep its place).
    const phone = index === 0;
    it(`${provider}: pay ${quantity} × ${product} → one verified payment_link.paid → the shop shows the order fulfilled${phone ? ' (375 px, dark)' : ''}`, async () => {
      const context = await browser.newContext(phone ? { viewport: { width: 375, height: 800 }, colorScheme: 'dark' } : { viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      recordProblems(page, problems);
      try {
        await page.goto(`${stack.demoUrl}/`);
        await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
        const { line } = card(page, product);
        const heightBefore = (await line.boundingBox())!.height;

        const linkId = await buy(page, product, quantity);
        paidLinks.set(provider, linkId);

        // The merchant's server: exactly one paid event for the link, verified, naming what was bought.
        const [paid, ...more] = await until('the paid event at the merchant backend', () => {
          const events = paidEventsOf(linkId);
          return events.length > 0 && events;
        });
        assert.equal(more.length, 0, 'one payment_link.paid for the link');
        const amount: Money = { value: unit.value * quantity, currency: unit.currency };
        const { data } = paid.body;
        assert.equal(paid.body.id, paid.id, 'the body id is the webhook-id');
        assert.deepEqual(data.purchase, { kind: 'product', product, quantity });
        assert.deepEqual(data.amount, amount);
        assert.equal(data.amountPaid, amount.value);
        assert.equal(data.linkId, linkId);
        assert.equal(data.status, 'paid');
        assert.equal(data.provider, provider);
        assert.equal(data.testMode, true);
        assert.ok(data.paidAt, 'paidAt is set');
        const deliveries = stack.merchant.deliveries().filter((d) => d.id === paid.id);
        assert.deepEqual(
          deliveries.map((d) => [d.status, d.verified, d.duplicate]),
          [[204, true, false]],
          'delivered once, verified by the official library with the stack secret',
        );

        // The shop page, reading the merchant's server: the fulfilled line under this product's paid button.
        const fulfilled = line.filter({ hasText: FULFILLED });
        await fulfilled.waitFor({ timeout: 10_000 });
        assert.equal(await line.getAttribute('role'), 'status');
        assert.equal(await line.getAttribute('aria-live'), 'polite');
        assert.match((await line.textContent()) ?? '', /^Order fulfilled by the merchant's server ✓$/);
        // No other card claims it: the line belongs to the product that was bought.
        assert.equal(await page.locator('.fulfilment', { hasText: FULFILLED }).count(), 1);

        if (phone) {
          const box = (await line.boundingBox())!;
          assert.ok(Math.abs(box.height - heightBefore) < 1, `the line kept its reserved height (${heightBefore} → ${box.height})`);
          const { color, background, overflows } = await line.evaluate((el) => ({
            color: getComputedStyle(el).color,
            background: getComputedStyle(el.closest('article')!).backgroundColor,
            overflows: el.scrollHeight > el.clientHeight + 1,
          }));
          assert.equal(overflows, false, 'the sentence fits its reserved lines at 375 px');
          const ratio = contrast(color, background);
          assert.ok(ratio >= 4.5, `contrast ${ratio.toFixed(2)}:1 in dark mode`);

          // A reload in the same visit: the element shows the purchase paid from the session before the shop's
          // script listens, and the shop still asks its server about that order.
          await page.reload();
          await card(page, product).line.filter({ hasText: FULFILLED }).waitFor({ timeout: 10_000 });
        }
        assert.deepEqual(problems, [], 'no page errors, CSP violations or failed requests');
      } finally {
        await context.close();
      }
    });
  }

  it("the proxy's event log shows each paid event delivered on its first attempt", async () => {
    assert.equal(paidLinks.size, PURCHASES.length, 'every provider was paid above');
    for (const [provider, linkId] of paidLinks) {
      const { events } = await admin<{ events: AdminEventView[] }>(`/events?link=${linkId}`);
      assert.deepEqual(
        events.map((e) => [e.type, e.deliveries.map((d) => [d.state, d.attempts])]),
        [['payment_link.paid', [['delivered', 1]]]],
        `${provider}: the outbox of ${linkId}`,
      );
    }
  });

  it('a resent event reaches the backend again under the same webhook-id, and the order is fulfilled once', async () => {
    const linkId = paidLinks.get('razorpay')!;
    const [paid] = paidEventsOf(linkId);
    await admin(`/events/${paid.id}/resend`, { method: 'POST' });
    await until('the resent delivery', () => stack.merchant.deliveries().filter((d) => d.id === paid.id).length === 2);
    const deliveries = stack.merchant.deliveries().filter((d) => d.id === paid.id);
    assert.deepEqual(deliveries.map((d) => [d.status, d.verified, d.duplicate]), [[204, true, false], [204, true, true]]);
    assert.equal(paidEventsOf(linkId).length, 1, 'deduplicated by webhook-id');
    const order = (await (await fetch(`${stack.demoUrl}/merchant/orders/${linkId}`)).json()) as { fulfilled: boolean; events: { id: string }[] };
    assert.deepEqual({ fulfilled: order.fulfilled, events: order.events.map((e) => e.id) }, { fulfilled: true, events: [paid.id] });
  });

  it('a paid event signed with another secret is refused with 401 and fulfils nothing', async () => {
    // A genuine paid body, moved to a link nobody paid, signed with a secret the backend does not know.
    const [genuine] = paidEventsOf(paidLinks.get('razorpay')!);
    const linkId = 'pl_forged_link_000000000001';
    const id = 'evt_forged_event_0000000001';
    const body = JSON.stringify({ ...genuine.body, id, data: { ...genuine.body.data, linkId } });
    const at = new Date();
    const res = await fetch(`${stack.demoUrl}/merchant/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(newWebhookSecret()).sign(id, at, body),
      },
      body,
    });
    assert.equal(res.status, 401);
    const order = (await (await fetch(`${stack.demoUrl}/merchant/orders/${linkId}`)).json()) as { fulfilled: boolean };
    assert.equal(order.fulfilled, false);
    assert.ok(!stack.merchant.events().some((e) => e.id === id));
  });
});

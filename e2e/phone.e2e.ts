/**
 * The button where buyers really are (issue #15): on a phone (375×667, touch, a mobile Chrome user agent) and on a
 * flaky network, plus the desktop paths where the checkout window matters. Real Chromium, real servers, no mocks;
 * the only interference is Chromium's own offline switch and a slowed-down mint request.
 */
import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Request } from 'playwright-core';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
};
/** Instagram's in-app browser on Android, as it sends its user agent. */
const INSTAGRAM_UA = `${PHONE.userAgent} Instagram 340.0.0.22.109 Android (34/14; 420dpi; 1080x2400; Google; Pixel 7; panther; tensor; en_US; 622229050)`;
const DESKTOP: BrowserContextOptions = { viewport: { width: 1100, height: 800 } };

/** The widget's English strings (packages/widget/src/translations/en.ts). */
const EN = {
  offline: 'You are offline.',
  closed: 'Checkout closed. Nothing was charged.',
  unavailable: 'This cannot be paid for here right now. Please contact the seller.',
};
/** Its Indonesian one for the same problem (translations/id.ts, through problems.ts). */
const ID_UNAVAILABLE = 'Pembayaran ini tidak dapat dilakukan di sini saat ini. Silakan hubungi penjual.';

let stack: Stack;
let browser: Browser;

/**
 * A merchant's own page with mistakes on it, served from loopback on its own origin (which the proxy is told to
 * allow). Not a `route.fulfill`ed page: Chromium counts a fulfilled document as public, and its Local Network
 * Access rules then block the module script from the (loopback) proxy.
 */
let mistakes: Server;
let mistakesUrl: string;
const mistakesPage = (lang: string, addOn: string) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mistakes</title><script type="module" src="${stack.proxyUrl}/pay-link-button.js"></script>${addOn}</head>
<body><pay-link-button product="no-such-product"></pay-link-button>
<pay-link-button product="chai-tin" quantity="1000"></pay-link-button></body></html>`;

/** The proxy's open event streams (`GET /v1/links/:id/events`): their sockets, to drop them as a lost network does. */
const streams = new Set<Socket>();

before(async () => {
  mistakes = createServer((req, res) => {
    const id = req.url === '/mistakes-id.html';
    if (!id && req.url !== '/mistakes-en.html') return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src 'self' ${stack.proxyUrl}; connect-src 'self' ${stack.proxyUrl}; style-src 'self'`,
    });
    res.end(id ? mistakesPage('id', `<script src="${stack.proxyUrl}/translations/id.js"></script>`) : mistakesPage('en', ''));
  });
  await new Promise<void>((resolve) => mistakes.listen(0, '127.0.0.1', resolve));
  mistakesUrl = `http://localhost:${(mistakes.address() as AddressInfo).port}`;
  stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, allowedOrigins: [mistakesUrl] });
  stack.proxy.server.on('request', (req: IncomingMessage) => {
    if (!/^\/v1\/links\/[^/]+\/events/.test(req.url ?? '')) return;
    streams.add(req.socket);
    req.socket.once('close', () => streams.delete(req.socket));
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
  mistakes?.closeAllConnections();
  await new Promise((resolve) => mistakes?.close(resolve));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh context on the demo shop, recording problems (console errors, failed responses) in every page of it. */
async function openShop(options: BrowserContextOptions, path = '/') {
  const context = await browser.newContext(options);
  const problems: string[] = [];
  /** Every console line of every page, for the "Unsafe attempt to initiate navigation" check. */
  const consoleLines: string[] = [];
  const watch = (p: Page) => {
    recordProblems(p, problems);
    p.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()}`));
  };
  context.on('page', watch);
  const page = await context.newPage();
  await page.goto(`${stack.demoUrl}${path}`);
  await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
  return { context, page, problems, consoleLines };
}

const button = (page: Page, product: string) => page.locator(`pay-link-button[product="${product}"]`);
/** The element's live status line (in its open shadow root). */
const statusLine = (page: Page, product: string) => button(page, product).locator('[part="status"]');

async function waitForStatus(page: Page, product: string, status: string, timeout = 15_000) {
  await page.waitForFunction(
    ([p, s]) => document.querySelector(`pay-link-button[product="${p}"]`)?.getAttribute('status') === s,
    [product, status] as const,
    { timeout },
  );
}

/** The link the element is watching, and the simulated Razorpay link behind it (matched by checkout URL). */
async function currentLink(page: Page, product: string) {
  const link = await button(page, product).evaluate((el) => {
    const view = (el as unknown as { link: { id: string; url: string } | null }).link;
    return view && { id: view.id, url: view.url };
  });
  assert.ok(link, 'the element knows its link');
  const provider = stack.simulator.control.razorpay!.links().find((candidate) => candidate.short_url === link.url);
  assert.ok(provider, 'the simulator has the link the proxy minted');
  return { linkId: link.id, providerLinkId: provider.id };
}

/** Resolves with the link id of the element's next `pay-link-created`. */
const nextCreated = (page: Page, product: string) =>
  button(page, product).evaluate(
    (el) => new Promise<string>((resolve) => el.addEventListener('pay-link-created', (e) => resolve((e as CustomEvent).detail.linkId), { once: true })),
  );

/**
 * The most checkout windows open at once, counted whenever one of them arrives at a checkout page (by then the
 * window it replaces has had the whole mint to close; counting on open/close events would race the close).
 */
function countCheckouts(context: BrowserContext, shop: Page) {
  const counter = { max: 0 };
  context.on('page', (p) =>
    p.on('framenavigated', (frame) => {
      if (frame !== p.mainFrame() || !/\/razorpay\/i\//.test(frame.url())) return;
      counter.max = Math.max(counter.max, context.pages().filter((open) => open !== shop).length);
    }),
  );
  return counter;
}

const isMint = (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/v1/links';

describe('the button on a phone and on a flaky network (#15)', () => {
  it('phone, offline while waiting: the offline notice is announced; back online → Paid within 2 s', async () => {
    const { context, page, problems } = await openShop(PHONE);
    try {
      // On a small touch screen the checkout takes this tab; the buyer leaves it unpaid (to pay in a UPI app, say)
      // and comes back to the shop, which resumes the purchase from this tab's session.
      await button(page, 'chai-tin').locator('[part="button"]').click();
      await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      await page.goBack();
      await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
      await waitForStatus(page, 'chai-tin', 'pending');
      const { linkId, providerLinkId } = await currentLink(page, 'chai-tin');
      /** When the page asked the proxy for the link's status (a poll, not the event stream). */
      const reads: number[] = [];
      page.on('request', (request) => {
        if (request.method() === 'GET' && new URL(request.url()).pathname === `/v1/links/${linkId}`) reads.push(Date.now());
      });

      // The network goes: Chromium's offline switch fails new requests, and the open event stream dies with it
      // (the switch alone would leave an established connection delivering, which no lost network does).
      await context.setOffline(true);
      for (const socket of streams) socket.destroy();
      const line = statusLine(page, 'chai-tin');
      await line.filter({ hasText: EN.offline }).waitFor({ timeout: 5_000 });
      assert.equal(await line.getAttribute('role'), 'status');
      assert.equal(await line.getAttribute('aria-live'), 'polite');
      assert.equal((await line.textContent())?.trim(), EN.offline);

      // Paid at the provider while the phone is offline: the proxy knows (its webhook), the phone cannot yet.
      await stack.simulator.control.razorpay!.pay(providerLinkId);
      await sleep(1_000);
      assert.equal(await button(page, 'chai-tin').getAttribute('status'), 'pending', 'nothing reaches an offline phone');
      assert.equal((await line.textContent())?.trim(), EN.offline);

      await context.setOffline(false);
      const back = Date.now();
      await waitForStatus(page, 'chai-tin', 'paid', 2_000);
      const took = Date.now() - back;
      assert.ok(took < 2_000, `Paid ${took} ms after reconnecting`);
      // The mechanism: one read the moment the connection came back (not the 30 s backoff, nor the stream's 3 s retry).
      const firstRead = reads.find((at) => at >= back);
      assert.ok(firstRead !== undefined && firstRead - back < 500, `a status read at once on reconnecting (${firstRead === undefined ? 'none' : `${firstRead - back} ms`})`);
      assert.match((await line.textContent()) ?? '', /^Paid ✓/);
      // Offline requests fail by design (ERR_INTERNET_DISCONNECTED is not an HTTP status, and not a console error).
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  // Was a known bug (issue #15): the element cut `opener` on the checkout window, and Chromium then refused the
  // element's own close() of a window showing another origin. The window keeps its opener now (decision 0018).
  it('desktop, re-buy after a cancel: one checkout window at a time, no console errors, no unsafe navigation', async () => {
    const { context, page, problems, consoleLines } = await openShop(DESKTOP);
    try {
      const checkouts = countCheckouts(context, page);
      const buy = button(page, 'chai-tin').locator('[part="button"]');

      // 1. Buy, cancel at the provider's checkout.
      const firstOpened = page.waitForEvent('popup');
      const firstCreated = nextCreated(page, 'chai-tin');
      await buy.click();
      const first = await firstOpened;
      await first.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      const firstLink = await firstCreated;
      await first.getByRole('button', { name: /cancel/i }).first().click();
      await waitForStatus(page, 'chai-tin', 'cancelled');

      // 2. Buy again: a new link, in a new window; the cancelled checkout's window goes.
      const secondOpened = page.waitForEvent('popup');
      const secondCreated = nextCreated(page, 'chai-tin');
      await buy.click();
      const second = await secondOpened;
      await second.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      const secondLink = await secondCreated;
      assert.notEqual(secondLink, firstLink, 'a cancelled link is not reused');
      for (let i = 0; i < 20 && !first.isClosed(); i++) await sleep(100);
      assert.deepEqual(
        context.pages().map((p) => p.url()),
        [page.url(), second.url()],
        'the shop and one checkout window: the cancelled checkout was closed',
      );
      assert.deepEqual(consoleLines.filter((l) => /Unsafe attempt to initiate navigation/i.test(l)), []);

      // 3. Close that window after the link exists, then "Reopen checkout": again only one window.
      await second.close();
      await page.waitForFunction(() => !document.querySelector('pay-link-button[product="chai-tin"]')?.shadowRoot?.querySelector('[part=status]')?.textContent?.includes('checkout window'), null, { timeout: 5_000 });
      const thirdOpened = page.waitForEvent('popup');
      await buy.click();
      const third = await thirdOpened;
      await third.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      assert.equal(context.pages().length, 2, 'the shop and one checkout window');

      // 4. Pay there: the button reads Paid.
      const thirdClosed = third.waitForEvent('close', { timeout: 10_000 });
      await third.getByRole('button', { name: /^Pay\b/ }).first().click();
      await thirdClosed;
      await waitForStatus(page, 'chai-tin', 'paid');
      assert.equal((await currentLink(page, 'chai-tin')).linkId, secondLink);

      assert.equal(checkouts.max, 1, `at most one checkout window open at any time (saw ${checkouts.max})`);
      assert.deepEqual(problems, [], 'no console errors, page errors or failed responses');
      assert.deepEqual(consoleLines.filter((l) => /Unsafe attempt to initiate navigation/i.test(l)), []);
    } finally {
      await context.close();
    }
  });

  it('desktop, closing "Preparing…": back to idle, the shop tab stays, the next click replays the same link', async () => {
    const { context, page, problems } = await openShop(DESKTOP);
    try {
      const shopUrl = page.url();
      let navigations = 0;
      page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
      const keys: string[] = [];
      const minted: Promise<string>[] = [];
      page.on('request', (request) => isMint(request) && keys.push(request.headers()['idempotency-key'] ?? ''));
      page.on('response', (res) => {
        if (isMint(res.request()) && res.ok()) minted.push(res.json().then((body: { id: string }) => body.id));
      });
      // A slow proxy: the mint answers 1.5 s late, long enough to close the window that says "Preparing…".
      let delay = 1_500;
      await page.route(`${stack.proxyUrl}/v1/links`, async (route) => {
        if (route.request().method() === 'POST' && delay) await sleep(delay);
        await route.continue();
      });

      await button(page, 'chai-tin').evaluate((el) => el.addEventListener('pay-link-created', (e) => ((window as unknown as { created: string[] }).created ??= []).push((e as CustomEvent).detail.linkId)));
      const opened = page.waitForEvent('popup');
      await button(page, 'chai-tin').locator('[part="button"]').click();
      const popup = await opened;
      await popup.getByText('Preparing secure checkout…').waitFor({ timeout: 1_000 });
      assert.equal(await button(page, 'chai-tin').getAttribute('status'), 'minting');
      await popup.close();

      // The mint still answers (the proxy made the link), but the buyer said "never mind".
      await statusLine(page, 'chai-tin').filter({ hasText: EN.closed }).waitFor({ timeout: 5_000 });
      assert.equal(await button(page, 'chai-tin').getAttribute('status'), 'idle');
      assert.equal(minted.length, 1, 'the slow mint did answer');
      await sleep(500); // anything the element would still do with that answer
      assert.equal(page.url(), shopUrl, 'the shop tab stayed on the shop');
      assert.equal(navigations, 0, 'no navigation of the shop tab');
      assert.equal(context.pages().length, 1, 'no checkout window left');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { created?: string[] }).created ?? []), [], 'no pay-link-created for a closed checkout');

      // Next click, at full speed: the same purchase, so the same key and the same link.
      delay = 0;
      const again = page.waitForEvent('popup');
      const replayed = nextCreated(page, 'chai-tin');
      await button(page, 'chai-tin').locator('[part="button"]').click();
      const checkout = await again;
      await checkout.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      const [firstId, secondId] = await Promise.all(minted);
      assert.equal(keys.length, 2);
      assert.ok(keys[0], 'the mint carries an Idempotency-Key');
      assert.equal(keys[1], keys[0], 'the same Idempotency-Key');
      assert.equal(secondId, firstId, 'the proxy replayed the same link');
      assert.equal(await replayed, firstId, 'pay-link-created names that link');
      assert.equal(navigations, 0, 'the shop tab never navigated');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('phone, redirect flow → pay → back: the paid element is in the viewport and focused on its status', async () => {
    const { page, context, problems } = await openShop(PHONE);
    try {
      const product = 'workshop-seat';
      await button(page, product).locator('[part="button"]').tap();
      await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
      // Paid in this very tab: the provider sends the buyer back to the shop, which loads at its top.
      await page.getByRole('button', { name: /^Pay\b/ }).first().tap();
      await page.waitForURL((url) => url.origin === stack.demoUrl && url.searchParams.has('pay_link_id'), { timeout: 10_000 });
      await waitForStatus(page, product, 'paid');
      const where = await button(page, product).evaluate((el) => {
        const box = el.getBoundingClientRect();
        const status = el.shadowRoot!.activeElement;
        return { top: box.top, bottom: box.bottom, offset: box.top + scrollY, height: innerHeight, focused: document.activeElement === el, part: status?.getAttribute('part') ?? null, text: status?.textContent ?? '' };
      });
      assert.ok(where.offset > where.height, `the button sits below the first screen (${where.offset} px), so bringing it back matters`);
      assert.ok(where.top >= 0 && where.bottom <= where.height, `in the viewport (top ${where.top}, bottom ${where.bottom})`);
      assert.equal(where.focused, true, 'focus is in the element');
      assert.equal(where.part, 'status', 'on its status line');
      assert.match(where.text, /^Paid ✓/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('phone, PayEngine (its checkout cannot send the buyer back): a new tab, the shop tab stays and turns Paid', async () => {
    const { page, context, problems } = await openShop(PHONE);
    try {
      const shopUrl = page.url();
      const product = 'online-class';
      const opened = page.waitForEvent('popup', { timeout: 10_000 });
      await button(page, product).locator('[part="button"]').tap();
      const tab = await opened;
      await tab.getByRole('button', { name: /^Pay\b/ }).first().waitFor({ timeout: 10_000 });
      assert.equal(page.url(), shopUrl, 'the shop tab did not go to the checkout');
      assert.equal(new URL(tab.url()).origin, stack.simulatorUrl, 'the checkout is in the new tab');
      const closed = tab.waitForEvent('close', { timeout: 10_000 });
      await tab.getByRole('button', { name: /^Pay\b/ }).first().tap();
      // The buyer is never left on "Payment successful — you can close this window" with no way back: the shop tab
      // is where it was, turns Paid, and closes the tab it opened.
      await waitForStatus(page, product, 'paid');
      await closed;
      assert.equal(page.url(), shopUrl);
      assert.deepEqual(context.pages().map((p) => p.url()), [shopUrl]);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("phone, Instagram's in-app browser (window.open → null): straight to a same-tab redirect, no popup attempted", async () => {
    const context = await browser.newContext({ ...PHONE, userAgent: INSTAGRAM_UA });
    const problems: string[] = [];
    try {
      let opens = 0;
      await context.exposeBinding('recordOpen', () => void opens++);
      // As Instagram's webview does: window.open gives nothing back
      await context.addInitScript(() => {
        window.open = () => ((window as unknown as { recordOpen(): void }).recordOpen(), null);
      });
      const page = await context.newPage();
      recordProblems(page, problems);
      let popups = 0;
      context.on('page', () => popups++);
      await page.goto(`${stack.demoUrl}/`);
      await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
      // The events are read from the shop page itself, not through a binding: a binding call made as the page
      // unloads can be lost (it was, once in CI). The checkout's navigation is seen at the network and stopped there,
      // so the shop page that fired the events is still the one to read them from.
      await page.evaluate(() => {
        const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
        for (const type of ['pay-link-blocked', 'pay-link-opened']) document.addEventListener(type, () => seen.push(type));
      });
      const checkout = /\/razorpay\/i\//;
      await page.route(checkout, (route) => route.abort('aborted'));
      const navigated = page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && checkout.test(r.url()), { timeout: 10_000 });
      await button(page, 'chai-tin').locator('[part="button"]').tap();
      assert.match((await navigated).url(), checkout, 'this tab went to the checkout');
      const events = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      assert.deepEqual(events, ['pay-link-opened'], 'opened in this tab, never blocked: nothing was tried');
      assert.equal(opens, 0, 'window.open was never called');
      assert.equal(popups, 0, 'no popup page');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('phone, a merchant mistake: a short buyer message, no Retry, the detail as a console warning; Indonesian with its add-on', async () => {
    // A merchant's page with two mistakes (an unknown product, a quantity over the catalog's bound), under a strict
    // CSP; the Indonesian one loads its add-on, as localize.ts documents.
    const context = await browser.newContext(PHONE);
    const problems: string[] = [];
    const consoleLines: { type: string; text: string }[] = [];
    const requested: string[] = [];
    try {
      const page = await context.newPage();
      recordProblems(page, problems);
      page.on('console', (msg) => consoleLines.push({ type: msg.type(), text: msg.text() }));
      page.on('request', (request) => requested.push(request.url()));

      for (const lang of ['en', 'id'] as const) {
        problems.length = 0;
        consoleLines.length = 0;
        requested.length = 0;
        await page.goto(`${mistakesUrl}/mistakes-${lang}.html`);
        await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
        const details: string[] = [];
        for (const [product, code] of [['no-such-product', 'unknown_product'], ['chai-tin', 'invalid_request']] as const) {
          const el = button(page, product);
          await el.locator('[part="button"]').tap();
          await waitForStatus(page, product, 'error');
          assert.equal(await el.evaluate((e) => (e as unknown as { errorCode: string }).errorCode), code);
          const message = el.locator('[part="error"]');
          const expected = lang === 'en' ? EN.unavailable : ID_UNAVAILABLE;
          // The generic "Something went wrong." first, until the problem messages are there (en.js on demand).
          await message.filter({ hasText: expected }).waitFor({ timeout: 5_000 });
          const text = (await message.textContent()) ?? '';
          assert.equal(text, expected);
          // No Retry, and no main button at all: retrying cannot help a merchant's mistake.
          assert.equal(await el.locator('[part="button"]').count(), 0, `${product}: no Retry`);
          assert.equal(await el.getByRole('button', { name: /retry|coba lagi/i }).count(), 0);
          const warning = consoleLines.find((l) => l.type === 'warning' && l.text.includes(code));
          assert.ok(warning, `${product}: the detail is a console warning (${JSON.stringify(consoleLines)})`);
          const detail = warning.text.replace(/^pay-link-button: \S+ /, '');
          assert.ok(detail.length > 0, 'the warning carries the proxy detail');
          details.push(detail);
          assert.ok(!text.includes(detail), 'the buyer does not read the proxy detail');
          assert.doesNotMatch(text, /expected|too big|quantity|product|unknown|invalid|<=|_/i, 'no validator wording');
        }
        assert.equal(new Set(details).size, 2, 'each mistake has its own detail for the developer');
        // Console errors: only Chromium's own line for the 4xx answers; HTTP failures: only the two mints.
        assert.deepEqual(consoleLines.filter((l) => l.type === 'error' && !/^Failed to load resource/.test(l.text)), []);
        assert.deepEqual(
          problems.filter((p) => !p.startsWith(`HTTP 4`) || !p.endsWith(`${stack.proxyUrl}/v1/links`)),
          [],
        );
        assert.equal(problems.length, 2, 'the two refused mints');
        const enJs = requested.filter((url) => url === `${stack.proxyUrl}/translations/en.js`);
        if (lang === 'en') assert.equal(enJs.length, 1, 'translations/en.js was loaded on demand, once');
        else assert.equal(enJs.length, 0, 'the Indonesian add-on has its own problem messages: no en.js');
      }
    } finally {
      await context.close();
    }
  });
});

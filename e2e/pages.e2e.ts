/**
 * The pages buyers land on — the invoice pay page (`/pay/<intent>`) and the buy page (`/buy/<product>`) — paid
 * through the simulated Razorpay checkout as a buyer would: on phones (iPhone-class 375×667 and Android-class
 * 412×915, touch, a mobile user agent, so the checkout is a same-tab redirect) and on a 1440 px desktop (a popup),
 * in the light and the dark scheme; then the receipt they link to (`/receipts/<link id>`), on screen and printed to
 * A4, and the pages in other languages (`?lang=`, `Accept-Language`).
 *
 * At every step the page's status row, its receipt and the button must agree. "Every step" is checked in the page
 * itself: an init script compares them on every animation frame and right after every `pay-link-status` event, and
 * reports any frame where they disagree. Also: no horizontal scroll from 320 px to 1440 px, one accessible name per
 * control, the paid state announced once (by the element's status line, the one live region), WCAG AA per axe
 * (when axe-core is in node_modules), and screenshots of each state at 375 px (`pay-page-375-<scheme>-<state>.png`,
 * `buy-page-375-…`, `receipt-375-<scheme>.png`; into docs/img/ with `PAY_LINK_SCREENSHOTS=docs`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page, devices } from 'playwright-core';
import { signIntent } from '@pay-link/proxy';
import { STATUS_TEXT } from '../packages/proxy/src/pages/payment-status.ts';
import { DEMO_INTENT_SECRET, type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';
import { openCheckout, pageFacts, payButton, payInCheckout, settled, waitForStatus } from './pay-page.ts';

const root = join(import.meta.dirname, '..');
/**
 * Where the 375 px screenshots go: test-results/ on every run, docs/img/ when asked (`PAY_LINK_SCREENSHOTS=docs`),
 * so a test run does not rewrite the documentation's pictures (each run has new ids and times in them).
 */
const IMG = join(root, ...(process.env.PAY_LINK_SCREENSHOTS === 'docs' ? ['docs', 'img'] : ['test-results']));
mkdirSync(IMG, { recursive: true });

type Device = 'phone' | 'android' | 'desktop';
type Scheme = 'light' | 'dark';

const { defaultBrowserType: _webkit, ...iPhone8 } = devices['iPhone 8']!;
const { defaultBrowserType: _chromium, ...pixel7 } = devices['Pixel 7']!;
const DEVICES: Record<Device, BrowserContextOptions> = {
  // 375×667 at 2x, touch, iOS Safari's user agent: the widget's `auto` presentation redirects the tab here.
  phone: { ...iPhone8, locale: 'en-IN', timezoneId: 'Asia/Kolkata' },
  // 412×915 (a Pixel 7's whole screen), touch, Chrome for Android's user agent: a redirect too.
  android: { ...pixel7, viewport: { width: 412, height: 915 }, screen: { width: 412, height: 915 }, locale: 'en-SG', timezoneId: 'Asia/Singapore' },
  desktop: { viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'America/New_York' },
};

/** axe-core, if some package already brought it (the widget's tests do); nothing is installed for this. */
const AXE = (() => {
  const store = join(root, 'node_modules', '.pnpm');
  const dir = existsSync(store) ? readdirSync(store).find((name) => name.startsWith('axe-core@')) : undefined;
  const file = dir && join(store, dir, 'node_modules', 'axe-core', 'axe.min.js');
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
})();

/**
 * Runs in every page: compares the button (its `status` attribute, its status line, its `link`) with the page's
 * status row and receipt on every frame and after every status event, and reports each disagreement once, and
 * each new text of the button's live status line (what a screen reader would announce).
 */
const WATCHER = `(() => {
  if (window.top !== window) return;
  const TEXT = ${JSON.stringify(STATUS_TEXT)};
  let lastLine = '';
  let lastProblem = null;
  const report = (kind, detail) => window.__pagesReport && window.__pagesReport(kind, detail);
  const check = () => {
    const el = document.querySelector('pay-link-button');
    const facts = document.querySelector('dl[data-live-status]');
    if (!el || !facts || !el.shadowRoot || !customElements.get('pay-link-button')) return;
    const status = el.getAttribute('status');
    const row = facts.querySelector('[data-row="status"] dd').textContent;
    const receipt = facts.querySelector('[data-row="receipt"]');
    const receiptId = receipt.querySelector('code').textContent;
    const line = (el.shadowRoot.querySelector('[part=status]') || {}).textContent || '';
    const main = el.shadowRoot.querySelector('[part=button]');
    const offersPay = !!main && !main.hasAttribute('aria-busy');
    const link = el.link;
    let problem = null;
    if (status === 'paid') {
      const amount = line.replace(/^Paid ✓\\s*/, '');
      if (row !== TEXT.paid.replace('{paid}', amount)) problem = 'the row does not say "Paid ' + amount + '"';
      else if (receipt.hidden || !link || receiptId !== link.id) problem = 'no receipt for ' + (link && link.id);
    } else if (status === 'partially_paid') {
      if (!row.startsWith('Partly paid')) problem = 'the row does not say partly paid';
    } else if (Object.hasOwn(TEXT, status)) {
      if (row !== TEXT[status]) problem = 'the row does not say ' + status;
    }
    if (!problem && status !== 'paid' && (!receipt.hidden || row.startsWith('Paid')) && offersPay) problem = 'the rows say paid, the button offers to pay';
    if (!problem && status !== 'paid' && !receipt.hidden && Object.hasOwn(TEXT, status)) problem = 'a receipt for a link that is ' + status;
    if (problem && problem !== lastProblem) report('contradiction', status + ': ' + problem + ' | row "' + row + '" | line "' + line + '"');
    lastProblem = problem;
    if (line !== lastLine) {
      lastLine = line;
      if (line) report('announce', line);
    }
  };
  document.addEventListener('pay-link-status', () => queueMicrotask(check));
  const frame = () => {
    check();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

let stack: Stack;
let browser: Browser;
let references = 0;

before(async () => {
  stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
  contradictions: string[];
  announced: string[];
}

async function open(device: Device, scheme: Scheme): Promise<Session> {
  const context = await browser.newContext({ ...DEVICES[device], colorScheme: scheme });
  const session: Session = { context, page: await context.newPage(), problems: [], contradictions: [], announced: [] };
  await context.exposeBinding('__pagesReport', (_source, kind: string, detail: string) => {
    (kind === 'contradiction' ? session.contradictions : session.announced).push(detail);
  });
  await context.addInitScript(WATCHER);
  recordProblems(session.page, session.problems);
  context.on('page', (p) => recordProblems(p, session.problems));
  return session;
}

async function close(session: Session): Promise<void> {
  assert.deepEqual(session.contradictions, [], 'the status row, the receipt and the button agreed in every frame');
  assert.deepEqual(session.problems, [], 'no page errors, CSP violations or failed requests');
  await session.context.close();
}

/** A fresh invoice for the pay page: its own reference, so no earlier run's link answers for it. */
function invoiceUrl(value: number, description: string, reference = `INV-E2E-${Date.now().toString(36)}-${++references}`): string {
  const token = signIntent({ amount: { value, currency: 'INR' }, reference, description, expiresAt: new Date(Date.now() + 86_400_000) }, DEMO_INTENT_SECRET);
  return `${stack.proxyUrl}/pay/${token}`;
}

/** An invoice already paid (minted and paid at the simulated provider, no browser): its page shows the receipt. */
async function paidInvoiceUrl(value: number, description: string): Promise<string> {
  return (await paidInvoice(invoiceUrl(value, description))).url;
}

/** Mints a link for `url`'s intent (or for a product: `{ product, quantity }`), pays it at the simulated provider, and waits for paid. */
async function paidInvoice(url: string, mint: object = { intent: url.split('/pay/')[1] }): Promise<{ url: string; id: string }> {
  const minted = await fetch(`${stack.proxyUrl}/v1/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.proxyUrl },
    body: JSON.stringify(mint),
  });
  assert.equal(minted.status, 201);
  const { id, url: checkout } = (await minted.json()) as { id: string; url: string };
  const razorpay = stack.simulator.control.razorpay!;
  await razorpay.pay(razorpay.links().find((link) => link.short_url === checkout)!.id);
  for (let tries = 0; ; tries++) {
    const { status } = (await (await fetch(`${stack.proxyUrl}/v1/links/${id}`)).json()) as { status: string };
    if (status === 'paid') return { url, id };
    assert.ok(tries < 100, `the link is ${status} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Two frames, so the in-page watcher has looked at what the last step changed. */
const frames = (page: Page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/** No horizontal scroll, and the card inside the viewport. */
async function assertFits(page: Page, label: string): Promise<void> {
  const m = await page.evaluate(() => {
    const card = document.querySelector('main')!.getBoundingClientRect();
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, left: card.left, right: card.right };
  });
  assert.ok(m.scrollWidth <= m.innerWidth, `${label}: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}`);
  assert.ok(m.left >= 0 && m.right <= m.innerWidth, `${label}: the card spans ${m.left}–${m.right} in ${m.innerWidth}`);
}

/** axe's WCAG 2.x A and AA rules (colour contrast among them), in the page and the element's shadow root. */
async function assertAccessible(page: Page, label: string): Promise<void> {
  if (!AXE) return;
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: unknown; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return JSON.stringify(result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => [n.target, n.failureSummary]) })));
  });
  assert.deepEqual(JSON.parse(violations), [], `${label}: axe violations`);
}

/**
 * Every button the page offers, by accessible name (the element's shadow DOM included). Chromium puts a space
 * before the element's visually hidden ", ₹998.00" part ("Reopen checkout , ₹998.00"); that space is dropped here.
 */
async function buttonNames(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return [...tree.matchAll(/- button "([^"]*)"/g)].map((m) => m[1]!.replace(/ ,/g, ','));
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(IMG, `${name}.png`), fullPage: true });

/** The light DOM has no live region of its own: the element's status line is the one that announces. */
async function assertOneLiveRegion(page: Page): Promise<void> {
  // document.querySelectorAll stays in the light DOM (a locator would pierce the element's shadow root).
  assert.equal(await page.evaluate(() => document.querySelectorAll('[aria-live], [role=status], [role=alert]').length), 0);
  assert.equal(await payButton(page).locator('[role=status][aria-live=polite]').count(), 1);
}

/**
 * One buyer, one page, paid: the page before, while waiting, and paid; then again on reload. On the phone the
 * checkout takes the tab: the buyer goes there, comes back with the browser's Back (the page is waiting), goes
 * again with "Reopen checkout", and pays; the provider returns them to the page.
 */
async function payThrough(kind: 'pay' | 'buy', device: Device, scheme: Scheme): Promise<void> {
  const session = await open(device, scheme);
  const { page } = session;
  const url = kind === 'pay' ? invoiceUrl(1250000, 'Tea tasting for 12, 14 December') : `${stack.proxyUrl}/buy/chai-tin?quantity=2`;
  const amount = kind === 'pay' ? '₹12,500.00' : '₹998.00';
  const name = `${kind}-page-375-${scheme}`;
  const label = `${kind} page, ${device}, ${scheme}`;
  const phone = device !== 'desktop';
  // Screenshots at 375 px only, the iPhone-class phone.
  const screenshots = device === 'phone';

  await page.goto(url);
  await settled(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.title(), kind === 'pay' ? 'Pay Leaf & Kettle — Tea tasting for 12, 14 December' : `Buy Masala chai tin, 250 g × 2 — ${amount}`);
  assert.equal(await page.locator('.merchant-name').textContent(), 'Leaf & Kettle');
  assert.equal(await payButton(page).getAttribute('lang'), 'en');
  assert.equal(await page.locator('[data-receipt-link]').isVisible(), false, 'no receipt link before payment');
  assert.equal((await pageFacts(page)).Status, STATUS_TEXT.none);
  // One name per control, the amount in it once: the element names its own button.
  // A product button shows its catalog price before the click too (the widget's extras.js)
  assert.deepEqual(await buttonNames(page), [`Pay ${amount}`]);
  await assertOneLiveRegion(page);
  await assertFits(page, `${label}, unpaid`);
  await assertAccessible(page, `${label}, unpaid`);
  if (screenshots) await shoot(page, `${name}-unpaid`);

  let popup: Page | undefined;
  if (phone) {
    await payButton(page).locator('[part=button]').tap();
    await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    await page.goBack();
    await page.waitForURL((u) => u.href === url);
  } else {
    popup = await openCheckout(page);
  }
  await waitForStatus(page, 'pending');
  await frames(page);
  assert.equal((await pageFacts(page)).Status, STATUS_TEXT.pending);
  // On a desktop, the waiting link can also be paid on a phone (its QR code)
  assert.deepEqual(await buttonNames(page), [`Reopen checkout, ${amount}`, 'Check again', ...(phone ? [] : ['Pay on your phone'])]);
  await assertFits(page, `${label}, pending`);
  await assertAccessible(page, `${label}, pending`);
  if (screenshots) await shoot(page, `${name}-pending`);

  if (phone) {
    await payButton(page).locator('[part=button]').tap();
    await page.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
    await page.getByRole('button', { name: /^Pay\b/ }).first().tap();
    await page.waitForURL((u) => u.origin === stack.proxyUrl && u.searchParams.has('pay_link_id'), { timeout: 10_000 });
  } else {
    await payInCheckout(popup!);
  }
  await waitForStatus(page, 'paid');
  await frames(page);
  const linkId = await payButton(page).evaluate((el) => (el as unknown as { link: { id: string } }).link.id);
  const paid = await pageFacts(page);
  assert.equal(paid.Status, `Paid ${amount}`);
  assert.equal(paid.Receipt, linkId);
  assert.equal(paid.Due, undefined);
  // The buyer's own zone first, then UTC: IST on the phone (en-IN, Asia/Kolkata), EST/EDT on the desktop.
  const zone = { phone: /(IST|GMT\+5:30)\n\(.+ UTC\)$/, android: /(SGT|GMT\+8)\n\(.+ UTC\)$/, desktop: /(EST|EDT|GMT-[45])\n\(.+ UTC\)$/ }[device];
  assert.match(paid['Paid at']!, zone);
  // The paid state links to the printable receipt of this very link.
  assert.equal(await page.locator('[data-receipt-link] a').getAttribute('href'), `/receipts/${linkId}`);
  assert.ok(await page.locator('[data-receipt-link] a').isVisible());
  assert.equal(await page.locator('[data-eyebrow]').textContent(), 'Receipt');
  assert.match(await page.title(), /^Paid: /);
  assert.deepEqual(await buttonNames(page), [], 'nothing left to pay');
  assert.match((await payButton(page).locator('[part=status]').textContent()) ?? '', new RegExp(`^Paid ✓ ${amount.replace(/[.$]/g, '\\$&')}$`));
  assert.equal(session.announced.filter((line) => line.startsWith('Paid')).length, 1, `announced once: ${session.announced.join(' / ')}`);
  await assertFits(page, `${label}, paid`);
  await assertAccessible(page, `${label}, paid`);
  if (screenshots) await shoot(page, `${name}-paid`);

  // Back later: the server renders the receipt the page showed live, word for word (the buy page only when the
  // URL names the link, as after a redirect; a plain /buy URL is a fresh purchase).
  if (kind === 'pay' || phone) {
    await page.reload();
    await settled(page);
    await frames(page);
    assert.deepEqual(await pageFacts(page), paid);
    assert.equal(await payButton(page).getAttribute('status'), 'paid');
  }

  // The receipt it links to: the same id, amount and time, and nothing to pay.
  await page.locator('[data-receipt-link] a').click();
  await page.waitForURL(`${stack.proxyUrl}/receipts/${linkId}`);
  const receipt = await pageFacts(page);
  assert.equal(receipt.Receipt, linkId);
  assert.equal(receipt.Amount, amount);
  assert.equal(receipt['Paid at'], paid['Paid at']);
  assert.equal(receipt['Paid with'], 'Razorpay');
  assert.match(receipt['Payment ref.'] ?? '', /^plink_/);
  await assertFits(page, `${label}, receipt`);
  await assertAccessible(page, `${label}, receipt`);
  await close(session);
}

describe('the pay page and the buy page, paid by a buyer in Chromium', () => {
  for (const kind of ['pay', 'buy'] as const) {
    for (const device of ['phone', 'android', 'desktop'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const size = { phone: '375×667 touch', android: '412×915 touch', desktop: '1440 px' }[device];
        it(`${kind} page, ${size}, ${scheme}: the rows, the receipt and the button agree at every step`, () =>
          payThrough(kind, device, scheme));
      }
    }
  }
});

describe('the pages from 320 px to 1440 px', () => {
  it('never scroll sideways: long descriptions and references, the receipt, quantities, the error pages', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const problems: string[] = [];
    recordProblems(page, problems);
    const long = invoiceUrl(123456789, 'Quarterly retainer for brand, packaging and the Darjeeling-first-flush-launch-campaign-2026 microsite', 'INV/2026/Q4/retainer-0000000000000000');
    const paidOne = await paidInvoice(invoiceUrl(250000, 'Paid invoice: the receipt rows at every width'));
    const paid = paidOne.url;
    const receipt = `${stack.proxyUrl}/receipts/${paidOne.id}`;
    const pages = [long, paid, receipt, `${stack.proxyUrl}/buy/export-crate?quantity=100`, `${stack.proxyUrl}/buy/bali-kopi`];
    for (const url of pages) {
      await page.goto(url);
      if (url !== receipt) await settled(page);
      if (url === paid) assert.match((await pageFacts(page)).Receipt ?? '', /^pl_/, 'the receipt is among the rows measured');
      for (const width of [320, 360, 375, 412, 768, 1024, 1440]) {
        await page.setViewportSize({ width, height: 800 });
        await assertFits(page, `${url} at ${width} px`);
      }
      await page.setViewportSize({ width: 320, height: 640 });
    }
    for (const [url, status] of [
      [`${stack.proxyUrl}/buy/chai-tin?quantity=500`, 400],
      [`${stack.proxyUrl}/buy/no-such-thing`, 404],
      [`${stack.proxyUrl}/receipts/pl_AAAAAAAAAAAAAAAAAAAAAA`, 404],
    ] as const) {
      const response = await page.goto(url);
      assert.equal(response?.status(), status);
      await assertFits(page, `${url} at 320 px`);
      await assertAccessible(page, url);
    }
    await context.close();
    // The 400 and 404 above are the pages under test, not failures.
    assert.deepEqual(problems.filter((p) => !/^HTTP (400|404) .*\/(buy|receipts)\//.test(p)), []);
  });
});

/** The pay page as a phone shows it, in a language picked by the URL or by the browser's languages. */
async function openIn(url: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ ...DEVICES.phone, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  recordProblems(page, problems);
  await page.goto(url);
  await settled(page);
  return { context, page, problems };
}

/** `Intl`'s way of writing an amount in a language, worked out here rather than written down. */
const inr = (value: number, lang: string) =>
  new Intl.NumberFormat(lang, { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value / 100);

describe('the pages in the buyer\'s language', () => {
  for (const [lang, words] of [
    ['hi', { status: 'अभी भुगतान नहीं हुआ', amount: 'राशि', eyebrow: 'भुगतान अनुरोध', title: 'Leaf & Kettle को भुगतान करें — Chai for the office', pay: /का भुगतान करें$/ }],
    ['id', { status: 'Belum dibayar', amount: 'Jumlah', eyebrow: 'Permintaan pembayaran', title: 'Bayar Leaf & Kettle — Chai for the office', pay: /^Bayar / }],
  ] as const) {
    it(`?lang=${lang}: translated words, <html lang>, the button in ${lang}, amounts as ${lang} writes them`, async () => {
      // ₹1,25,00,000.00 in Hindi (lakh and crore grouping), Rs 12.500.000,00 in Indonesian, ₹12,500,000.00 in English.
      const value = 1250000000;
      const { context, page, problems } = await openIn(`${invoiceUrl(value, 'Chai for the office')}?lang=${lang}`);
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      assert.equal(await page.title(), words.title);
      const facts = await pageFacts(page);
      assert.equal(facts[words.amount], inr(value, lang));
      assert.notEqual(inr(value, lang), inr(value, 'en'), `${lang} writes ₹12,500,000.00 its own way`);
      assert.equal(Object.values(facts).at(-1), words.status);
      assert.equal(await page.locator('[data-eyebrow]').textContent(), words.eyebrow);
      assert.equal(await payButton(page).getAttribute('lang'), lang);
      // The button speaks it too (the widget's own words, from its add-on file), with the amount written the same way.
      const spaces = (text: string) => text.replace(/\s+/g, ' ');
      const [name] = await buttonNames(page);
      assert.ok(spaces(name!).includes(spaces(inr(value, lang))), `the button names ${inr(value, lang)}: ${name}`);
      assert.match(name!, words.pay);
      await assertFits(page, `pay page in ${lang}`);
      await assertAccessible(page, `pay page in ${lang}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it('Accept-Language: th without ?lang picks Thai', async () => {
    const { context, page, problems } = await openIn(invoiceUrl(99900, 'Darjeeling sampler'), { locale: 'th-TH', extraHTTPHeaders: { 'accept-language': 'th-TH,th;q=0.9,en;q=0.5' } });
    assert.equal(await page.locator('html').getAttribute('lang'), 'th');
    assert.equal(await page.title(), 'ชำระเงินให้ Leaf & Kettle — Darjeeling sampler');
    assert.equal((await pageFacts(page))['สถานะ'], 'ยังไม่ได้ชำระ');
    await assertAccessible(page, 'pay page in th');
    assert.deepEqual(problems, []);
    await context.close();
  });
});

/** Pages in a PDF: its page objects (`/Type /Page`, not `/Pages`), and the page tree's own count, which must agree. */
function pdfPageCount(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((m) => Number(m[1] ?? m[2]));
  assert.ok(counts.length > 0, 'the PDF has a page tree with a count');
  assert.equal(Math.max(...counts), pages, 'page objects and the page tree agree');
  return pages;
}

describe('the receipt', () => {
  it('shows who was paid, for what, how much and when, and prints to exactly one A4 page (light and dark, 375 px)', async () => {
    const customer = { name: 'Asha Rao', email: 'asha.rao@example.com', contact: '+91 98765 43210' };
    const reference = `INV-E2E-R-${Date.now().toString(36)}`;
    const token = signIntent(
      { amount: { value: 1250000, currency: 'INR' }, reference, description: 'Tea tasting for 12, 14 December', customer, expiresAt: new Date(Date.now() + 86_400_000) },
      DEMO_INTENT_SECRET,
    );
    const invoice = await paidInvoice(`${stack.proxyUrl}/pay/${token}`);
    const purchase = await paidInvoice('', { product: 'chai-tin', quantity: 3 });
    for (const scheme of ['light', 'dark'] as const) {
      for (const [which, id] of [['invoice', invoice.id], ['purchase', purchase.id]] as const) {
        const context = await browser.newContext({ ...DEVICES.phone, colorScheme: scheme });
        const page = await context.newPage();
        const problems: string[] = [];
        recordProblems(page, problems);
        const response = await page.goto(`${stack.proxyUrl}/receipts/${id}`);
        assert.equal(response?.status(), 200);
        const facts = await pageFacts(page);
        assert.equal(facts.Receipt, id, 'the receipt id is the link id');
        assert.equal(await page.locator('.merchant-name').textContent(), 'Leaf & Kettle');
        assert.match(facts['Paid at'] ?? '', /(IST|GMT\+5:30)\n\(.+ UTC\)$/, 'the buyer\'s zone, then UTC');
        if (which === 'invoice') {
          assert.equal(facts.Amount, '₹12,500.00');
          assert.equal(facts.Reference, reference);
          assert.equal(facts['Billed to'], 'Asha Rao · a•••@example.com · ••••••••3210');
          assert.equal(await page.locator('h1').textContent(), 'Tea tasting for 12, 14 December');
        } else {
          assert.equal(facts.Amount, '₹1,497.00');
          assert.match((await page.locator('table.items').innerText()).replace(/\s+/g, ' '), /Masala chai tin, 250 g 3 × ₹499\.00 ₹1,497\.00/);
        }
        assert.ok(!(await page.content()).includes('asha.rao@'), 'the email is never shown in full');
        assert.ok(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible(), '/pay.js turned the print button on');
        await assertFits(page, `receipt, ${which}, ${scheme}`);
        await assertAccessible(page, `receipt, ${which}, ${scheme}`);
        if (which === 'invoice') await shoot(page, `receipt-375-${scheme}`);

        // What "Save as PDF" prints: the DOM under print media has the facts and no button, then one A4 page.
        await page.emulateMedia({ media: 'print' });
        const printed = await page.evaluate(() => document.body.innerText);
        for (const part of ['Leaf & Kettle', facts.Amount!, id]) assert.ok(printed.includes(part), `the printed receipt shows ${part}`);
        assert.equal(await page.locator('button[data-print]').isVisible(), false, 'no button on paper');
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        assert.equal(pdfPageCount(pdf), 1, `receipt (${which}, ${scheme}) prints to one A4 page`);
        if (which === 'invoice' && scheme === 'light') {
          await page.setViewportSize({ width: 794, height: 1123 });
          await page.screenshot({ path: join(IMG, 'receipt-print-a4.png') });
        }
        assert.deepEqual(problems, []);
        await context.close();
      }
    }
  });

  it('an unpaid link has no receipt yet; an unknown id is a 404 page', async () => {
    const context = await browser.newContext(DEVICES.phone);
    const page = await context.newPage();
    const minted = await fetch(`${stack.proxyUrl}/v1/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.proxyUrl },
      body: JSON.stringify({ product: 'chai-tin' }),
    });
    const { id } = (await minted.json()) as { id: string };
    let response = await page.goto(`${stack.proxyUrl}/receipts/${id}`);
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').textContent(), 'This payment has no receipt yet');
    await page.getByRole('link', { name: 'Go to the payment page' }).click();
    await page.waitForURL(`${stack.proxyUrl}/buy/chai-tin`);
    response = await page.goto(`${stack.proxyUrl}/receipts/pl_AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').textContent(), 'There is no such receipt');
    await assertAccessible(page, 'receipt 404');
    await context.close();
  });
});

/**
 * The buyer-facing pages over real HTTP: the buy page per catalog product (`GET /buy/:product`) and the invoice
 * pay page (`GET /pay/:intent`), with the stylesheet and script they share. Status codes, HTML on every answer a
 * buyer can meet, the CSP, the quantity bounds, escaping of merchant text, and the status rows the server renders
 * for each state (the browser side of them is `e2e/pages.e2e.ts`). Every exchange is checked against the OpenAPI
 * document on the way (`openapi-conformance.ts`).
 */
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import { signIntent } from '../src/links/intent.ts';
import { openApiDocument } from '../src/openapi.ts';
import { STATUS_TEXT } from '../src/pages/payment-status.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';
import { createConformance } from './openapi-conformance.ts';

const INTENT_SECRET = 'intent_secret_0123456789abcdef0123456789';
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Merchant text that would run or break out of an attribute if it reached the page unescaped. */
const HOSTILE = {
  name: `<script>alert("name")</script> & 'Tea' "tin"`,
  description: '<img src=x onerror=alert(1)> </p><p onclick="x">',
};

const msw = createMockServer();
const conformance = createConformance(openApiDocument);
let proxy: RunningProxy;

before(async () => {
  const base = testConfig({ PAY_LINK_INTENT_SECRET: INTENT_SECRET, PAY_LINK_TEST_MODE: 'true' });
  proxy = await startTestProxy({
    ...base,
    products: [
      ...base.products,
      { id: 'evil', name: HOSTILE.name, description: HOSTILE.description, amount: { value: 100, currency: 'INR' }, provider: 'razorpay', providers: ['razorpay'] },
      { id: 'dear', name: 'Very dear', description: null, amount: { value: Number.MAX_SAFE_INTEGER - 1, currency: 'INR' }, provider: 'razorpay', providers: ['razorpay'] },
    ],
  });
});
after(async () => {
  await proxy.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

/** A page as a buyer's browser gets it, checked against the document. */
async function get(path: string) {
  const res = await conformance.fetch(proxy.url, path);
  return { res, html: res.text };
}

/** The `<dt>` → `<dd>` text of the rows a page shows (hidden groups left out), tags stripped. */
function shownFacts(html: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const [, attrs, dt, dd] of html.matchAll(/<div data-row="[\w-]+"([^>]*)><dt>(.*?)<\/dt><dd[^>]*>(.*?)<\/dd><\/div>/g)) {
    if (!/\bhidden\b/.test(attrs!)) facts[dt!] = dd!.replace(/<[^>]+>/g, '');
  }
  return facts;
}

const title = (html: string) => /<title>(.*?)<\/title>/.exec(html)?.[1];
const button = (html: string) => /<pay-link-button [^>]*><\/pay-link-button>/.exec(html)?.[0] ?? '';

describe('GET /buy/:product', () => {
  it('shows the product, its price and a button for it, under the pages\' CSP', async () => {
    const { res, html } = await get('/buy/book');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), PAGE_CSP);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.equal(title(html), 'Buy A good book — ₹1,200.00');
    assert.match(html, /<h1>A good book<\/h1>/);
    assert.match(html, /<p class="description">Hardcover<\/p>/);
    assert.deepEqual(shownFacts(html), { Price: '₹1,200.00', Status: STATUS_TEXT.none });
    assert.equal(button(html), '<pay-link-button product="book" quantity="1" proxy="http://proxy.test" lang="en"></pay-link-button>');
    assert.doesNotMatch(button(html), /label=/, 'the element says "Pay" itself: one accessible name, no amount twice');
    // Only the proxy's own files, and nothing inline for the CSP to refuse.
    assert.match(html, /<script type="module" src="\/pay-link-button\.js"><\/script>/);
    assert.match(html, /<script src="\/pay\.js" defer><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="\/pay\.css">/);
    assert.equal([...html.matchAll(/<script\b[^>]*>(?!<\/script>)/g)].length, 0, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
    assert.match(html, /<span class="badge">test mode<\/span>/);
  });

  it('buys several with ?quantity= (the total is what a mint charges), from 1 to 100', async () => {
    const { html } = await get('/buy/tea?quantity=2');
    assert.equal(title(html), 'Buy Masala chai tin × 2 — ₹998.00');
    assert.deepEqual(shownFacts(html), { Price: '₹499.00 each', Quantity: '2', Total: '₹998.00', Status: STATUS_TEXT.none });
    assert.match(button(html), / quantity="2" /);
    assert.doesNotMatch(html, /class="description"/, 'no description, no empty paragraph');

    msw.use(...razorpayHandlers().handlers);
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea', quantity: 2 })).json()) as LinkView;
    assert.equal(minted.amount.value, 99800, 'the page showed what the mint charges');

    for (const quantity of ['1', '100', '007']) assert.equal((await get(`/buy/tea?quantity=${quantity}`)).res.status, 200, quantity);
  });

  it('answers a quantity out of bounds with a 400 page saying what is allowed', async () => {
    for (const quantity of ['0', '101', '-1', '1.5', '1e2', 'two', '', '%20', '99999', '1&quantity=2']) {
      const { res, html } = await get(`/buy/tea?quantity=${quantity}`);
      assert.equal(res.status, 400, quantity);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${quantity}: a page, not JSON`);
      assert.equal(res.headers.get('content-security-policy'), PAGE_CSP);
      assert.match(html, /<h1>That quantity cannot be bought here<\/h1>/);
      assert.match(html, /Masala chai tin can be bought 1 to 100 at a time\./);
      assert.match(html, /<a href="\/buy\/tea">Buy one instead<\/a>/);
      assert.doesNotMatch(html, /<pay-link-button/);
    }
    // A unit price that many times is more than money can hold here: refused the same way, not a 500.
    assert.equal((await get('/buy/dear?quantity=2')).res.status, 400);
  });

  it('answers an unknown product with a 404 page, and a broken path with a problem', async () => {
    for (const path of ['/buy/nope', '/buy/TEA', '/buy/tea.', `/buy/${'x'.repeat(300)}`, '/buy/%3Cscript%3E']) {
      const { res, html } = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('content-security-policy'), PAGE_CSP);
      assert.match(html, /<h1>This product is not available<\/h1>/);
      assert.doesNotMatch(html, /<script/);
    }
    const broken = await get('/buy/%ff');
    assert.equal(broken.res.status, 400);
    assert.match(broken.res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('escapes product names and descriptions wherever they appear', async () => {
    const { res, html } = await get('/buy/evil');
    assert.equal(res.status, 200);
    assert.ok(!html.includes('<script>alert'), 'no script from the name');
    assert.ok(!html.includes('<img'), 'no element from the description');
    assert.ok(!html.includes('onclick="'), 'no attribute from the description');
    const name = '&#60;script&#62;alert(&#34;name&#34;)&#60;/script&#62; &#38; &#39;Tea&#39; &#34;tin&#34;';
    assert.ok(html.includes(`<h1>${name}</h1>`));
    assert.equal(title(html), `Buy ${name} — ₹1.00`);
    assert.ok(html.includes('<p class="description">&#60;img src=x onerror=alert(1)&#62; &#60;/p&#62;&#60;p onclick=&#34;x&#34;&#62;</p>'));
    assert.ok(html.includes(`data-paid-title="Paid: ${name} — ₹1.00"`), 'escaped inside the attribute too');
    // And in the 400 page, which names the product.
    assert.ok((await get('/buy/evil?quantity=0')).html.includes(`<p>${name} can be bought 1 to 100 at a time.</p>`));
  });

  it('back from a same-tab checkout (?pay_link_id=), shows that purchase as it stands, and only that', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const mint = async (body: object) => (await (await postJson(`${proxy.url}/v1/links`, body)).json()) as LinkView;
    const paidLink = await mint({ product: 'book' });
    const providerId = [...rzp.links.keys()].at(-1)!;
    rzp.setStatus(providerId, 'paid', 120000);
    await proxy.proxy.links.refresh(paidLink.id);

    const { html } = await get(`/buy/book?pay_link_id=${paidLink.id}&pay_link_for=abc`);
    const facts = shownFacts(html);
    assert.equal(facts.Status, 'Paid ₹1,200.00');
    assert.equal(facts.Receipt, paidLink.id);
    assert.match(html, /class="paid">Paid ₹1,200\.00/);
    assert.match(html, /<span data-eyebrow="Receipt">Receipt<\/span>/);
    assert.equal(title(html), 'Paid: A good book — ₹1,200.00');

    // Another product's link, another quantity, an unknown or malformed id: the page as for a first visit.
    const other = await mint({ product: 'tea' });
    for (const path of [`/buy/book?pay_link_id=${other.id}`, `/buy/book?quantity=2&pay_link_id=${paidLink.id}`, '/buy/book?pay_link_id=pl_AAAAAAAAAAAAAAAAAAAAAA', '/buy/book?pay_link_id=%3Cb%3E']) {
      const page = await get(path);
      assert.equal(page.res.status, 200, path);
      assert.equal(shownFacts(page.html).Status, STATUS_TEXT.none, path);
      assert.ok(!page.html.includes('<b>'), path);
    }
  });
});

describe('GET /pay/:intent', () => {
  const token = (reference: string, value: number, description: string) =>
    signIntent({ amount: { value, currency: 'INR' }, reference, description, expiresAt: new Date(Date.now() + 86_400_000) }, INTENT_SECRET);

  it('titles the page with what and how much, lets the button name itself, and renders each state\'s rows', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const intent = token('INV-P-1', 480000, 'Office chai, <December>');
    let { res, html } = await get(`/pay/${intent}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-security-policy'), PAGE_CSP);
    assert.match(html, /<html lang="en">/);
    assert.equal(title(html), 'Pay Office chai, &#60;December&#62; — ₹4,800.00');
    assert.equal(button(html), `<pay-link-button intent="${intent}" proxy="http://proxy.test" lang="en"></pay-link-button>`);
    assert.deepEqual(shownFacts(html), { Reference: 'INV-P-1', Amount: '₹4,800.00', Status: 'Not paid yet' });
    assert.match(html, /<span data-eyebrow="Receipt">Payment request<\/span>/);

    const link = (await (await postJson(`${proxy.url}/v1/links`, { intent })).json()) as LinkView;
    const providerId = [...rzp.links.keys()].at(-1)!;
    assert.deepEqual(shownFacts((await get(`/pay/${intent}`)).html).Status, STATUS_TEXT.pending);

    rzp.setStatus(providerId, 'partially_paid', 100000);
    await proxy.proxy.links.refresh(link.id);
    assert.deepEqual(shownFacts((await get(`/pay/${intent}`)).html), {
      Reference: 'INV-P-1',
      Amount: '₹4,800.00',
      Status: 'Partly paid: ₹1,000.00 received',
      Due: '₹3,800.00',
    });

    rzp.setStatus(providerId, 'paid', 480000);
    await proxy.proxy.links.refresh(link.id);
    ({ html } = await get(`/pay/${intent}`));
    const facts = shownFacts(html);
    assert.equal(facts.Status, 'Paid ₹4,800.00');
    assert.equal(facts.Due, undefined, 'nothing is due');
    assert.equal(facts.Receipt, link.id);
    assert.ok(html.includes(`<dt>Receipt</dt><dd><code>${link.id}</code></dd>`));
    if (facts['Paid at'] !== undefined) {
      assert.match(facts['Paid at'], /^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
      assert.match(html, /<time datetime="\d{4}-\d{2}-\d{2}T[\d:.]+Z">/);
    }
    assert.match(html, /<span data-eyebrow="Receipt">Receipt<\/span>/);
    assert.equal(title(html), 'Paid: Office chai, &#60;December&#62; — ₹4,800.00');
  });

  it('answers an invalid or expired intent with a page, no button', async () => {
    const expired = signIntent({ amount: { value: 100, currency: 'INR' }, reference: 'INV-P-OLD', description: 'Old', expiresAt: new Date(Date.now() - 60_000) }, INTENT_SECRET);
    for (const [path, status, heading] of [
      [`/pay/${expired}`, 410, 'This payment request has expired'],
      ['/pay/pli1.forgedforgedforged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 404, 'This payment link is not valid'],
      ['/pay/nope', 404, 'This payment link is not valid'],
    ] as const) {
      const { res, html } = await get(path);
      assert.equal(res.status, status, path);
      assert.equal(res.headers.get('content-security-policy'), PAGE_CSP);
      assert.ok(html.includes(`<h1>${heading}</h1>`), path);
      assert.doesNotMatch(html, /<pay-link-button|<script/);
    }
  });
});

describe('the pages\' shared files', () => {
  it('serves the script: valid JavaScript, carrying the words the server renders', async () => {
    const { res, html: script } = await get('/pay.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^(text|application)\/javascript/);
    assert.doesNotThrow(() => new Script(script, { filename: 'pay.js' }));
    for (const words of Object.values(STATUS_TEXT)) assert.ok(script.includes(JSON.stringify(words)), words);
    assert.match(script, /addEventListener\('pay-link-status'/);
  });

  it('serves the stylesheet: border-box sizing, no fixed widths, a dark scheme', async () => {
    const { res, html: css } = await get('/pay.css');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(css, /^\*,\*::before,\*::after\{box-sizing:border-box\}/);
    assert.match(css, /@media \(prefers-color-scheme:dark\)/);
    assert.doesNotMatch(css, /width:\s*\d+px|opacity/, 'no pixel widths, no contrast lost to opacity');
  });
});

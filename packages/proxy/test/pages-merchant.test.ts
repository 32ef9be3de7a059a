/**
 * The buyer's pages as the merchant and the buyer configure them: the merchant's identity (name, logo under the
 * CSP, support address, brand colour), the seven languages (`?lang=`, `Accept-Language`, the merchant's
 * default), an intent's line items, and the receipt at `/receipts/<link id>` (paid, not paid, unknown). Over real
 * HTTP against a proxy with an in-memory store; Razorpay is mocked by msw. The browser side is
 * `e2e/pages.e2e.ts`.
 */
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import { signIntent } from '../src/links/intent.ts';
import { formatMoney } from '../src/money.ts';
import { chooseLang, PAGE_LANGS } from '../src/pages/languages.ts';
import { PAGE_CSP } from '../src/pages/layout.ts';
import { PAGE_STRINGS } from '../src/pages/translations.ts';
import { maskEmail, maskPhone } from '../src/routes/receipt-page.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const INTENT_SECRET = 'intent_secret_0123456789abcdef0123456789';
const msw = createMockServer();
let proxy: RunningProxy;
let plain: RunningProxy;

before(async () => {
  proxy = await startTestProxy(
    testConfig({
      PAY_LINK_INTENT_SECRET: INTENT_SECRET,
      PAY_LINK_MERCHANT_NAME: 'Leaf & Kettle',
      PAY_LINK_MERCHANT_LOGO_URL: 'https://cdn.leaf.example/logo.svg',
      PAY_LINK_MERCHANT_SUPPORT_EMAIL: 'help@leaf.example',
      PAY_LINK_MERCHANT_BRAND_COLOR: '#2F6B3A',
    }),
  );
  // No merchant identity but a default language and a logo on the proxy's own origin.
  plain = await startTestProxy(testConfig({ PAY_LINK_INTENT_SECRET: INTENT_SECRET, PAY_LINK_DEFAULT_LANG: 'es', PAY_LINK_MERCHANT_LOGO_URL: '/logo.svg' }));
});
after(async () => {
  await proxy.close();
  await plain.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

async function get(base: RunningProxy, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base.url}${path}`, { headers });
  return { res, html: await res.text() };
}
const title = (html: string) => /<title>(.*?)<\/title>/.exec(html)?.[1];
const lang = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];
function shownFacts(html: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const [, attrs, dt, dd] of html.matchAll(/<div data-row="[\w-]+"([^>]*)><dt>(.*?)<\/dt><dd[^>]*>(.*?)<\/dd><\/div>/g)) {
    if (!/\bhidden\b/.test(attrs!)) facts[dt!] = dd!.replace(/<[^>]+>/g, '');
  }
  return facts;
}
const intentToken = (reference: string, extra: Partial<Parameters<typeof signIntent>[0]> = {}) =>
  signIntent(
    { amount: { value: 1250000, currency: 'INR' }, reference, description: 'Tea tasting for 12', expiresAt: new Date(Date.now() + 86_400_000), ...extra },
    INTENT_SECRET,
  );

/** Mints the intent's link and has Razorpay report it paid. */
async function paidLink(intent: string): Promise<LinkView> {
  const rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  const link = (await (await postJson(`${proxy.url}/v1/links`, { intent })).json()) as LinkView;
  rzp.setStatus([...rzp.links.keys()].at(-1)!, 'paid', link.amount.value);
  await proxy.proxy.links.refresh(link.id);
  return link;
}

describe('choosing the language', () => {
  it('takes ?lang=, then Accept-Language by q-value, then the default', () => {
    assert.equal(chooseLang('hi', 'th', 'en'), 'hi');
    assert.equal(chooseLang('hi-IN', undefined, 'en'), 'hi');
    assert.equal(chooseLang('fr', 'th', 'en'), 'th', 'a language the pages do not speak is ignored');
    assert.equal(chooseLang(undefined, 'th-TH,th;q=0.9,en;q=0.5', 'en'), 'th');
    assert.equal(chooseLang(undefined, 'fr;q=1, en;q=0.2, vi;q=0.8', 'en'), 'vi', 'highest q first, not header order');
    assert.equal(chooseLang(undefined, 'id, ms', 'en'), 'id', 'equal q: the header order');
    assert.equal(chooseLang(undefined, 'th;q=0, es;q=0.1', 'en'), 'es', 'q=0 means not this one');
    assert.equal(chooseLang(undefined, '*, fr', 'ms'), 'ms');
    assert.equal(chooseLang(undefined, undefined, 'vi'), 'vi');
    assert.equal(chooseLang(['hi', 'th'], undefined, 'en'), 'en', 'a repeated ?lang= is not a choice');
  });

  it('has every word in every language, none left empty', () => {
    const shape = (value: unknown): unknown =>
      typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : typeof value;
    const empty = (value: unknown, path: string): string[] =>
      typeof value === 'string' ? (value.trim() ? [] : [path]) : typeof value === 'object' && value ? Object.entries(value).flatMap(([k, v]) => empty(v, `${path}.${k}`)) : [];
    for (const code of PAGE_LANGS) {
      assert.deepEqual(shape(PAGE_STRINGS[code]), shape(PAGE_STRINGS.en), code);
      assert.deepEqual(empty(PAGE_STRINGS[code], code), []);
      if (code !== 'en') assert.notEqual(PAGE_STRINGS[code].status.none, PAGE_STRINGS.en.status.none, `${code} is translated`);
    }
  });
});

describe('the pay page in the buyer\'s language, with the merchant\'s name', () => {
  it('?lang=hi: Hindi words, Hindi-formatted amounts, <html lang> and the button\'s lang; no Vary', async () => {
    const { res, html } = await get(proxy, `/pay/${intentToken('INV-L-HI')}?lang=hi`, { 'accept-language': 'th' });
    assert.equal(res.status, 200);
    assert.equal(lang(html), 'hi');
    assert.equal(res.headers.get('content-language'), 'hi');
    const t = PAGE_STRINGS.hi;
    const amount = formatMoney({ value: 1250000, currency: 'INR' }, 'hi');
    assert.equal(title(html), t.payTitle('Tea tasting for 12', amount, 'Leaf &#38; Kettle'.replace('&#38;', '&')).replace('&', '&#38;'));
    assert.deepEqual(shownFacts(html), { [t.rows.reference]: 'INV-L-HI', [t.rows.amount]: amount, [t.rows.status]: t.status.none });
    assert.match(html, / lang="hi"><\/pay-link-button>/);
    // The widget's Hindi is an add-on file, loaded before the element so its first render is Hindi too.
    assert.match(html, /<script type="module" src="\/translations\/hi\.js"><\/script>\n<script type="module" src="\/pay-link-button\.js">/);
    assert.equal((await get(proxy, '/translations/hi.js')).res.status, 200, 'the proxy serves it');
    assert.doesNotMatch(res.headers.get('vary') ?? '', /accept-language/i, 'the query decided: the header did not matter');
  });

  it('?lang=id: Indonesian words and amounts written the Indonesian way', async () => {
    const { html } = await get(proxy, `/pay/${intentToken('INV-L-ID')}?lang=id`);
    const amount = formatMoney({ value: 1250000, currency: 'INR' }, 'id');
    assert.match(amount, /12\.500,00/, 'Intl in id: dot thousands, comma decimals');
    assert.equal(lang(html), 'id');
    assert.equal(title(html), 'Bayar Leaf &#38; Kettle — Tea tasting for 12');
    assert.equal(shownFacts(html).Jumlah, amount);
    assert.equal(shownFacts(html).Status, 'Belum dibayar');
  });

  it('Accept-Language: th without ?lang picks Thai and says the answer varies by it', async () => {
    const { res, html } = await get(proxy, `/pay/${intentToken('INV-L-TH')}`, { 'accept-language': 'th-TH,th;q=0.9,en;q=0.8' });
    assert.equal(lang(html), 'th');
    assert.match(res.headers.get('vary') ?? '', /Accept-Language/);
    assert.equal(shownFacts(html)[PAGE_STRINGS.th.rows.status], PAGE_STRINGS.th.status.none);
    assert.equal(title(html), 'ชำระเงินให้ Leaf &#38; Kettle — Tea tasting for 12');
  });

  it('falls back to the merchant\'s default language (PAY_LINK_DEFAULT_LANG)', async () => {
    const { html } = await get(plain, `/buy/tea?quantity=2`, { 'accept-language': 'fr-FR,fr' });
    assert.equal(lang(html), 'es');
    assert.equal(shownFacts(html).Precio, `${formatMoney({ value: 49900, currency: 'INR' }, 'es')} cada uno`);
    assert.equal((await get(plain, '/buy/tea?lang=en')).html.includes('<html lang="en">'), true);
  });

  it('shows the merchant: name on the brand band, logo (and only its origin added to img-src), support address', async () => {
    const { res, html } = await get(proxy, `/pay/${intentToken('INV-M-1')}`);
    assert.equal(title(html), 'Pay Leaf &#38; Kettle — Tea tasting for 12');
    assert.ok(html.includes('<header class="merchant brand"><img src="https://cdn.leaf.example/logo.svg" alt=""><span class="merchant-name">Leaf &#38; Kettle</span></header>'));
    assert.ok(html.includes('<a href="mailto:help@leaf.example">help@leaf.example</a>'));
    assert.equal(res.headers.get('content-security-policy'), PAGE_CSP.replace("img-src 'self' data:", "img-src 'self' data: https://cdn.leaf.example"));
    // The buy page and the error pages carry it too.
    assert.match((await get(proxy, '/buy/book')).html, /<span class="merchant-name">Leaf &#38; Kettle<\/span>/);
    assert.match((await get(proxy, '/pay/nope')).html, /<span class="merchant-name">Leaf &#38; Kettle<\/span>/);
    // A logo on the proxy's own origin needs nothing more than 'self'; no name, no brand: a plain header.
    const own = await get(plain, '/buy/book');
    assert.equal(own.res.headers.get('content-security-policy'), PAGE_CSP);
    assert.ok(own.html.includes('<header class="merchant"><img src="/logo.svg" alt="Merchant logo"></header>'));
  });

  it('colours the band and the button with the brand colour and the text chosen for it', async () => {
    const css = (await get(proxy, '/pay.css')).html;
    assert.match(css, /:root\{--brand:#2f6b3a;--brand-text:#ffffff\}/);
    assert.match(css, /pay-link-button\{--pay-link-bg:var\(--brand\);--pay-link-fg:var\(--brand-text\)/);
    assert.match(css, /@media print\{/);
    assert.doesNotMatch((await get(plain, '/pay.css')).html, /--brand:/, 'no brand colour, none set');
  });

  it('lists the intent\'s line items as the email does', async () => {
    const token = intentToken('INV-LI-1', {
      amount: { value: 1250000, currency: 'INR' },
      lineItems: [
        { name: 'Tasting session', quantity: 1, amount: 1000000 },
        { name: 'Tea tin <gift>', quantity: 2, amount: 125000 },
      ],
    });
    const { html } = await get(proxy, `/pay/${token}`);
    assert.match(html, /<table class="items">\n<caption>Items<\/caption>/);
    assert.ok(html.includes('<tr><th scope="row">Tasting session</th><td>₹10,000.00</td></tr>'));
    assert.ok(html.includes('<tr><th scope="row">Tea tin &#60;gift&#62;<span class="each">2 × ₹1,250.00</span></th><td>₹2,500.00</td></tr>'));
    assert.doesNotMatch((await get(proxy, `/pay/${intentToken('INV-LI-2')}`)).html, /class="items"/, 'no items, no table');
  });
});

describe('GET /receipts/:link', () => {
  it('is the paid link\'s receipt: merchant, what, amount, paid at, id, provider and its reference; the customer masked', async () => {
    const intent = intentToken('INV-R-1', { customer: { name: 'Asha Rao', email: 'asha.rao@example.com', contact: '+91 98765 43210' } });
    const link = await paidLink(intent);
    const { res, html } = await get(proxy, `/receipts/${link.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(title(html), 'Receipt from Leaf &#38; Kettle — Tea tasting for 12');
    assert.match(html, /<h1>Tea tasting for 12<\/h1>/);
    const facts = shownFacts(html);
    assert.equal(facts.Amount, '₹12,500.00');
    assert.equal(facts.Receipt, link.id);
    assert.equal(facts.Reference, 'INV-R-1');
    assert.equal(facts.From, 'Leaf &#38; Kettle');
    assert.equal(facts['Paid with'], 'Razorpay');
    assert.match(facts['Payment ref.']!, /^plink_/);
    assert.equal(facts['Billed to'], 'Asha Rao · a•••@example.com · ••••••••3210');
    assert.ok(!html.includes('asha.rao@'), 'the email is never shown in full');
    assert.ok(!html.includes('98765'), 'nor the phone');
    if (facts['Paid at'] !== undefined) assert.match(facts['Paid at'], /^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
    assert.match(html, /<script src="\/pay\.js" defer><\/script>/);
    assert.doesNotMatch(html, /pay-link-button/);
    assert.match(html, /<button type="button" class="print" data-print hidden>Print or save as PDF<\/button>/);

    // The same id in any language, and the pay page's paid state links here.
    assert.match((await get(proxy, `/receipts/${link.id}?lang=vi`)).html, new RegExp(`<code>${link.id}</code>`));
    const pay = (await get(proxy, `/pay/${intent}?lang=ms`)).html;
    assert.ok(pay.includes(`<p class="receipt-link" data-receipt-link><a href="/receipts/${link.id}?lang=ms">${PAGE_STRINGS.ms.receiptLink}</a></p>`));
    assert.match((await get(proxy, `/pay/${intentToken('INV-R-UNPAID')}`)).html, /<p class="receipt-link" data-receipt-link hidden>/);
  });

  it('a product purchase shows the product and quantity as its item', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
    const link = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea', quantity: 3 })).json()) as LinkView;
    const before = await get(proxy, `/receipts/${link.id}`);
    assert.equal(before.res.status, 404, 'not paid: no receipt, and not a 200');
    assert.match(before.html, /<h1>This payment has no receipt yet<\/h1>/);
    assert.ok(before.html.includes('<a href="/buy/tea?quantity=3">Go to the payment page</a>'));

    rzp.setStatus([...rzp.links.keys()].at(-1)!, 'paid', link.amount.value);
    await proxy.proxy.links.refresh(link.id);
    const { res, html } = await get(proxy, `/receipts/${link.id}`);
    assert.equal(res.status, 200);
    assert.match(html, /<h1>Masala chai tin × 3<\/h1>/);
    assert.ok(html.includes('<tr><th scope="row">Masala chai tin<span class="each">3 × ₹499.00</span></th><td>₹1,497.00</td></tr>'));
    assert.equal(shownFacts(html).Amount, '₹1,497.00');
    assert.equal(shownFacts(html).Reference, undefined, 'a purchase has no invoice number');
  });

  it('answers an unknown or malformed id with a 404 page, never a 500', async () => {
    for (const id of ['pl_AAAAAAAAAAAAAAAAAAAAAA', 'nope', '%3Cscript%3E', 'pl_' + 'x'.repeat(300)]) {
      const { res, html } = await get(proxy, `/receipts/${id}`);
      assert.equal(res.status, 404, id);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(html, /<h1>There is no such receipt<\/h1>/);
      assert.ok(!html.includes('<script>'));
    }
  });

  it('answers a store that cannot answer with a 503 page in the buyer\'s language, not a 500', async () => {
    const { openStore } = await import('../src/store/open.ts');
    const config = testConfig({ PAY_LINK_INTENT_SECRET: INTENT_SECRET });
    const store = await openStore(config.databaseUrl.reveal());
    const failing = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'getLink' ? () => Promise.reject(new Error('database unreachable')) : Reflect.get(target, key, receiver),
    });
    const broken = await startTestProxy(config, { store: failing });
    try {
      const { res, html } = await get(broken, '/receipts/pl_AAAAAAAAAAAAAAAAAAAAAA?lang=es');
      assert.equal(res.status, 503);
      assert.match(html, /<h1>El recibo no se puede mostrar ahora<\/h1>/);
    } finally {
      await broken.close();
      await store.close();
    }
  });

  it('masks emails and phones', () => {
    assert.equal(maskEmail('a@b.example'), 'a•••@b.example');
    assert.equal(maskPhone('+62 812-3456-7890'), '•••••••••7890');
  });
});

describe('/pay.js', () => {
  it('is valid JavaScript carrying every language\'s status words', async () => {
    const script = (await get(proxy, '/pay.js')).html;
    assert.doesNotThrow(() => new Script(script));
    for (const code of PAGE_LANGS) assert.ok(script.includes(JSON.stringify(PAGE_STRINGS[code].status.partially_paid)), code);
    assert.match(script, /button\[data-print\]/);
  });
});

import { expect, fixture, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { registerTranslation, type PayLinkButton } from '../src/index.ts';
import { clearConfigCache, readConfig } from '../src/config-cache.ts';
import { extend } from '../src/extras.ts';
import { priceLabel, showPrice } from '../src/price.ts';
import hi from '../src/translations/hi.ts';
import idLang from '../src/translations/id.ts';

registerTranslation(hi, idLang);

const PROXY = 'https://proxy.test';
const worker = setupWorker();

const CONFIG = {
  testMode: true,
  providers: ['razorpay', 'xendit'],
  products: [
    { id: 'chai', name: 'Masala chai tin', description: null, amount: { value: 49900, currency: 'INR' }, provider: 'razorpay', providers: ['razorpay'] },
    { id: 'box', name: 'Tasting box', description: null, amount: { value: 185000, currency: 'INR' }, provider: 'razorpay', providers: ['razorpay'] },
    { id: 'kopi', name: 'Bali kopi', description: null, amount: { value: 15000000, currency: 'IDR' }, provider: 'xendit', providers: ['xendit'] },
  ],
  openAmounts: [],
};

/** `GET /v1/config`, counting the reads. */
function serveConfig(body: typeof CONFIG = CONFIG) {
  const reads: string[] = [];
  worker.use(
    http.get(`${PROXY}/v1/config`, ({ request }) => {
      reads.push(request.url);
      return HttpResponse.json(body, { headers: { 'Cache-Control': 'public, max-age=60', ETag: '"c1"' } });
    }),
  );
  return reads;
}

/** The button's visible label text. */
const labelOf = (el: PayLinkButton) => el.shadowRoot!.querySelector('[part=label]')!.textContent!.replace(/\s+/g, ' ').trim();

async function page(markup: string) {
  const container = await fixture<HTMLDivElement>(`<div>${markup}</div>`);
  const buttons = [...container.querySelectorAll('pay-link-button')];
  await Promise.all(buttons.map((el) => el.updateComplete));
  return { container, buttons };
}

describe('the price on product buttons (price.ts, extras.ts)', () => {
  before(async () => {
    await worker.start({
      serviceWorker: { url: '/mockServiceWorker.js' },
      quiet: true,
      onUnhandledRequest(request, print) {
        if (new URL(request.url).origin === PROXY) print.error();
      },
    });
  });
  beforeEach(() => clearConfigCache());
  afterEach(() => worker.resetHandlers());
  after(() => worker.stop());

  it('shows each product’s price in its label before any click, with one config read for the whole page', async () => {
    const reads = serveConfig();
    const { buttons } = await page(`
      <pay-link-button proxy="${PROXY}" product="chai" label="Buy now"></pay-link-button>
      <pay-link-button proxy="${PROXY}" product="box"></pay-link-button>
      <pay-link-button proxy="${PROXY}" product="chai" label="Buy the tin"></pay-link-button>
      <pay-link-button proxy="${PROXY}/" product="box" label="Gift it"></pay-link-button>`);
    await Promise.all(buttons.map((el) => extend(el)));
    await Promise.all(buttons.map((el) => el.updateComplete));
    expect(buttons.map(labelOf)).to.deep.equal(['Buy now · ₹499.00', 'Pay ₹1,850.00', 'Buy the tin · ₹499.00', 'Gift it · ₹1,850.00']);
    expect(reads).to.have.length(1);
    // The merchant's attribute is untouched: the price is the element's label property only
    expect(buttons[0]!.getAttribute('label')).to.equal('Buy now');
    await expect(buttons[0]).to.be.accessible();
  });

  it('formats the price for the button’s language and currency (IDR in Indonesian, INR in Hindi)', async () => {
    serveConfig();
    const { buttons } = await page(`
      <pay-link-button proxy="${PROXY}" product="kopi" lang="id"></pay-link-button>
      <pay-link-button proxy="${PROXY}" product="chai" lang="hi" label="अभी खरीदें"></pay-link-button>`);
    await Promise.all(buttons.map((el) => extend(el)));
    await Promise.all(buttons.map((el) => el.updateComplete));
    // Rp 150.000: ISO minor units (exponent 2) shown in whole rupiah
    expect(labelOf(buttons[0]!)).to.equal(`Bayar ${new Intl.NumberFormat('id', { style: 'currency', currency: 'IDR' }).format(150000)}`.replace(/\s+/g, ' '));
    expect(labelOf(buttons[0]!)).to.match(/^Bayar Rp\s150\.000$/);
    expect(labelOf(buttons[1]!)).to.equal('अभी खरीदें · ₹499.00');
  });

  it('hide-price keeps the label as written, and toggling it shows or hides the price live', async () => {
    serveConfig();
    const { buttons } = await page(`<pay-link-button proxy="${PROXY}" product="chai" label="Buy now" hide-price></pay-link-button>`);
    const el = buttons[0]!;
    await extend(el);
    await el.updateComplete;
    expect(labelOf(el)).to.equal('Buy now');
    el.removeAttribute('hide-price');
    await waitUntil(() => labelOf(el) === 'Buy now · ₹499.00', 'price shown once hide-price goes');
    el.setAttribute('hide-price', '');
    await waitUntil(() => labelOf(el) === 'Buy now', 'price hidden again');
    el.setAttribute('label', 'Order');
    el.removeAttribute('hide-price');
    await waitUntil(() => labelOf(el) === 'Order · ₹499.00', 'a new label gets the price too');
  });

  it('shows no price for a product the catalog lacks, or when the config cannot be read', async () => {
    const reads: number[] = [];
    worker.use(http.get(`${PROXY}/v1/config`, () => (reads.push(1), new HttpResponse(null, { status: 503 }))));
    const { buttons } = await page(`
      <pay-link-button proxy="${PROXY}" product="chai" label="Buy now"></pay-link-button>
      <pay-link-button proxy="${PROXY}" product="chai"></pay-link-button>`);
    await Promise.all(buttons.map((el) => showPrice(el)));
    await Promise.all(buttons.map((el) => el.updateComplete));
    expect(buttons.map(labelOf)).to.deep.equal(['Buy now', 'Pay']);
    expect(reads).to.have.length(1, 'a failed read is shared, not repeated per button');

    clearConfigCache();
    serveConfig();
    const { buttons: [unknown] } = await page(`<pay-link-button proxy="${PROXY}" product="nope" label="Buy"></pay-link-button>`);
    await showPrice(unknown!);
    await unknown!.updateComplete;
    expect(labelOf(unknown!)).to.equal('Buy');
  });

  it('reads each proxy’s config once: a second proxy is a second read', async () => {
    const reads = serveConfig();
    const other: string[] = [];
    worker.use(http.get('https://other.test/v1/config', ({ request }) => (other.push(request.url), HttpResponse.json(CONFIG))));
    const [a, b, c] = await Promise.all([readConfig(PROXY), readConfig(`${PROXY}/`), readConfig('https://other.test')]);
    expect(a).to.equal(b);
    expect(c?.products).to.have.length(3);
    expect(reads).to.have.length(1);
    expect(other).to.have.length(1);
  });

  it('shows what the click costs: the unit price times the quantity', async () => {
    serveConfig();
    const { buttons: [el] } = await page(`<pay-link-button proxy="${PROXY}" product="chai" quantity="3" label="Buy three"></pay-link-button>`);
    await extend(el!);
    await el!.updateComplete;
    expect(labelOf(el!)).to.equal('Buy three · ₹1,497.00');
    el!.setAttribute('quantity', '2');
    await waitUntil(() => labelOf(el!) === 'Buy three · ₹998.00', 'follows the quantity');
  });

  it('speaks a translation registered after the price showed, at the next render; a label set as a property is the merchant’s too', async () => {
    serveConfig();
    const { buttons: [el] } = await page(`<pay-link-button proxy="${PROXY}" product="chai" lang="ms"></pay-link-button>`);
    await extend(el!);
    await el!.updateComplete;
    expect(labelOf(el!)).to.equal('Pay ₹499.00', 'no Malay registered yet: English');
    registerTranslation({ ...idLang, $code: 'ms', pay: (amount) => (amount ? `Bayar ${amount}` : 'Bayar') });
    el!.requestUpdate();
    await el!.updateComplete;
    expect(labelOf(el!)).to.equal('Bayar ₹499.00');
    el!.label = 'Beli';
    await el!.updateComplete;
    expect(labelOf(el!)).to.equal('Beli · ₹499.00');
    expect(el!.hasAttribute('label')).to.equal(false);
  });

  it('priceLabel: the merchant’s label and the amount, else the translated default', () => {
    expect(priceLabel('Buy now', '₹499.00', 'en')).to.equal('Buy now · ₹499.00');
    expect(priceLabel(null, '₹499.00', 'en')).to.equal('Pay ₹499.00');
    expect(priceLabel(null, '₹499.00', 'hi')).to.equal('₹499.00 का भुगतान करें');
  });
});

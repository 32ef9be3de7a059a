import { expect, fixture, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import sinon from 'sinon';
import { navigation, type LinkView, type PayLinkButton } from '../src/index.ts';
import { clearConfigCache } from '../src/config-cache.ts';
import { chunks, extend } from '../src/extras.ts';

// The built chunks sit beside the bundle; here, their sources
chunks.load = (name) => (name === 'amount-input' ? import('../src/amount-input.ts') : import('../src/qr-dialog.ts'));

const PROXY = 'https://proxy.test';
const worker = setupWorker();
const CONFIG = {
  testMode: true,
  providers: ['razorpay'],
  products: [{ id: 'chai', name: 'Masala chai tin', description: null, amount: { value: 49900, currency: 'INR' }, provider: 'razorpay', providers: ['razorpay'] }],
  openAmounts: [{ currency: 'INR', min: 5000, max: 1000000, provider: 'razorpay', providers: ['razorpay'] }],
};

/** A fake proxy: the config, a mint answering one pending link, its status read (changed by `set`). */
function serveProxy() {
  let view: LinkView = {
    id: 'pl_extras', provider: 'razorpay', status: 'pending', seq: 1, amount: { value: 49900, currency: 'INR' }, amountPaid: 0,
    url: 'https://checkout.test/pay/extras', expiresAt: null, paidAt: null, description: null, pollAfterMs: 30,
  };
  worker.use(
    http.get(`${PROXY}/v1/config`, () => HttpResponse.json(CONFIG)),
    http.post(`${PROXY}/v1/links`, () => HttpResponse.json(view, { status: 201 })),
    http.get(`${PROXY}/v1/links/:id/events`, () => new HttpResponse(null, { status: 503 })),
    http.get(`${PROXY}/v1/links/:id`, () => HttpResponse.json(view)),
  );
  return { set: (over: Partial<LinkView>) => (view = { ...view, ...over, seq: view.seq + 1 }) };
}

describe('the on-demand features on the element (extras.ts)', () => {
  before(() =>
    worker.start({
      serviceWorker: { url: '/mockServiceWorker.js' },
      quiet: true,
      onUnhandledRequest(request, print) {
        if (new URL(request.url).origin === PROXY) print.error();
      },
    }),
  );
  beforeEach(() => {
    sinon.stub(navigation, 'assign');
    sessionStorage.clear();
    clearConfigCache();
  });
  afterEach(() => {
    sinon.restore();
    worker.resetHandlers();
  });
  after(() => worker.stop());

  it('offers "Pay on your phone" on a desktop only while the link waits, and takes it away once paid', async () => {
    const proxy = serveProxy();
    const el = await fixture<PayLinkButton>(`<pay-link-button proxy="${PROXY}" product="chai" presentation="redirect"></pay-link-button>`);
    await extend(el);
    const qr = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=qr]');
    expect(qr(), 'nothing to scan before a link exists').to.equal(null);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=button]')!.click();
    await waitUntil(() => qr(), 'the action appears while pending');
    expect(qr()!.textContent).to.equal('Pay on your phone');
    expect(qr()!.previousElementSibling?.className, 'right after the actions row').to.equal('actions');
    await expect(el).to.be.accessible();
    // Lit's renders leave it alone
    el.requestUpdate();
    await el.updateComplete;
    expect(qr()).not.to.equal(null);

    proxy.set({ status: 'paid', amountPaid: 49900 });
    await el.checkAgain();
    await waitUntil(() => el.status === 'paid' && !qr(), 'gone once paid');
  });

  it('gives a currency-only button the amount field, loaded as its own chunk, with the range from the config', async () => {
    serveProxy();
    const el = await fixture<PayLinkButton>(`<pay-link-button proxy="${PROXY}" currency="INR" presentation="redirect"></pay-link-button>`);
    await extend(el);
    await waitUntil(() => el.shadowRoot!.querySelector('input[part=amount-input]'), 'the field appears');
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('input[part=amount-input]')!.labels![0]!.textContent).to.equal('Amount (₹)');
    expect(el.shadowRoot!.querySelector('[part=amount-hint]')!.textContent).to.equal('Between ₹50.00 and ₹10,000.00');
    // A fixed amount without `amount-input` is the page's choice: no field
    const fixed = await fixture<PayLinkButton>(`<pay-link-button proxy="${PROXY}" currency="INR" amount="5000"></pay-link-button>`);
    await extend(fixed);
    expect(fixed.shadowRoot!.querySelector('[part=amount]')).to.equal(null);
    fixed.setAttribute('amount-input', '');
    await waitUntil(() => fixed.shadowRoot!.querySelector('[part=amount]'), 'amount-input adds it');
    expect(fixed.shadowRoot!.querySelector<HTMLInputElement>('input[part=amount-input]')!.value).to.equal('50.00');
  });
});

import { expect, fixture, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import sinon from 'sinon';
import { navigation, registerTranslation, type LinkView, type PayLinkButton } from '../src/index.ts';
import { amountDecimals, attachAmountInput, checkAmount, formatAmountInput, parseAmount, type AmountRange } from '../src/amount-input.ts';
import es from '../src/translations/es.ts';
import idLang from '../src/translations/id.ts';

registerTranslation(idLang, es);

const PROXY = 'https://proxy.test';
const worker = setupWorker();
const INR: AmountRange = { currency: 'INR', min: 5000, max: 1000000 }; // ₹50.00 to ₹10,000.00
const IDR: AmountRange = { currency: 'IDR', min: 1000000, max: 100000000 }; // Rp 10.000 to Rp 1.000.000
const USD: AmountRange = { currency: 'USD', min: 100, max: 50000 }; // $1.00 to $500.00
/** Intl's spaces (no-break, narrow no-break) as plain ones, to compare text. */
const plain = (text: string | null | undefined) => (text ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();

describe('amount parsing and formatting (amount-input.ts)', () => {
  it('INR: two decimals, ISO exponent 2; grouping, the symbol and spaces allowed', () => {
    expect(amountDecimals('INR')).to.equal(2);
    expect(parseAmount('1,250.50', 'INR', 'en')).to.equal(125050);
    expect(parseAmount('1250.5', 'INR', 'en')).to.equal(125050);
    expect(parseAmount('₹ 50', 'INR', 'en')).to.equal(5000);
    expect(parseAmount('1,50,000', 'INR', 'hi')).to.equal(15000000);
    expect(parseAmount('12.345', 'INR', 'en')).to.equal('format');
    expect(parseAmount('  ', 'INR', 'en')).to.equal('empty');
    expect(parseAmount('-5', 'INR', 'en')).to.equal('format');
    expect(parseAmount('5e3', 'INR', 'en')).to.equal('format');
    expect(parseAmount('0.1', 'INR', 'en')).to.equal(10, 'exact: 0.1 rupees is 10 paise, no float rounding');
    expect(formatAmountInput(5000, 'INR', 'en')).to.equal('50.00');
    expect(formatAmountInput(125005, 'INR', 'en')).to.equal('1250.05');
  });

  it('IDR: whole rupiah typed (0 decimals), stored with ISO exponent 2; Indonesian separators', () => {
    expect(amountDecimals('IDR')).to.equal(0);
    expect(parseAmount('150000', 'IDR', 'id')).to.equal(15000000);
    expect(parseAmount('150.000', 'IDR', 'id')).to.equal(15000000, '"." groups thousands in Indonesian');
    expect(parseAmount('Rp 150.000', 'IDR', 'id')).to.equal(15000000);
    expect(parseAmount('150,000', 'IDR', 'en')).to.equal(15000000);
    expect(parseAmount('150000,50', 'IDR', 'id')).to.equal('format', 'no sen');
    expect(parseAmount('150000.5', 'IDR', 'en')).to.equal('format');
    expect(formatAmountInput(15000000, 'IDR', 'id')).to.equal('150000');
  });

  it('USD: two decimals; a comma decimal in Spanish', () => {
    expect(amountDecimals('USD')).to.equal(2);
    expect(parseAmount('49.99', 'USD', 'en')).to.equal(4999);
    expect(parseAmount('$49', 'USD', 'en')).to.equal(4900);
    expect(parseAmount('49,99', 'USD', 'es')).to.equal(4999);
    expect(parseAmount('49.999', 'USD', 'en')).to.equal('format');
    expect(formatAmountInput(4999, 'USD', 'es')).to.equal('49,99');
    expect(formatAmountInput(4999, 'USD', 'en')).to.equal('49.99');
  });

  it('checks the bounds inclusively, saying the range in the currency and language', () => {
    expect(checkAmount('50', INR, 'en')).to.deep.equal({ value: 5000 });
    expect(checkAmount('10,000.00', INR, 'en')).to.deep.equal({ value: 1000000 });
    expect(checkAmount('49.99', INR, 'en')).to.deep.equal({ message: 'Enter an amount between ₹50.00 and ₹10,000.00.' });
    expect(checkAmount('10000.01', INR, 'en')).to.deep.equal({ message: 'Enter an amount between ₹50.00 and ₹10,000.00.' });
    expect(checkAmount('', INR, 'en')).to.deep.equal({ message: 'Enter an amount.' });
    expect(checkAmount('fifty', INR, 'en')).to.deep.equal({ message: 'Enter an amount like 50.00.' });
    const idr = checkAmount('9.999', IDR, 'id');
    expect('message' in idr && plain(idr.message)).to.equal('Masukkan jumlah antara Rp 10.000 dan Rp 1.000.000.');
    expect(checkAmount('1.000.000', IDR, 'id')).to.deep.equal({ value: 100000000 });
    expect(checkAmount('500', USD, 'en')).to.deep.equal({ value: 50000 });
    expect(checkAmount('0.99', USD, 'en')).to.deep.equal({ message: 'Enter an amount between $1.00 and $500.00.' });
    const es = checkAmount('0,99', USD, 'es');
    expect('message' in es && plain(es.message)).to.equal('Introduce un importe entre 1,00 US$ y 500,00 US$.');
  });
});

describe('the amount field on an open-amount button', () => {
  let assign: sinon.SinonStub;
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
    assign = sinon.stub(navigation, 'assign');
    sessionStorage.clear();
  });
  afterEach(() => {
    sinon.restore();
    worker.resetHandlers();
  });
  after(() => worker.stop());

  /** The fake proxy's mint: records bodies, answers a pending link for the amount asked. */
  function serveMint() {
    const bodies: Record<string, unknown>[] = [];
    worker.use(
      http.post(`${PROXY}/v1/links`, async ({ request }) => {
        const body = (await request.json()) as { amount: number; currency: string };
        bodies.push(body);
        const view: LinkView = {
          id: `pl_amount${bodies.length}`, provider: 'razorpay', status: 'pending', seq: 1, amount: { value: body.amount, currency: body.currency },
          amountPaid: 0, url: 'https://checkout.test/x', expiresAt: null, paidAt: null, description: null, pollAfterMs: 60000,
        };
        return HttpResponse.json(view, { status: 201 });
      }),
      http.get(`${PROXY}/v1/links/:id/events`, () => new HttpResponse(null, { status: 503 })),
      http.get(`${PROXY}/v1/links/:id`, ({ params }) => HttpResponse.json({ id: params.id, status: 'pending' }, { status: 503 })),
    );
    return bodies;
  }

  async function tipButton(attrs: string, range = INR) {
    const container = await fixture<HTMLDivElement>(`<div><pay-link-button proxy="${PROXY}" presentation="redirect" ${attrs}></pay-link-button></div>`);
    const el = container.querySelector('pay-link-button')!;
    await el.updateComplete;
    const field = attachAmountInput(el, range);
    const root = el.shadowRoot!;
    const input = root.querySelector<HTMLInputElement>('input[part=amount-input]')!;
    const type = (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const error = () => plain(root.querySelector('[part=amount-error]')!.textContent);
    const label = () => plain(root.querySelector('[part=label]')!.textContent);
    return { el, field, input, type, error, label, button: root.querySelector<HTMLButtonElement>('[part=button]')! };
  }

  it('is a labelled field, prefilled from the amount, and the label follows what is typed', async () => {
    const { el, input, type, label } = await tipButton('currency="INR" amount="5000" amount-input');
    expect(input.labels?.[0]?.textContent).to.equal('Amount (₹)');
    expect(plain(el.shadowRoot!.getElementById(input.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent)).to.equal('Between ₹50.00 and ₹10,000.00');
    expect(input.inputMode).to.equal('decimal');
    expect(input.value).to.equal('50.00');
    type('250');
    expect(el.amount).to.equal(25000);
    await el.updateComplete;
    expect(label()).to.equal('Pay ₹250.00');
    await expect(el).to.be.accessible();
  });

  it('refuses the click while the amount is out of range or not a number: nothing minted, the message announced, focus on the field', async () => {
    const bodies = serveMint();
    const { el, input, type, error, button } = await tipButton('currency="INR"');
    button.click();
    await waitUntil(() => error() === 'Enter an amount.', 'an empty field is refused');
    expect(el.shadowRoot!.activeElement).to.equal(input);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.querySelector('[part=amount-error]')!.getAttribute('aria-live')).to.equal('polite');

    type('20000');
    expect(el.amount).to.equal(undefined);
    expect(error()).to.equal('Enter an amount between ₹50.00 and ₹10,000.00.');
    button.click();
    type('12.345');
    expect(error()).to.equal('Enter an amount like 50.00.');
    button.click();
    await new Promise((r) => setTimeout(r, 100));
    expect(bodies).to.have.length(0);
    expect(el.status).to.equal('idle');
    await expect(el).to.be.accessible();

    type('1,500.50');
    expect(error()).to.equal('');
    expect(input.hasAttribute('aria-invalid')).to.equal(false);
    await el.updateComplete; // a buyer's click comes in a later task than the typing
    button.click();
    await waitUntil(() => bodies.length === 1, 'a valid amount mints');
    expect(bodies[0]).to.include({ amount: 150050, currency: 'INR' });
    await waitUntil(() => el.status === 'pending', `status ${el.status} ${el.errorCode}`);
    const field = el.shadowRoot!.querySelector<HTMLElement>('[part=amount]')!;
    expect(field.hidden, 'the amount is fixed once a purchase is under way').to.equal(true);
    expect(assign).to.have.been.calledWith('https://checkout.test/x');
  });

  it('IDR in Indonesian: whole rupiah, numeric keyboard, range in rupiah', async () => {
    const { el, input, type, error } = await tipButton('currency="IDR" lang="id"', IDR);
    expect(input.labels?.[0]?.textContent).to.equal('Jumlah (Rp)');
    expect(input.inputMode).to.equal('numeric');
    type('25.000');
    expect(el.amount).to.equal(2500000);
    type('25000,5');
    expect(error()).to.equal('Masukkan jumlah seperti 10000.');
    type('5000');
    expect(error()).to.equal('Masukkan jumlah antara Rp 10.000 dan Rp 1.000.000.');
  });

  it('USD: cents, and removed cleanly', async () => {
    const { el, field, type } = await tipButton('currency="USD"', USD);
    type('19.99');
    expect(el.amount).to.equal(1999);
    expect(el.currency).to.equal('USD');
    field.remove();
    expect(el.shadowRoot!.querySelector('[part=amount]')).to.equal(null);
  });
});

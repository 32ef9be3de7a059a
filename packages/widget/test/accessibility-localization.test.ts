// <pay-link-button>: accessibility in every state, localization (split from pay-link-button.test.ts by its describes)
import {
  HttpResponse,
  PROXY,
  announced,
  buyButton,
  en,
  expect,
  fakePopup,
  fixture,
  formatMoney,
  hi,
  http,
  linkView,
  mainButton,
  ms,
  serveLink,
  stubOpen,
  th,
  vi,
  waitUntil,
  worker,
  type ButtonStatus,
  type LinkView,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('accessibility in every state', () => {
    /** A purchase through a popup, left waiting for payment (no polling unless asked). */
    async function waitingPurchase() {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      await el.updateComplete;
      return { proxy, el };
    }

    it('idle: accessible, and the status region is silent (the button is the state)', async () => {
      const el = await buyButton();
      expect(el.status).to.equal('idle');
      await expect(el).to.be.accessible();
      expect(announced(el)).to.equal('');
    });

    it('minting: accessible, announces that checkout is being prepared', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const view = linkView({ pollAfterMs: 60000 });
      worker.use(http.post(`${PROXY}/v1/links`, async () => (await gate, HttpResponse.json(view, { status: 201 }))));
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await el.updateComplete;
      expect(el.status).to.equal('minting');
      await expect(el).to.be.accessible();
      expect(announced(el)).to.equal('Preparing secure checkout…');
      release();
      await waitUntil(() => el.status === 'pending', 'minted');
    });

    it('pending: accessible, asks the buyer to complete the payment', async () => {
      const { el } = await waitingPurchase();
      await expect(el).to.be.accessible();
      expect(announced(el)).to.equal('Complete the payment in the checkout window.');
    });

    const ended: [ButtonStatus, Partial<LinkView>, string][] = [
      ['partially_paid', { status: 'partially_paid', amountPaid: 50000 }, '₹500.00 paid, ₹1,000.00 remaining. Complete the payment in the checkout window.'],
      ['paid', { status: 'paid', amountPaid: 150000 }, 'Paid ✓ ₹1,500.00'],
      ['expired', { status: 'expired' }, 'This payment link has expired.'],
      ['cancelled', { status: 'cancelled' }, 'The payment was cancelled.'],
      ['failed', { status: 'failed' }, 'The payment could not be completed.'],
    ];
    for (const [status, over, message] of ended) {
      it(`${status}: accessible, and the status region says so`, async () => {
        const { proxy, el } = await waitingPurchase();
        proxy.set(over);
        el.checkAgain();
        await waitUntil(() => el.status === status, status);
        await el.updateComplete;
        await expect(el).to.be.accessible();
        expect(announced(el)).to.equal(message);
      });
    }

    it('error: accessible, names the failure and offers Retry', async () => {
      worker.use(http.post(`${PROXY}/v1/links`, () => HttpResponse.error()));
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'error', 'error');
      await el.updateComplete;
      await expect(el).to.be.accessible();
      expect(announced(el)).to.equal('Could not reach the payment service. Check your connection.');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Retry');
    });
  });

  describe('localization', () => {
    it('speaks the nearest lang and formats amounts with the currency exponent from Intl', async () => {
      const container = await fixture<HTMLDivElement>(
        `<div lang="hi-IN"><pay-link-button proxy="${PROXY}" amount="150000" currency="INR"></pay-link-button></div>`,
      );
      const el = container.querySelector('pay-link-button')!;
      await el.updateComplete;
      expect(mainButton(el)!.textContent!.trim()).to.equal('₹1,500.00 का भुगतान करें');
      expect(formatMoney(1500, 'JPY', 'en')).to.equal('¥1,500');
      expect(formatMoney(1500, 'KWD', 'en')).to.match(/^KWD\s1\.500$/);
      // ISO 4217 gives IDR two decimals (as the proxy does) although Intl shows none: 15,000,000 sen = Rp 150.000
      expect(formatMoney(15000000, 'IDR', 'id')).to.match(/^Rp\s150\.000$/);
      expect(formatMoney(123456, 'HUF', 'en')).to.match(/^HUF\s1,235$/);
    });

    // Each add-on: the button's label, two messages of a purchase, and the amount as Intl writes it for the language
    const addOns = [
      { lang: 'ms', currency: 'MYR', amount: 150000, money: /^RM\s?1,500\.00$/, pay: 'Bayar', preparing: 'Menyediakan pembayaran selamat…', waiting: 'Lengkapkan pembayaran di tetingkap pembayaran.' },
      { lang: 'th', currency: 'THB', amount: 150000, money: /^฿1,500\.00$/, pay: 'ชำระเงิน', preparing: 'กำลังเตรียมหน้าชำระเงินที่ปลอดภัย…', waiting: 'โปรดชำระเงินให้เสร็จในหน้าต่างชำระเงิน' },
      { lang: 'vi', currency: 'VND', amount: 150000, money: /^150\.000\s₫$/, pay: 'Thanh toán', preparing: 'Đang chuẩn bị trang thanh toán an toàn…', waiting: 'Vui lòng hoàn tất thanh toán trong cửa sổ thanh toán.' },
    ];
    for (const { lang, currency, amount, money, pay, preparing, waiting } of addOns) {
      it(`speaks ${lang} (${currency}) from its add-on`, async () => {
        const formatted = formatMoney(amount, currency, lang);
        expect(formatted).to.match(money);
        expect(formatted).to.equal(new Intl.NumberFormat(lang, { style: 'currency', currency }).format(currency === 'VND' ? amount : amount / 100));

        serveLink({ amount: { value: amount, currency }, pollAfterMs: 60000 }, { mintDelayMs: 300 });
        stubOpen(fakePopup());
        const container = await fixture<HTMLDivElement>(
          `<div><pay-link-button lang="${lang}" proxy="${PROXY}" amount="${amount}" currency="${currency}" presentation="popup"></pay-link-button></div>`,
        );
        const el = container.querySelector('pay-link-button')!;
        await el.updateComplete;
        expect(mainButton(el)!.textContent!.trim()).to.equal(`${pay} ${formatted}`);
        mainButton(el)!.click();
        await el.updateComplete;
        expect(announced(el)).to.equal(preparing);
        await waitUntil(() => el.status === 'pending', 'pending');
        await el.updateComplete;
        expect(announced(el)).to.equal(waiting);
      });
    }

    it('formats other currencies for Thai through Intl too (INR)', () => {
      expect(formatMoney(150000, 'INR', 'th')).to.equal(new Intl.NumberFormat('th', { style: 'currency', currency: 'INR' }).format(1500));
      expect(formatMoney(150000, 'INR', 'th')).to.equal('₹1,500.00');
    });
  });
});

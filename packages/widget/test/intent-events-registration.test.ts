// <pay-link-button>: intent mode, events, registration (split from pay-link-button.test.ts by its describes)
import {
  HttpResponse,
  INTENT,
  PROXY,
  PayLinkButton,
  announced,
  buyButton,
  collect,
  definePayLinkButton,
  expect,
  fakePopup,
  fixture,
  html,
  linkView,
  mainButton,
  oneEvent,
  problem,
  serveIntent,
  serveLink,
  shadow,
  sinon,
  stubOpen,
  waitUntil,
  worker,
  type PayLinkEvent,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('intent mode', () => {
    const invoiceButton = async (attrs = '') => {
      const container = await fixture<HTMLDivElement>(`<div><pay-link-button ${attrs} proxy="${PROXY}" intent="${INTENT}" presentation="popup"></pay-link-button></div>`);
      const el = container.querySelector('pay-link-button')!;
      await el.updateComplete;
      return el;
    };

    it('shows a paid invoice as paid on load: no click, no window, no mint', async () => {
      const proxy = serveLink({ status: 'paid', amountPaid: 150000 });
      const reads = serveIntent(proxy.state.view);
      const open = stubOpen(fakePopup());
      const paid = collect(document, 'pay-link-paid');
      const el = await invoiceButton();
      await waitUntil(() => el.status === 'paid', 'paid');
      await el.updateComplete;
      expect(reads).to.deep.equal([INTENT]);
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
      expect(paid).to.have.length(1);
      expect(open.callCount).to.equal(0);
      expect(proxy.state.posts).to.have.length(0);
    });

    it('shows what remains of a partially paid invoice and keeps watching its link', async () => {
      const proxy = serveLink({ status: 'partially_paid', amountPaid: 50000, pollAfterMs: 20 });
      serveIntent(proxy.state.view);
      const el = await invoiceButton();
      await waitUntil(() => el.status === 'partially_paid', 'partially paid');
      await el.updateComplete;
      expect(announced(el)).to.equal('₹500.00 paid, ₹1,000.00 remaining.');
      expect(mainButton(el)!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Reopen checkout, ₹1,500.00');
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => el.status === 'paid', 'paid');
    });

    it('is busy while it reads, then names the invoice amount; an expired link stays idle and a click mints afresh', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      serveIntent(linkView({ status: 'expired' }), { delayMs: 100 });
      const open = stubOpen(fakePopup());
      const el = await invoiceButton();
      expect(mainButton(el)!.getAttribute('aria-busy')).to.equal('true');
      expect(announced(el)).to.equal('Checking the payment status…');
      mainButton(el)!.click(); // ignored while busy
      expect(open.callCount).to.equal(0);

      await waitUntil(() => !mainButton(el)!.hasAttribute('aria-busy'), 'read');
      await el.updateComplete;
      expect(el.status).to.equal('idle');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay ₹2,500.00');
      expect(announced(el)).to.equal('');
      mainButton(el)!.click();
      expect(open.callCount).to.equal(1);
      await waitUntil(() => el.status === 'pending', 'minted');
      expect(proxy.state.posts[0]!.body).to.include({ intent: INTENT });
    });

    it('says an intent expired (410) or is not valid (404) in the buyer\'s words, with no Retry for either', async () => {
      serveIntent(problem(410, 'intent_expired', 'This payment request has expired; ask the merchant for a new one'));
      const open = stubOpen(fakePopup());
      const expired = await invoiceButton();
      await waitUntil(() => expired.status === 'error', 'error');
      await expired.updateComplete;
      expect(expired.errorCode).to.equal('intent_expired');
      expect(announced(expired)).to.equal('This payment request has expired. Please ask the seller for a new one.');
      expect(mainButton(expired) === null, 'no retry').to.equal(true);
      await expect(expired).to.be.accessible();

      worker.resetHandlers();
      serveIntent(problem(404, 'intent_invalid', 'This payment request is not valid'));
      const invalid = await invoiceButton();
      await waitUntil(() => invalid.status === 'error', 'error');
      await invalid.updateComplete;
      expect(invalid.errorCode).to.equal('intent_invalid');
      expect(announced(invalid)).to.equal('This payment request is not valid. Please ask the seller for a new one.');
      expect(mainButton(invalid) === null, 'no retry').to.equal(true);
      expect(open.callCount).to.equal(0);
    });

    it('stays usable when the proxy cannot be reached for the lookup', async () => {
      serveIntent(HttpResponse.error());
      const el = await invoiceButton();
      await waitUntil(() => !mainButton(el)!.hasAttribute('aria-busy'), 'read failed');
      await el.updateComplete;
      expect(el.status).to.equal('idle');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay');
    });
  });

  describe('events', () => {
    it('bubble and are composed, so they cross shadow roots', async () => {
      serveLink();
      stubOpen(fakePopup());
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML = `<pay-link-button proxy="${PROXY}" product="chai" presentation="popup"></pay-link-button>`;
      const el = root.querySelector('pay-link-button')!;
      await el.updateComplete;
      let origin: EventTarget | undefined;
      document.addEventListener('pay-link-created', (e) => (origin = e.composedPath()[0]), { once: true });
      const created = oneEvent(document, 'pay-link-created');
      mainButton(el)!.click();
      const event: PayLinkEvent = await created;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(origin === el, 'dispatched by the element inside the shadow root').to.equal(true);
    });

    it('pay-link-before-open.preventDefault() stops the purchase: no window, no mint', async () => {
      const proxy = serveLink();
      const open = stubOpen(fakePopup());
      const el = await buyButton();
      el.addEventListener('pay-link-before-open', (e) => e.preventDefault(), { once: true });
      mainButton(el)!.click();
      await new Promise((r) => setTimeout(r, 50));
      expect(open.callCount).to.equal(0);
      expect(proxy.state.posts).to.have.length(0);
      expect(el.status).to.equal('idle');
    });
  });

  describe('registration', () => {
    it('a second load of the same version is a no-op; another version warns instead of throwing', async () => {
      const warn = sinon.stub(console, 'warn');
      const original = customElements.get('pay-link-button');
      expect(() => definePayLinkButton()).to.not.throw();
      expect(warn.callCount).to.equal(0);

      class OtherCopy extends PayLinkButton {
        static override readonly version = '9.9.9';
      }
      expect(() => definePayLinkButton('pay-link-button', OtherCopy)).to.not.throw();
      expect(warn.callCount).to.equal(1);
      expect(String(warn.firstCall.args[0])).to.include('9.9.9');
      expect(customElements.get('pay-link-button') === original, 'first definition kept').to.equal(true);
    });

    it('upgrades elements that were in the page before the definition, and ones added later', async () => {
      const container = await fixture<HTMLDivElement>(html`<div></div>`);
      container.innerHTML = `<acme-pay-late proxy="${PROXY}" product="chai" label="Buy"></acme-pay-late>`;
      const early = container.firstElementChild as PayLinkButton;
      expect(early.shadowRoot === null, 'not upgraded yet').to.equal(true);
      definePayLinkButton('acme-pay-late');
      await early.updateComplete;
      expect(early).to.be.instanceOf(PayLinkButton);
      expect(mainButton(early)!.textContent!.trim()).to.equal('Buy');

      container.innerHTML = `<pay-link-button proxy="${PROXY}" product="chai"></pay-link-button>`;
      const late = container.firstElementChild as PayLinkButton;
      await late.updateComplete;
      expect(mainButton(late)!.textContent!.trim()).to.equal('Pay');
    });

    it('carries the package version', async () => {
      const pkg = (await (await fetch('/package.json')).json()) as { version: string };
      expect(PayLinkButton.version).to.equal(pkg.version);
    });
  });
});

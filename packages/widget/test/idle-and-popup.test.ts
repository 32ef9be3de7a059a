// <pay-link-button>: idle, a purchase through a popup (split from pay-link-button.test.ts by its describes)
import {
  PROXY,
  PayLinkButton,
  PayLinkPaidEvent,
  announced,
  buyButton,
  collect,
  es,
  expect,
  fakePopup,
  fixture,
  html,
  http,
  mainButton,
  ms,
  oneEvent,
  openStub,
  problem,
  serveIntent,
  serveLink,
  shadow,
  sinon,
  statusRegion,
  stubOpen,
  waitUntil,
  worker,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('idle', () => {
    it('renders a native button labelled "Pay", and the amount when it is declared', async () => {
      const el = await buyButton();
      expect(mainButton(el)!.localName).to.equal('button');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay');
      expect(el.status).to.equal('idle');
      expect(el.getAttribute('status')).to.equal('idle');

      const open = await fixture<PayLinkButton>(html`<pay-link-button proxy=${PROXY} amount="150000" currency="INR"></pay-link-button>`);
      expect(mainButton(open)!.textContent!.trim()).to.equal('Pay ₹1,500.00');
    });

    it('takes a label from the attribute or the slot and keeps the amount in the accessible name', async () => {
      const el = await fixture<PayLinkButton>(html`<pay-link-button proxy=${PROXY} amount="9900" currency="USD" label="Tip the author"></pay-link-button>`);
      expect(mainButton(el)!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Tip the author, $99.00');
      expect(shadow(el).querySelector('.sr-only')!.textContent).to.equal(', $99.00');

      const slotted = await fixture<PayLinkButton>(html`<pay-link-button proxy=${PROXY} product="chai"><b>Buy chai</b></pay-link-button>`);
      const slot = shadow(slotted).querySelector<HTMLSlotElement>('[part=label] slot')!;
      expect(slot.assignedElements()[0]!.textContent).to.equal('Buy chai');
      expect(shadow(slotted).querySelector('[part=label]')!.textContent!.trim()).to.equal('');
    });

    it('ignores whitespace-only content, which would otherwise hide the default label', async () => {
      const el = await fixture<PayLinkButton>(`<pay-link-button proxy="${PROXY}" product="chai">
      </pay-link-button>`);
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay');
    });

    it('re-renders when attributes change after upgrade', async () => {
      const el = await buyButton();
      el.setAttribute('label', 'Order now');
      await el.updateComplete;
      expect(mainButton(el)!.textContent!.trim()).to.equal('Order now');
      el.setAttribute('theme', 'dark');
      el.setAttribute('lang', 'es');
      el.removeAttribute('label');
      await el.updateComplete;
      expect(el.theme).to.equal('dark');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pagar');
    });

    it('defaults `proxy` to the origin of the script that defined it', async () => {
      const el = await fixture<PayLinkButton>(html`<pay-link-button product="chai"></pay-link-button>`);
      // In the test server the module is served from the page's own origin
      expect(el.proxy).to.equal(location.origin);
    });

    it('is accessible', async () => {
      const el = await buyButton();
      await expect(el).to.be.accessible();
    });
  });

  describe('a purchase through a popup', () => {
    it('opens the popup inside the click, mints, sends the popup to the checkout, and shows paid once', async () => {
      const proxy = serveLink();
      const popup = fakePopup();
      const open = stubOpen(popup);
      const el = await buyButton('customer-email="asha@example.com"');
      const paid = collect(document, 'pay-link-paid');
      const created = oneEvent(el, 'pay-link-created');

      mainButton(el)!.click();
      // Synchronously, inside the click: the blank window exists before any request was even sent.
      expect(open.callCount).to.equal(1);
      expect(open.firstCall.args[0]).to.equal('');
      expect(open.firstCall.args[2]).to.match(/^popup,width=\d+,height=\d+/);
      // Kept, so the element can close it later (docs/decisions/0018-checkout-window-opener.md)
      expect(popup.opener === window, 'the opener is kept').to.equal(true);
      expect(popup.document.body.textContent).to.equal('Preparing secure checkout…');
      expect(popup.document.title).to.equal('Preparing secure checkout…');

      await el.updateComplete;
      expect(el.status).to.equal('minting');
      expect(mainButton(el)!.getAttribute('aria-busy')).to.equal('true');
      expect(announced(el)).to.equal('Preparing secure checkout…');

      const { detail } = await created;
      expect(detail.linkId).to.equal(proxy.state.view.id);
      const [post] = proxy.state.posts;
      expect(post!.openCallsAtRequest).to.equal(1);
      expect(post!.contentType).to.equal('application/json');
      expect(post!.key).to.match(/^[0-9a-f-]{32,36}$/);
      expect(post!.body).to.deep.include({ product: 'chai', customer: { email: 'asha@example.com' } });
      const returnUrl = new URL(post!.body.returnUrl as string);
      expect(returnUrl.origin + returnUrl.pathname).to.equal(location.origin + location.pathname);
      expect(returnUrl.searchParams.get('pay_link_for')).to.be.a('string').and.not.empty;

      expect(popup.location.replace.args).to.deep.equal([[proxy.state.view.url]]);
      await el.updateComplete;
      expect(el.status).to.equal('pending');
      expect(announced(el)).to.equal('Complete the payment in the checkout window.');
      expect(shadow(el).querySelector('[part=label]')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Reopen checkout, ₹1,500.00');
      expect(shadow(el).querySelector('.sr-only')!.textContent).to.equal(', ₹1,500.00'); // heard, not shown
      expect(shadow(el).querySelector('[part=secondary]')!.textContent).to.equal('Check again');

      await waitUntil(() => proxy.state.gets.length >= 1, 'polled');
      proxy.set({ status: 'paid', amountPaid: 150000, paidAt: new Date().toISOString() });
      await waitUntil(() => paid.length === 1, 'pay-link-paid');
      await el.updateComplete;
      const event = paid[0]!;
      expect(event).to.be.instanceOf(PayLinkPaidEvent);
      expect(event.detail).to.deep.equal({
        linkId: proxy.state.view.id,
        status: 'paid',
        amount: { value: 150000, currency: 'INR' },
        provider: 'razorpay',
      });
      expect(el.status).to.equal('paid');
      expect(el.getAttribute('status')).to.equal('paid');
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
      expect(mainButton(el) === null, 'no button once paid').to.equal(true);

      // Polling stopped at the terminal status, and the event is not repeated
      const reads = proxy.state.gets.length;
      await new Promise((r) => setTimeout(r, 150));
      expect(proxy.state.gets.length).to.equal(reads);
      expect(paid.length).to.equal(1);
      // A new purchase gets a new key: the key is gone; what stays for the visit is the paid link and its amount
      const kept = Object.entries(sessionStorage).filter(([k]) => k.startsWith('pay-link:'));
      expect(kept.map(([, v]) => JSON.parse(v))).to.deep.equal([{ linkId: proxy.state.view.id, paid: { value: 150000, currency: 'INR' } }]);
    });

    it('names the price by intent or open amount, passes provider and return-url, and opens a tab on request', async () => {
      const proxy = serveLink();
      serveIntent(null);
      const open = stubOpen(fakePopup());
      const invoice = await buyButton('intent="int_0123456789abcdef" provider="xendit" presentation="tab" return-url="https://shop.test/thanks?order=7"');
      await waitUntil(() => !mainButton(invoice)!.hasAttribute('aria-busy'), 'intent read');
      mainButton(invoice)!.click();
      expect(open.firstCall.args[2]).to.equal(''); // a tab: no popup features
      await waitUntil(() => proxy.state.posts.length === 1, 'minted');
      const { body } = proxy.state.posts[0]!;
      expect(body).to.include({ intent: 'int_0123456789abcdef', provider: 'xendit' });
      expect(body).to.not.have.property('product');
      const back = new URL(body.returnUrl as string);
      expect(back.origin + back.pathname).to.equal('https://shop.test/thanks');
      expect(back.searchParams.get('order')).to.equal('7');

      const tip = await fixture<PayLinkButton>(html`<pay-link-button proxy=${PROXY} amount="5000" currency="USD" presentation="popup"></pay-link-button>`);
      mainButton(tip)!.click();
      await waitUntil(() => proxy.state.posts.length === 2, 'minted');
      expect(proxy.state.posts[1]!.body).to.include({ amount: 5000, currency: 'USD' });
    });

    it('starts over when the purchase changes after a finished payment', async () => {
      serveLink({ status: 'paid', amountPaid: 150000 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'paid', 'paid');
      el.setAttribute('product', 'samosa');
      await el.updateComplete;
      expect(el.status).to.equal('idle');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay');
    });

    it('exposes custom states when the browser supports them', async () => {
      const el = await buyButton();
      if (!CSS.supports('selector(:state(idle))')) return;
      expect(el.matches(':state(idle)')).to.equal(true);
    });

    it('shows merchant content in the paid slot', async () => {
      serveLink({ status: 'paid', amountPaid: 150000 });
      stubOpen(fakePopup());
      const container = await fixture<HTMLDivElement>(
        `<div><pay-link-button proxy="${PROXY}" product="chai" presentation="popup"><span slot="paid">Thanks! Your receipt is on its way.</span></pay-link-button></div>`,
      );
      const el = container.querySelector('pay-link-button')!;
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'paid', 'paid');
      await el.updateComplete;
      expect(announced(el)).to.equal('Thanks! Your receipt is on its way.');
    });

    it('is accessible while waiting, when paid and on error', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      await el.updateComplete;
      await expect(el).to.be.accessible();

      proxy.set({ status: 'paid', amountPaid: 150000 });
      el.checkAgain();
      await waitUntil(() => el.status === 'paid', 'paid');
      await el.updateComplete;
      await expect(el).to.be.accessible();

      worker.use(http.post(`${PROXY}/v1/links`, () => problem(404, 'unknown_product', 'No product "tea".')));
      const failing = await buyButton('product="tea"');
      openStub!.returns(null);
      mainButton(failing)!.click();
      await waitUntil(() => failing.status === 'error', 'error');
      await failing.updateComplete;
      await expect(failing).to.be.accessible();
    });

    it('re-checks at once and returns focus to the button when the buyer closes the checkout window', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      const popup = fakePopup();
      stubOpen(popup);
      const el = await buyButton();
      mainButton(el)!.focus();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(proxy.state.gets.length).to.equal(0); // the mint answer seeded the watcher; next read in 60 s

      mainButton(el)!.blur();
      proxy.set({ status: 'partially_paid', amountPaid: 50000 });
      popup.closed = true;
      await waitUntil(() => proxy.state.gets.length === 1, 're-checked within the 500 ms close poll', { timeout: 2000 });
      await waitUntil(() => el.status === 'partially_paid', 'partially paid');
      await el.updateComplete;
      expect(shadow(el).activeElement === mainButton(el), 'focus on the button').to.equal(true);
      expect(announced(el)).to.equal('₹500.00 paid, ₹1,000.00 remaining.');
    });

    it('"Reopen checkout" focuses the open window instead of opening another', async () => {
      serveLink({ pollAfterMs: 60000 });
      const popup = fakePopup();
      const open = stubOpen(popup);
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      await el.updateComplete;
      mainButton(el)!.click();
      expect(open.callCount).to.equal(1);
      expect(popup.focus.callCount).to.equal(2); // once when shown, once on reopen
    });

    it('"Check again" reads the status now, busy while in flight, then says it checked', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      worker.use(http.get(`${PROXY}/v1/links/:id`, async () => (await gate, undefined)));
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      await el.updateComplete;
      const secondary = () => shadow(el).querySelector<HTMLButtonElement>('[part=secondary]')!;
      secondary().click();
      await el.updateComplete;
      expect(secondary().getAttribute('aria-busy')).to.equal('true');
      release();
      await waitUntil(() => proxy.state.gets.length === 1, 'read');
      await waitUntil(() => !secondary().hasAttribute('aria-busy'), 'not busy');
      await el.updateComplete;
      expect(announced(el)).to.equal('Complete the payment in the checkout window. Checked just now.');
      await expect(el).to.be.accessible();
    });

    it('says it is offline while waiting, and reads at once when the connection returns', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      const online = sinon.stub(navigator, 'onLine').value(false);
      window.dispatchEvent(new Event('offline'));
      await el.updateComplete;
      expect(announced(el)).to.equal('You are offline.');
      expect(statusRegion(el).getAttribute('aria-live')).to.equal('polite');

      proxy.set({ status: 'paid', amountPaid: 150000 });
      online.value(true);
      window.dispatchEvent(new Event('online'));
      await waitUntil(() => el.status === 'paid', 'paid at once, not after the 60 s poll', { timeout: 1000 });
      expect(proxy.state.gets).to.have.length(1);
    });
  });
});

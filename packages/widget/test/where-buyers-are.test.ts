// <pay-link-button> where buyers really are (issue #15): back from a redirect, in-app browsers, a provider that cannot
// send the buyer back, the checkout window closed once paid, the paid state kept for the visit; and (issue #18) one
// AbortController per purchase, so a late answer for a purchase that changed is cancelled, not merely ignored.
import {
  PROXY,
  announced,
  assign,
  buyButton,
  collect,
  delay,
  expect,
  fakePopup,
  fixture,
  http,
  mainButton,
  serveLink,
  shadow,
  stubOpen,
  stubOpenFresh,
  waitUntil,
  worker,
  sinon,
  type PayLinkButton,
  useFakeProxy,
} from './helpers.ts';

const INSTAGRAM =
  'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.0.0 Mobile Safari/537.36 Instagram 340.0.0.22.109 Android';

/** Pretends to be another browser for one test (navigator.userAgent is an accessor on Navigator.prototype). */
function userAgent(ua: string) {
  Object.defineProperty(navigator, 'userAgent', { value: ua, configurable: true });
  return () => delete (navigator as { userAgent?: string }).userAgent;
}

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('back from a redirect to the checkout', () => {
    it('moves focus to its status at once, then announces the result there and scrolls itself into view', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      const first = await buyButton('presentation="redirect"');
      mainButton(first)!.click();
      await waitUntil(() => assign.callCount === 1, 'redirected');
      first.remove();
      // The provider sends the buyer back to the return URL with the link id; the shop's page loads at its top.
      const back = new URL(proxy.state.posts[0]!.body.returnUrl as string);
      back.searchParams.set('pay_link_id', proxy.state.view.id);
      history.replaceState(null, '', back.pathname + back.search);
      proxy.set({ status: 'paid', amountPaid: 150000 });
      // A slow first read, so what the buyer hears before the answer can be checked
      worker.use(http.get(`${PROXY}/v1/links/:id`, async () => void (await delay(300))));
      scrollTo(0, 0);
      const container = await fixture<HTMLDivElement>(
        `<div><div style="height:${innerHeight * 3}px">a long shop page</div><pay-link-button proxy="${PROXY}" product="chai" presentation="redirect"></pay-link-button><div style="height:${innerHeight}px"></div></div>`,
      );
      const el = container.querySelector<PayLinkButton>('pay-link-button')!;
      await waitUntil(() => shadow(el).activeElement !== null, 'focus moved');
      expect(shadow(el).activeElement!.getAttribute('part')).to.equal('status');
      // Focus first, on "Checking…": the result then reaches a screen reader once, through the live region
      expect(el.status).to.equal('idle');
      expect(announced(el)).to.equal('Checking the payment status…');
      await waitUntil(() => el.status === 'paid', 'paid');
      await waitUntil(() => el.getBoundingClientRect().top >= 0, 'scrolled');
      expect(shadow(el).activeElement!.getAttribute('part')).to.equal('status');
      expect(document.activeElement === el, 'focus is in the element').to.equal(true);
      const box = el.getBoundingClientRect();
      expect(box.top >= 0 && box.bottom <= innerHeight, `in the viewport (top ${box.top}, bottom ${box.bottom}, height ${innerHeight})`).to.equal(true);
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
    });

    it('a reload without the return parameters does not move the page or the focus', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const first = await buyButton();
      mainButton(first)!.click();
      await waitUntil(() => first.status === 'pending', 'pending');
      first.remove();
      scrollTo(0, 0);
      const container = await fixture<HTMLDivElement>(
        `<div><div style="height:${innerHeight * 3}px"></div><pay-link-button proxy="${PROXY}" product="chai" presentation="popup"></pay-link-button></div>`,
      );
      const el = container.querySelector<PayLinkButton>('pay-link-button')!;
      await waitUntil(() => el.status === 'pending', 'resumed from the session');
      await new Promise((r) => setTimeout(r, 50));
      expect(scrollY).to.equal(0);
      expect(shadow(el).activeElement).to.equal(null);
      expect(proxy.state.posts.length).to.equal(1);
    });
  });

  describe('presentation per context', () => {
    it('an in-app browser (Instagram): no window.open at all, the checkout takes this tab', async () => {
      const restore = userAgent(INSTAGRAM);
      try {
        const proxy = serveLink();
        const open = stubOpen(null);
        const blocked = collect(document, 'pay-link-blocked');
        const el = await buyButton(); // presentation="popup" asked for: an in-app browser cannot honour it
        mainButton(el)!.click();
        await waitUntil(() => assign.callCount === 1, 'redirected');
        expect(open.callCount).to.equal(0);
        expect(assign.firstCall.args).to.deep.equal([proxy.state.view.url]);
        expect(blocked.length).to.equal(0); // nothing was blocked: nothing was tried
      } finally {
        restore();
      }
    });

    it('a provider that cannot send the buyer back (PayEngine), where this tab would redirect: a new tab instead', async () => {
      const proxy = serveLink({ provider: 'payengine', returnsBuyer: false, amount: { value: 4900, currency: 'USD' } });
      const popups = stubOpenFresh();
      const el = await buyButton('presentation="redirect"');
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      await el.updateComplete;
      expect(popups.length).to.equal(1);
      expect((window.open as unknown as sinon.SinonStub).firstCall.args).to.deep.equal([proxy.state.view.url]);
      expect(assign.callCount).to.equal(0); // this tab stays on the shop
      expect(announced(el)).to.equal('Complete the payment in the checkout window.');
      proxy.set({ status: 'paid', amountPaid: 4900 });
      await waitUntil(() => el.status === 'paid', 'paid');
      expect(popups[0]!.closed, 'the tab it opened is closed once paid').to.equal(true);
    });

    it('a provider that returns the buyer still redirects this tab where a redirect was chosen', async () => {
      serveLink();
      const open = stubOpen(fakePopup());
      const el = await buyButton('presentation="redirect"');
      mainButton(el)!.click();
      await waitUntil(() => assign.callCount === 1, 'redirected');
      expect(open.callCount).to.equal(0);
      expect(el.status).to.equal('pending');
    });

    it('desktop: closes the checkout window it opened once the link is paid, and only then', async () => {
      const proxy = serveLink();
      const popups = stubOpenFresh();
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      proxy.set({ status: 'partially_paid', amountPaid: 50000 });
      await waitUntil(() => el.status === 'partially_paid', 'partly paid');
      expect(popups[0]!.closed, 'still paying: the window stays').to.equal(false);
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => el.status === 'paid', 'paid');
      expect(popups[0]!.closed, 'paid: the element closed it').to.equal(true);
    });
  });

  describe('paid state kept for the visit', () => {
    it('a purchase paid in this tab shows paid after a reload, from the session alone (no request), with nothing personal stored', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const first = await buyButton('customer-email="asha@example.com" customer-name="Asha"');
      mainButton(first)!.click();
      await waitUntil(() => first.status === 'pending', 'pending');
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => first.status === 'paid', 'paid');
      first.remove();
      const requests = { posts: proxy.state.posts.length, gets: proxy.state.gets.length };

      const stored = Object.entries(sessionStorage).filter(([k]) => k.startsWith('pay-link:'));
      expect(stored.map(([, v]) => JSON.parse(v))).to.deep.equal([{ linkId: proxy.state.view.id, paid: { value: 150000, currency: 'INR' } }]);
      expect(stored.some(([, v]) => /asha|checkout\.test|Masala/i.test(v)), 'no buyer data, no URL, no description').to.equal(false);

      // "Reload": a new element for the same purchase
      const paid = collect(document, 'pay-link-paid');
      const el = await buyButton('customer-email="asha@example.com" customer-name="Asha"');
      expect(el.status).to.equal('paid');
      await el.updateComplete;
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
      expect(mainButton(el)).to.equal(null);
      expect(el.link!.id).to.equal(proxy.state.view.id);
      expect(paid.map((e) => e.detail.linkId)).to.deep.equal([proxy.state.view.id]);
      await new Promise((r) => setTimeout(r, 100));
      expect({ posts: proxy.state.posts.length, gets: proxy.state.gets.length }).to.deep.equal(requests);

      // No quantity is a quantity of 1: a page whose picker wrote quantity="1" finds the same purchase
      const one = await buyButton('quantity="1" customer-email="asha@example.com" customer-name="Asha"');
      expect(one.status).to.equal('paid');

      // Another purchase on the page is not paid by it
      const other = await buyButton('quantity="2"');
      expect(other.status).to.equal('idle');
    });

    it('a cancelled or expired purchase is not kept: after a reload the button offers a new purchase', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const first = await buyButton();
      mainButton(first)!.click();
      await waitUntil(() => first.status === 'pending', 'pending');
      proxy.set({ status: 'cancelled' });
      await waitUntil(() => first.status === 'cancelled', 'cancelled');
      first.remove();
      expect(Object.keys(sessionStorage).filter((k) => k.startsWith('pay-link:'))).to.deep.equal([]);
      const el = await buyButton();
      expect(el.status).to.equal('idle');
    });
  });

  describe('one AbortController per purchase (#18)', () => {
    it('a mint in flight when the purchase changes is aborted: its request is cancelled, and nothing of it shows', async () => {
      const proxy = serveLink({}, { mintDelayMs: 400 });
      const fetches = sinon.spy(window, 'fetch');
      const popups = stubOpenFresh();
      const created = collect(document, 'pay-link-created');
      const el = await buyButton();
      mainButton(el)!.click();
      await el.updateComplete;
      expect(el.status).to.equal('minting');
      await waitUntil(() => proxy.state.posts.length === 1, 'the mint reached the proxy');
      const mint = fetches.getCalls().find((call) => (call.args[1] as RequestInit | undefined)?.method === 'POST')!;
      const signal = (mint.args[1] as RequestInit).signal!;
      expect(signal.aborted).to.equal(false);
      el.setAttribute('product', 'masala'); // a different purchase now
      await el.updateComplete;
      expect(signal.aborted, "the old purchase's mint request is cancelled").to.equal(true);
      expect(await (mint.returnValue as Promise<Response>).then(() => 'answered', (e: Error) => e.name)).to.equal('AbortError');
      await new Promise((r) => setTimeout(r, 500)); // past the time the proxy would have answered
      expect(el.status).to.equal('idle');
      expect(el.link).to.equal(null);
      expect(created.length).to.equal(0);
      expect(popups[0]!.closed, 'its prepared window closed').to.equal(true);
      expect(popups[0]!.location.replace.callCount).to.equal(0);
      // The key stays with the old purchase (the proxy may have minted it): buying it again replays that link
      expect(Object.keys(sessionStorage).filter((k) => k.startsWith('pay-link:')).length).to.equal(1);
    });
  });
});

// <pay-link-button>: fallbacks, single flight and idempotency (split from pay-link-button.test.ts by its describes)
import {
  PROXY,
  announced,
  assign,
  buyButton,
  collect,
  expect,
  fakePopup,
  http,
  linkView,
  mainButton,
  navigation,
  oneEvent,
  problem,
  serveLink,
  stubOpen,
  stubOpenFresh,
  waitUntil,
  worker,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('fallbacks', () => {
    it('redirects this tab, says so and fires pay-link-blocked when the popup is blocked', async () => {
      const proxy = serveLink();
      stubOpen(null);
      const el = await buyButton();
      const blocked = collect(el, 'pay-link-blocked');
      mainButton(el)!.click();
      await waitUntil(() => assign.called, 'redirected');
      expect(assign.args).to.deep.equal([[proxy.state.view.url]]);
      expect(blocked).to.have.length(1);
      expect(blocked[0]!.detail.error).to.deep.equal({ code: 'popup_blocked', recoverable: true });
      await el.updateComplete;
      expect(announced(el)).to.equal('The checkout window was blocked, so the checkout opens in this tab.');
      // The link is remembered, so coming back to this page resumes it
      const stored = Object.entries(sessionStorage).find(([k]) => k.startsWith('pay-link:'))!;
      expect(JSON.parse(stored[1]).linkId).to.equal(proxy.state.view.id);
    });

    it('closing "Preparing…" means never mind: back to idle, says so, no navigation; the next click replays the same link', async () => {
      const proxy = serveLink({}, { mintDelayMs: 50 });
      const popups = stubOpenFresh();
      const el = await buyButton();
      const opened = collect(el, 'pay-link-opened');
      mainButton(el)!.click();
      popups[0]!.closed = true;
      await waitUntil(() => proxy.state.posts.length === 1 && el.status === 'idle' && !mainButton(el)!.hasAttribute('aria-busy'), 'idle');
      await new Promise((r) => setTimeout(r, 100));
      await el.updateComplete;
      expect(assign.callCount).to.equal(0);
      expect(popups[0]!.location.replace.callCount).to.equal(0);
      expect(opened).to.have.length(0);
      expect(el.link).to.equal(null);
      expect(announced(el)).to.equal('Checkout closed. Nothing was charged.');

      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(proxy.state.posts.map((p) => p.key)).to.deep.equal([proxy.state.posts[0]!.key, proxy.state.posts[0]!.key]);
      expect(el.link!.id).to.equal(proxy.state.view.id);
      expect(popups[1]!.location.replace.args).to.deep.equal([[proxy.state.view.url]]);
    });

    it('keeps one checkout window at a time: a new purchase closes the window of the last one', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      const popups = stubOpenFresh();
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      proxy.set({ status: 'cancelled' }); // cancelled at the checkout, whose page stays open
      await el.checkAgain();
      await waitUntil(() => el.status === 'cancelled', 'cancelled');
      expect(popups[0]!.closed).to.equal(false);
      proxy.state.view = linkView({ pollAfterMs: 60000 });
      await el.updateComplete;
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending again');
      expect(popups).to.have.length(2);
      expect(popups[0]!.closed, 'the cancelled checkout is closed').to.equal(true);
      expect(popups[1]!.closed).to.equal(false);
    });

    it('uses a same-tab redirect with presentation="redirect", opening no window', async () => {
      const proxy = serveLink();
      const open = stubOpen(fakePopup());
      const el = await buyButton('presentation="redirect"');
      const opened = collect(el, 'pay-link-opened');
      mainButton(el)!.click();
      await waitUntil(() => assign.called, 'redirected');
      expect(open.callCount).to.equal(0);
      expect(assign.args).to.deep.equal([[proxy.state.view.url]]);
      expect(opened).to.have.length(1);
    });
  });

  describe('single flight and idempotency', () => {
    it('mints once for a double click', async () => {
      const proxy = serveLink({}, { mintDelayMs: 100 });
      stubOpen(fakePopup());
      const el = await buyButton();
      const button = mainButton(el)!;
      button.click();
      button.click();
      await el.updateComplete;
      button.click();
      button.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(proxy.state.posts).to.have.length(1);
    });

    it('keeps one key across reloads, mints again only for a new purchase', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const first = await buyButton();
      mainButton(first)!.click();
      await waitUntil(() => first.status === 'pending', 'pending');
      first.remove();

      // "Reload": a new element for the same purchase resumes the link from sessionStorage, with no new mint
      const again = await buyButton();
      await waitUntil(() => again.status === 'pending', 'resumed');
      expect(proxy.state.posts).to.have.length(1);
      expect(proxy.state.gets[0]!.id).to.equal(proxy.state.view.id);

      // A different product is a different purchase with its own key
      const other = await buyButton('product="samosa"');
      mainButton(other)!.click();
      await waitUntil(() => proxy.state.posts.length === 2, 'second mint');
      expect(proxy.state.posts[1]!.key).to.not.equal(proxy.state.posts[0]!.key);
    });

    it('waits out a mint still in flight (409), and takes a new key once when the old one no longer fits (422)', async () => {
      const proxy = serveLink();
      const refusals = [
        () => problem(409, 'idempotency_in_flight', 'A request with this Idempotency-Key is still being processed', true),
        () => problem(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request'),
      ];
      const refusedKeys: (string | null)[] = [];
      worker.use(
        http.post(`${PROXY}/v1/links`, ({ request }) => {
          const refuse = refusals.shift();
          if (!refuse) return undefined; // on to the link handler
          refusedKeys.push(request.headers.get('Idempotency-Key'));
          return refuse();
        }),
      );
      stubOpen(fakePopup());
      const el = await buyButton();
      const errors = collect(el, 'pay-link-error');
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending', { timeout: 4000 });
      expect(errors).to.have.length(0);
      expect(refusedKeys[1]).to.equal(refusedKeys[0]); // the same key, a second later
      expect(proxy.state.posts[0]!.key).to.not.equal(refusedKeys[0]); // then a fresh one
    });

    it('starts a new purchase with a new key after the link expired', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const el = await buyButton();
      const expired = oneEvent(el, 'pay-link-expired');
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      proxy.set({ status: 'expired' });
      await expired;
      await el.updateComplete;
      expect(announced(el)).to.equal('This payment link has expired.');
      expect(mainButton(el)!.textContent!.trim()).to.match(/^Get a new link\s*, ₹1,500.00$/);

      proxy.set({ status: 'pending' });
      mainButton(el)!.click();
      await waitUntil(() => proxy.state.posts.length === 2, 'minted again');
      expect(proxy.state.posts[1]!.key).to.not.equal(proxy.state.posts[0]!.key);
    });

    it('shows a cancelled link and fires pay-link-cancelled', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const el = await buyButton();
      const cancelled = oneEvent(el, 'pay-link-cancelled');
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      proxy.set({ status: 'cancelled' });
      const { detail } = await cancelled;
      expect(detail.status).to.equal('cancelled');
      await el.updateComplete;
      expect(announced(el)).to.equal('The payment was cancelled.');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Pay ₹1,500.00');
    });
  });
});

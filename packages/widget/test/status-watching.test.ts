// <pay-link-button>: status watching, re-checks at once, after a proxy restart that lost the link (split from pay-link-button.test.ts by its describes)
import {
  PROXY,
  announced,
  assign,
  buyButton,
  collect,
  expect,
  fakePopup,
  fixture,
  http,
  mainButton,
  problem,
  restartProxy,
  serveLink,
  sinon,
  stubOpen,
  waitUntil,
  worker,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('status watching', () => {
    it('revalidates with the ETag and treats 304 as unchanged', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const statuses = collect(document, 'pay-link-status');
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => proxy.state.gets.length >= 3, 'polled a few times');
      expect(proxy.state.gets[0]!.ifNoneMatch).to.equal(null);
      expect(proxy.state.gets.slice(1).every((g) => g.ifNoneMatch === '"1"')).to.equal(true);
      expect(el.status).to.equal('pending');
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => el.status === 'paid', 'paid');
      expect(statuses.map((e) => e.detail.status)).to.deep.equal(['pending', 'paid']);
    });

    it('backs off on a failing read without leaving the waiting state', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      let failures = 0;
      worker.use(http.get(`${PROXY}/v1/links/:id`, () => (failures++ < 2 ? problem(503, 'provider_unavailable', 'Down', true) : undefined)));
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => el.status === 'paid', 'paid after two failures', { timeout: 3000 });
      expect(failures).to.be.greaterThanOrEqual(3);
    });

    it('resumes a link named in the return URL (?pay_link_id=) on load', async () => {
      const proxy = serveLink({ status: 'paid', amountPaid: 150000 });
      const url = new URL(location.href);
      url.searchParams.set('pay_link_id', proxy.state.view.id);
      history.replaceState(null, '', url);
      const paid = collect(document, 'pay-link-paid');
      const el = await buyButton();
      await waitUntil(() => el.status === 'paid', 'paid without a click');
      expect(paid).to.have.length(1);
      expect(proxy.state.posts).to.have.length(0);
      await el.updateComplete;
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
    });

    it('leaves a return URL for another purchase on the page alone', async () => {
      const proxy = serveLink();
      const url = new URL(location.href);
      url.searchParams.set('pay_link_id', proxy.state.view.id);
      url.searchParams.set('pay_link_for', 'someone-else');
      history.replaceState(null, '', url);
      const el = await buyButton();
      await new Promise((r) => setTimeout(r, 50));
      expect(el.status).to.equal('idle');
      expect(proxy.state.gets).to.have.length(0);
    });

    it('shares one request stream between instances watching the same link', async () => {
      const proxy = serveLink({ pollAfterMs: 40 });
      const url = new URL(location.href);
      url.searchParams.set('pay_link_id', proxy.state.view.id);
      history.replaceState(null, '', url);
      const container = await fixture<HTMLDivElement>(
        `<div>${`<pay-link-button proxy="${PROXY}" product="chai"></pay-link-button>`.repeat(3)}</div>`,
      );
      const buttons = [...container.querySelectorAll('pay-link-button')];
      await waitUntil(() => proxy.state.gets.length === 1, 'first read');
      await waitUntil(() => buttons.every((b) => b.status === 'pending'), 'all pending');
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => buttons.every((b) => b.status === 'paid'), 'all paid');
      await new Promise((r) => setTimeout(r, 120));
      expect(proxy.state.gets).to.have.length(2);
    });

    it('stops polling when the element is removed', async () => {
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => proxy.state.gets.length >= 1, 'polling');
      el.remove();
      await new Promise((r) => setTimeout(r, 40));
      const reads = proxy.state.gets.length;
      await new Promise((r) => setTimeout(r, 120));
      expect(proxy.state.gets.length).to.equal(reads);
    });
  });

  describe('re-checks at once', () => {
    it('when the page comes back from the back/forward cache (pageshow, persisted)', async () => {
      const proxy = serveLink({ pollAfterMs: 60000 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(proxy.state.gets).to.have.length(0); // the mint answer seeded the watcher; next read in 60 s

      // The buyer paid in the checkout tab, went back in history and forward again to this page
      proxy.set({ status: 'paid', amountPaid: 150000 });
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await waitUntil(() => el.status === 'paid', 'paid after pageshow');
      expect(proxy.state.gets).to.have.length(1);
    });

    it('pauses polling while the page is hidden, and reads when it is shown again', async () => {
      let hidden = false;
      sinon.stub(document, 'hidden').get(() => hidden);
      const proxy = serveLink({ pollAfterMs: 20 });
      stubOpen(fakePopup());
      const el = await buyButton();
      mainButton(el)!.click();
      await waitUntil(() => proxy.state.gets.length >= 2, 'polling');

      hidden = true;
      document.dispatchEvent(new Event('visibilitychange'));
      await new Promise((r) => setTimeout(r, 60)); // a read already under way may still land
      const reads = proxy.state.gets.length;
      await new Promise((r) => setTimeout(r, 200)); // ten polling intervals
      expect(proxy.state.gets.length).to.equal(reads);
      expect(el.status).to.equal('pending');

      // No timer runs while hidden: only the visibilitychange read can see the payment
      proxy.set({ status: 'paid', amountPaid: 150000 });
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      await waitUntil(() => el.status === 'paid', 'paid once visible');
      expect(proxy.state.gets.length).to.equal(reads + 1);
    });
  });

  describe('after a proxy restart that lost the link', () => {
    /** A purchase through a popup left pending, then the element removed ("reload"); the next one resumes it. */
    async function boughtThenReloaded() {
      const proxy = serveLink({ pollAfterMs: 60000 });
      const open = stubOpen(fakePopup());
      const first = await buyButton();
      mainButton(first)!.click();
      await waitUntil(() => first.status === 'pending', 'pending');
      first.remove();
      return { proxy, open, key: proxy.state.posts[0]!.key, returnUrl: new URL(proxy.state.posts[0]!.body.returnUrl as string) };
    }

    it('re-mints silently with the same key and shows the recovered link paid (resumed from sessionStorage)', async () => {
      const { proxy, open, key } = await boughtThenReloaded();
      const restart = restartProxy(proxy, { status: 'paid', amountPaid: 150000, paidAt: new Date().toISOString() });
      const paid = collect(document, 'pay-link-paid');
      const errors = collect(document, 'pay-link-error');
      const created = collect(document, 'pay-link-created');

      const el = await buyButton();
      await waitUntil(() => el.status === 'paid', 'paid');
      await el.updateComplete;
      expect(restart.notFound).to.deep.equal([restart.forgotten]);
      expect(restart.keys).to.deep.equal([key]); // one re-mint, under the original key
      expect(paid.map((e) => e.detail.linkId)).to.deep.equal([restart.answer.id]);
      expect(errors).to.have.length(0);
      expect(created).to.have.length(0); // not a new purchase
      expect(open.callCount).to.equal(1); // the first click's window only
      expect(assign.callCount).to.equal(0);
      expect(announced(el)).to.equal('Paid ✓ ₹1,500.00');
      await new Promise((r) => setTimeout(r, 100));
      expect(paid).to.have.length(1);
    });

    it('keeps watching the recovered link while it is still pending, under its new id', async () => {
      const { proxy, key } = await boughtThenReloaded();
      const restart = restartProxy(proxy, { pollAfterMs: 20 });
      const el = await buyButton();
      await waitUntil(() => el.status === 'pending', 'pending');
      await waitUntil(() => proxy.state.gets.length >= 1, 'polling the new link');
      expect(proxy.state.gets.every((g) => g.id === restart.answer.id)).to.equal(true);
      proxy.set({ status: 'paid', amountPaid: 150000 });
      await waitUntil(() => el.status === 'paid', 'paid');
      expect(restart.keys).to.deep.equal([key]);
      const stored = Object.entries(sessionStorage).filter(([k]) => k.startsWith('pay-link:')).map(([, v]) => JSON.parse(v));
      // ended: no key (the next click is a new purchase); the paid link is kept for the visit
      expect(stored).to.deep.equal([{ linkId: restart.answer.id, paid: { value: 150000, currency: 'INR' } }]);
    });

    it('re-mints once only: when the recovered link is gone too, shows the error (resumed from ?pay_link_id=)', async () => {
      const { proxy, returnUrl } = await boughtThenReloaded();
      const restart = restartProxy(proxy, { status: 'pending' }, { lost: true });
      const url = new URL(location.href);
      url.searchParams.set('pay_link_for', returnUrl.searchParams.get('pay_link_for')!);
      url.searchParams.set('pay_link_id', restart.forgotten);
      history.replaceState(null, '', url);
      const errors = collect(document, 'pay-link-error');

      const el = await buyButton();
      await waitUntil(() => el.status === 'error', 'error');
      await el.updateComplete;
      expect(el.errorCode).to.equal('not_found');
      expect(restart.notFound).to.deep.equal([restart.forgotten, restart.answer.id]);
      await new Promise((r) => setTimeout(r, 150));
      expect(restart.keys).to.have.length(1); // no loop
      expect(errors.map((e) => e.detail.error)).to.deep.equal([{ code: 'not_found', recoverable: false }]);
      expect(mainButton(el) === null, 'no Retry for a link that is gone').to.equal(true);
      expect(announced(el)).to.equal('This payment link is no longer available.');
    });

    it('shows the error as before for a link it has no purchase record of (an unknown ?pay_link_id=)', async () => {
      const proxy = serveLink();
      const url = new URL(location.href);
      url.searchParams.set('pay_link_id', 'pl_unknown');
      history.replaceState(null, '', url);
      const el = await buyButton();
      await waitUntil(() => el.status === 'error', 'error');
      expect(el.errorCode).to.equal('not_found');
      await new Promise((r) => setTimeout(r, 50));
      expect(proxy.state.posts).to.have.length(0);
    });
  });
});

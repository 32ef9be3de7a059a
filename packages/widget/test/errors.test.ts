// <pay-link-button>: errors (split from pay-link-button.test.ts by its describes)
import {
  HttpResponse,
  LANGUAGES,
  PROBLEM_CODES,
  PROXY,
  announced,
  buyButton,
  collect,
  delay,
  en,
  enProblems,
  es,
  expect,
  fakePopup,
  hi,
  http,
  mainButton,
  ms,
  oneEvent,
  openStub,
  problem,
  serveLink,
  shadow,
  sinon,
  stubOpen,
  stubOpenFresh,
  th,
  vi,
  waitUntil,
  worker,
  useFakeProxy,
} from './helpers.ts';

describe('<pay-link-button>', () => {
  useFakeProxy();

  describe('errors', () => {
    it('shows the buyer a short message for the code, gives the detail to the console, offers no Retry and closes the blank window', async () => {
      worker.use(http.post(`${PROXY}/v1/links`, () => problem(404, 'unknown_product', 'There is no product "tea" in the catalog.')));
      const warn = sinon.stub(console, 'warn');
      const popup = fakePopup();
      stubOpen(popup);
      const el = await buyButton('product="tea"');
      mainButton(el)!.focus();
      const error = oneEvent(el, 'pay-link-error');
      mainButton(el)!.click();
      const { detail } = await error;
      expect(detail.error).to.deep.equal({ code: 'unknown_product', recoverable: false });
      await el.updateComplete;
      expect(el.status).to.equal('error');
      expect(el.errorCode).to.equal('unknown_product');
      const message = 'This cannot be paid for here right now. Please contact the seller.';
      expect(shadow(el).querySelector('[part=error]')!.textContent).to.equal(message);
      expect(announced(el)).to.equal(message);
      expect(popup.closed).to.equal(true);
      expect(mainButton(el) === null, 'no Retry: retrying cannot help').to.equal(true);
      expect(warn.args.map((args) => args.join(' '))).to.deep.equal(['pay-link-button: unknown_product There is no product "tea" in the catalog.']);
    });

    it('never shows the validator\'s wording, and offers Retry only where retrying can help (retryable, 5xx)', async () => {
      const detail = 'quantity: Too big: expected number to be <=100';
      sinon.stub(console, 'warn');
      for (const [status, code, retryable] of [[400, 'invalid_request', false], [422, 'provider_not_allowed', false], [403, 'origin_not_allowed', false], [422, 'amount_not_allowed', false], [409, 'webhooks_not_configured', false], [503, 'provider_unavailable', true], [429, 'rate_limited', true]] as const) {
        worker.resetHandlers();
        worker.use(
          http.post(`${PROXY}/v1/links`, () =>
            HttpResponse.json(
              { type: 'about:blank', title: code, status, code, detail, errors: [{ field: 'quantity', message: 'Too big: expected number to be <=100' }], retryable },
              { status, headers: { 'Content-Type': 'application/problem+json' } },
            ),
          ),
        );
        stubOpenFresh();
        const el = await buyButton('quantity="500"');
        mainButton(el)!.click();
        await waitUntil(() => el.status === 'error', code);
        await el.updateComplete;
        const text = shadow(el).textContent!;
        expect(text, code).not.to.include('Too big');
        expect(text, code).not.to.include('quantity');
        expect(announced(el), code).to.equal(enProblems[code]);
        expect(mainButton(el) !== null, `${code}: Retry only if retryable`).to.equal(retryable);
        openStub!.restore();
      }
    });

    it('has a buyer-safe message for every problem code of the contract, in all seven languages', () => {
      expect(LANGUAGES.map((t) => t.$code).sort()).to.deep.equal(['en', 'es', 'hi', 'id', 'ms', 'th', 'vi']);
      for (const t of LANGUAGES) {
        for (const code of PROBLEM_CODES) {
          const message = t.problems?.[code];
          expect(message, `${t.$code} ${code}`).to.be.a('string').and.not.equal('');
          // a buyer's sentence, not a code or the proxy's title
          expect(message, `${t.$code} ${code}`).not.to.match(/_|expected|Idempotency|webhook/i);
        }
      }
      expect(en.problems, 'not in the core bundle').to.equal(undefined);
    });

    it('turns a network failure into a recoverable error that Retry recovers from, with the same key', async () => {
      let fail = true;
      const proxy = serveLink();
      worker.use(http.post(`${PROXY}/v1/links`, () => (fail ? HttpResponse.error() : undefined)));
      stubOpenFresh();
      const el = await buyButton();
      const error = oneEvent(el, 'pay-link-error');
      mainButton(el)!.click();
      const { detail } = await error;
      expect(detail.error).to.deep.equal({ code: 'network_error', recoverable: true });
      await el.updateComplete;
      expect(announced(el)).to.equal('Could not reach the payment service. Check your connection.');
      expect(mainButton(el)!.textContent!.trim()).to.equal('Retry'); // no amount known yet
      const keyBefore = JSON.parse(Object.entries(sessionStorage).find(([k]) => k.startsWith('pay-link:'))![1]).idempotencyKey;

      fail = false;
      mainButton(el)!.click();
      await waitUntil(() => el.status === 'pending', 'recovered');
      expect(proxy.state.posts[0]!.key).to.equal(keyBefore);
      expect(el.errorCode).to.equal(null);
    });

    it('gives up on a request that never answers after 15 s: a recoverable error in the buyer\'s words, with Retry', async () => {
      // The first mint never answers. Counted, not flagged: with setTimeout faked, msw's own dispatch can hold that
      // first request until the clock is restored, so it may reach the handlers after the Retry began.
      let seen = 0;
      const proxy = serveLink();
      worker.use(http.post(`${PROXY}/v1/links`, async () => (seen++ === 0 ? delay('infinite') : undefined)));
      stubOpenFresh();
      const el = await buyButton();
      const errors = collect(el, 'pay-link-error');
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      mainButton(el)!.click();
      await clock.tickAsync(14_999);
      expect(el.status).to.equal('minting');
      await clock.tickAsync(1);
      clock.restore();
      await waitUntil(() => el.status === 'error', 'timed out');
      await el.updateComplete;
      expect(errors.map((e) => e.detail.error)).to.deep.equal([{ code: 'network_error', recoverable: true }]);
      expect(announced(el)).to.equal('Could not reach the payment service. Check your connection.');
      mainButton(el)!.click(); // Retry: the same purchase, the same key
      await waitUntil(() => el.status === 'pending', 'pending');
      expect(proxy.state.posts).to.have.length(1);
    });
  });
});

/**
 * What every `<pay-link-button>` test file shares: a fake proxy (msw in a service worker), fake windows, and the hooks
 * that start it and put the page back after each test (`useFakeProxy()`, called inside each file's outer describe).
 * The files are the old `pay-link-button.test.ts` split by its describes (issue #18), with the same assertions.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { delay, http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import sinon from 'sinon';
import { formatMoney } from '../src/localize.ts';
import {
  definePayLinkButton,
  navigation,
  PayLinkButton,
  PayLinkPaidEvent,
  registerTranslation,
  type ButtonStatus,
  type LinkView,
  type PayLinkEvent,
} from '../src/index.ts';
import { PROBLEM_CODES } from '@pay-link/proxy/contract';
import en, { problems as enProblems } from '../src/translations/en.ts';
import es from '../src/translations/es.ts';
import hi from '../src/translations/hi.ts';
import idLang from '../src/translations/id.ts';
import ms from '../src/translations/ms.ts';
import th from '../src/translations/th.ts';
import vi from '../src/translations/vi.ts';

// English's add-on (`translations/en.js`): its problem messages, which the core bundles leave out
export const enAddOn = { ...en, problems: enProblems };
registerTranslation(hi, es, ms, th, vi, idLang, enAddOn);
export const LANGUAGES = [enAddOn, hi, idLang, ms, th, vi, es];

export const PROXY = 'https://proxy.test';
export const worker = setupWorker();

export let ids = 0;
export let openStub: sinon.SinonStub | undefined;
/** Same-tab navigation never really happens in these tests. */
export let assign: sinon.SinonStub;
export let noEventSource: sinon.SinonStub;

export function linkView(over: Partial<LinkView> = {}): LinkView {
  return {
    id: `pl_${++ids}`,
    provider: 'razorpay',
    status: 'pending',
    seq: 1,
    amount: { value: 150000, currency: 'INR' },
    amountPaid: 0,
    url: `https://checkout.test/pay/${ids}`,
    expiresAt: null,
    paidAt: null,
    description: 'Masala chai',
    pollAfterMs: 30,
    ...over,
  };
}

export function problem(status: number, code: string, detail: string, retryable = false) {
  return HttpResponse.json(
    { type: `https://pay-link.dev/problems/${code}`, title: code, status, code, detail, retryable },
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

export interface Recorded {
  body: Record<string, unknown>;
  key: string | null;
  contentType: string | null;
  openCallsAtRequest: number;
}

/** A fake proxy for one link: records every request; `set` changes the link as the provider would. */
export function serveLink(initial: Partial<LinkView> = {}, options: { mintDelayMs?: number } = {}) {
  const state = { view: linkView(initial), posts: [] as Recorded[], gets: [] as { id: string; ifNoneMatch: string | null }[] };
  worker.use(
    http.post(`${PROXY}/v1/links`, async ({ request }) => {
      state.posts.push({
        body: (await request.json()) as Record<string, unknown>,
        key: request.headers.get('Idempotency-Key'),
        contentType: request.headers.get('Content-Type'),
        openCallsAtRequest: openStub?.callCount ?? 0,
      });
      if (options.mintDelayMs) await new Promise((r) => setTimeout(r, options.mintDelayMs));
      return HttpResponse.json(state.view, { status: 201, headers: { ETag: `"${state.view.seq}"` } });
    }),
    http.get(`${PROXY}/v1/links/:id`, ({ params, request }) => {
      const ifNoneMatch = request.headers.get('If-None-Match');
      // A read still in flight from an earlier test may land here: it is not this link's, so not recorded
      if (params.id !== state.view.id) return problem(404, 'not_found', 'No such link.');
      state.gets.push({ id: String(params.id), ifNoneMatch });
      const etag = `"${state.view.seq}"`;
      if (ifNoneMatch === etag) return new HttpResponse(null, { status: 304, headers: { ETag: etag } });
      return HttpResponse.json(state.view, { headers: { ETag: etag } });
    }),
  );
  return {
    state,
    set(over: Partial<LinkView>) {
      state.view = { ...state.view, ...over, seq: state.view.seq + 1 };
    },
  };
}

export const INTENT = 'pli1.eyJyIjoiSU5WLTcifQ.c2lnbmF0dXJlLW9mLXRoZS1tZXJjaGFudA';

/** `GET /v1/intents/:intent`: the invoice (₹2,500.00 unless told) and its latest link; `answer` may be a Response. */
export function serveIntent(link: LinkView | null | Response, options: { delayMs?: number } = {}) {
  const reads: string[] = [];
  worker.use(
    http.get(`${PROXY}/v1/intents/:intent`, async ({ params }) => {
      reads.push(String(params.intent));
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (link instanceof Response) return link;
      const invoice = { amount: { value: 250000, currency: 'INR' }, reference: 'INV-7', description: 'Consulting, October', expiresAt: '2030-01-01T00:00:00.000Z' };
      return HttpResponse.json({ invoice, link }, { headers: { 'Cache-Control': 'no-store' } });
    }),
  );
  return reads;
}

/**
 * `GET /v1/links/:id/events` as the proxy streams it: `retry:`, then the current view, then whatever `push` sends.
 * `requests` holds each connection's `Last-Event-ID`; `end()` ends the newest stream (the browser reconnects).
 */
export function serveEvents(proxy: ReturnType<typeof serveLink>, options: { status?: number } = {}) {
  const encoder = new TextEncoder();
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const requests: (string | null)[] = [];
  const event = (view: LinkView) => encoder.encode(`id: ${view.seq}\nevent: status\ndata: ${JSON.stringify(view)}\n\n`);
  worker.use(
    http.get(`${PROXY}/v1/links/:id/events`, ({ request, params }) => {
      if (params.id !== proxy.state.view.id) return problem(404, 'not_found', 'No such link.');
      requests.push(request.headers.get('Last-Event-ID'));
      if (options.status) return problem(options.status, 'provider_unavailable', 'Down', true);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          streams.push(controller);
          controller.enqueue(encoder.encode('retry: 20\n\n'));
          if (request.headers.get('Last-Event-ID') !== String(proxy.state.view.seq)) controller.enqueue(event(proxy.state.view));
        },
      });
      return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' } });
    }),
  );
  return {
    requests,
    /** Sends a view to every open stream (a repeat or an older one, too, if told). */
    push(view: LinkView = proxy.state.view) {
      for (const stream of streams) {
        try {
          stream.enqueue(event(view));
        } catch {
          // that stream ended
        }
      }
    },
    /** Changes the link and sends the change, as the proxy does. */
    set(over: Partial<LinkView>) {
      proxy.set(over);
      this.push();
    },
    end() {
      streams.at(-1)!.close();
    },
  };
}

/**
 * The proxy restarted with an in-memory store: it no longer knows the link it had (GET and the stream answer 404
 * `not_found`), and a mint under the purchase's key recovers the purchase from the provider, answering as a replay
 * (200, `Idempotent-Replayed: true`) with the link as it stands under a new id. With `lost`, the new link is unknown
 * too. Returns the re-mints' keys, the link it answers with, and the 404s served for the forgotten link.
 */
export function restartProxy(proxy: ReturnType<typeof serveLink>, recovered: Partial<LinkView>, options: { lost?: boolean } = {}) {
  const forgotten = proxy.state.view.id;
  const answer = linkView(recovered);
  // serveLink answers only its current link: point it at the recovered one, or at one nobody asks for
  proxy.state.view = options.lost ? linkView() : answer;
  const keys: (string | null)[] = [];
  const notFound: string[] = [];
  worker.use(
    http.post(`${PROXY}/v1/links`, ({ request }) => {
      keys.push(request.headers.get('Idempotency-Key'));
      return HttpResponse.json(answer, { headers: { 'Idempotent-Replayed': 'true', ETag: `"${answer.seq}"` } });
    }),
    http.get(`${PROXY}/v1/links/:id`, ({ params }) => {
      if (params.id !== forgotten && !(options.lost && params.id === answer.id)) return undefined; // on to serveLink
      notFound.push(String(params.id));
      return problem(404, 'not_found', 'No such link.');
    }),
  );
  return { keys, answer, forgotten, notFound };
}

/** What a window opened with window.open('') looks like to the opener, minus the real window. */
export function fakePopup() {
  const popup = {
    closed: false,
    opener: window as unknown,
    document: document.implementation.createHTMLDocument(''),
    location: { replace: sinon.spy() },
    focus: sinon.spy(),
    close() {
      popup.closed = true;
    },
  };
  return popup;
}

export function stubOpen(result: unknown) {
  openStub = sinon.stub(window, 'open').callsFake(() => result as Window);
  return openStub;
}

/** window.open as browsers do it: a new window each call; `popups` holds them. */
export function stubOpenFresh() {
  const popups: ReturnType<typeof fakePopup>[] = [];
  openStub = sinon.stub(window, 'open').callsFake(() => {
    popups.push(fakePopup());
    return popups.at(-1) as unknown as Window;
  });
  return popups;
}

// Assertions compare counts and plain values, never DOM nodes or fake windows: a failure message that tries to
// serialize those takes the browser down instead of reporting.
export const shadow = (el: PayLinkButton) => el.shadowRoot!;
export const mainButton = (el: PayLinkButton) => shadow(el).querySelector<HTMLButtonElement>('[part=button]');
export const statusRegion = (el: PayLinkButton) => shadow(el).querySelector<HTMLElement>('[role=status]')!;
/** What a screen reader hears from the live region, slotted content included. */
export const announced = (el: PayLinkButton) => {
  const region = statusRegion(el);
  const slot = region.querySelector('slot');
  const slotted = slot?.assignedNodes({ flatten: true }).map((n) => n.textContent).join('');
  return (slot ? slotted || slot.textContent : region.textContent)!.replace(/\s+/g, ' ').trim();
};

export async function buyButton(attrs = '') {
  // The first of two equal attributes wins in HTML: `attrs` go first to override the defaults
  const container = await fixture<HTMLDivElement>(`<div><pay-link-button ${attrs} proxy="${PROXY}" product="chai" presentation="popup"></pay-link-button></div>`);
  const el = container.querySelector('pay-link-button')!;
  await el.updateComplete;
  return el;
}

export function collect<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, type: K) {
  const seen: GlobalEventHandlersEventMap[K][] = [];
  target.addEventListener(type, (e) => seen.push(e as GlobalEventHandlersEventMap[K]));
  return seen;
}

export const startSearch = location.search;

/** Starts the fake proxy for the describe it is called in; stubs same-tab navigation and EventSource per test. */
export function useFakeProxy(): void {
  before(async () => {
    await worker.start({
      serviceWorker: { url: '/mockServiceWorker.js' },
      quiet: true,
      // Only the fake proxy must be answered; module loads from the test server pass through.
      onUnhandledRequest(request, print) {
        if (new URL(request.url).origin === PROXY) print.error();
      },
    });
  });

  beforeEach(() => {
    assign = sinon.stub(navigation, 'assign');
    // Most tests exercise the polling path: the one a browser without EventSource takes. The SSE tests restore it.
    noEventSource = sinon.stub(window, 'EventSource').value(undefined);
  });

  afterEach(() => {
    worker.resetHandlers();
    sinon.restore();
    openStub = undefined;
    sessionStorage.clear();
    history.replaceState(null, '', location.pathname + startSearch);
  });

  after(() => worker.stop());

}

export { HttpResponse, PROBLEM_CODES, PayLinkButton, PayLinkPaidEvent, definePayLinkButton, delay, en, enProblems, es, expect, fixture, formatMoney, hi, html, http, idLang, ms, navigation, oneEvent, registerTranslation, setupWorker, sinon, th, vi, waitUntil };
export type { ButtonStatus, LinkView, PayLinkEvent };

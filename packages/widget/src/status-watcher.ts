/**
 * Live status of a payment link, as a Lit reactive controller.
 *
 * All instances on a page that watch the same link share one feed (a module-level registry with a refcount),
 * so three buttons for one invoice make one event stream (or one polling loop), not three. Where updates come
 * from is a `StatusSource`: `liveStatus` by default (server-sent events, polling as the fallback); another
 * source can implement the same two methods and be installed through `StatusWatcher.createSource`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isTerminal, linkUrl, parseView, readLink, type LinkView, type ProxyError } from './proxy-client.ts';

/** Receives what a source learns. */
export interface StatusSink {
  update(view: LinkView): void;
  fail(error: ProxyError): void;
}

/**
 * A stream of status updates for one link. Its feed closes it once the status is terminal or a failure is not
 * recoverable, and when no element watches the link any more.
 */
export interface StatusSource {
  /**
   * Read now: the buyer came back, closed the checkout window, reconnected or asked to check again. May return a
   * promise that settles once that read is over ("Check again" shows it is busy until then).
   */
  refresh(): void | Promise<void>;
  /** Stop for good and release every listener, timer and connection. */
  close(): void;
}

export type StatusSourceFactory = (proxy: string, id: string, sink: StatusSink, seed?: LinkView) => StatusSource;

/** Longest wait between reads while the proxy keeps failing. */
const MAX_BACKOFF_MS = 30_000;
/** How long a new event stream may stay silent before polling takes over. */
const FIRST_EVENT_MS = 10_000;

/**
 * Server-sent events from `GET /v1/links/:id/events`, polling `GET /v1/links/:id` as the fallback.
 *
 * The stream sends the current view, then one per change; the browser reconnects by itself (with
 * `Last-Event-ID`) when the proxy restarts. Polling takes over when `EventSource` is missing, when the stream
 * fails before its first event (no such route, CORS) or sends none within 10 s (a reverse proxy that buffers),
 * when the browser gives up on it, or after three errors within a minute. Polling uses the server's `pollAfterMs`, revalidates with the ETag and
 * backs off exponentially on failures (with jitter, capped at 30 s); it pauses while the page is hidden (the
 * stream stays: it is cheap). Either way one read happens at once when the page becomes visible, gains focus
 * or is restored from the back/forward cache, and on `refresh()` (which the watcher also calls when the device
 * comes back online, so the status is not left to a 30 s backoff).
 */
export const liveStatus: StatusSourceFactory = (proxy, id, sink, seed) => {
  let etag: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | null = null;
  /** The read under way, which a read asked for meanwhile (`again`) extends. */
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  /** Aborted on close: removes the page listeners, and tells every callback that it is over. */
  const closing = new AbortController();
  const { signal } = closing;
  let interval = seed?.pollAfterMs ?? 2000;
  let stream: EventSource | undefined;
  /** When the stream failed lately; an empty list also means it has not delivered an event yet. */
  let errors: number[] | undefined;

  const deliver = (view: LinkView) => {
    interval = view.pollAfterMs;
    sink.update(view);
  };

  const schedule = (delay: number) => {
    clearTimeout(timer);
    // No timer while the stream runs (CLOSED without an error, say by the back/forward cache, does not count) or
    // the page is hidden; `visibilitychange` restarts the loop.
    if (!signal.aborted && !(stream && stream.readyState < 2) && !document.hidden) timer = setTimeout(read, delay);
  };

  const read = (): Promise<void> => {
    clearTimeout(timer);
    // A read is under way: one more starts after it (this trigger may postdate it), and the caller waits for both.
    if (inflight) return (again = true), running!;
    return (running = poll());
  };

  const poll = async (): Promise<void> => {
    if (signal.aborted) return;
    const controller = (inflight = new AbortController());
    let delay = interval;
    try {
      const result = await readLink(proxy, id, etag, controller.signal);
      failures = 0;
      if (result) {
        etag = result.etag;
        deliver(result.view);
        delay = interval;
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      sink.fail(err as ProxyError);
      delay = Math.min(MAX_BACKOFF_MS, interval * 2 ** ++failures) * (0.75 + Math.random() / 4);
    } finally {
      if (inflight === controller) inflight = null;
    }
    if (!again) return schedule(delay);
    again = false;
    return read();
  };

  const close = () => {
    closing.abort();
    clearTimeout(timer);
    inflight?.abort();
    stream?.close();
  };

  document.addEventListener('visibilitychange', () => (document.hidden ? clearTimeout(timer) : read()), { signal });
  addEventListener('focus', read, { signal });
  addEventListener('pageshow', read, { signal });
  if (window.EventSource) {
    const source = (stream = new EventSource(`${linkUrl(proxy, id)}/events`));
    const fallBack = () => {
      clearTimeout(silence);
      source.close();
      stream = undefined;
      void read();
    };
    // The proxy sends the current state at once. A stream that stays silent (a buffering reverse proxy in
    // between) shows no error either, so it gets 10 s to say something.
    const silence = setTimeout(fallBack, FIRST_EVENT_MS);
    source.addEventListener('status', (event) => {
      clearTimeout(silence);
      errors ??= [];
      const view = parseView((event as MessageEvent<string>).data);
      if (view) deliver(view);
    });
    source.onerror = () => {
      const now = Date.now();
      errors = errors?.filter((at) => now - at < 60_000);
      // CLOSED: the browser will not reconnect (an HTTP error, a wrong content type)
      if (!errors || source.readyState > 1 || errors.push(now) > 2) fallBack();
    };
  } else if (seed) schedule(interval);
  else void read();

  return { refresh: read, close };
};

/** One link's shared feed: its source, its subscribers and the newest view it has seen. */
class LinkFeed implements StatusSink {
  readonly watchers = new Set<StatusWatcher>();
  last: LinkView | undefined;
  #source: StatusSource | undefined;

  constructor(
    readonly key: string,
    readonly proxy: string,
    readonly id: string,
  ) {}

  /** Start the source unless it runs or the link has ended. With `fresh`, it reads at once. */
  start(fresh?: boolean): void {
    if (this.#source || (this.last && isTerminal(this.last.status))) return;
    this.#source = StatusWatcher.createSource(this.proxy, this.id, this, fresh ? undefined : this.last);
  }

  /** Read now, restarting a source that stopped after a failure. */
  refresh(): void | Promise<void> {
    return this.#source ? this.#source.refresh() : this.start(true);
  }

  close(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  update(view: LinkView): void {
    // `seq` grows with every change: drop anything not newer than what we showed (repeats, out-of-order answers).
    if (this.last && view.seq <= this.last.seq) return;
    this.last = view;
    if (isTerminal(view.status)) this.close();
    for (const watcher of this.watchers) watcher.onView(view);
  }

  fail(error: ProxyError): void {
    if (!error.recoverable) this.close();
    for (const watcher of this.watchers) watcher.onError(error);
  }
}

const feeds = new Map<string, LinkFeed>();
const CONNECTIVITY = ['online', 'offline'];

/**
 * Watches one link for its host element; `onView` and `onError` run on every update. Subscribes while the host
 * is connected and releases the shared feed on disconnect, so a removed element stops watching.
 *
 * @example
 * this.watcher = new StatusWatcher(this, (view) => this.show(view), (error) => this.fail(error));
 * this.watcher.watch('https://pay.example.com', link.id, link);
 */
export class StatusWatcher implements ReactiveController {
  /** Makes each link's source: `liveStatus` (SSE, then polling) by default. */
  static createSource: StatusSourceFactory = liveStatus;

  #target: { proxy: string; id: string; seed?: LinkView } | undefined;
  #feed: LinkFeed | undefined;
  readonly #host: ReactiveControllerHost & Element;

  constructor(
    host: ReactiveControllerHost & Element,
    readonly onView: (view: LinkView) => void,
    readonly onError: (error: ProxyError) => void,
  ) {
    this.#host = host;
    host.addController(this);
  }

  /** The link being watched, if any. */
  get linkId(): string | undefined {
    return this.#target?.id;
  }

  /** Start watching `id` (stops watching any other link). `seed` is a view already in hand, e.g. the mint answer. */
  watch(proxy: string, id: string, seed?: LinkView): void {
    this.unwatch();
    this.#target = { proxy, id, seed };
    if (this.#host.isConnected) this.#subscribe();
  }

  unwatch(): void {
    this.#release();
    this.#target = undefined;
  }

  /**
   * Read now (window closed, "Check again", back online). Restarts a source that stopped after a failure. Settles
   * once the read is over, when the source says (the default one does).
   */
  refresh(): void | Promise<void> {
    if (this.#target) return this.#feed ? this.#feed.refresh() : this.#subscribe();
  }

  /** The connection dropped or came back: the host re-renders (it says so while waiting), and reads at once when back. */
  readonly #connectivity = () => {
    this.#host.requestUpdate();
    if (navigator.onLine) void this.refresh();
  };

  hostConnected(): void {
    for (const type of CONNECTIVITY) addEventListener(type, this.#connectivity);
    if (this.#target && !this.#feed) this.#subscribe();
  }

  hostDisconnected(): void {
    for (const type of CONNECTIVITY) removeEventListener(type, this.#connectivity);
    this.#release();
  }

  #subscribe(): void {
    const { proxy, id, seed } = this.#target!;
    const key = `${proxy} ${id}`;
    let feed = feeds.get(key);
    if (!feed) feeds.set(key, (feed = new LinkFeed(key, proxy, id)));
    if (seed) feed.update(seed); // tells the other watchers, if it is news
    feed.watchers.add(this);
    this.#feed = feed;
    if (feed.last) this.onView(feed.last);
    feed.start();
  }

  #release(): void {
    const feed = this.#feed;
    if (!feed) return;
    this.#feed = undefined;
    feed.watchers.delete(this);
    if (feed.watchers.size) return;
    feed.close();
    feeds.delete(feed.key);
  }
}

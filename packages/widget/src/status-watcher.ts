/**
 * Live status of a payment link, as a Lit reactive controller.
 *
 * All instances on a page that watch the same link share one feed (a module-level registry with a refcount),
 * so three buttons for one invoice make one request stream, not three. Where updates come from is a
 * `StatusSource`: polling today (`pollStatus`); a server-sent-events source can implement the same two methods
 * and be installed through `StatusWatcher.createSource` without touching the element.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isTerminal, readLink, type LinkView, type ProxyError } from './proxy-client.ts';

/** Receives what a source learns. */
export interface StatusSink {
  update(view: LinkView): void;
  fail(error: ProxyError): void;
}

/** A stream of status updates for one link. It stops by itself once the status is terminal. */
export interface StatusSource {
  /** Read now: the buyer came back, closed the checkout window or asked to check again. */
  refresh(): void;
  /** Stop for good and release every listener and timer. */
  close(): void;
}

export type StatusSourceFactory = (proxy: string, id: string, sink: StatusSink, seed?: LinkView) => StatusSource;

/** Longest wait between reads while the proxy keeps failing. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Polls `GET /v1/links/:id` with the server's `pollAfterMs`, revalidating with the ETag. Failures back off
 * exponentially (with jitter, capped at 30 s); a non-recoverable failure (say `not_found`) stops it. Paused while
 * the page is hidden; reads at once when the page becomes visible, gains focus or is restored from the
 * back/forward cache.
 */
export const pollStatus: StatusSourceFactory = (proxy, id, sink, seed) => {
  let etag: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | null = null;
  let again = false;
  let closed = false;
  let failures = 0;
  let interval = seed?.pollAfterMs ?? 2000;

  const schedule = (delay: number) => {
    clearTimeout(timer);
    // While hidden no timer runs at all; `visibilitychange` restarts the loop.
    if (!closed && !document.hidden) timer = setTimeout(read, delay);
  };

  const read = async (): Promise<void> => {
    clearTimeout(timer);
    if (closed) return;
    if (inflight) {
      // A read is under way; make sure one more starts after it, since this trigger may postdate it.
      again = true;
      return;
    }
    const controller = (inflight = new AbortController());
    let delay = interval;
    try {
      const result = await readLink(proxy, id, etag, controller.signal);
      failures = 0;
      if (result) {
        etag = result.etag;
        interval = result.view.pollAfterMs;
        delay = interval;
        sink.update(result.view);
        if (isTerminal(result.view.status)) return close();
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      const error = err as ProxyError;
      sink.fail(error);
      if (!error.recoverable) return close();
      failures++;
      delay = Math.min(MAX_BACKOFF_MS, interval * 2 ** failures) * (0.75 + Math.random() / 4);
    } finally {
      if (inflight === controller) inflight = null;
    }
    if (again) {
      again = false;
      void read();
    } else {
      schedule(delay);
    }
  };

  const onVisibility = () => (document.hidden ? clearTimeout(timer) : void read());
  const onReturn = () => void read();

  const close = () => {
    closed = true;
    clearTimeout(timer);
    inflight?.abort();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('focus', onReturn);
    window.removeEventListener('pageshow', onReturn);
  };

  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('focus', onReturn);
  window.addEventListener('pageshow', onReturn);
  if (seed) schedule(seed.pollAfterMs);
  else void read();

  return { refresh: () => void read(), close };
};

/** One link's shared feed: its source, its subscribers and the newest view it has seen. */
class LinkFeed implements StatusSink {
  readonly watchers = new Set<StatusWatcher>();
  last: LinkView | undefined;
  #source: StatusSource | undefined;
  readonly #proxy: string;
  readonly #id: string;

  constructor(
    readonly key: string,
    proxy: string,
    id: string,
  ) {
    this.#proxy = proxy;
    this.#id = id;
  }

  /** Start the source unless it runs or the link has ended. With `fresh`, it reads at once. */
  start(fresh: boolean): void {
    if (this.#source || (this.last && isTerminal(this.last.status))) return;
    this.#source = StatusWatcher.createSource(this.#proxy, this.#id, this, fresh ? undefined : this.last);
  }

  /** Read now, restarting a source that stopped after a failure. */
  refresh(): void {
    if (this.#source) this.#source.refresh();
    else this.start(true);
  }

  close(): void {
    this.#source?.close();
    this.#source = undefined;
  }

  update(view: LinkView): void {
    // `seq` grows with every change: drop anything older than what we showed (out-of-order answers).
    if (this.last && view.seq < this.last.seq) return;
    this.last = view;
    if (isTerminal(view.status)) this.#source = undefined; // it stops by itself
    for (const watcher of this.watchers) watcher.onView(view);
  }

  fail(error: ProxyError): void {
    if (!error.recoverable) this.#source = undefined; // it stops by itself
    for (const watcher of this.watchers) watcher.onError(error);
  }
}

const feeds = new Map<string, LinkFeed>();

/**
 * Watches one link for its host element; `onView` and `onError` run on every update. Subscribes while the host
 * is connected and releases the shared feed on disconnect, so a removed element stops polling.
 *
 * @example
 * this.watcher = new StatusWatcher(this, (view) => this.show(view), (error) => this.fail(error));
 * this.watcher.watch('https://pay.example.com', link.id, link);
 */
export class StatusWatcher implements ReactiveController {
  /** Makes each link's source. Polling by default; the place to plug in SSE. */
  static createSource: StatusSourceFactory = pollStatus;

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

  /** Read now (window closed, "Check again"). Restarts a source that stopped after a failure. */
  refresh(): void {
    if (!this.#target) return;
    if (this.#feed) this.#feed.refresh();
    else this.#subscribe();
  }

  hostConnected(): void {
    if (this.#target && !this.#feed) this.#subscribe();
  }

  hostDisconnected(): void {
    this.#release();
  }

  #subscribe(): void {
    const { proxy, id, seed } = this.#target!;
    const key = `${proxy} ${id}`;
    let feed = feeds.get(key);
    if (!feed) feeds.set(key, (feed = new LinkFeed(key, proxy, id)));
    feed.watchers.add(this);
    this.#feed = feed;
    if (seed) feed.update(seed);
    else if (feed.last) this.onView(feed.last);
    feed.start(false);
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

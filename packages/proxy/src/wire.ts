/**
 * How the proxy's own requests go over the network: provider calls (providers/http.ts owns their deadline, cap
 * and what a failure means) and merchant events (merchant-events/dispatcher.ts).
 * - `nodeWire()`, the default: `node:http`/`node:https` over kept-alive sockets. A mint's provider call is most
 *   of its time, and `fetch` costs it ~0.3 ms more on loopback than a plain request (WHATWG objects, web
 *   streams; issue 16's mint bench), and keeps each request's objects alive past a young collection, so a burst
 *   of mints leaves the heap larger than it needs (decision 0020);
 * - `fetchWire(fetch)`, when a `fetch` is injected (tests' doubles, an operator's own): as before.
 * Neither follows a redirect: by default one fails the request (`redirect: 'error'` in fetch's terms: provider
 * credentials must not follow it elsewhere); with `redirect: 'manual'` the 3xx is the answer. The request's
 * deadline stops the request and any read of its body, and bodies come back capped.
 */
// The modules, not their named exports: `http.request` is read at each call, so an interceptor that replaces it
// (msw's, in tests) is seen; a named import is bound once, when this module loads.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface WireRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Ends the request, and any read of its body, when it stops. */
  deadline: Deadline;
  /** `error` (the default): a redirect fails the request as a network error; `manual`: it is the answer. */
  redirect?: 'error' | 'manual';
}

export interface WireAnswer {
  status: number;
  /** A response header by its lower-case name. */
  header(name: string): string | undefined;
  /** The body as UTF-8 text (a leading BOM dropped), at most `maxBytes` of it: `BodyTooLarge` past that. */
  text(maxBytes: number): Promise<string>;
  /** Stops reading the body and lets the connection go (an answer refused unread). */
  discard(): void;
  /**
   * Reads the body to its end and drops it, so the connection can carry the next request; one longer than
   * `maxBytes` ends the connection instead. Settles when the body is done with; never rejects.
   */
  release(maxBytes?: number): Promise<void>;
}

export type Wire = (request: WireRequest) => Promise<WireAnswer>;

export class BodyTooLarge extends Error {}

/**
 * When a request must stop: its attempt's clock running out, or `stop()` (a failure already known). It ends the
 * request and any read of its body, and `race` makes a promise lose to it.
 *
 * Not an `AbortSignal`, though it does that job, and its race is not `Promise.race` against a promise that only
 * an abort settles. With those two, what each provider call made lived past V8's young collections, one call's
 * objects after another's, and was moved to the old space to die there: 3.0–3.4 MB per scavenge in a loop of
 * provider calls, 80 KB without (decision 0021). Node makes every AbortSignal by re-prototyping an `EventTarget`
 * (`Object.setPrototypeOf`, lib/internal/abort_controller.js), which is what Express's re-prototyped requests did
 * too (express-objects.ts). `signal` makes one on first use, for a `fetch`, which takes nothing else.
 */
export class Deadline {
  #listeners: ((reason: unknown) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #controller: AbortController | undefined;
  #stopped = false;
  #expired = false;
  #reason: unknown;

  /** Stops with `timeout()` as its reason after `ms`; `unref`: the clock does not hold the process open. */
  constructor(ms: number, timeout: () => unknown, options: { unref?: boolean } = {}) {
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.stop(timeout());
    }, ms);
    if (options.unref) this.#timer.unref();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** It stopped because its time ran out, not by `stop()`. */
  get expired(): boolean {
    return this.#expired;
  }

  /** Why it stopped: the timeout's reason, or the one given to `stop()`. */
  get reason(): unknown {
    return this.#reason;
  }

  /** Ends whatever listens now, once; its clock too. */
  stop(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    this.clear();
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    for (const listener of this.#listeners.splice(0)) listener(reason);
    this.#controller?.abort(reason);
  }

  /** Stops the clock (the request is done with); `stop()` still ends what listens. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Calls `listener` once when it stops (at once, if it has); answers what takes the listener off. */
  onStop(listener: (reason: unknown) => void): () => void {
    if (this.#stopped) {
      listener(this.#reason);
      return () => undefined;
    }
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  /** `work`, unless it stops first: then its reason. A wire that ignores its deadline (a test's fetch) still loses. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const off = this.onStop(reject);
      work.then(
        (value) => {
          off();
          resolve(value);
        },
        (err: unknown) => {
          off();
          reject(err);
        },
      );
    });
  }

  /** An `AbortSignal` that aborts when this stops, with its reason: made on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
}

/** What `node:http` destroys a request with when its signal aborts (its internal `AbortError`), for the same readers. */
function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** A 2xx: what fetch calls `ok`. */
export function succeeded(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The most of an unread body `release` reads to keep its connection. */
const RELEASE_BYTES = 64 * 1024;

/** Fetch's redirect statuses: with `redirect: 'error'` each one fails the request as a network error. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * An idle kept-alive socket is closed after this long: under the 5 s that Node's servers and many proxies keep
 * an idle connection (undici's default is 4 s too), so a request is not sent on a socket the other end is closing.
 */
export const IDLE_SOCKET_MS = 4_000;

let shared: Wire | undefined;

/** The process's one node wire: its agents pool sockets per host, as fetch's global dispatcher did. */
export function nodeWire(): Wire {
  return (shared ??= createNodeWire());
}

function createNodeWire(): Wire {
  // Idle sockets are unref'd by the agents: they do not keep the process alive.
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return ({ method, url, headers, body, deadline, redirect = 'error' }) =>
    new Promise<WireAnswer>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: secure ? agents.https : agents.http,
      });
      // As a `signal` would: the deadline ends the request (and so a read of its answer) until it is done with,
      // which is its 'close', after the answer's end.
      request.once('close', deadline.onStop((reason) => request.destroy(abortError(reason))));
      // Kept for the request's whole life: an error after the answer (the deadline's stop, a reset) is read by
      // the body's reader, and must not be an unhandled 'error' event.
      request.on('error', reject);
      request.once('response', (response) => {
        response.on('error', () => undefined);
        if (redirect === 'error' && REDIRECT_STATUSES.has(response.statusCode ?? 0)) {
          request.destroy();
          reject(new TypeError('fetch failed', { cause: new Error('unexpected redirect') }));
          return;
        }
        resolve(nodeAnswer(request, response, deadline));
      });
      request.end(body);
    });
}

function nodeAnswer(request: ClientRequest, response: IncomingMessage, deadline: Deadline): WireAnswer {
  const status = response.statusCode ?? 0;
  return {
    status,
    header(name) {
      const value = response.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    discard: () => void request.destroy(),
    release: (maxBytes = RELEASE_BYTES) =>
      new Promise<void>((resolve) => {
        // Even a body already parsed (`complete`) must be read out: the socket goes back to the pool at its end.
        if (response.destroyed || response.readableEnded) return resolve();
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) request.destroy();
        });
        response.once('end', () => resolve());
        response.once('close', () => resolve());
        response.resume();
      }),
    text: (maxBytes) =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const settle = (err: unknown, text?: string) => {
          if (settled) return;
          settled = true;
          response.removeListener('data', onData);
          if (err !== undefined) {
            // The socket is not given back with a body half read.
            request.destroy();
            reject(err);
          } else resolve(text!);
        };
        const onData = (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) return settle(new BodyTooLarge());
          chunks.push(chunk);
        };
        const cut = () => (deadline.stopped ? deadline.reason : Object.assign(new Error('the answer ended early'), { code: 'ECONNRESET' }));
        if (response.destroyed) return settle(cut());
        response.on('data', onData);
        response.once('end', () => settle(undefined, new TextDecoder().decode(Buffer.concat(chunks, size))));
        // A stopped deadline destroys the request, and the answer errs with "aborted": the deadline's reason says why.
        response.once('error', (err) => settle(deadline.stopped ? deadline.reason : err));
        // A close before the end: the connection was cut (or the deadline ended the request).
        response.once('close', () => {
          if (!response.complete) settle(cut());
        });
      }),
  };
}

/**
 * A URL's credentials (`https://user:pass@…`, as a merchant may write its endpoint) as the `Authorization: Basic`
 * header `node:http` makes of them, and the URL without them: `fetch` refuses to make a request of a URL that holds
 * credentials, so under an injected `fetch` every delivery to such an endpoint failed. A header already given wins.
 */
export function credentialsAsHeader(url: URL, headers: Record<string, string>): { url: URL; headers: Record<string, string> } {
  if (url.username === '' && url.password === '') return { url, headers };
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return { url: bare, headers };
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  return { url: bare, headers: { ...headers, authorization: `Basic ${basic}` } };
}

/** The injected `fetch`, as http.ts used it before the node wire (decision 0020). */
export function fetchWire(fetchImpl: typeof fetch): Wire {
  return async ({ method, url: asked, headers: given, body, deadline, redirect = 'error' }) => {
    const { url, headers } = credentialsAsHeader(asked, given);
    const { signal } = deadline;
    const response = await fetchImpl(url, { method, headers, body, signal, redirect });
    let reading: ReadableStreamDefaultReader<Uint8Array> | undefined;
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      discard: () => void (reading ? reading.cancel() : response.body?.cancel())?.catch(() => undefined),
      // Not awaited: under a fetch interceptor (msw) the cancel of an empty body resolves only when the request's
      // signal ends.
      release: async () => void response.body?.cancel().catch(() => undefined),
      async text(maxBytes) {
        if (!response.body) return '';
        const reader = response.body.getReader();
        reading = reader;
        // Reads are not raced one by one against the deadline: that would keep one callback per chunk alive until
        // the deadline, and a provider sending 1-byte chunks would make that a leak. The reader is cancelled instead.
        const stop = () => void reader.cancel().catch(() => undefined);
        signal.addEventListener('abort', stop, { once: true });
        const chunks: Uint8Array[] = [];
        let size = 0;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            size += value.byteLength;
            if (size > maxBytes) throw new BodyTooLarge();
            chunks.push(value);
          }
        } catch (err) {
          stop();
          throw err;
        } finally {
          signal.removeEventListener('abort', stop);
        }
        // A cancelled reader ends like a complete body; only the signal tells them apart.
        if (signal.aborted) throw signal.reason;
        return new TextDecoder().decode(Buffer.concat(chunks, size));
      },
    };
  };
}

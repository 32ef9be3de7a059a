/**
 * The widget's side of the proxy's HTTP contract (`@pay-link/proxy/contract`): mint a link, read its
 * status with ETag revalidation, and turn every failure into one error shape.
 *
 * Only types cross from the contract (`import type`), so no zod reaches the bundle.
 */
import type { IntentLookup, LinkStatus, LinkView, MintRequest, Money, ProblemBody, ProblemCode, ProviderName } from '@pay-link/proxy/contract';

export type { LinkStatus, LinkView, MintRequest, Money, ProviderName };

/**
 * A problem `code` from the proxy, or one the widget raises itself: `network_error` (no answer, or a timeout) or
 * `bad_response` (an answer it could not read). `pay-link-blocked` carries `popup_blocked` instead (`events.ts`).
 */
export type ErrorCode = ProblemCode | 'network_error' | 'bad_response';

/** Statuses after which a link never changes again (a late `paid` may still beat `expired`/`cancelled`). */
export const isTerminal = (status: string): boolean => status !== 'pending' && status !== 'partially_paid';

/** How long one request may take before it counts as a network failure. */
const TIMEOUT_MS = 15_000;

/**
 * Every failure talking to the proxy: an RFC 9457 problem from the proxy, or one the widget made up for a
 * network failure, a timeout or a body it could not read. `recoverable` says whether retrying may help.
 */
export class ProxyError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly recoverable: boolean,
    /**
     * The proxy's explanation (`detail`, else `title`), if any: for the site's developer (the element writes it to
     * the console), never shown to the buyer, since it may be a validator's wording.
     */
    readonly detail?: string,
    /** The HTTP status, 0 when no response arrived. */
    readonly status = 0,
  ) {
    super(detail ?? code);
  }
}

/** The answer to a status read: a fresh view with its ETag, or `null` when unchanged (304). */
export interface ReadResult {
  view: LinkView;
  etag: string | null;
}

/** What `GET {proxy}/v1/intents/:intent` answers: the invoice a signed intent names, and its latest link. */
export type IntentView = IntentLookup;

/** `{proxy}/v1/{path}`, whether or not `proxy` ends with a slash. */
const api = (proxy: string, path: string) => `${proxy.replace(/\/+$/, '')}/v1/${path}`;

/** `{proxy}/v1/links/:id`: the link's status; `/events` after it is its event stream. */
export const linkUrl = (proxy: string, id: string): string => api(proxy, `links/${encodeURIComponent(id)}`);

/** A link view from JSON text: enough to render and poll, else undefined (say, an HTML error page from a misrouted proxy). */
export function parseView(text: string): LinkView | undefined {
  try {
    const view = JSON.parse(text) as LinkView | null;
    if (view?.id && view.amount) return view;
  } catch {
    // not JSON
  }
}

/** `POST {proxy}/v1/links`: mint (or, with the same key, replay) a hosted payment link. */
export async function mintLink(proxy: string, body: MintRequest, idempotencyKey: string, signal?: AbortSignal): Promise<LinkView> {
  const res = await send(
    api(proxy, 'links'),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(body),
    },
    signal,
  );
  return readView(res);
}

/** `GET {proxy}/v1/links/:id`, revalidating with `If-None-Match`; resolves `null` on 304 Not Modified. */
export async function readLink(proxy: string, id: string, etag: string | null, signal?: AbortSignal): Promise<ReadResult | null> {
  const res = await send(
    linkUrl(proxy, id),
    {
      headers: etag ? { 'If-None-Match': etag } : {},
      // The conditional header is ours: keep the HTTP cache out so a 304 reaches us and a stale 200 never does.
      cache: 'no-store',
    },
    signal,
  );
  if (res.status === 304) return null;
  return { view: await readView(res), etag: res.headers.get('ETag') };
}

/** `GET {proxy}/v1/intents/:intent`: the invoice and where its payment stands, before any click. */
export async function readIntent(proxy: string, intent: string, signal?: AbortSignal): Promise<IntentView> {
  // The proxy answers `Cache-Control: no-store`
  return (await send(api(proxy, `intents/${encodeURIComponent(intent)}`), {}, signal)).json();
}

/**
 * fetch with a timeout; a rejected or timed-out fetch becomes `network_error` (with no `detail`, so the buyer reads
 * the translated "Could not reach…"), an abort by the caller stays an AbortError.
 */
async function send(url: string, init?: RequestInit, signal?: AbortSignal): Promise<Response> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, TIMEOUT_MS);
  // The caller's signal lives no longer than this request (one controller per read or purchase), so the listener
  // needs no removal; one already aborted aborts at once.
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort);
  try {
    // The proxy is usually on another origin (fetch's default mode is `cors`) and needs no cookies: its routes
    // are capability-based.
    const res = await fetch(url, { ...init, credentials: 'omit', signal: controller.signal });
    if (res.ok || res.status === 304) return res;
    throw await toProblem(res);
  } catch (err) {
    throw signal?.aborted || err instanceof ProxyError ? err : new ProxyError('network_error', true);
  } finally {
    clearTimeout(timer);
  }
}

async function readView(res: Response): Promise<LinkView> {
  const view = parseView(await res.text().catch(() => ''));
  if (!view) throw new ProxyError('bad_response', true, undefined, res.status);
  return view;
}

async function toProblem(res: Response): Promise<ProxyError> {
  const body = (await res.json().catch(() => null)) as Partial<ProblemBody> | null;
  const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
  const code = typeof body?.code === 'string' ? body.code : 'bad_response';
  return new ProxyError(code, body?.retryable ?? retryable, body?.detail ?? body?.title, res.status);
}

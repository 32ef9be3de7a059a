/**
 * The one way adapters call a provider: a deadline and a size cap on every call, retries only for idempotent
 * reads, every failure turned into a `Problem` with a stable code. A provider's raw body never leaves this file
 * except as a parsed value for the adapter; what the proxy logs is the status, the failure's class, the
 * provider's request id and its short error code.
 *
 * Bounds, because a provider that answers slowly or hugely must not hold a mint or the proxy's memory (a hostile
 * run held a mint 31 s under a 3 s timeout with a trickled body, and a 200 MB answer took RSS from 98 to 733 MB):
 * - one deadline per attempt, `timeoutMs`, covers connect, headers and the whole body. When it passes, the
 *   request is aborted and the body reader cancelled, so the socket stops being read;
 * - the body is read as a stream and cut at `maxBodyBytes` (default 1 MiB); a declared `Content-Length` over the
 *   cap is refused before a byte of the body is read. At most the cap plus one chunk is ever held;
 * - an idempotent call is retried once after a transient failure, with a fresh deadline, so a call ends within
 *   2 × timeoutMs + 200 ms (plus what `headers()` takes, which is local work and outside the deadline).
 * Each attempt is reported once through `onCall`, with `errorClass` set when it failed.
 */
import type { z } from 'zod';
import { Problem } from '../problems.ts';
import type { ProviderName } from '../contract.ts';
import { BodyTooLarge, Deadline, type Wire, type WireAnswer, fetchWire, nodeWire, succeeded } from '../wire.ts';

/** 1 MiB: the largest answer any adapter reads is a list page of links, a few tens of KiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ProviderHttpOptions {
  provider: ProviderName;
  baseUrl: string;
  /** Headers sent on every call (auth). */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** The deadline of one attempt: connect, headers and body together. */
  timeoutMs: number;
  /** The largest answer read, in bytes; a larger one fails as `provider_bad_response`. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Calls go through this `fetch` when given (tests' doubles); else over node:http's kept-alive sockets (wire.ts). */
  fetch?: typeof fetch;
  /** Reads the provider's error body into a short code for logs; must not throw. */
  describeError: (body: unknown) => string | undefined;
  onCall?: (call: ProviderCallRecord) => void;
}

/**
 * Why a provider call failed, for logs and metrics: the network layer (`dns`, `refused`, `reset`, `network`),
 * the deadline, an answer that could not be used, or the provider's own refusal by status class.
 */
export type ProviderErrorClass =
  | 'timeout'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'network'
  | 'too_large'
  | 'bad_json'
  | 'bad_shape'
  | 'http_4xx'
  | 'http_5xx';

export interface ProviderCallRecord {
  provider: ProviderName;
  method: string;
  /** The request path, without the query string. */
  path: string;
  /** The HTTP status, or what happened instead of one. */
  status: number | 'network_error' | 'timeout';
  ms: number;
  providerCode?: string;
  /** Set when the call failed; absent on success. */
  errorClass?: ProviderErrorClass;
  /** The provider's id for this request, from its response headers, to quote in a support ticket. */
  requestId?: string;
}

export interface ProviderRequest<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Safe to repeat: retried once on a network error, a timeout, 429 or 5xx. */
  idempotent?: boolean;
}

export class ProviderError extends Problem {
  readonly providerStatus?: number;
  readonly providerCode?: string;
  constructor(problem: Problem, providerStatus?: number, providerCode?: string) {
    super(problem.status, problem.code, problem.detail, { retryAfter: problem.retryAfter, cause: problem.cause });
    this.providerStatus = providerStatus;
    this.providerCode = providerCode;
  }
}

const RETRY_DELAY_MS = 200;

/**
 * Response headers that carry a provider's request id, most specific first. providers.md documents only Pine
 * Labs' `Request-ID` (which the adapter sends; echoed, it is found here); the others are the common names, and
 * `cf-ray` last because it names the CDN's edge, not the provider's application.
 */
const REQUEST_ID_HEADERS = ['x-razorpay-request-id', 'request-id', 'x-request-id', 'x-correlation-id', 'x-amzn-requestid', 'cf-ray'];

export function createProviderHttp(options: ProviderHttpOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const wire: Wire = options.fetch ? fetchWire(options.fetch) : nodeWire();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutProblem = () =>
    new Problem(504, 'provider_timeout', `${options.provider} did not answer within ${options.timeoutMs} ms`);

  async function once<T>(req: ProviderRequest<T>): Promise<T> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers = await options.headers();
    const started = performance.now();
    const deadline = new Deadline(options.timeoutMs, () => new DOMException(`no complete answer within ${options.timeoutMs} ms`, 'TimeoutError'));
    let response: WireAnswer | undefined;
    let requestId: string | undefined;

    const report = (status: ProviderCallRecord['status'], errorClass?: ProviderErrorClass, providerCode?: string) => {
      try {
        options.onCall?.({
          provider: options.provider,
          method: req.method,
          path: req.path.replace(/\?.*$/s, ''),
          status,
          ms: performance.now() - started,
          ...(providerCode !== undefined && { providerCode }),
          ...(errorClass !== undefined && { errorClass }),
          ...(requestId !== undefined && { requestId }),
        });
      } catch {
        // Reporting is for operators; a broken metrics or log sink must not fail a payment call.
      }
    };
    /** Reports the failed attempt, stops any read still going, and gives the error to throw. */
    const failed = (errorClass: ProviderErrorClass, problem: Problem, providerCode?: string): ProviderError => {
      deadline.stop();
      const status: ProviderCallRecord['status'] =
        errorClass === 'timeout' ? 'timeout' : isNetworkClass(errorClass) || response === undefined ? 'network_error' : response.status;
      report(status, errorClass, providerCode);
      return new ProviderError(problem, typeof status === 'number' ? status : undefined, providerCode);
    };

    try {
      try {
        response = await deadline.race(
          wire({
            method: req.method,
            url,
            headers: {
              accept: 'application/json',
              ...(req.body !== undefined && { 'content-type': 'application/json' }),
              ...headers,
            },
            body: req.body === undefined ? undefined : JSON.stringify(req.body),
            deadline,
          }),
        );
      } catch (err) {
        if (deadline.expired) throw failed('timeout', timeoutProblem());
        throw failed(classifyNetworkError(err), new Problem(502, 'provider_unavailable', `${options.provider} could not be reached`, { cause: err }));
      }
      requestId = readRequestId(response);

      let text: string;
      try {
        text = await readCapped(response, maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          throw failed('too_large', new Problem(502, 'provider_bad_response', `${options.provider} answered with more than ${maxBodyBytes} bytes`));
        }
        if (deadline.expired) throw failed('timeout', timeoutProblem());
        throw failed(classifyNetworkError(err), new Problem(502, 'provider_unavailable', `${options.provider} dropped the connection`, { cause: err }));
      }

      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
        if (succeeded(response.status)) {
          throw failed('bad_json', new Problem(502, 'provider_bad_response', `${options.provider} answered with something other than JSON`));
        }
      }
      if (!succeeded(response.status)) {
        const providerCode = safeDescribe(options.describeError, body);
        throw failed(response.status >= 500 ? 'http_5xx' : 'http_4xx', mapFailure(options.provider, response), providerCode);
      }
      const parsed = req.schema.safeParse(body);
      if (!parsed.success) {
        throw failed(
          'bad_shape',
          new Problem(502, 'provider_bad_response', `${options.provider} answered in a shape the proxy does not understand`, {
            cause: parsed.error,
          }),
        );
      }
      report(response.status);
      return parsed.data;
    } finally {
      deadline.clear();
    }
  }

  return {
    async request<T>(req: ProviderRequest<T>): Promise<T> {
      try {
        return await once(req);
      } catch (err) {
        if (!req.idempotent || !isTransient(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        return once(req);
      }
    },
  };
}

export type ProviderHttp = ReturnType<typeof createProviderHttp>;

/** The body, at most `maxBytes`: a declared `Content-Length` over the cap is refused before a byte is read. */
async function readCapped(response: WireAnswer, maxBytes: number): Promise<string> {
  const declared = Number(response.header('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.discard();
    throw new BodyTooLarge();
  }
  return response.text(maxBytes);
}

function isNetworkClass(errorClass: ProviderErrorClass): boolean {
  return errorClass === 'dns' || errorClass === 'refused' || errorClass === 'reset' || errorClass === 'network';
}

/** Sorts a fetch failure by the system error codes in its cause chain (undici wraps them in `TypeError: fetch failed`). */
function classifyNetworkError(err: unknown): 'dns' | 'refused' | 'reset' | 'network' {
  const codes = new Set<string>();
  const messages: string[] = [];
  collectCauses(err, codes, messages, 0);
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')) return 'dns';
  if (codes.has('ECONNREFUSED')) return 'refused';
  // UND_ERR_SOCKET is undici's "other side closed"; node:http says "socket hang up".
  if (codes.has('ECONNRESET') || codes.has('EPIPE') || codes.has('UND_ERR_SOCKET') || messages.some((m) => /socket hang up|other side closed/i.test(m))) {
    return 'reset';
  }
  return 'network';
}

function collectCauses(err: unknown, codes: Set<string>, messages: string[], depth: number): void {
  if (depth > 5 || typeof err !== 'object' || err === null) return;
  // A cast to read optional fields of an unknown error; each one is type-checked before use.
  const { code, message, cause, errors } = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.add(code);
  if (typeof message === 'string') messages.push(message);
  collectCauses(cause, codes, messages, depth + 1);
  // Happy eyeballs: one error per address tried, in an AggregateError.
  if (Array.isArray(errors)) for (const e of errors) collectCauses(e, codes, messages, depth + 1);
}

/** The first request-id header present, if it looks like an id: a hostile value must not inject into a log line. */
function readRequestId(response: WireAnswer): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = response.header(name)?.trim();
    if (value) return /^[\w.:/+=-]{1,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

function isTransient(err: unknown): boolean {
  return err instanceof ProviderError && (err.code === 'provider_unavailable' || err.code === 'provider_timeout' || err.code === 'rate_limited');
}

function mapFailure(provider: ProviderName, response: WireAnswer): Problem {
  const status = response.status;
  if (status === 401 || status === 403) {
    return new Problem(502, 'provider_auth_failed', `${provider} refused the proxy's credentials; check its key configuration`);
  }
  if (status === 429) {
    const retryAfter = Number(response.header('retry-after'));
    return new Problem(503, 'rate_limited', `${provider} is rate limiting this account`, {
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 5,
    });
  }
  if (status === 404) return new Problem(404, 'not_found', `${provider} has no such payment link`);
  if (status >= 500) return new Problem(502, 'provider_unavailable', `${provider} had an internal error`, { retryAfter: 5 });
  return new Problem(422, 'provider_rejected', `${provider} refused the request`);
}

function safeDescribe(describe: (body: unknown) => string | undefined, body: unknown): string | undefined {
  try {
    return describe(body)?.slice(0, 200);
  } catch {
    return undefined;
  }
}

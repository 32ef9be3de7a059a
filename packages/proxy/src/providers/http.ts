/**
 * The one way adapters call a provider: a timeout on every call, retries only for idempotent reads, every
 * failure turned into a `Problem` with a stable code. A provider's raw body never leaves this file except as a
 * parsed value for the adapter; what the proxy logs is the status and the provider's error code.
 */
import type { z } from 'zod';
import { Problem } from '../problems.ts';
import type { ProviderName } from '../contract.ts';

export interface ProviderHttpOptions {
  provider: ProviderName;
  baseUrl: string;
  /** Headers sent on every call (auth). */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Reads the provider's error body into a short code for logs; must not throw. */
  describeError: (body: unknown) => string | undefined;
  onCall?: (call: ProviderCallRecord) => void;
}

export interface ProviderCallRecord {
  provider: ProviderName;
  method: string;
  path: string;
  status: number | 'network_error' | 'timeout';
  ms: number;
  providerCode?: string;
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

export function createProviderHttp(options: ProviderHttpOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function once<T>(req: ProviderRequest<T>): Promise<T> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const started = performance.now();
    const record = (status: ProviderCallRecord['status'], providerCode?: string) =>
      options.onCall?.({
        provider: options.provider,
        method: req.method,
        path: req.path,
        status,
        ms: performance.now() - started,
        providerCode,
      });
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          ...(req.body !== undefined && { 'content-type': 'application/json' }),
          ...(await options.headers()),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const timedOut = (err as Error | null)?.name === 'TimeoutError';
      record(timedOut ? 'timeout' : 'network_error');
      throw new ProviderError(
        timedOut
          ? new Problem(504, 'provider_timeout', `${options.provider} did not answer within ${options.timeoutMs} ms`)
          : new Problem(502, 'provider_unavailable', `${options.provider} could not be reached`, { cause: err }),
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      record('network_error');
      throw new ProviderError(new Problem(502, 'provider_unavailable', `${options.provider} dropped the connection`, { cause: err }));
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
      if (response.ok) {
        record(response.status);
        throw new ProviderError(new Problem(502, 'provider_bad_response', `${options.provider} answered with something other than JSON`), response.status);
      }
    }
    if (!response.ok) {
      const providerCode = safeDescribe(options.describeError, body);
      record(response.status, providerCode);
      throw new ProviderError(mapFailure(options.provider, response), response.status, providerCode);
    }
    record(response.status);
    const parsed = req.schema.safeParse(body);
    if (!parsed.success) {
      throw new ProviderError(
        new Problem(502, 'provider_bad_response', `${options.provider} answered in a shape the proxy does not understand`, {
          cause: parsed.error,
        }),
        response.status,
      );
    }
    return parsed.data;
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

function isTransient(err: unknown): boolean {
  return err instanceof ProviderError && (err.code === 'provider_unavailable' || err.code === 'provider_timeout' || err.code === 'rate_limited');
}

function mapFailure(provider: ProviderName, response: Response): Problem {
  const status = response.status;
  if (status === 401 || status === 403) {
    return new Problem(502, 'provider_auth_failed', `${provider} refused the proxy's credentials; check its key configuration`);
  }
  if (status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
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

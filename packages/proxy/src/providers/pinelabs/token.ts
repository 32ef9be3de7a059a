/**
 * Pine Labs' OAuth2 client-credentials token (providers.md §4.2): `POST /auth/v1/token` with a JSON body, no
 * authentication, answering `{access_token, expires_at}`.
 *
 * - Cached until shortly before `expires_at` (60 s early, as Juspay's connector does, or half the lifetime if
 *   that is shorter), measured with the injected clock.
 * - Single flight: however many calls find the cache empty, one token request is made.
 * - `invalidate(token)` drops the cache only if it still holds that token, so a burst of 401s caused by one
 *   stale token triggers one refetch, not one each.
 * - The lifetime is UNCONFIRMED: without `expires_at` (or `expires_in`), the official MCP's 3000 s is assumed.
 */
import { randomUUID } from 'node:crypto';
import { Problem } from '../../problems.ts';
import type { Secret } from '../../secret.ts';
import { type ProviderCallRecord, ProviderError, createProviderHttp } from '../http.ts';
import { PinelabsErrorBody, PinelabsTokenResponse } from './transformers.ts';

export const TOKEN_REFRESH_LEAD_MS = 60_000;
/** The MCP server's `token_ttl=3000` (providers.md §4.2), used when the answer states no expiry. */
export const DEFAULT_TOKEN_TTL_MS = 3_000_000;

export interface PinelabsTokenSource {
  /** A token valid for a while yet; fetched (once, however many callers wait) when missing or about to expire. */
  get(): Promise<string>;
  /** Forgets `token` if it is the cached one (after a 401 on a call that used it). */
  invalidate(token: string): void;
}

export function createPinelabsTokenSource(options: {
  baseUrl: string;
  clientId: string;
  clientSecret: Secret;
  timeoutMs: number;
  fetch?: typeof fetch;
  now: () => number;
  onCall?: (call: ProviderCallRecord) => void;
}): PinelabsTokenSource {
  const http = createProviderHttp({
    provider: 'pinelabs',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    onCall: options.onCall,
    // The token endpoint takes no Authorization; the tracing headers go on every call all the same.
    headers: () => ({ 'request-id': randomUUID(), 'request-timestamp': new Date(options.now()).toISOString() }),
    describeError: describePinelabsError,
  });
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const requestedAt = options.now();
    let answer: PinelabsTokenResponse;
    try {
      answer = await http.request({
        method: 'POST',
        path: '/auth/v1/token',
        body: { client_id: options.clientId, client_secret: options.clientSecret.reveal(), grant_type: 'client_credentials' },
        schema: PinelabsTokenResponse,
        // Asking for a token twice has no side effect.
        idempotent: true,
      });
    } catch (err) {
      // Any 4xx but 429 from the token endpoint means the client id or secret is wrong (it documents 405 and
      // 422 besides 401): say so, rather than "refused the request".
      if (err instanceof ProviderError && err.providerStatus && err.providerStatus >= 400 && err.providerStatus < 500 && err.providerStatus !== 429) {
        throw new ProviderError(
          new Problem(502, 'provider_auth_failed', 'pinelabs refused the client credentials; check PINELABS_CLIENT_ID and PINELABS_CLIENT_SECRET'),
          err.providerStatus,
          err.providerCode,
        );
      }
      throw err;
    }
    const expiresAt = expiryOf(answer, requestedAt);
    const lifetime = Math.max(0, expiresAt - requestedAt);
    cached = { token: answer.access_token, refreshAt: expiresAt - Math.min(TOKEN_REFRESH_LEAD_MS, lifetime / 2) };
    return answer.access_token;
  }

  return {
    get() {
      if (cached && options.now() < cached.refreshAt) return Promise.resolve(cached.token);
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

function expiryOf(answer: PinelabsTokenResponse, requestedAt: number): number {
  const absolute = answer.expires_at ? Date.parse(answer.expires_at) : Number.NaN;
  if (Number.isFinite(absolute)) return absolute;
  if (answer.expires_in) return requestedAt + answer.expires_in * 1000;
  return requestedAt + DEFAULT_TOKEN_TTL_MS;
}

/** The short code of any Pine Labs error body, for logs: `code`, the OAuth `error`, or the gateway's `type`. */
export function describePinelabsError(body: unknown): string | undefined {
  const parsed = PinelabsErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  return parsed.data.code || parsed.data.error || parsed.data.type || undefined;
}

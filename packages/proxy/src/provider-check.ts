/**
 * Checks that each configured provider takes the proxy's credentials, with one harmless authenticated read: a
 * lookup by a fresh reference that cannot exist (`doctor_<random>`). An empty answer proves the provider is
 * reachable, answers in the shape the adapter reads, and accepts the key; nothing is created or changed. Used by
 * `pay-link doctor` and, with `PAY_LINK_READY_CHECK_PROVIDERS`, by `/readyz` (through `createProviderReadiness`).
 *
 * What each verdict comes from, by the `Problem` code the adapter throws (providers/http.ts `mapFailure`):
 * - `credentials_refused`: `provider_auth_failed` — a 401/403, or Pine Labs' token endpoint refusing the client
 *   id or secret (pinelabs/token.ts turns any 4xx but 429 there into `provider_auth_failed`);
 * - `unreachable`: `provider_timeout`, `provider_unavailable` (no connection, a dropped one, or a 5xx), or the
 *   check's own timeout;
 * - `unexpected_answer`: anything else — `provider_bad_response` (not the shape the adapter reads), `not_found`
 *   (a 404 on a list means the base URL is not the provider's API; Pine Labs' by-reference lookup already reads
 *   its 404 as "no such link"), `provider_rejected`, `rate_limited`, an error that is not a `Problem`.
 *
 * The detail is the problem's code and the provider's HTTP status, never a provider body or a credential.
 */
import { randomBytes } from 'node:crypto';
import { Problem } from './problems.ts';
import { ProviderError } from './providers/http.ts';
import type { ProviderAdapter } from './providers/types.ts';

/** What a provider's check found. */
export type ProviderVerdict = 'ok' | 'credentials_refused' | 'unreachable' | 'unexpected_answer';

export interface ProviderCheckResult {
  provider: string;
  verdict: ProviderVerdict;
  /** How long the check took, in whole milliseconds. */
  ms: number;
  /** For a failed check: the problem code behind it (`provider_auth_failed`, `provider_timeout`, …). */
  code?: string;
  /** For a failed check, when the provider answered: its HTTP status. */
  httpStatus?: number;
}

export interface CheckProvidersOptions {
  /** Per provider: a check still running after this long is `unreachable` (`provider_timeout`). Default 10 s. */
  timeoutMs?: number;
  /** The reference looked up; default `doctor_` + 16 random base64url characters (fits every provider's alphabet). */
  reference?: () => string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Checks every adapter, in parallel, each within its own timeout. Never rejects: every failure is a verdict.
 * Results come in the order of `adapters`.
 *
 * @example
 * const results = await checkProviders(createAdapters(config, { fetch, now: Date.now }), { timeoutMs: 5_000 });
 * // [{ provider: 'razorpay', verdict: 'ok', ms: 84 }, { provider: 'xendit', verdict: 'credentials_refused', ms: 41, code: 'provider_auth_failed', httpStatus: 401 }]
 */
export async function checkProviders(
  adapters: Partial<Record<string, ProviderAdapter>>,
  options: CheckProvidersOptions = {},
): Promise<ProviderCheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reference = options.reference ?? (() => `doctor_${randomBytes(12).toString('base64url')}`);
  const entries = Object.entries(adapters).filter((entry): entry is [string, ProviderAdapter] => entry[1] !== undefined);
  return Promise.all(entries.map(([name, adapter]) => checkProvider(name, adapter, reference(), timeoutMs)));
}

async function checkProvider(provider: string, adapter: ProviderAdapter, reference: string, timeoutMs: number): Promise<ProviderCheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Problem(504, 'provider_timeout', `${provider} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // The adapter call cannot be aborted; after a timeout it ends on its own, within the provider call timeout.
    await Promise.race([probe(adapter, reference), timedOut]);
    return { provider, verdict: 'ok', ms: elapsed() };
  } catch (err) {
    return { provider, ...verdictOf(err), ms: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/** The harmless authenticated read: a lookup by a reference no link has. */
async function probe(adapter: ProviderAdapter, reference: string): Promise<void> {
  if (adapter.findByReference) {
    await adapter.findByReference(reference);
    return;
  }
  throw new Problem(501, 'not_implemented', `${adapter.name} offers no read to check its credentials with`);
}

function verdictOf(err: unknown): Pick<ProviderCheckResult, 'verdict' | 'code' | 'httpStatus'> {
  if (!(err instanceof Problem)) return { verdict: 'unexpected_answer', code: 'internal_error' };
  const httpStatus = err instanceof ProviderError ? err.providerStatus : undefined;
  const verdict: ProviderVerdict =
    err.code === 'provider_auth_failed'
      ? 'credentials_refused'
      : err.code === 'provider_timeout' || err.code === 'provider_unavailable'
        ? 'unreachable'
        : 'unexpected_answer';
  return { verdict, code: err.code, ...(httpStatus !== undefined && { httpStatus }) };
}

/** Words for a verdict, as the CLI and `/readyz` print them. */
export function describeVerdict(verdict: ProviderVerdict): string {
  return verdict.replaceAll('_', ' ');
}

export interface ProviderReadiness {
  /** The latest check's results: from the cache while younger than `ttlMs`, else a new check (one at a time). */
  results(): Promise<ProviderCheckResult[]>;
}

/**
 * `checkProviders` for a readiness probe: the result is kept for `ttlMs` (default 30 s) so probes do not call
 * the providers each time, and probes that find it stale share one check (single flight). A failed check is kept
 * as long as a passing one, so a provider that is down is asked once per `ttlMs`, not once per probe.
 */
export function createProviderReadiness(
  adapters: Partial<Record<string, ProviderAdapter>>,
  options: CheckProvidersOptions & { ttlMs?: number; now?: () => number } = {},
): ProviderReadiness {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: { results: ProviderCheckResult[]; at: number } | undefined;
  let inflight: Promise<ProviderCheckResult[]> | undefined;
  return {
    results() {
      if (cached && now() - cached.at < ttlMs) return Promise.resolve(cached.results);
      inflight ??= checkProviders(adapters, options)
        .then((results) => {
          cached = { results, at: now() };
          return results;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
  };
}

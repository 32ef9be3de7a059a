/**
 * Rate limits for the public routes, per client address (`clientKey`): mints, status reads, refused admin tokens,
 * webhooks that do not verify. Each limit counts under its own name, so limits never share counters. `perMinute`
 * is the sustained rate and `burst` how many may come at once; 0 turns a limit off. Over the limit: 429 problem
 * `rate_limited` with `Retry-After` seconds.
 *
 * Where the counters live depends on the store (`createLimiters`):
 * - SQLite (one process owns the file): a token bucket per address in this process's memory. `perMinute` tokens
 *   refill evenly, up to `burst`; `Retry-After` is the wait for the next token.
 * - Postgres (`Store.rateLimiter`, several instances on one database): one counter per limit and address in the
 *   database, shared by every instance, so N instances allow the limit once rather than N times. The bucket is
 *   approximated there by a fixed window (rate-limiter-flexible): `burst` requests per window of
 *   `ceil(burst × 60 / perMinute)` seconds, started by the address's first request. The burst and the long-run
 *   rate are the same (the rate rounded down by the whole-second window); what differs is how room comes back:
 *   all at once when the window ends, not a token at a time. So `Retry-After` is the rest of the window (up to
 *   that many seconds), and just across a window's end up to 2 × burst pass, where a token bucket lets
 *   `burst + perMinute × t` pass in any t.
 *   While the database does not answer, each instance counts in memory (same window, per instance: the SQLite
 *   behaviour) instead of failing requests; the shared counters take over again once it answers.
 */
import type { RequestHandler } from 'express';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { Problem } from './problems.ts';
import type { Store } from './store/types.ts';

export interface RateLimit {
  perMinute: number;
  burst: number;
}

/** One limit's counters. Both answer the seconds to wait when the key has nothing left, else `undefined`. */
export interface Limiter {
  /** Spends one. */
  take(key: string): Promise<number | undefined>;
  /** Only looks. */
  wait(key: string): Promise<number | undefined>;
}

/** The limit called `name` (its counters' key prefix), or `undefined` when it is off (`perMinute` 0). */
export type Limiters = (name: string, limit: RateLimit) => Limiter | undefined;

const MAX_KEYS = 50_000;

/**
 * Limits counted where `store` shares counters between instances (Postgres), else in memory. `now` drives the
 * in-memory buckets only (tests); shared windows run on the clock.
 *
 * @example
 * const limiters = createLimiters(store);
 * router.post('/v1/links', rateLimit(limiters('mint', { perMinute: 30, burst: 10 })), mint);
 */
export function createLimiters(store: Pick<Store, 'rateLimiter'>, now: () => number = Date.now): Limiters {
  return (name, limit) => {
    if (limit.perMinute <= 0) return undefined;
    return store.rateLimiter ? sharedLimiter(store.rateLimiter(name, fixedWindow(limit))) : memoryLimiter(limit, now);
  };
}

/** The window standing in for a bucket on a shared store (see the header): `burst` per `duration` seconds. */
export function fixedWindow(limit: RateLimit): { points: number; duration: number } {
  const points = Math.max(1, Math.floor(limit.burst));
  return { points, duration: Math.max(1, Math.ceil((points * 60) / limit.perMinute)) };
}

/** Express middleware answering 429 once `limiter` has nothing left for the client; nothing when it is off. */
export function rateLimit(limiter: Limiter | undefined): RequestHandler {
  if (!limiter) return (_req, _res, next) => next();
  return (req, _res, next) => {
    limiter.take(clientKey(req)).then((retryAfter) => {
      if (retryAfter === undefined) return next();
      next(new Problem(429, 'rate_limited', 'Too many requests from this address; try again shortly', { retryAfter }));
    }, next);
  };
}

export function clientKey(req: { ip?: string; socket: { remoteAddress?: string } }): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function memoryLimiter(limit: RateLimit, now: () => number): Limiter {
  const buckets = tokenBuckets(limit, now);
  return {
    take: async (key) => buckets.take(key),
    wait: async (key) => buckets.wait(key),
  };
}

/**
 * A shared window as a `Limiter`. The store's limiter falls back to memory on its own when the database fails;
 * should even that fail, the request goes through: a limit is not worth refusing every request over.
 */
function sharedLimiter(limiter: RateLimiterAbstract): Limiter {
  const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    take: (key) =>
      limiter.consume(key).then(
        () => undefined,
        (refused: unknown) => (refused instanceof RateLimiterRes ? seconds(refused) : undefined),
      ),
    wait: (key) =>
      limiter.get(key).then(
        (res) => (res && res.remainingPoints <= 0 ? seconds(res) : undefined),
        () => undefined,
      ),
  };
}

/**
 * One token bucket per key, the least recently seen forgotten first once `MAX_KEYS` are held. `take` spends a
 * token; `wait` only looks. Both answer the seconds to wait when the bucket is empty, else `undefined`.
 */
export function tokenBuckets(limit: RateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = limit.perMinute / 60_000;
  function refill(key: string) {
    const t = now();
    let bucket = buckets.get(key);
    if (!bucket) {
      // Forget the oldest clients first when the table is full (Map keeps insertion order).
      if (buckets.size >= MAX_KEYS) buckets.delete(buckets.keys().next().value!);
      bucket = { tokens: limit.burst, at: t };
    } else {
      buckets.delete(key); // re-insert: most recent last
      bucket.tokens = Math.min(limit.burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
    }
    buckets.set(key, bucket);
    return bucket;
  }
  const waitFor = (tokens: number) => Math.ceil((1 - tokens) / perMs / 1000);
  return {
    take(key: string): number | undefined {
      const bucket = refill(key);
      if (bucket.tokens < 1) return waitFor(bucket.tokens);
      bucket.tokens -= 1;
      return undefined;
    },
    wait(key: string): number | undefined {
      if (!buckets.has(key)) return undefined;
      const bucket = refill(key);
      return bucket.tokens < 1 ? waitFor(bucket.tokens) : undefined;
    },
  };
}

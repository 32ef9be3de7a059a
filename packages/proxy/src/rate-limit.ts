/**
 * Rate limits for the public routes: a token bucket per client address, in memory. `perMinute` tokens refill
 * evenly; a burst of up to `burst` is allowed. Over the limit: 429 problem with `Retry-After`.
 * 0 turns a limit off. With several instances, each limits on its own (the Redis store can share buckets later).
 */
import type { RequestHandler } from 'express';
import { Problem } from './problems.ts';

export interface RateLimit {
  perMinute: number;
  burst: number;
}

const MAX_KEYS = 50_000;

export function rateLimit(limit: RateLimit, now: () => number = Date.now): RequestHandler {
  if (limit.perMinute <= 0) return (_req, _res, next) => next();
  const buckets = tokenBuckets(limit, now);
  return (req, _res, next) => {
    const retryAfter = buckets.take(clientKey(req));
    if (retryAfter !== undefined) {
      next(new Problem(429, 'rate_limited', 'Too many requests from this address; try again shortly', { retryAfter }));
      return;
    }
    next();
  };
}

export function clientKey(req: { ip?: string; socket: { remoteAddress?: string } }): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
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

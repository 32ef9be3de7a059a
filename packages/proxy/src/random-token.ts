/**
 * Random ids (`pl_…`, `evt_…`) from the system's CSPRNG, drawn from a pool filled a few kB at a time: a
 * `randomBytes(16)` per id was a call into OpenSSL each time, 12–14 µs on this VM and one per webhook and per mint
 * (a profile of bench/webhook-throughput.ts, 2026-12-02). Node's own `randomUUID` pools its entropy the same way.
 * Every byte is handed out once: `used` only moves on until the pool is filled anew.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4_096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** `bytes` random bytes (at most the pool's size) as base64url: `randomToken(16)` is 22 characters. */
export function randomToken(bytes: number): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const token = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return token;
}

/** base64url's 64 characters in ASCII order, so text order of what is written in them is numeric order. */
const SORTED = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** Characters of the time prefix: 8 × 6 bits = 48 bits of milliseconds, past the year 10000. */
const TIME_CHARS = 8;

/**
 * A random token led by the time `at` (ms since the epoch): eight characters whose text order is time order, then
 * `randomToken(bytes)`. Ids made this way land at the right-hand end of the indexes keyed by them, so a burst of
 * new rows shares a few index pages instead of dirtying a random page each (decision 0016). Unique as
 * `randomToken` is; the prefix only says roughly when it was made, which the row holding it says anyway.
 */
export function timeOrderedToken(at: number, bytes: number): string {
  let ms = Number.isFinite(at) && at > 0 ? Math.floor(at) : 0;
  let prefix = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    prefix = SORTED[ms % 64]! + prefix;
    ms = Math.floor(ms / 64);
  }
  return prefix + randomToken(bytes);
}

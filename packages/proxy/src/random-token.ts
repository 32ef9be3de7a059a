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

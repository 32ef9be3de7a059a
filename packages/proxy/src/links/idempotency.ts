/**
 * The `Idempotency-Key` path of a mint: the key's first request mints, a retry with the same request gets the
 * link that key already minted, another request under the same key is refused.
 */
import { createHash } from 'node:crypto';
import type { MintRequest } from '../contract.ts';
import { Problem } from '../problems.ts';
import type { LinkRecord } from '../store/types.ts';
import type { LinkContext } from './context.ts';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

export interface MintContext {
  idempotencyKey?: string;
}

export interface MintResult {
  record: LinkRecord;
  replayed: boolean;
}

/** Mints one purchase's link; `keyed`: the Idempotency-Key and request fingerprint, when the request came with a key. */
export type MintPriced = (request: MintRequest, keyed?: { key: string; fingerprint: string }) => Promise<{ record: LinkRecord; existing: boolean }>;

export function createIdempotentMint(ctx: Pick<LinkContext, 'store' | 'mintLeaseMs'>, mintPriced: MintPriced, read: (id: string) => Promise<LinkRecord>) {
  const { store } = ctx;

  /**
   * Mints a link, or with an `Idempotency-Key` returns the link that key already minted. The fingerprint is
   * the validated request in canonical form, so key order and whitespace in the body do not matter.
   */
  async function mint(request: MintRequest, mintCtx: MintContext = {}): Promise<MintResult> {
    if (mintCtx.idempotencyKey === undefined) {
      const { record, existing } = await mintPriced(request);
      return { record, replayed: existing };
    }
    // The return URL is where the buyer happens to be, not what is bought: a reload with other query
    // parameters is the same purchase.
    const { returnUrl: _where, ...purchase } = request;
    const fingerprint = createHash('sha256').update(canonicalJson(purchase)).digest('hex');
    const begin = await store.beginIdempotent(mintCtx.idempotencyKey, fingerprint, IDEMPOTENCY_TTL_MS, ctx.mintLeaseMs);
    switch (begin.kind) {
      case 'mismatch':
        throw new Problem(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
      case 'in_flight':
        throw new Problem(409, 'idempotency_in_flight', 'A request with this Idempotency-Key is still being processed', {
          retryAfter: 1,
        });
      case 'done': {
        const record = await store.getLink(begin.linkId);
        // A replay of a purchase whose link closed reads it first, like any read: it may have been paid late.
        if (record) return { record: await read(record.id), replayed: true };
        await store.abandonIdempotent(mintCtx.idempotencyKey);
        return mint(request, mintCtx);
      }
      case 'new':
        break;
    }
    try {
      const { record, existing } = await mintPriced(request, { key: mintCtx.idempotencyKey, fingerprint });
      await store.completeIdempotent(mintCtx.idempotencyKey, record.id);
      return { record, replayed: existing };
    } catch (err) {
      await store.abandonIdempotent(mintCtx.idempotencyKey);
      throw err;
    }
  }

  return mint;
}

/** JSON with object keys sorted, for fingerprints. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The embedded default store: process memory, no services. Records live until the process ends; the provider
 * stays the source of truth, so a restart loses no payment (a link is rebuilt from the provider by reference).
 * Idempotency keys and webhook dedupe keys expire after their TTL.
 */
import type { ProviderName } from '../contract.ts';
import type { IdempotencyBegin, LinkRecord, Store } from './types.ts';

interface IdempotencyEntry {
  fingerprint: string;
  linkId?: string;
  expiresAt: number;
}

export function createMemoryStore(now: () => number = Date.now): Store {
  const links = new Map<string, LinkRecord>();
  const byProviderId = new Map<string, string>();
  const byMerchantReference = new Map<string, string>();
  const idempotency = new Map<string, IdempotencyEntry>();
  const events = new Map<string, number>();
  /** `recheckAt` of the links that have one: the sweeper's due list without a scan of every link. */
  const rechecks = new Map<string, number>();
  const indexRecheck = (record: LinkRecord) => {
    if (record.recheckAt === null) rechecks.delete(record.id);
    else rechecks.set(record.id, record.recheckAt);
  };

  const providerKey = (provider: ProviderName, id: string) => `${provider}\u0000${id}`;

  function sweep<V>(map: Map<string, V>, expiresAt: (value: V) => number): void {
    const t = now();
    for (const [key, value] of map) if (expiresAt(value) <= t) map.delete(key);
  }

  return {
    async getLink(id) {
      return links.get(id);
    },
    async findLinkByProviderId(provider, providerLinkId) {
      const id = byProviderId.get(providerKey(provider, providerLinkId));
      return id === undefined ? undefined : links.get(id);
    },
    async findLinkByMerchantReference(reference) {
      const id = byMerchantReference.get(reference);
      return id === undefined ? undefined : links.get(id);
    },
    async insertLink(record) {
      links.set(record.id, record);
      if (record.source.kind === 'intent') byMerchantReference.set(record.source.reference, record.id);
      byProviderId.set(providerKey(record.provider, record.providerLinkId), record.id);
      indexRecheck(record);
    },
    async findLinksDueForRecheck(at, limit) {
      const due = [...rechecks].filter(([, t]) => t <= at).sort(([, a], [, b]) => a - b);
      return due.slice(0, limit).map(([id]) => links.get(id)!);
    },
    async findOpenLinksExpiring(from, to, limit) {
      const found: LinkRecord[] = [];
      for (const link of links.values()) {
        if (found.length >= limit) break;
        if (link.status !== 'pending' && link.status !== 'partially_paid') continue;
        const at = link.expiresAt === null ? Number.NaN : Date.parse(link.expiresAt);
        if (at >= from && at <= to) found.push(link);
      }
      return found;
    },
    async listLinks({ status, provider, limit }) {
      // Insertion order is mint order; newest first, with createdAt deciding where clocks allow.
      const matching = [...links.values()]
        .reverse()
        .filter((link) => (status === undefined || link.status === status) && (provider === undefined || link.provider === provider));
      return matching.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
    },
    async updateLink(id, update) {
      const current = links.get(id);
      if (!current) return undefined;
      const next = update(current);
      if (next !== current) {
        links.set(id, next);
        indexRecheck(next);
      }
      return next;
    },

    async beginIdempotent(key, fingerprint, ttlMs): Promise<IdempotencyBegin> {
      if (idempotency.size > 10_000) sweep(idempotency, (e) => e.expiresAt);
      const entry = idempotency.get(key);
      if (entry && entry.expiresAt > now()) {
        if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
        return entry.linkId === undefined ? { kind: 'in_flight' } : { kind: 'done', linkId: entry.linkId };
      }
      idempotency.set(key, { fingerprint, expiresAt: now() + ttlMs });
      return { kind: 'new' };
    },
    async completeIdempotent(key, linkId) {
      const entry = idempotency.get(key);
      if (entry) entry.linkId = linkId;
    },
    async abandonIdempotent(key) {
      idempotency.delete(key);
    },

    async hasEvent(provider, dedupeKey) {
      const expiresAt = events.get(providerKey(provider, dedupeKey));
      return expiresAt !== undefined && expiresAt > now();
    },
    async recordEvent(provider, dedupeKey, ttlMs) {
      if (events.size > 50_000) sweep(events, (t) => t);
      events.set(providerKey(provider, dedupeKey), now() + ttlMs);
    },
  };
}

/**
 * The store interface: everything the proxy keeps between requests. Narrow on purpose, so the Redis
 * implementation can follow without touching the core. Every method is async even in memory.
 */
import type { LinkStatus, Money, ProviderName } from '../contract.ts';
import type { StatusState } from '../links/status.ts';

/** How the price of a link was decided; kept for support and for re-minting an expired purchase. */
export type PriceSource =
  | { kind: 'product'; product: string; quantity: number }
  /** `attempt` counts the links minted for one intent reference (1, 2, … after expiries); see decision 0008. */
  | { kind: 'intent'; reference: string; attempt?: number }
  | { kind: 'amount' };

export interface LinkRecord extends StatusState {
  /** Ours: opaque, unguessable; a capability for the status routes. */
  id: string;
  provider: ProviderName;
  providerLinkId: string;
  /** The reference sent to the provider (unique per purchase). */
  reference: string;
  url: string;
  amount: Money;
  description: string | null;
  expiresAt: string | null;
  source: PriceSource;
  createdAt: number;
  /** When the provider's view of the link was last observed (webhook or read), in ms since the epoch. */
  checkedAt: number;
  /** When the link was first seen expired or cancelled; anchors the late-payment re-reads (decision 0011). */
  closedAt: number | null;
  /** When a hint event claimed a change that the read it triggered did not show yet (the read lagged). */
  claimedAt: number | null;
  /**
   * When the sweeper owes this link its next provider read whoever watches it (`links/recheck.ts`): after it
   * closed, through the late-payment grace window; after an unconfirmed claim. `null`: nothing owed.
   */
  recheckAt: number | null;
}

export interface ListLinksQuery {
  status?: LinkStatus;
  provider?: ProviderName;
  limit: number;
}

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'in_flight' }
  | { kind: 'done'; linkId: string }
  | { kind: 'mismatch' };

export interface Store {
  getLink(id: string): Promise<LinkRecord | undefined>;
  findLinkByProviderId(provider: ProviderName, providerLinkId: string): Promise<LinkRecord | undefined>;
  /** The newest link minted for a merchant reference (an intent's invoice number). */
  findLinkByMerchantReference(reference: string): Promise<LinkRecord | undefined>;
  insertLink(record: LinkRecord): Promise<void>;
  /** Atomic read-modify-write; `update` returns the same object for "no change". */
  updateLink(id: string, update: (current: LinkRecord) => LinkRecord): Promise<LinkRecord | undefined>;
  /** The links this store holds, newest first (by `createdAt`), filtered, at most `limit` of them. */
  listLinks(query: ListLinksQuery): Promise<LinkRecord[]>;
  /** Links still pending or partially paid whose expiry falls in [from, to] (ms since the epoch). */
  findOpenLinksExpiring(from: number, to: number, limit: number): Promise<LinkRecord[]>;
  /** Links whose `recheckAt` is at or before `at`, soonest first, at most `limit`. */
  findLinksDueForRecheck(at: number, limit: number): Promise<LinkRecord[]>;

  /** Claims an idempotency key for a request fingerprint. */
  beginIdempotent(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin>;
  completeIdempotent(key: string, linkId: string): Promise<void>;
  /** The request failed before a link existed: free the key so a retry can mint. */
  abandonIdempotent(key: string): Promise<void>;

  /** Has this webhook delivery been recorded? */
  hasEvent(provider: ProviderName, dedupeKey: string): Promise<boolean>;
  recordEvent(provider: ProviderName, dedupeKey: string, ttlMs: number): Promise<void>;
}

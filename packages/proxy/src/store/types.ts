/**
 * The store interface: everything the proxy keeps between requests and everything its instances must agree on.
 * Two engines implement it over one SQL layer (`store/sql.ts`): SQLite, the embedded default, and Postgres for
 * several instances (decision 0012). The provider stays the source of truth for the money; the store is the
 * source of truth for everything else.
 *
 * Every step instances could race on is atomic in the database: a link's update is a compare-and-set on its
 * version, one link per provider reference and per intent attempt is a unique constraint, an idempotency key
 * is claimed with a lease, and named leases give single flight across instances.
 */
import type { LinkStatus, ProviderName } from '../contract.ts';
import type { LinkRecord } from '../records.ts';

export type { LinkRecord, PriceSource } from '../records.ts';

export interface ListLinksQuery {
  status?: LinkStatus;
  provider?: ProviderName;
  /** Links created at or after / before these times (ms since the epoch). */
  createdFrom?: number;
  createdBefore?: number;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface LinkPage {
  links: LinkRecord[];
  /** Present when more links match: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'in_flight' }
  | { kind: 'done'; linkId: string }
  | { kind: 'mismatch' };

export interface Store {
  getLink(id: string): Promise<LinkRecord | undefined>;
  findLinkByProviderId(provider: ProviderName, providerLinkId: string): Promise<LinkRecord | undefined>;
  /** The newest link minted for a merchant reference (an intent's invoice number): the highest attempt. */
  findLinkByMerchantReference(reference: string): Promise<LinkRecord | undefined>;
  /**
   * Inserts a link, or — when one already holds its provider link, its provider reference or its intent attempt
   * (the unique constraints that make one link per purchase) — answers that one and inserts nothing.
   */
  insertLink(record: LinkRecord): Promise<{ record: LinkRecord; inserted: boolean }>;
  /**
   * Compare-and-set read-modify-write: `update` gets the current record and returns the next one, or the same
   * object for "no change". It may be called more than once (a concurrent write won the race), so it must be a
   * pure function of its argument.
   */
  updateLink(id: string, update: (current: LinkRecord) => LinkRecord): Promise<LinkRecord | undefined>;
  /**
   * Marks a refresh of link `id` as this caller's: sets `checkedAt` to `at` if it still is `seenCheckedAt`.
   * False when another caller (another instance) refreshed it meanwhile: its read stands for this one.
   */
  claimRefresh(id: string, seenCheckedAt: number, at: number): Promise<boolean>;
  /** The links this store holds, newest first (by `createdAt`, then id), filtered, a page at a time. */
  listLinks(query: ListLinksQuery): Promise<LinkPage>;
  /** Links still pending or partially paid whose expiry falls in [from, to] (ms since the epoch). */
  findOpenLinksExpiring(from: number, to: number, limit: number): Promise<LinkRecord[]>;
  /** Links whose `recheckAt` is at or before `at`, soonest first, at most `limit`. */
  findLinksDueForRecheck(at: number, limit: number): Promise<LinkRecord[]>;

  /**
   * Claims an idempotency key for a request fingerprint. A claim in flight holds for `leaseMs`; past that it
   * is taken to have crashed and the key can be claimed again. A completed key holds for `ttlMs`.
   */
  beginIdempotent(key: string, fingerprint: string, ttlMs: number, leaseMs: number): Promise<IdempotencyBegin>;
  completeIdempotent(key: string, linkId: string): Promise<void>;
  /** The request failed before a link existed: free the key so a retry can mint. */
  abandonIdempotent(key: string): Promise<void>;

  /** Has this webhook delivery been recorded? */
  hasEvent(provider: ProviderName, dedupeKey: string): Promise<boolean>;
  recordEvent(provider: ProviderName, dedupeKey: string, ttlMs: number): Promise<void>;

  /**
   * A named lease: true when `holder` now holds `name` until `ttlMs` from now (it was free, expired, or already
   * this holder's). Single flight across instances: the sweeper, an intent's mint.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  /** Deletes idempotency records, webhook dedupe records and leases past their time. Links are kept. */
  purgeExpired(): Promise<void>;

  /**
   * The change feed between instances. `publishChange` tells the others that link `id` changed; `listenChanges`
   * hears theirs (never this store's own) and, after a lost connection is back, calls `onResync` so watched
   * links are read again (a change may have passed while deaf). In one process (SQLite) both are no-ops: the
   * service tells its own watchers.
   */
  publishChange(id: string): Promise<void>;
  listenChanges(onChange: (id: string) => void, onResync: () => void): Promise<void>;

  close(): Promise<void>;
}

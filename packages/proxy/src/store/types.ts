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

/**
 * A merchant event to write with the change it describes (decision 0013): the outbox row and one pending
 * delivery per endpoint in `endpoints`.
 */
export interface NewEvent {
  id: string;
  linkId: string;
  /** Order among the link's events; unique per link, so one change applied twice writes one event. */
  linkPosition: number;
  type: string;
  /** The exact body every attempt sends. */
  payload: string;
  createdAt: number;
  /** The endpoint ids it goes to (those subscribed to its type); none: it is only logged. */
  endpoints: string[];
  /** The dispatcher on this instance, offered the event's deliveries as they are written (`DeliveryHandOff`). */
  handOff?: DeliveryHandOff;
}

/**
 * The dispatcher on this instance, offered the deliveries a write makes (decision 0016, "Fresh events handed to
 * the dispatcher"). A delivery it has room for is written already leased to it, if it is the earliest pending one
 * of its link to its endpoint, and is handed over in memory once the write has committed: it is sent without a
 * claim. If the process dies first, the lease lapses and any instance's claim sends it.
 */
export interface DeliveryHandOff {
  holder: string;
  leaseMs: number;
  /** Room for one more delivery to this endpoint now: a slot is held for it until `written` or `release`. */
  reserve(endpointId: string): boolean;
  /** Gives back `count` slots held for deliveries that were not leased (each waits its turn in the outbox). */
  release(count: number): void;
  /**
   * A write committed: `taken` are leased to `holder` (their slots now used); `waiting` more of its deliveries
   * went to the outbox unleased. Called with nothing taken for a write whose slots were released.
   */
  written(taken: ClaimedDelivery[], waiting: number): void;
}

/**
 * The events a write makes, from the stored record before it (none for an insert) and after it. Called once per
 * write that lands, inside its transaction; it must be a pure function of its arguments (a lost compare-and-set
 * calls it again).
 */
export type EventsOf = (before: LinkRecord | undefined, after: LinkRecord) => NewEvent[];

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface StoredDelivery {
  endpointId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  history: DeliveryAttempt[];
}

export interface StoredEvent {
  id: string;
  linkId: string;
  type: string;
  payload: string;
  createdAt: number;
  deliveries: StoredDelivery[];
}

export interface ListEventsQuery {
  linkId?: string;
  type?: string;
  /** Only events with a delivery in this state. */
  state?: DeliveryState;
  limit: number;
  cursor?: string;
}

/** A delivery this caller now holds (its lease) and must send and then record. */
export interface ClaimedDelivery {
  eventId: string;
  endpointId: string;
  linkId: string;
  type: string;
  payload: string;
  createdAt: number;
  /** Attempts made before this one. */
  attempts: number;
  /** The attempts made before the last resend: the retry schedule counts from there. */
  retryBase: number;
}

export type AttemptOutcome =
  | { state: 'delivered' }
  | { state: 'pending'; nextAttemptAt: number }
  /** Given up: the schedule ran out. */
  | { state: 'failed' };

export interface EndpointState {
  id: string;
  url: string;
  disabledAt: number | null;
  disabledReason: string | null;
  failingSince: number | null;
  lastSuccessAt: number | null;
}

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'in_flight' }
  | { kind: 'done'; linkId: string }
  | { kind: 'mismatch' };

/** A provider webhook's dedupe key, recorded as seen for `ttlMs` (`Store.recordEvent`). */
export interface SeenWebhook {
  provider: ProviderName;
  dedupeKey: string;
  ttlMs: number;
}

/** One finished attempt for `Store.recordAttempts`. */
export interface RecordedAttempt {
  eventId: string;
  endpointId: string;
  attempt: DeliveryAttempt;
  outcome: AttemptOutcome;
}

export interface Store {
  getLink(id: string): Promise<LinkRecord | undefined>;
  findLinkByProviderId(provider: ProviderName, providerLinkId: string): Promise<LinkRecord | undefined>;
  /** The newest link minted for a merchant reference (an intent's invoice number): the highest attempt. */
  findLinkByMerchantReference(reference: string): Promise<LinkRecord | undefined>;
  /**
   * Inserts a link, or — when one already holds its provider link, its provider reference or its intent attempt
   * (the unique constraints that make one link per purchase) — answers that one and inserts nothing.
   */
  insertLink(record: LinkRecord, events?: EventsOf): Promise<{ record: LinkRecord; inserted: boolean }>;
  /**
   * Compare-and-set read-modify-write: `update` gets the current record and returns the next one, or the same
   * object for "no change". It may be called more than once (a concurrent write won the race), so it must be a
   * pure function of its argument. `events`: the merchant events the change makes, written in its transaction.
   * `seen`: a provider webhook to record as seen (as `recordEvent` does) in the same transaction as the change,
   * or on its own when `update` changes nothing: recorded exactly when a record is answered (decision 0016).
   * `known`: the record as the caller just read it, tried first instead of reading it again; a write since then
   * loses the compare-and-set, and the record is read afresh. If `update` changes nothing on it, it is answered
   * as given: for a join (links/status.ts) a state that covers it already, any newer one covers too.
   */
  updateLink(id: string, update: (current: LinkRecord) => LinkRecord, events?: EventsOf, seen?: SeenWebhook, known?: LinkRecord): Promise<LinkRecord | undefined>;
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

  /** Other ids the provider knows link `linkId` by (Pine Labs' order ids); an alias already held is kept. */
  addLinkAliases(provider: ProviderName, linkId: string, aliases: readonly string[]): Promise<void>;
  findLinkByAlias(provider: ProviderName, alias: string): Promise<LinkRecord | undefined>;

  /** The outbox, newest first, each event with its deliveries and their attempts. */
  listEvents(query: ListEventsQuery): Promise<{ events: StoredEvent[]; nextCursor?: string }>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  /**
   * Leases up to `limit` deliveries due at `at` to `holder` for `leaseMs`: pending, to one of `endpointIds`, and
   * each the earliest pending one of its link for its endpoint (a link's events go in order). Of several
   * instances claiming at once, each delivery goes to one.
   */
  claimDeliveries(holder: string, endpointIds: readonly string[], at: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt and what follows it: the delivery's state and the attempt's history line, in one transaction. */
  recordAttempt(eventId: string, endpointId: string, attempt: DeliveryAttempt, outcome: AttemptOutcome): Promise<void>;
  /** `recordAttempt` for several deliveries in one transaction (attempts that finished together: one commit). */
  recordAttempts(attempts: readonly RecordedAttempt[]): Promise<void>;
  /** Sends an event again (to one endpoint, or to all it went to) from `at`: its deliveries pending once more. */
  resendEvent(id: string, at: number, endpointId?: string): Promise<number>;
  /** How many deliveries are pending to these endpoints, and when the oldest of their events was made. */
  outboxStats(endpointIds: readonly string[]): Promise<{ pending: number; oldestCreatedAt: number | null }>;
  /** Makes sure each endpoint has a row (its URL kept current) and answers all of them. */
  syncEndpoints(endpoints: readonly { id: string; url: string }[]): Promise<EndpointState[]>;
  updateEndpoint(id: string, patch: Partial<Omit<EndpointState, 'id' | 'url'>>): Promise<void>;

  /** Has this webhook delivery been recorded? */
  hasEvent(provider: ProviderName, dedupeKey: string): Promise<boolean>;
  recordEvent(provider: ProviderName, dedupeKey: string, ttlMs: number): Promise<void>;

  /**
   * A named lease: true when `holder` now holds `name` until `ttlMs` from now (it was free, expired, or already
   * this holder's). Single flight across instances: the sweeper, an intent's mint.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  /**
   * Deletes idempotency records, webhook dedupe records and leases past their time, and merchant events older
   * than `eventsBefore` with nothing left to deliver. Links are kept.
   */
  purgeExpired(eventsBefore?: number): Promise<void>;

  /**
   * The change feed between instances. `publishChange` tells the others that link `id` changed; `listenChanges`
   * hears theirs (never this store's own) and, after a lost connection is back, calls `onResync` so watched
   * links are read again (a change may have passed while deaf). In one process (SQLite) both are no-ops: the
   * service tells its own watchers.
   */
  publishChange(id: string): Promise<void>;
  listenChanges(onChange: (id: string) => void, onResync: () => void): Promise<void>;

  close(): Promise<void>;

  /**
   * A rate limiter whose counters every instance on this database shares: `points` per fixed window of
   * `duration` seconds, keys under `name` (one name per limit, so limits never share counters). While the
   * database does not answer it counts in this process's memory instead of failing. Only where instances share
   * the store (Postgres); absent (SQLite) the proxy counts in memory (rate-limit.ts).
   */
  rateLimiter?(name: string, window: { points: number; duration: number }): import('rate-limiter-flexible').RateLimiterAbstract;
}

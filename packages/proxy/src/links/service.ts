/**
 * The core: mint one link per purchase, keep its status true, tell watchers when it changes. No HTTP here.
 *
 * Status comes from two directions and is joined (links/status.ts): verified webhooks, and reads from the
 * provider when a non-terminal link's state is older than `staleAfterMs` (webhooks get lost). Provider reads are
 * single-flight per link and at most one per `staleAfterMs`, however many widgets poll. A link that expired or
 * was cancelled is still read through its late-payment grace window (links/recheck.ts, decision 0011) — on a
 * schedule by the sweeper, when someone reads it, and always before a fresh link is minted for its purchase —
 * because a payment can land after the end and a later `paid` wins.
 */
import { randomBytes, createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LinkView, MintRequest, ProviderName } from '../contract.ts';
import type { ProxyConfig } from '../config.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent } from '../providers/types.ts';
import type { EventsOf, LinkPage, LinkRecord, ListLinksQuery, Store } from '../store/types.ts';
import { correlateWebhook } from './correlate.ts';
import { type Intent, verifyIntent } from './intent.ts';
import { type ResolvedPrice, resolvePrice } from './pricing.ts';
import { inGrace, nextRecheckAt } from './recheck.ts';
import { applyObservation, covers, earliest, initialState, isTerminal } from './status.ts';

export interface LinkServiceDeps {
  config: ProxyConfig;
  store: Store;
  adapters: Partial<Record<ProviderName, ProviderAdapter>>;
  now: () => number;
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
  /** How old a non-terminal link's provider state may be before a read refreshes it. */
  staleAfterMs?: number;
  /**
   * How old a watched link's state may be before the sweeper re-reads it; default four times `staleAfterMs`
   * (20 s). Webhooks are the live channel and the buyer's own re-checks (focus, closed window, "check again")
   * read at `staleAfterMs`; this is the safety net for a lost webhook nobody asks about.
   */
  watchedStaleAfterMs?: number;
  /** The merchant events each link write makes (merchant-events/events.ts), written in its transaction. */
  events?: EventsOf;
  /** Called after a write that may have made merchant events: the dispatcher looks at once. */
  eventsWritten?: () => void;
}

export interface MintContext {
  idempotencyKey?: string;
}

export interface MintResult {
  record: LinkRecord;
  replayed: boolean;
}

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/** How long a mint in flight holds its Idempotency-Key (or an intent's reference) before it is taken to have crashed. */
const MIN_MINT_LEASE_MS = 30_000;
/** How long a request waits for another instance's mint of the same intent before answering 409 (retry shortly). */
const INTENT_WAIT_MS = 10_000;
/** How often the sweeper purges expired idempotency and dedupe records from the store. */
const PURGE_EVERY_MS = 10 * 60_000;
const WEBHOOK_DEDUPE_TTL_MS = 7 * 24 * 60 * 60_000;
/** How long a merchant event is kept once nothing is left to deliver (decision 0013). */
const EVENT_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Razorpay's minimum (providers.md §5.3); links shorter than this are refused by at least one provider. */
const MIN_LINK_TTL_MS = 16 * 60_000;
/** How many links one intent reference may have had (expired, cancelled) before the walk stops looking. */
const MAX_INTENT_ATTEMPTS = 50;
/** Intent references already walked at the provider by this process; bounded, cleared when full. */
const MAX_WALKED = 10_000;
/** Provider reads the sweeper keeps in flight at once: thousands of watched links must not become a burst. */
const SWEEP_CONCURRENCY = 16;
/** How old a closed intent link's state may be when its pay page loads before the provider is asked again. */
const PAY_PAGE_RECHECK_MS = 1_000;
/** Links with a read owed (links/recheck.ts) taken per sweep; the rest wait for the next one. */
const SWEEP_DUE_LIMIT = 500;

/**
 * The reference a purchase's link carries at its provider. A purchase that can come back (an intent's
 * reference, an Idempotency-Key) gets one derived from what identifies it, so after a restart — or a create whose
 * answer was lost — the link is found at the provider by that reference instead of minted twice (decision 0008).
 * Hashed: short, in every provider's alphabet (`[A-Za-z0-9_-]`, at most 40), and the key is not sent on.
 */
export function providerReference(purchase: { intent: string; attempt: number } | { key: string; fingerprint: string }): string {
  if ('intent' in purchase) return `pi_${digest(`intent\n${purchase.intent}`)}_${purchase.attempt}`;
  return `pk_${digest(`key\n${purchase.key}\n${purchase.fingerprint}`)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** A failed create that may have created the link all the same (timeout, 5xx) or that met our reference (4xx). */
function mayHaveCreated(err: unknown): boolean {
  const code = (err as Problem).code;
  return code === 'provider_timeout' || code === 'provider_unavailable' || code === 'provider_rejected';
}

export function createLinkService(deps: LinkServiceDeps) {
  const { config, store, adapters, now, log } = deps;
  const staleAfterMs = deps.staleAfterMs ?? 5_000;
  const watchedStaleAfterMs = deps.watchedStaleAfterMs ?? 4 * staleAfterMs;
  let sweeping: Promise<void> | undefined;
  let purgedAt = 0;
  /** This process, as it holds leases (the sweeper, an intent's mint) in a store other instances share. */
  const instance = `${process.pid}.${randomBytes(6).toString('base64url')}`;
  // A mint can take a lookup, a create and a lookup at the provider, each up to its timeout.
  const mintLeaseMs = Math.max(MIN_MINT_LEASE_MS, 4 * config.providerTimeoutMs);
  const changes = new EventEmitter<{ change: [LinkRecord] }>();
  changes.setMaxListeners(0);
  const refreshing = new Map<string, Promise<LinkRecord | undefined>>();
  /** Live watchers (SSE) by link id; the changes of a link reach only its own watchers. */
  const watchers = new Map<string, Set<(record: LinkRecord) => void>>();
  changes.on('change', (record) => {
    for (const watcher of watchers.get(record.id) ?? []) watcher(record);
  });
  // Changes applied by other instances (Postgres' change feed): read the link and tell this one's watchers.
  const hear = async (id: string) => {
    if (!watchers.has(id)) return;
    const record = await store.getLink(id).catch(() => undefined);
    if (record) changes.emit('change', record);
  };
  void store
    .listenChanges(
      (id) => void hear(id),
      // Back after a lost connection: changes may have passed unheard.
      () => void Promise.all([...watchers.keys()].map(hear)),
    )
    .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'change feed unavailable: other instances are heard by the sweeper only'));

  function adapterFor(provider: ProviderName): ProviderAdapter {
    const adapter = adapters[provider];
    if (!adapter) throw new Problem(400, 'provider_not_configured', `"${provider}" is not configured on this proxy`);
    return adapter;
  }

  /**
   * Joins a provider's view of link `id` in. `claim`: the hint event that prompted this read, when there was
   * one — its payment time stands in where the read carries none (EximPe's reads), and a claim the read does
   * not show yet is remembered, so the sweeper reads again soon (links/recheck.ts).
   */
  async function observe(id: string, state: ProviderLinkState, claim?: Claim): Promise<LinkRecord | undefined> {
    const checkedAt = now();
    // A read's payment time can be a stand-in (an `updated` stamp) or missing (EximPe): the earlier one wins.
    const observed = state.status === 'paid' && claim?.paidAt ? { ...state, paidAt: earliest(state.paidAt, claim.paidAt) } : state;
    let changed = false;
    const next = await store.updateLink(id, (current) => {
      const status = applyObservation(current, observed, current.amount.value);
      // A URL or expiry the provider changed (an extended link) is taken as is; neither affects the status.
      const url = observed.url || current.url;
      const expiresAt = observed.expiresAt ?? current.expiresAt;
      changed = status !== current || url !== current.url || expiresAt !== current.expiresAt;
      const joined = { ...current, ...status, url, expiresAt, checkedAt };
      const unconfirmed = claim !== undefined && !covers(joined, claim.status);
      // The newest unconfirmed claim anchors the early re-reads; one the read shows is settled.
      return withRechecks({ ...joined, claimedAt: claim === undefined ? current.claimedAt : unconfirmed ? checkedAt : null });
    }, deps.events);
    if (next) await rememberAliases(next, state);
    if (next && changed) {
      deps.eventsWritten?.();
      log.info({ linkId: id, status: next.status, seq: next.seq }, 'link status changed');
      changes.emit('change', next);
      await store.publishChange(id).catch((err: unknown) => log.warn({ linkId: id, err: (err as Error).message }, 'change not published'));
    }
    return next;
  }

  /**
   * Keeps the other ids the provider knows a link by (Pine Labs' order ids), so a webhook naming only one finds the
   * link on any instance (links/correlate.ts). Best effort: without them such a webhook waits for a read.
   */
  async function rememberAliases(record: LinkRecord, state: ProviderLinkState): Promise<void> {
    if (!state.aliases?.length || record.providerLinkId !== state.providerLinkId) return;
    await store
      .addLinkAliases(record.provider, record.id, state.aliases)
      .catch((err: unknown) => log.warn({ linkId: record.id, err: (err as Error).message }, 'link aliases not stored'));
  }

  /** The record with `closedAt` set on its first closed observation and the sweeper's next owed read. */
  function withRechecks(record: LinkRecord): LinkRecord {
    const closed = record.status === 'expired' || record.status === 'cancelled';
    const closedAt = record.closedAt ?? (closed ? record.checkedAt : null);
    const claimedAt = isTerminal(record.status) ? null : record.claimedAt;
    return { ...record, closedAt, claimedAt, recheckAt: nextRecheckAt({ ...record, closedAt, claimedAt }, config.latePaymentGraceMs) };
  }

  /**
   * Asks the provider whether a link that closed was paid after all, when its state is at least `maxAgeMs` old.
   * Before anything would mint a fresh link for its purchase the answer is 0: never skipped (a payment may have
   * landed a moment ago), and a read already in flight is waited out and followed by a new one, since it may have
   * started before the payment. A provider that cannot answer then fails the mint: minting anyway could charge
   * the buyer twice.
   */
  async function recheckClosed(record: LinkRecord, maxAgeMs: number): Promise<LinkRecord> {
    if (!isClosed(record.status) || now() - record.checkedAt < maxAgeMs) return record;
    if (maxAgeMs === 0) await refreshing.get(record.id)?.catch(() => undefined);
    return (await service.refresh(record.id)) ?? record;
  }

  async function stored(id: string): Promise<LinkRecord> {
    const record = await store.getLink(id);
    if (!record) throw new Problem(404, 'not_found', 'There is no payment link with this id');
    return record;
  }

  /** A link still open for payment (pending or partially paid). */
  async function open(id: string): Promise<LinkRecord> {
    const record = await stored(id);
    if (isTerminal(record.status)) throw new Problem(409, 'link_closed', `This link is already ${record.status}`);
    return record;
  }

  /**
   * An intent's reference maps to one live link: while the last link minted for it is pending, partially paid or
   * paid, that link is the answer; once it expired or was cancelled, a fresh one is minted. Single flight per
   * reference, so two tabs opening the same invoice mint once.
   */
  const byReference = new Map<string, Promise<{ record: LinkRecord; existing: boolean }>>();
  function mintForReference(reference: string, request: MintRequest, price: ResolvedPrice) {
    const inflight = byReference.get(reference);
    // A request that joins a mint in flight did not mint: it is answered the link as existing (200, not 201).
    if (inflight) return inflight.then((result) => ({ ...result, existing: true }));
    const run = (async () => {
      // Single flight across instances too: two pay pages of one invoice on two instances mint once.
      const lease = `intent:${reference}`;
      const holder = `${instance}.${randomBytes(4).toString('hex')}`;
      await waitForLease(lease, holder);
      try {
        const found = (await store.findLinkByMerchantReference(reference)) ?? (await recoverIntent(reference, price));
        const last = found && (await recheckClosed(found, 0));
        if (last && !isClosed(last.status)) return { record: last, existing: true };
        const attempt = (last?.source.kind === 'intent' ? (last.source.attempt ?? 0) : 0) + 1;
        const priced = { ...price, source: { kind: 'intent' as const, reference, attempt } };
        return await mintNew(request, priced, providerReference({ intent: reference, attempt }));
      } finally {
        await store.releaseLease(lease, holder).catch(() => undefined);
      }
    })().finally(() => byReference.delete(reference));
    byReference.set(reference, run);
    return run;
  }

  /** Waits until `holder` holds lease `name`; another instance's mint of the same purchase answers 409 after a while. */
  async function waitForLease(name: string, holder: string): Promise<void> {
    const deadline = Date.now() + INTENT_WAIT_MS;
    while (!(await store.acquireLease(name, holder, mintLeaseMs))) {
      if (Date.now() >= deadline) {
        throw new Problem(409, 'idempotency_in_flight', 'This payment is being prepared by another request; try again shortly', { retryAfter: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * After a restart the store has forgotten an intent's links, but its provider has not: walk the references
   * its links would have had (attempt 1, 2, …) and adopt the last one found. Once per reference per process —
   * from then on this process mints that reference's links itself — and single flight.
   */
  const walked = new Set<string>();
  const walking = new Map<string, Promise<LinkRecord | undefined>>();
  function recoverIntent(reference: string, price: ResolvedPrice): Promise<LinkRecord | undefined> {
    const adapter = adapterFor(price.provider);
    if (walked.has(reference) || !adapter.findByReference) return Promise.resolve(undefined);
    const inflight = walking.get(reference);
    if (inflight) return inflight;
    const run = (async () => {
      let found: { state: ProviderLinkState; attempt: number } | undefined;
      for (let attempt = 1; attempt <= MAX_INTENT_ATTEMPTS; attempt++) {
        const state = await adapter.findByReference!(providerReference({ intent: reference, attempt }));
        if (!state) break;
        found = { state, attempt };
      }
      if (walked.size >= MAX_WALKED) walked.clear();
      walked.add(reference);
      if (!found) return undefined;
      const source = { kind: 'intent' as const, reference, attempt: found.attempt };
      return adopt(found.state, providerReference({ intent: reference, attempt: found.attempt }), { ...price, source });
    })().finally(() => walking.delete(reference));
    walking.set(reference, run);
    return run;
  }

  /** `keyed`: the Idempotency-Key and request fingerprint, when the request came with a key. */
  async function mintPriced(request: MintRequest, keyed?: { key: string; fingerprint: string }) {
    const price = resolvePrice(config, request, now());
    if (price.source.kind === 'intent') return mintForReference(price.source.reference, request, price);
    return mintNew(request, price, keyed && providerReference(keyed));
  }

  /**
   * Creates the link at the provider. `reference` is set for a purchase that can come back (decision 0008): a
   * provider that does not refuse a reused reference is asked first whether it has the link; any other is asked
   * only when a create fails in a way that may mean the link exists (a timeout, a 5xx, our reference refused).
   * Links minted without a reference get their own id as one, and the same recovery after a failed create.
   */
  async function mintNew(request: MintRequest, price: ResolvedPrice, reference?: string): Promise<{ record: LinkRecord; existing: boolean }> {
    const adapter = adapterFor(price.provider);
    if (adapter.currencies && !adapter.currencies.includes(price.amount.currency)) {
      throw new Problem(400, 'amount_not_allowed', `${price.provider} does not take ${price.amount.currency}`);
    }
    const id = newLinkId();
    const ref = reference ?? id;
    if (reference !== undefined && adapter.findByReference && !adapter.capabilities.uniqueReference) {
      const found = await adapter.findByReference(ref);
      if (found) return { record: await adopt(found, ref, price), existing: true };
    }
    const returnUrl = request.returnUrl && returnThrough(config.publicUrl, request.returnUrl, id);
    let state: ProviderLinkState;
    try {
      state = await adapter.create({
        reference: ref,
        amount: price.amount,
        description: price.description,
        customer: price.customer,
        expiresAt: new Date(now() + Math.max(config.linkTtlMs, MIN_LINK_TTL_MS)),
        returnUrl,
      });
    } catch (err) {
      const found = mayHaveCreated(err) ? await adapter.findByReference?.(ref).catch(() => undefined) : undefined;
      if (!found) throw err;
      const code = (err as Problem).code;
      log.warn({ provider: price.provider, code }, 'create failed, but the provider has the link: adopted');
      // A refused reference means an earlier request made the link; a lost answer, that this one did.
      return { record: await adopt(found, ref, price, id), existing: code === 'provider_rejected' };
    }
    // The store's unique constraints: Pine Labs answers a reused reference with the link it already has; another
    // instance may have minted this purchase's link meanwhile.
    const { record, inserted } = await store.insertLink(linkRecord(id, ref, state, price), deps.events);
    if (inserted) deps.eventsWritten?.();
    await rememberAliases(record, state);
    if (!inserted) {
      if (record.providerLinkId !== state.providerLinkId) await cancelOrphan(adapter, state.providerLinkId, record);
      return { record, existing: true };
    }
    log.info({ linkId: id, provider: price.provider, amount: price.amount }, 'link minted');
    return { record, existing: false };
  }

  /**
   * A link made at the provider for a purchase that the store already holds another link for (two instances
   * raced past every other guard): cancel it, so the buyer cannot pay twice. Best effort; logged either way.
   */
  async function cancelOrphan(adapter: ProviderAdapter, providerLinkId: string, kept: LinkRecord): Promise<void> {
    try {
      await adapter.cancel(providerLinkId);
      log.warn({ provider: adapter.name, providerLinkId, kept: kept.id }, 'a second link for one purchase was made and cancelled');
    } catch (err) {
      log.warn({ provider: adapter.name, providerLinkId, kept: kept.id, code: (err as Problem).code }, 'a second link for one purchase was made and could not be cancelled: cancel it in the dashboard');
    }
  }

  function linkRecord(id: string, reference: string, state: ProviderLinkState, price: ResolvedPrice): LinkRecord {
    const created = now();
    const record: LinkRecord = {
      ...initialState(),
      closedAt: null,
      claimedAt: null,
      recheckAt: null,
      version: 0,
      id,
      provider: price.provider,
      providerLinkId: state.providerLinkId,
      reference,
      url: state.url,
      amount: price.amount,
      description: price.description,
      expiresAt: state.expiresAt,
      source: price.source,
      customer: price.merchantCustomer ?? null,
      createdAt: created,
      checkedAt: created,
    };
    return withRechecks({ ...record, ...applyObservation(record, state, record.amount.value) });
  }

  /** Takes in a link found at the provider by its reference: a record under a new id, unless one exists. */
  async function adopt(state: ProviderLinkState, reference: string, price: ResolvedPrice, id = newLinkId()): Promise<LinkRecord> {
    const { record, inserted } = await store.insertLink(linkRecord(id, reference, state, price), deps.events);
    if (inserted) deps.eventsWritten?.();
    await rememberAliases(record, state);
    if (inserted) log.info({ linkId: id, provider: price.provider, status: record.status }, 'link recovered from the provider by its reference');
    return record;
  }

  const service = {
    changes,

    /**
     * Mints a link, or with an `Idempotency-Key` returns the link that key already minted. The fingerprint is
     * the validated request in canonical form, so key order and whitespace in the body do not matter.
     */
    async mint(request: MintRequest, ctx: MintContext = {}): Promise<MintResult> {
      if (ctx.idempotencyKey === undefined) {
        const { record, existing } = await mintPriced(request);
        return { record, replayed: existing };
      }
      // The return URL is where the buyer happens to be, not what is bought: a reload with other query
      // parameters is the same purchase.
      const { returnUrl: _where, ...purchase } = request;
      const fingerprint = createHash('sha256').update(canonicalJson(purchase)).digest('hex');
      const begin = await store.beginIdempotent(ctx.idempotencyKey, fingerprint, IDEMPOTENCY_TTL_MS, mintLeaseMs);
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
          if (record) return { record: await this.read(record.id), replayed: true };
          await store.abandonIdempotent(ctx.idempotencyKey);
          return this.mint(request, ctx);
        }
        case 'new':
          break;
      }
      try {
        const { record, existing } = await mintPriced(request, { key: ctx.idempotencyKey, fingerprint });
        await store.completeIdempotent(ctx.idempotencyKey, record.id);
        return { record, replayed: existing };
      } catch (err) {
        await store.abandonIdempotent(ctx.idempotencyKey);
        throw err;
      }
    },

    /**
     * What an intent stands for and the link it last minted, without minting: the pay page shows the invoice's
     * state on load (paid, partially paid, expired) before any click.
     */
    async lookupIntent(token: string): Promise<{ intent: Intent; record?: LinkRecord }> {
      if (config.intentSecrets.length === 0) throw new Problem(404, 'not_found', 'This proxy does not take signed intents');
      const intent = verifyIntent(token, config.intentSecrets.map((s) => s.reveal()), now());
      // After a restart, the provider may know the invoice's link; a provider that cannot answer now leaves
      // the page showing the invoice without a state, and the click finds the link (or refuses) then.
      const last =
        (await store.findLinkByMerchantReference(intent.reference)) ??
        (await recoverIntent(intent.reference, resolvePrice(config, { intent: token }, now())).catch(() => undefined));
      if (!last) return { intent };
      // A closed link makes the page offer a fresh one: ask its provider first (at most once a second), so an
      // invoice paid late shows its receipt instead. A provider that cannot answer leaves the stored state.
      const closed = await recheckClosed(last, PAY_PAGE_RECHECK_MS).catch(() => last);
      return { intent, record: closed === last ? await this.read(last.id) : closed };
    },

    /**
     * The link as stored; starts a background refresh from the provider when its state is stale. A closed link
     * inside its grace window is read from the provider first (at most once per `staleAfterMs`): nothing else
     * watches it any more, and the buyer who looks again (a widget's re-check, the pay page) is owed a late
     * payment. A provider that cannot answer leaves the stored status.
     */
    async read(id: string): Promise<LinkRecord> {
      const record = await store.getLink(id);
      if (!record) throw new Problem(404, 'not_found', 'There is no payment link with this id');
      const stale = now() - record.checkedAt >= staleAfterMs;
      if (stale && inGrace(record, now(), config.latePaymentGraceMs)) {
        return (await this.refresh(id).catch(() => undefined)) ?? record;
      }
      if (stale && !isTerminal(record.status)) void this.refresh(id, undefined, record).catch(() => undefined);
      return record;
    },

    /**
     * Reads the provider's view of a link and joins it in. Single flight per link. `claim`: the hint event that
     * asked for this read (see `observe`); a read already in flight serves it without the claim.
     */
    refresh(id: string, claim?: Claim, stale?: LinkRecord): Promise<LinkRecord | undefined> {
      const inflight = refreshing.get(id);
      if (inflight) return inflight;
      const run = (async () => {
        const record = await store.getLink(id);
        if (!record) return undefined;
        // A read only because the state was stale is claimed first: of several instances that found it stale at
        // once, one asks the provider and the others' watchers hear its answer through the change feed.
        if (stale && !(await store.claimRefresh(id, stale.checkedAt, now()))) return record;
        try {
          const state = await adapterFor(record.provider).retrieve(record.providerLinkId);
          return await observe(id, state, claim);
        } catch (err) {
          // Count the attempt, so a failing provider is not asked again on every poll (nor the owed read repeated).
          await store.updateLink(id, (current) => withRechecks({ ...current, checkedAt: now() }));
          log.warn({ linkId: id, provider: record.provider, code: (err as Problem).code }, 'status refresh failed');
          throw err;
        }
      })().finally(() => refreshing.delete(id));
      refreshing.set(id, run);
      return run;
    },

    /**
     * Cancels a link at its provider (an admin action) and joins the provider's answer in through the same path
     * as webhooks and reads, so watchers hear of it. A paid link is not cancellable (refund it at the provider);
     * cancelling a cancelled link answers it as it is.
     */
    async cancel(id: string): Promise<LinkRecord> {
      const record = await stored(id);
      if (record.status === 'cancelled') return record;
      if (record.status === 'paid') throw notCancellable(record);
      if (isTerminal(record.status)) throw new Problem(409, 'link_not_cancellable', `This link is already ${record.status}`);
      const adapter = adapterFor(record.provider);
      if (!adapter.capabilities.cancel) throw notImplemented(record.provider, 'cancel a link');
      let state: ProviderLinkState;
      try {
        state = await adapter.cancel(record.providerLinkId);
      } catch (err) {
        // A provider refuses to cancel a link the buyer paid meanwhile: read it, so the answer says what happened.
        if (err instanceof Problem && err.code === 'provider_rejected') {
          const current = await this.refresh(id).catch(() => undefined);
          if (current?.status === 'paid') throw notCancellable(current);
        }
        throw err;
      }
      const next = (await observe(id, state))!;
      if (next.status === 'paid') throw notCancellable(next);
      return next;
    },

    /** Moves a live link's expiry at its provider, where the provider can (`capabilities.extendExpiry`). */
    async extendExpiry(id: string, expiresAt: Date): Promise<LinkRecord> {
      const record = await open(id);
      const adapter = adapterFor(record.provider);
      if (!adapter.capabilities.extendExpiry || !adapter.extendExpiry) throw notImplemented(record.provider, "extend a link's expiry");
      const state = await adapter.extendExpiry(record.providerLinkId, expiresAt);
      return (await observe(id, state))!;
    },

    /** Asks the provider to send a live link to its customer again, where it can (`capabilities.notify`). */
    async notify(id: string, channel: 'email' | 'sms'): Promise<LinkRecord> {
      const record = await open(id);
      const adapter = adapterFor(record.provider);
      if (!adapter.capabilities.notify || !adapter.notify) throw notImplemented(record.provider, 'send a link to its customer');
      await adapter.notify(record.providerLinkId, channel);
      return record;
    },

    /** The links this proxy minted, newest first, as stored (no provider calls), a page at a time. */
    list(query: ListLinksQuery): Promise<LinkPage> {
      return store.listLinks(query);
    },

    /**
     * Applies a verified webhook. Dedupe first; an event is recorded as seen only once it took effect, so a
     * redelivery of one that did not is applied, not dropped:
     * - with the link's state: after it was joined in (a crash in between means a redelivery joins it again,
     *   which the join makes harmless);
     * - a hint (weak scheme, payment-level event): after the read it triggers shows what the event claims. A
     *   read that lags the event (`unconfirmed`) leaves it unrecorded and the link owed early re-reads;
     * - for a link the store does not hold, the provider is asked and a link of ours adopted (links/correlate.ts);
     *   one that is not ours is `ignored` and recorded. Not found now (the provider did not answer, an intent's
     *   link, a webhook that overtook the mint): never recorded, so the provider's retry is applied once it is.
     */
    async applyWebhook(provider: ProviderName, event: WebhookEvent): Promise<WebhookOutcome> {
      if (await store.hasEvent(provider, event.dedupeKey)) return 'duplicate';
      let outcome: WebhookOutcome = 'ignored';
      const found = event.kind === 'link' ? await correlateWebhook({ store, adapter: adapters[provider], adopt, log }, provider, event) : undefined;
      if (found?.kind === 'unknown') return 'unknown_link';
      if (found?.kind === 'ignored') log.info({ provider, event: event.event, reason: found.reason }, 'webhook ignored');
      if (event.kind === 'link' && found?.kind === 'held') {
        const { record, read } = found;
        if (event.state) {
          // A read made to find the link goes in too; the join does not care in which order.
          if (read) await observe(record.id, read);
          await observe(record.id, event.state);
          outcome = 'applied';
        } else {
          // Ask the provider for the truth — the read that found the link, when one did. A read already in flight
          // may have started before the payment, so wait for it and read again.
          if (!read) await refreshing.get(record.id)?.catch(() => undefined);
          const next = read ? await observe(record.id, read, event.claims) : await this.refresh(record.id, event.claims);
          if (event.claims && next && !covers(next, event.claims.status)) {
            log.info({ linkId: record.id, provider, claimed: event.claims.status, read: next.status }, 'webhook claim not yet shown by the provider');
            return 'unconfirmed';
          }
          outcome = 'applied';
        }
      }
      await store.recordEvent(provider, event.dedupeKey, WEBHOOK_DEDUPE_TTL_MS);
      return outcome;
    },

    /** Calls `onChange` on every change of link `id` until the returned function is called. */
    subscribe(id: string, onChange: (record: LinkRecord) => void): () => void {
      let set = watchers.get(id);
      if (!set) watchers.set(id, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        // Only this set: a later subscriber may have started a new one after this one emptied.
        if (set.size === 0 && watchers.get(id) === set) watchers.delete(id);
      };
    },

    /**
     * The sweeper: watched links (no polls reach them, so nothing else would notice a lost webhook) whose state
     * is older than `watchedStaleAfterMs`, and open links whose expiry has just passed (older than `staleAfterMs`),
     * so a link nobody is looking at still ends expired (and its late payment still lands) without waiting for a read. Links more than an hour
     * past expiry are left to the next read. At most `SWEEP_CONCURRENCY` reads at once; a sweep still running
     * when the timer fires again is not doubled.
     */
    sweep(): Promise<void> {
      sweeping ??= (async () => {
        const t = now();
        const due = new Map<string, LinkRecord>();
        // This instance's watchers: nobody else knows they are watched.
        for (const id of watchers.keys()) {
          const record = await store.getLink(id);
          if (record && !isTerminal(record.status) && t - record.checkedAt >= watchedStaleAfterMs) due.set(id, record);
        }
        // The store-wide lists, by one instance at a time (the lease lapses by itself if that one dies).
        if (await store.acquireLease('sweeper', instance, Math.max(3 * staleAfterMs, 15_000))) {
          // Reads owed whoever watches: closed links in their grace window, unconfirmed claims (links/recheck.ts).
          for (const link of await store.findLinksDueForRecheck(t, SWEEP_DUE_LIMIT)) due.set(link.id, link);
          // Just past its expiry a link's state has likely changed: these are read at the ordinary interval.
          for (const link of await store.findOpenLinksExpiring(t - 60 * 60_000, t, 200)) {
            if (t - link.checkedAt >= staleAfterMs) due.set(link.id, link);
          }
          if (t - purgedAt >= PURGE_EVERY_MS) {
            purgedAt = t;
            await store.purgeExpired(t - EVENT_RETENTION_MS).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'purging expired records failed'));
          }
        }
        // Each read claimed by the state it was found in, so another instance's read of the same link stands for it.
        await inBatches([...due.values()], SWEEP_CONCURRENCY, (record) => this.refresh(record.id, undefined, record).catch(() => undefined));
      })().finally(() => (sweeping = undefined));
      return sweeping;
    },

    view(record: LinkRecord): LinkView {
      return {
        id: record.id,
        provider: record.provider,
        status: record.status,
        seq: record.seq,
        amount: record.amount,
        amountPaid: record.amountPaid,
        url: record.url,
        expiresAt: record.expiresAt,
        paidAt: record.paidAt,
        description: record.description,
        pollAfterMs: pollAfter(record),
      };
    },
  };
  return service;
}

/** What a hint event said happened (see `WebhookEvent`). */
type Claim = NonNullable<Extract<WebhookEvent, { kind: 'link' }>['claims']>;

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_link' | 'unconfirmed';

export type LinkService = ReturnType<typeof createLinkService>;

/** Runs `task` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function newLinkId(): string {
  return `pl_${randomBytes(16).toString('base64url')}`;
}

/** Expired, cancelled or failed: a purchase whose link ended without being paid may be minted again. */
function isClosed(status: LinkRecord['status']): boolean {
  return status === 'expired' || status === 'cancelled' || status === 'failed';
}

function notCancellable(record: LinkRecord): Problem {
  return new Problem(409, 'link_not_cancellable', `This link is paid; refund the payment in the ${record.provider} dashboard instead`);
}

function notImplemented(provider: ProviderName, what: string): Problem {
  return new Problem(501, 'not_implemented', `${provider} cannot ${what} through its API`);
}

function pollAfter(record: LinkRecord): number {
  if (isTerminal(record.status)) return 60_000;
  return record.status === 'partially_paid' ? 3_000 : 2_000;
}

/**
 * The provider sends the buyer to the proxy's `/return` page, which closes the checkout window when a script
 * opened it (popup, tab) and otherwise forwards to the merchant's page with `pay_link_id` added, so the element
 * there resumes watching. One URL serves both presentations, and a blocked popup's same-tab fallback too.
 */
export function returnThrough(publicUrl: string, merchantUrl: string, id: string): string {
  const to = new URL(merchantUrl);
  to.searchParams.set('pay_link_id', id);
  const url = new URL('/return', publicUrl);
  url.searchParams.set('to', to.toString());
  return url.toString();
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

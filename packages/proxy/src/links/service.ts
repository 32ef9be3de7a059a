/**
 * The core: mint one link per purchase, keep its status true, tell watchers when it changes. No HTTP here.
 *
 * Status comes from two directions and is joined (links/status.ts): verified webhooks, and reads from the
 * provider when a non-terminal link's state is older than `staleAfterMs` (webhooks get lost). Provider reads are
 * single-flight per link and at most one per `staleAfterMs`, however many widgets poll.
 */
import { randomBytes, createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LinkView, MintRequest, ProviderName } from '../contract.ts';
import type { ProxyConfig } from '../config.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent } from '../providers/types.ts';
import type { LinkRecord, ListLinksQuery, Store } from '../store/types.ts';
import { type Intent, verifyIntent } from './intent.ts';
import { type ResolvedPrice, resolvePrice } from './pricing.ts';
import { applyObservation, initialState, isTerminal } from './status.ts';

export interface LinkServiceDeps {
  config: ProxyConfig;
  store: Store;
  adapters: Partial<Record<ProviderName, ProviderAdapter>>;
  now: () => number;
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
  /** How old a non-terminal link's provider state may be before a read refreshes it. */
  staleAfterMs?: number;
}

export interface MintContext {
  idempotencyKey?: string;
}

export interface MintResult {
  record: LinkRecord;
  replayed: boolean;
}

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const WEBHOOK_DEDUPE_TTL_MS = 7 * 24 * 60 * 60_000;
/** Razorpay's minimum (providers.md §5.3); links shorter than this are refused by at least one provider. */
const MIN_LINK_TTL_MS = 16 * 60_000;

export function createLinkService(deps: LinkServiceDeps) {
  const { config, store, adapters, now, log } = deps;
  const staleAfterMs = deps.staleAfterMs ?? 5_000;
  const changes = new EventEmitter<{ change: [LinkRecord] }>();
  changes.setMaxListeners(0);
  const refreshing = new Map<string, Promise<LinkRecord | undefined>>();
  /** Live watchers (SSE) by link id; the changes of a link reach only its own watchers. */
  const watchers = new Map<string, Set<(record: LinkRecord) => void>>();
  changes.on('change', (record) => {
    for (const watcher of watchers.get(record.id) ?? []) watcher(record);
  });

  function adapterFor(provider: ProviderName): ProviderAdapter {
    const adapter = adapters[provider];
    if (!adapter) throw new Problem(400, 'provider_not_configured', `"${provider}" is not configured on this proxy`);
    return adapter;
  }

  async function observe(id: string, state: ProviderLinkState): Promise<LinkRecord | undefined> {
    const checkedAt = now();
    let changed = false;
    const next = await store.updateLink(id, (current) => {
      const status = applyObservation(current, state, current.amount.value);
      changed = status !== current;
      return {
        ...current,
        ...(changed && status),
        // A URL or expiry the provider changed (an extended link) is taken as is; neither affects the status.
        url: state.url || current.url,
        expiresAt: state.expiresAt ?? current.expiresAt,
        checkedAt,
      };
    });
    if (next && changed) {
      log.info({ linkId: id, status: next.status, seq: next.seq }, 'link status changed');
      changes.emit('change', next);
    }
    return next;
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
    if (inflight) return inflight;
    const run = (async () => {
      const last = await store.findLinkByMerchantReference(reference);
      if (last && !['expired', 'cancelled', 'failed'].includes(last.status)) return { record: last, existing: true };
      return { record: await mintNew(request, price), existing: false };
    })().finally(() => byReference.delete(reference));
    byReference.set(reference, run);
    return run;
  }

  async function mintPriced(request: MintRequest): Promise<{ record: LinkRecord; existing: boolean }> {
    const price = resolvePrice(config, request, now());
    if (price.source.kind === 'intent') return mintForReference(price.source.reference, request, price);
    return { record: await mintNew(request, price), existing: false };
  }

  async function mintNew(request: MintRequest, price: ResolvedPrice): Promise<LinkRecord> {
    const adapter = adapterFor(price.provider);
    if (adapter.currencies && !adapter.currencies.includes(price.amount.currency)) {
      throw new Problem(400, 'amount_not_allowed', `${price.provider} does not take ${price.amount.currency}`);
    }
    const id = `pl_${randomBytes(16).toString('base64url')}`;
    const returnUrl = request.returnUrl && returnThrough(config.publicUrl, request.returnUrl, id);
    const state = await adapter.create({
      reference: id,
      amount: price.amount,
      description: price.description,
      customer: price.customer,
      expiresAt: new Date(now() + Math.max(config.linkTtlMs, MIN_LINK_TTL_MS)),
      returnUrl,
    });
    const created = now();
    const record: LinkRecord = {
      ...initialState(),
      id,
      provider: price.provider,
      providerLinkId: state.providerLinkId,
      reference: id,
      url: state.url,
      amount: price.amount,
      description: price.description,
      expiresAt: state.expiresAt,
      source: price.source,
      createdAt: created,
      checkedAt: created,
    };
    const observed = { ...record, ...applyObservation(record, state, record.amount.value) };
    await store.insertLink(observed);
    log.info({ linkId: id, provider: price.provider, amount: price.amount }, 'link minted');
    return observed;
  }

  return {
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
      const begin = await store.beginIdempotent(ctx.idempotencyKey, fingerprint, IDEMPOTENCY_TTL_MS);
      switch (begin.kind) {
        case 'mismatch':
          throw new Problem(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
        case 'in_flight':
          throw new Problem(409, 'idempotency_in_flight', 'A request with this Idempotency-Key is still being processed', {
            retryAfter: 1,
          });
        case 'done': {
          const record = await store.getLink(begin.linkId);
          if (record) return { record, replayed: true };
          await store.abandonIdempotent(ctx.idempotencyKey);
          return this.mint(request, ctx);
        }
        case 'new':
          break;
      }
      try {
        const { record, existing } = await mintPriced(request);
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
      const last = await store.findLinkByMerchantReference(intent.reference);
      return { intent, record: last && (await this.read(last.id)) };
    },

    /** The link as stored; starts a background refresh from the provider when its state is stale. */
    async read(id: string): Promise<LinkRecord> {
      const record = await store.getLink(id);
      if (!record) throw new Problem(404, 'not_found', 'There is no payment link with this id');
      if (!isTerminal(record.status) && now() - record.checkedAt >= staleAfterMs) {
        void this.refresh(id).catch(() => undefined);
      }
      return record;
    },

    /** Reads the provider's view of a link and joins it in. Single flight per link. */
    refresh(id: string): Promise<LinkRecord | undefined> {
      const inflight = refreshing.get(id);
      if (inflight) return inflight;
      const run = (async () => {
        const record = await store.getLink(id);
        if (!record) return undefined;
        try {
          const state = await adapterFor(record.provider).retrieve(record.providerLinkId);
          return await observe(id, state);
        } catch (err) {
          // Count the attempt, so a failing provider is not asked again on every poll.
          await store.updateLink(id, (current) => ({ ...current, checkedAt: now() }));
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

    /** The links this proxy minted, newest first, as stored (no provider calls). */
    list(query: ListLinksQuery): Promise<LinkRecord[]> {
      return store.listLinks(query);
    },

    /**
     * Applies a verified webhook. Dedupe first; the event is recorded only after it was applied, so a crash in
     * between means a redelivery applies it again, which the join makes harmless.
     */
    async applyWebhook(provider: ProviderName, event: WebhookEvent): Promise<'applied' | 'duplicate' | 'ignored' | 'unknown_link'> {
      if (await store.hasEvent(provider, event.dedupeKey)) return 'duplicate';
      let outcome: 'applied' | 'ignored' | 'unknown_link' = 'ignored';
      if (event.kind === 'link') {
        const record = await store.findLinkByProviderId(provider, event.providerLinkId);
        if (!record) {
          outcome = 'unknown_link';
        } else if (event.state) {
          await observe(record.id, event.state);
          outcome = 'applied';
        } else {
          // A hint (weak scheme or payment-level event): ask the provider for the truth. A read already in
          // flight may have started before the payment, so wait for it and read again.
          await refreshing.get(record.id)?.catch(() => undefined);
          await this.refresh(record.id);
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
        if (set.size === 0) watchers.delete(id);
      };
    },

    /**
     * Links with live watchers do not poll, so nothing would notice a lost webhook: re-read the stale ones.
     * Called on a timer; each link is refreshed at most once per `staleAfterMs` (single flight).
     */
    async refreshWatched(): Promise<void> {
      await Promise.all([...watchers.keys()].map((id) => this.read(id).catch(() => undefined)));
    },

    /**
     * The sweeper: watched links (no polls reach them), and open links whose expiry has just passed, so a link
     * nobody is looking at still ends expired (and its late payment still lands) without waiting for a read.
     * Links more than an hour past expiry are left to the next read.
     */
    async sweep(): Promise<void> {
      const t = now();
      const expiring = await store.findOpenLinksExpiring(t - 60 * 60_000, t, 200);
      await Promise.all([
        this.refreshWatched(),
        ...expiring.map((link) => this.read(link.id).catch(() => undefined)),
      ]);
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
}

export type LinkService = ReturnType<typeof createLinkService>;

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

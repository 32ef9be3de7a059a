/**
 * The core: mint one link per purchase, keep its status true, tell watchers when it changes. No HTTP here.
 *
 * Status comes from two directions and is joined (links/status.ts): verified webhooks, and reads from the
 * provider when a non-terminal link's state is older than `staleAfterMs` (webhooks get lost). Provider reads are
 * single-flight per link and at most one per `staleAfterMs`, however many widgets poll. A link that expired or
 * was cancelled is still read through its late-payment grace window (links/recheck.ts, decision 0011) — on a
 * schedule by the sweeper, when someone reads it, and always before a fresh link is minted for its purchase —
 * because a payment can land after the end and a later `paid` wins.
 *
 * This file composes the pieces, each holding its own state: the change feed (links/change-feed.ts), reads and
 * joins (links/refresh.ts), minting (links/mint.ts), intents (links/recover.ts), the Idempotency-Key path
 * (links/idempotency.ts) and the sweeper (links/sweeper.ts).
 */
import type { LinkView, MintRequest, ProviderName } from '../contract.ts';
import { Problem, noSuchLink } from '../problems.ts';
import type { ProviderLinkState, WebhookEvent } from '../providers/types.ts';
import type { LinkPage, LinkRecord, ListLinksQuery } from '../store/types.ts';
import { createChangeFeed } from './change-feed.ts';
import { type LinkServiceDeps, createLinkContext } from './context.ts';
import { correlateWebhook } from './correlate.ts';
import { createIdempotentMint } from './idempotency.ts';
import { type Intent, verifyIntent } from './intent.ts';
import { createMinter, providerReference } from './mint.ts';
import { resolvePrice } from './pricing.ts';
import { createIntentRecovery } from './recover.ts';
import { createRefresher } from './refresh.ts';
import { covers, isTerminal } from './status.ts';
import { createSweeper } from './sweeper.ts';

export type { LinkServiceDeps } from './context.ts';
export { type MintContext, type MintResult, canonicalJson } from './idempotency.ts';
export { providerReference, returnThrough } from './mint.ts';

const WEBHOOK_DEDUPE_TTL_MS = 7 * 24 * 60 * 60_000;
/** How old a closed intent link's state may be when its pay page loads before the provider is asked again. */
const PAY_PAGE_RECHECK_MS = 1_000;

export function createLinkService(deps: LinkServiceDeps) {
  const ctx = createLinkContext(deps);
  const { config, store, adapters, now, log } = ctx;
  const feed = createChangeFeed(ctx);
  const refresher = createRefresher(ctx, feed);
  const { observe, refresh } = refresher;
  const minter = createMinter(ctx);
  const intents = createIntentRecovery(ctx, minter, refresher);

  /** `keyed`: the Idempotency-Key and request fingerprint, when the request came with a key. */
  async function mintPriced(request: MintRequest, keyed?: { key: string; fingerprint: string }) {
    const price = resolvePrice(config, request, now());
    if (price.source.kind === 'intent') return intents.mintForReference(price.source.reference, request, price);
    return minter.mintNew(request, price, keyed && providerReference(keyed));
  }

  async function stored(id: string): Promise<LinkRecord> {
    const record = await store.getLink(id);
    if (!record) throw noSuchLink();
    return record;
  }

  /** A link still open for payment (pending or partially paid). */
  async function open(id: string): Promise<LinkRecord> {
    const record = await stored(id);
    if (isTerminal(record.status)) throw new Problem(409, 'link_closed', `This link is already ${record.status}`);
    return record;
  }

  return {
    changes: feed.changes,

    mint: createIdempotentMint(ctx, mintPriced, refresher.read),

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
        (await intents.recoverIntent(intent.reference, resolvePrice(config, { intent: token }, now())).catch(() => undefined));
      if (!last) return { intent };
      // A closed link makes the page offer a fresh one: ask its provider first (at most once a second), so an
      // invoice paid late shows its receipt instead. A provider that cannot answer leaves the stored state.
      const closed = await refresher.recheckClosed(last, PAY_PAGE_RECHECK_MS).catch(() => last);
      return { intent, record: closed === last ? await refresher.read(last.id) : closed };
    },

    read: refresher.read,

    refresh,

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
      const adapter = ctx.adapterFor(record.provider);
      if (!adapter.capabilities.cancel) throw notImplemented(record.provider, 'cancel a link');
      let state: ProviderLinkState;
      try {
        state = await adapter.cancel(record.providerLinkId);
      } catch (err) {
        // A provider refuses to cancel a link the buyer paid meanwhile: read it, so the answer says what happened.
        if (err instanceof Problem && err.code === 'provider_rejected') {
          const current = await refresh(id).catch(() => undefined);
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
      const adapter = ctx.adapterFor(record.provider);
      if (!adapter.capabilities.extendExpiry || !adapter.extendExpiry) throw notImplemented(record.provider, "extend a link's expiry");
      const state = await adapter.extendExpiry(record.providerLinkId, expiresAt);
      return (await observe(id, state))!;
    },

    /** Asks the provider to send a live link to its customer again, where it can (`capabilities.notify`). */
    async notify(id: string, channel: 'email' | 'sms'): Promise<LinkRecord> {
      const record = await open(id);
      const adapter = ctx.adapterFor(record.provider);
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
     * - with the link's state: in the transaction that joins it in (decision 0016), so a crash leaves either
     *   both or neither, and a redelivery after neither joins it then;
     * - a hint (weak scheme, payment-level event): after the read it triggers shows what the event claims. A
     *   read that lags the event (`unconfirmed`) leaves it unrecorded and the link owed early re-reads;
     * - for a link the store does not hold, the provider is asked and a link of ours adopted (links/correlate.ts);
     *   one that is not ours is `ignored` and recorded. Not found now (the provider did not answer, an intent's
     *   link, a webhook that overtook the mint): never recorded, so the provider's retry is applied once it is.
     */
    async applyWebhook(provider: ProviderName, event: WebhookEvent): Promise<WebhookOutcome> {
      if (await store.hasEvent(provider, event.dedupeKey)) return 'duplicate';
      const seen = { provider, dedupeKey: event.dedupeKey, ttlMs: WEBHOOK_DEDUPE_TTL_MS };
      let outcome: WebhookOutcome = 'ignored';
      /** Recorded with the join it made (one transaction, decision 0016): nothing left to record. */
      let recorded = false;
      const found = event.kind === 'link' ? await correlateWebhook({ store, adapter: adapters[provider], adopt: minter.adopt, log }, provider, event) : undefined;
      if (found?.kind === 'unknown') return 'unknown_link';
      if (found?.kind === 'ignored') log.info({ provider, event: event.event, reason: found.reason }, 'webhook ignored');
      if (event.kind === 'link' && found?.kind === 'held') {
        const { record, read } = found;
        if (event.state) {
          // A read made to find the link goes in too; the join does not care in which order.
          if (read) await observe(record.id, read);
          // The record correlate just read, unless the read above changed it since.
          recorded = (await observe(record.id, event.state, undefined, seen, read ? undefined : record)) !== undefined;
          outcome = 'applied';
        } else {
          // Ask the provider for the truth — the read that found the link, when one did. A read already in flight
          // may have started before the payment, so wait for it and read again.
          if (!read) await refresher.settled(record.id);
          const next = read ? await observe(record.id, read, event.claims) : await refresh(record.id, event.claims);
          if (event.claims && next && !covers(next, event.claims.status)) {
            log.info({ linkId: record.id, provider, claimed: event.claims.status, read: next.status }, 'webhook claim not yet shown by the provider');
            return 'unconfirmed';
          }
          outcome = 'applied';
        }
      }
      if (!recorded) await store.recordEvent(provider, event.dedupeKey, WEBHOOK_DEDUPE_TTL_MS);
      return outcome;
    },

    subscribe: feed.subscribe,

    sweep: createSweeper(ctx, feed, refresher),

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
        // A provider whose checkout cannot send the buyer back (its definition says so: PayEngine's)
        ...(adapters[record.provider]?.returnsBuyer === false && { returnsBuyer: false as const }),
      };
    },
  };
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_link' | 'unconfirmed';

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

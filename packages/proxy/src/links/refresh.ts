/**
 * Keeping a link's status true from the provider's side: joining a provider's view in (links/status.ts), and
 * reading it when the stored state is stale. Provider reads are single-flight per link and at most one per
 * `staleAfterMs`, however many widgets poll. A closed link is read through its late-payment grace window
 * (links/recheck.ts, decision 0011).
 */
import { Problem, noSuchLink } from '../problems.ts';
import type { ProviderLinkState, WebhookEvent } from '../providers/types.ts';
import type { LinkRecord, SeenWebhook } from '../store/types.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { LinkContext } from './context.ts';
import { inGrace, withRechecks } from './recheck.ts';
import { createSingleFlight } from './single-flight.ts';
import { applyObservation, covers, earliest, isClosed, isTerminal } from './status.ts';

/** What a hint event said happened (see `WebhookEvent`). */
export type Claim = NonNullable<Extract<WebhookEvent, { kind: 'link' }>['claims']>;

export type Refresher = ReturnType<typeof createRefresher>;

/**
 * Keeps the other ids the provider knows a link by (Pine Labs' order ids), so a webhook naming only one finds the
 * link on any instance (links/correlate.ts). Best effort: without them such a webhook waits for a read.
 */
export async function rememberAliases({ store, log }: Pick<LinkContext, 'store' | 'log'>, record: LinkRecord, state: ProviderLinkState): Promise<void> {
  if (!state.aliases?.length || record.providerLinkId !== state.providerLinkId) return;
  await store
    .addLinkAliases(record.provider, record.id, state.aliases)
    .catch((err: unknown) => log.warn({ linkId: record.id, err: (err as Error).message }, 'link aliases not stored'));
}

export function createRefresher(ctx: LinkContext, feed: Pick<ChangeFeed, 'publish'>) {
  const { config, store, now, log } = ctx;
  const refreshing = createSingleFlight<string, LinkRecord | undefined>();

  /**
   * Joins a provider's view of link `id` in. `claim`: the hint event that prompted this read, when there was
   * one — its payment time stands in where the read carries none (EximPe's reads), and a claim the read does
   * not show yet is remembered, so the sweeper reads again soon (links/recheck.ts). `seen`: the webhook that
   * carried `state`, recorded as seen in the same transaction as the join (answered a record: recorded).
   * `known`: the link as just read from the store, if the caller has it (store.updateLink).
   */
  async function observe(id: string, state: ProviderLinkState, claim?: Claim, seen?: SeenWebhook, known?: LinkRecord): Promise<LinkRecord | undefined> {
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
      return withRechecks({ ...joined, claimedAt: claim === undefined ? current.claimedAt : unconfirmed ? checkedAt : null }, config.latePaymentGraceMs);
    }, ctx.events, seen, known);
    if (next) await rememberAliases(ctx, next, state);
    if (next && changed) {
      log.info({ linkId: id, status: next.status, seq: next.seq }, 'link status changed');
      await feed.publish(next);
    }
    return next;
  }

  /**
   * Reads the provider's view of a link and joins it in. Single flight per link. `claim`: the hint event that
   * asked for this read (see `observe`); a read already in flight serves it without the claim.
   */
  function refresh(id: string, claim?: Claim, stale?: LinkRecord): Promise<LinkRecord | undefined> {
    return refreshing.run(id, async () => {
      const record = await store.getLink(id);
      if (!record) return undefined;
      // A read only because the state was stale is claimed first: of several instances that found it stale at
      // once, one asks the provider and the others' watchers hear its answer through the change feed.
      if (stale && !(await store.claimRefresh(id, stale.checkedAt, now()))) return record;
      try {
        const state = await ctx.adapterFor(record.provider).retrieve(record.providerLinkId);
        return await observe(id, state, claim);
      } catch (err) {
        // Count the attempt, so a failing provider is not asked again on every poll (nor the owed read repeated).
        await store.updateLink(id, (current) => withRechecks({ ...current, checkedAt: now() }, config.latePaymentGraceMs));
        log.warn({ linkId: id, provider: record.provider, code: (err as Problem).code }, 'status refresh failed');
        throw err;
      }
    });
  }

  /** Waits out a provider read of link `id` in flight, if one is: it may have started before a payment. */
  async function settled(id: string): Promise<void> {
    await refreshing.get(id)?.catch(() => undefined);
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
    if (maxAgeMs === 0) await settled(record.id);
    return (await refresh(record.id)) ?? record;
  }

  /**
   * The link as stored; starts a background refresh from the provider when its state is stale. A closed link
   * inside its grace window is read from the provider first (at most once per `staleAfterMs`): nothing else
   * watches it any more, and the buyer who looks again (a widget's re-check, the pay page) is owed a late
   * payment. A provider that cannot answer leaves the stored status.
   */
  async function read(id: string): Promise<LinkRecord> {
    const record = await store.getLink(id);
    if (!record) throw noSuchLink();
    const stale = now() - record.checkedAt >= ctx.staleAfterMs;
    if (stale && inGrace(record, now(), config.latePaymentGraceMs)) {
      return (await refresh(id).catch(() => undefined)) ?? record;
    }
    if (stale && !isTerminal(record.status)) void refresh(id, undefined, record).catch(() => undefined);
    return record;
  }

  return { observe, refresh, settled, recheckClosed, read };
}

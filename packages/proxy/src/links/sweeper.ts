/**
 * The sweeper: the provider reads nobody asks for, run on a timer (see `sweep`), and now and then the purge of
 * expired records.
 */
import type { LinkRecord } from '../store/types.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { LinkContext } from './context.ts';
import type { Refresher } from './refresh.ts';
import { isTerminal } from './status.ts';

/** How often the sweeper purges expired idempotency and dedupe records from the store. */
const PURGE_EVERY_MS = 10 * 60_000;
/** How long a merchant event is kept once nothing is left to deliver (decision 0013). */
const EVENT_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Provider reads the sweeper keeps in flight at once: thousands of watched links must not become a burst. */
const SWEEP_CONCURRENCY = 16;
/** Links with a read owed (links/recheck.ts) taken per sweep; the rest wait for the next one. */
const SWEEP_DUE_LIMIT = 500;

export function createSweeper(ctx: LinkContext, feed: Pick<ChangeFeed, 'watched'>, refresher: Pick<Refresher, 'refresh'>) {
  const { store, now, log, staleAfterMs, watchedStaleAfterMs } = ctx;
  let sweeping: Promise<void> | undefined;
  let purgedAt = 0;

  /**
   * The sweeper: watched links (no polls reach them, so nothing else would notice a lost webhook) whose state
   * is older than `watchedStaleAfterMs`, and open links whose expiry has just passed (older than `staleAfterMs`),
   * so a link nobody is looking at still ends expired (and its late payment still lands) without waiting for a read. Links more than an hour
   * past expiry are left to the next read. At most `SWEEP_CONCURRENCY` reads at once; a sweep still running
   * when the timer fires again is not doubled.
   */
  function sweep(): Promise<void> {
    sweeping ??= (async () => {
      const t = now();
      const due = new Map<string, LinkRecord>();
      // This instance's watchers: nobody else knows they are watched.
      for (const id of feed.watched()) {
        const record = await store.getLink(id);
        if (record && !isTerminal(record.status) && t - record.checkedAt >= watchedStaleAfterMs) due.set(id, record);
      }
      // The store-wide lists, by one instance at a time (the lease lapses by itself if that one dies).
      if (await store.acquireLease('sweeper', ctx.instance, Math.max(3 * staleAfterMs, 15_000))) {
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
      await inBatches([...due.values()], SWEEP_CONCURRENCY, (record) => refresher.refresh(record.id, undefined, record).catch(() => undefined));
    })().finally(() => (sweeping = undefined));
    return sweeping;
  }

  return sweep;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

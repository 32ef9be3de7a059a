/**
 * An intent's links: its reference maps to one live link, found in the store or — after a restart, when the store
 * has forgotten them but the provider has not — at the provider by the references its links would have had
 * (decision 0008). Single flight per reference, in this process and across instances.
 */
import { randomBytes } from 'node:crypto';
import type { MintRequest } from '../contract.ts';
import { Problem } from '../problems.ts';
import type { ProviderLinkState } from '../providers/types.ts';
import type { LinkRecord } from '../store/types.ts';
import type { LinkContext } from './context.ts';
import { type Minter, providerReference } from './mint.ts';
import type { ResolvedPrice } from './pricing.ts';
import type { Refresher } from './refresh.ts';
import { createSingleFlight } from './single-flight.ts';
import { isClosed } from './status.ts';

/** How long a request waits for another instance's mint of the same intent before answering 409 (retry shortly). */
const INTENT_WAIT_MS = 10_000;
/** How many links one intent reference may have had (expired, cancelled) before the walk stops looking. */
const MAX_INTENT_ATTEMPTS = 50;
/** Intent references already walked at the provider by this process; bounded, cleared when full. */
const MAX_WALKED = 10_000;

export type IntentRecovery = ReturnType<typeof createIntentRecovery>;

export function createIntentRecovery(ctx: LinkContext, minter: Minter, refresher: Pick<Refresher, 'recheckClosed'>) {
  const { store } = ctx;

  /**
   * An intent's reference maps to one live link: while the last link minted for it is pending, partially paid or
   * paid, that link is the answer; once it expired or was cancelled, a fresh one is minted. Single flight per
   * reference, so two tabs opening the same invoice mint once.
   */
  const byReference = createSingleFlight<string, { record: LinkRecord; existing: boolean }>();
  function mintForReference(reference: string, request: MintRequest, price: ResolvedPrice) {
    const inflight = byReference.get(reference);
    // A request that joins a mint in flight did not mint: it is answered the link as existing (200, not 201).
    if (inflight) return inflight.then((result) => ({ ...result, existing: true }));
    return byReference.run(reference, async () => {
      // Single flight across instances too: two pay pages of one invoice on two instances mint once.
      const lease = `intent:${reference}`;
      const holder = `${ctx.instance}.${randomBytes(4).toString('hex')}`;
      await waitForLease(lease, holder);
      try {
        const found = (await store.findLinkByMerchantReference(reference)) ?? (await recoverIntent(reference, price));
        const last = found && (await refresher.recheckClosed(found, 0));
        if (last && !isClosed(last.status)) return { record: last, existing: true };
        const attempt = (last?.source.kind === 'intent' ? (last.source.attempt ?? 0) : 0) + 1;
        const priced = { ...price, source: { kind: 'intent' as const, reference, attempt } };
        return await minter.mintNew(request, priced, providerReference({ intent: reference, attempt }));
      } finally {
        await store.releaseLease(lease, holder).catch(() => undefined);
      }
    });
  }

  /** Waits until `holder` holds lease `name`; another instance's mint of the same purchase answers 409 after a while. */
  async function waitForLease(name: string, holder: string): Promise<void> {
    const deadline = Date.now() + INTENT_WAIT_MS;
    while (!(await store.acquireLease(name, holder, ctx.mintLeaseMs))) {
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
  const walking = createSingleFlight<string, LinkRecord | undefined>();
  function recoverIntent(reference: string, price: ResolvedPrice): Promise<LinkRecord | undefined> {
    const adapter = ctx.adapterFor(price.provider);
    if (walked.has(reference) || !adapter.findByReference) return Promise.resolve(undefined);
    return walking.run(reference, async () => {
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
      return minter.adopt(found.state, providerReference({ intent: reference, attempt: found.attempt }), { ...price, source });
    });
  }

  return { mintForReference, recoverIntent };
}

/**
 * What every piece of the core shares (links/service.ts builds it once): the deps, the read interval, and this
 * process's identity and lease length in a store other instances share.
 */
import { randomBytes } from 'node:crypto';
import type { ProviderName } from '../contract.ts';
import type { ProxyConfig } from '../config.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import type { EventsOf, Store } from '../store/types.ts';

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
  /**
   * The merchant events each link write makes (merchant-events/events.ts), written in its transaction; the
   * dispatcher hears of them from the store once committed (store/types.ts `DeliveryHandOff`).
   */
  events?: EventsOf;
}

export interface LinkContext extends LinkServiceDeps {
  staleAfterMs: number;
  watchedStaleAfterMs: number;
  /** This process, as it holds leases (the sweeper, an intent's mint) in a store other instances share. */
  instance: string;
  mintLeaseMs: number;
  adapterFor(provider: ProviderName): ProviderAdapter;
}

/** How long a mint in flight holds its Idempotency-Key (or an intent's reference) before it is taken to have crashed. */
const MIN_MINT_LEASE_MS = 30_000;

export function createLinkContext(deps: LinkServiceDeps): LinkContext {
  const staleAfterMs = deps.staleAfterMs ?? 5_000;
  return {
    ...deps,
    staleAfterMs,
    watchedStaleAfterMs: deps.watchedStaleAfterMs ?? 4 * staleAfterMs,
    instance: `${process.pid}.${randomBytes(6).toString('base64url')}`,
    // A mint can take a lookup, a create and a lookup at the provider, each up to its timeout.
    mintLeaseMs: Math.max(MIN_MINT_LEASE_MS, 4 * deps.config.providerTimeoutMs),
    adapterFor(provider) {
      const adapter = deps.adapters[provider];
      if (!adapter) throw new Problem(400, 'provider_not_configured', `"${provider}" is not configured on this proxy`);
      return adapter;
    },
  };
}

/**
 * The records the proxy keeps, below the core and the store alike: `links/` computes them, `store/` keeps them,
 * neither imports the other for their shape.
 */
import type { Customer, LinkStatus, Money, ProviderName } from './contract.ts';

/** A link's status as joined from everything observed about it (links/status.ts, decision 0002). */
export interface StatusState {
  status: LinkStatus;
  amountPaid: number;
  /** Distinct non-zero amounts paid observed, ascending. */
  paidSteps: number[];
  seq: number;
  paidAt: string | null;
}

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
  /** The customer fields an intent's merchant set, for merchant events; null for other purchases. */
  customer?: Customer | null;
  /** The store's: bumped by every write, the compare-and-set's token. Ignored on insert. */
  version: number;
}

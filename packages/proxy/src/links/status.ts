/**
 * The status rule. A link's state is the *join* of everything observed about it (webhooks, provider reads), so
 * the order and the number of deliveries never matter:
 *
 * - status takes the highest rank seen: pending < partially_paid < failed < expired < cancelled < paid.
 *   `paid` never regresses and beats a terminal status (payments land after expiry: providers.md §7).
 *   Between the other terminal statuses the rank decides too (a provider never reports two of them for one
 *   link, but a total order is what keeps the result independent of delivery order).
 * - amountPaid takes the largest amount seen, capped at the amount.
 * - `seq` is derived from the state, not counted: rank + the number of distinct amounts paid seen. It rises on
 *   every change and is the same for any permutation or duplication of the same observations. See
 *   docs/decisions/0002-status-join-and-seq.md.
 */
import type { LinkStatus } from '../contract.ts';
import type { StatusState } from '../records.ts';

export type { StatusState } from '../records.ts';

const RANK: Record<LinkStatus, number> = {
  pending: 0,
  partially_paid: 1,
  failed: 2,
  expired: 3,
  cancelled: 4,
  paid: 5,
};


export interface Observation {
  status: LinkStatus;
  amountPaid: number;
  paidAt?: string | null;
}

export function isTerminal(status: LinkStatus): boolean {
  return RANK[status] >= RANK.failed;
}

/** Expired, cancelled or failed: a purchase whose link ended without being paid may be minted again. */
export function isClosed(status: LinkStatus): boolean {
  return status === 'expired' || status === 'cancelled' || status === 'failed';
}

/** Whether `state` already shows `status` or something that outranks it (a claim a read has confirmed). */
export function covers(state: StatusState, status: LinkStatus): boolean {
  return RANK[state.status] >= RANK[status];
}

export function initialState(): StatusState {
  return { status: 'pending', amountPaid: 0, paidSteps: [], seq: 0, paidAt: null };
}

/**
 * Applies one observation. Returns the same object when nothing changed, so callers can tell a no-op
 * (a duplicate or a stale delivery) from a change by identity.
 */
export function applyObservation(state: StatusState, observed: Observation, amount: number): StatusState {
  const amountPaid = Math.min(Math.max(0, Math.trunc(observed.amountPaid)), amount);
  const status = RANK[observed.status] > RANK[state.status] ? observed.status : state.status;
  const paidSteps =
    amountPaid > 0 && !state.paidSteps.includes(amountPaid)
      ? [...state.paidSteps, amountPaid].sort((a, b) => a - b)
      : state.paidSteps;
  // The earliest paid time seen, so it too is independent of delivery order.
  const paidAt =
    status === 'paid' ? earliest(state.paidAt, observed.status === 'paid' ? (observed.paidAt ?? null) : null) : null;
  if (status === state.status && paidSteps === state.paidSteps && paidAt === state.paidAt) return state;
  return {
    status,
    amountPaid: Math.max(state.amountPaid, amountPaid),
    paidSteps,
    seq: RANK[status] + paidSteps.length,
    paidAt,
  };
}

/** The earlier of two ISO 8601 times; either may be missing. */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

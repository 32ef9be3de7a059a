/**
 * When the sweeper owes a link a provider read whoever watches it (decision 0011).
 *
 * - **Closed links.** An expired or cancelled link can still be paid: a payment started before the expiry lands
 *   after it, or a provider takes one on a link it reported closed (providers.md §7), and the webhook that would
 *   say so may be lost. The status rule lets a later `paid` win; these reads are how the proxy comes to see it.
 *   On a widening schedule from when the link was first seen closed — 1 min, 10 min, 1 h, 6 h, then daily — up
 *   to the grace window's end (`PAY_LINK_LATE_PAYMENT_GRACE`, default 7 days), with a last read at its end.
 * - **Unconfirmed claims.** A hint event (a weak signature scheme, a payment-level event) said the link changed,
 *   and the read it triggered did not show it yet (a provider's read can lag its own webhook): 5 s, 30 s, 2 min,
 *   10 min after the claim.
 *
 * Slots are anchored, not relative to the last read, so however many reads happen in between (polls, watchers,
 * webhooks), the sweeper adds at most one read per slot. Pure functions; the core stores `recheckAt`.
 */
import type { LinkRecord } from '../store/types.ts';
import { isTerminal } from './status.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const CLOSED_RECHECKS_MS: readonly number[] = [MINUTE, 10 * MINUTE, HOUR, 6 * HOUR];
export const UNCONFIRMED_RECHECKS_MS: readonly number[] = [5_000, 30_000, 2 * MINUTE, 10 * MINUTE];

type RecheckFacts = Pick<LinkRecord, 'status' | 'closedAt' | 'claimedAt' | 'checkedAt'>;

/** The next read the sweeper owes a link after its last read at `checkedAt`, or `null` when none is owed. */
export function nextRecheckAt(record: RecheckFacts, graceMs: number): number | null {
  const after = record.checkedAt;
  let next: number | null = null;
  const consider = (at: number | null) => {
    if (at !== null && (next === null || at < next)) next = at;
  };
  if ((record.status === 'expired' || record.status === 'cancelled') && record.closedAt !== null) {
    consider(closedSlotAfter(record.closedAt, after, graceMs));
  }
  if (!isTerminal(record.status) && record.claimedAt !== null) {
    const offset = UNCONFIRMED_RECHECKS_MS.find((ms) => record.claimedAt! + ms > after);
    consider(offset === undefined ? null : record.claimedAt + offset);
  }
  return next;
}

/** The first slot of the closed-link schedule strictly after `after`, inside the grace window. */
function closedSlotAfter(closedAt: number, after: number, graceMs: number): number | null {
  const end = closedAt + graceMs;
  if (after >= end) return null;
  const listed = CLOSED_RECHECKS_MS.find((ms) => closedAt + ms > after);
  if (listed !== undefined) return Math.min(closedAt + listed, end);
  const days = Math.floor((after - closedAt) / DAY) + 1;
  return Math.min(closedAt + days * DAY, end);
}

/** Whether a closed link is still inside its grace window: reads of it may find a late payment. */
export function inGrace(record: Pick<LinkRecord, 'status' | 'closedAt'>, nowMs: number, graceMs: number): boolean {
  if (record.status !== 'expired' && record.status !== 'cancelled') return false;
  return record.closedAt === null || nowMs < record.closedAt + graceMs;
}

/** The record with `closedAt` set on its first closed observation and the sweeper's next owed read. */
export function withRechecks(record: LinkRecord, graceMs: number): LinkRecord {
  const closed = record.status === 'expired' || record.status === 'cancelled';
  const closedAt = record.closedAt ?? (closed ? record.checkedAt : null);
  const claimedAt = isTerminal(record.status) ? null : record.claimedAt;
  return { ...record, closedAt, claimedAt, recheckAt: nextRecheckAt({ ...record, closedAt, claimedAt }, graceMs) };
}

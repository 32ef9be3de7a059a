import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LinkStatus } from '../src/contract.ts';
import { type Observation, type StatusState, applyObservation, initialState, isTerminal } from '../src/links/status.ts';

const AMOUNT = 10_000;
const statuses: LinkStatus[] = ['pending', 'partially_paid', 'paid', 'expired', 'cancelled', 'failed'];

function run(observations: Observation[]): StatusState {
  return observations.reduce<StatusState>((state, o) => applyObservation(state, o, AMOUNT), initialState());
}

const observation = fc.record({
  status: fc.constantFrom(...statuses),
  amountPaid: fc.integer({ min: 0, max: AMOUNT + 500 }),
  paidAt: fc.option(fc.integer({ min: 1.7e12, max: 1.8e12 }).map((t) => new Date(t).toISOString()), { nil: null }),
});

describe('status rule', () => {
  it('ends in the same status, amount paid, paid time and seq for any permutation and duplication of the events', () => {
    fc.assert(
      fc.property(
        fc.array(observation, { minLength: 1, maxLength: 12 }).chain((events) =>
          fc.tuple(
            fc.constant(events),
            // a reordering of the same events, each delivered one to three times
            fc.shuffledSubarray(events.flatMap((e) => [e, e, e]), { minLength: events.length * 3, maxLength: events.length * 3 }),
          ),
        ),
        ([events, redelivered]) => {
          const a = run(events);
          const b = run(redelivered);
          assert.equal(b.status, a.status);
          assert.equal(b.seq, a.seq);
          assert.equal(b.amountPaid, a.amountPaid);
          assert.equal(b.paidAt, a.paidAt);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('raises seq on every change and never lowers it; paid never regresses', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 20 }), (events) => {
        let state = initialState();
        for (const o of events) {
          const next = applyObservation(state, o, AMOUNT);
          if (next === state) continue;
          assert.ok(next.seq >= state.seq, 'seq never lowers');
          // An earlier paid time for a paid link refines paidAt without a new seq; any other change raises it.
          if (next.status !== state.status || next.amountPaid !== state.amountPaid) assert.ok(next.seq > state.seq, 'seq rises on a change');
          if (state.status === 'paid') assert.equal(next.status, 'paid');
          if (isTerminal(state.status)) assert.ok(isTerminal(next.status), 'a terminal status stays terminal');
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('follows the documented rule on the cases that matter', () => {
    const paid = { status: 'paid' as const, amountPaid: AMOUNT };
    assert.equal(run([{ status: 'expired', amountPaid: 0 }, paid]).status, 'paid', 'a payment after expiry wins');
    assert.equal(run([paid, { status: 'expired', amountPaid: 0 }]).status, 'paid');
    assert.equal(run([{ status: 'partially_paid', amountPaid: 4000 }, { status: 'pending', amountPaid: 0 }]).status, 'partially_paid');
    const twoPartials = run([{ status: 'partially_paid', amountPaid: 4000 }, { status: 'partially_paid', amountPaid: 7000 }]);
    assert.equal(twoPartials.amountPaid, 7000);
    assert.equal(twoPartials.seq, 3);
    assert.equal(run([{ status: 'paid', amountPaid: AMOUNT * 5 }]).amountPaid, AMOUNT, 'capped at the amount');
    const same = initialState();
    assert.equal(applyObservation(same, { status: 'pending', amountPaid: 0 }, AMOUNT), same, 'a no-op keeps identity');
  });
});

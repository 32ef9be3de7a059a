/**
 * The simulator's notion of "now": wall-clock time plus an offset that tests move forward through the control
 * API, so a six-month expiry can be reached in one request instead of six months.
 */
export interface Clock {
  /** Milliseconds since the epoch, offset included. */
  now(): number;
  /** Unix seconds, as Razorpay and most providers put them on the wire. */
  nowSeconds(): number;
  /** Moves simulated time forward; negative values are refused so time never runs backwards for a link. */
  advance(ms: number): void;
  /** The current offset from wall-clock time, in milliseconds. */
  offsetMs(): number;
  /** Back to wall-clock time. */
  reset(): void;
}

export function createClock(wallClock: () => number = Date.now): Clock {
  let offset = 0;
  const now = () => wallClock() + offset;
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance expects a finite, non-negative number of ms, got ${ms}`);
      offset += ms;
    },
    offsetMs: () => offset,
    reset() {
      offset = 0;
    },
  };
}

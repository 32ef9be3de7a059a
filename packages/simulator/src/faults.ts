/**
 * Injected faults: "the next N REST calls to provider X answer 503 / are 2 s slow". They let the proxy's
 * retry, backoff and refresh paths be tested against a real HTTP server instead of a mock.
 *
 * Checkout pages and the control API are never affected; each provider applies `applyFaults` to its REST
 * router only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';

export interface Fault {
  /** HTTP status to answer with; omitted means "only delay, then answer normally". */
  status?: number;
  delayMs?: number;
  /**
   * Handles the call, then holds its answer this long: the provider did the work but, to a client that gave
   * up meanwhile, the answer never came (a create that timed out yet made the link).
   */
  answerDelayMs?: number;
  /** How many calls the fault applies to; defaults to 1. */
  times?: number;
}

export interface FaultInjector {
  inject(provider: string, fault: Fault): void;
  /** Consumes one call's worth of the oldest pending fault for `provider`, if any. */
  take(provider: string): Omit<Fault, 'times'> | undefined;
  pending(): Record<string, Fault[]>;
  reset(): void;
}

export function createFaultInjector(): FaultInjector {
  const queues = new Map<string, Array<Required<Pick<Fault, 'times'>> & Fault>>();
  return {
    inject(provider, fault) {
      const queue = queues.get(provider) ?? [];
      queue.push({ ...fault, times: fault.times ?? 1 });
      queues.set(provider, queue);
    },
    take(provider) {
      const queue = queues.get(provider);
      const head = queue?.[0];
      if (!queue || !head) return undefined;
      head.times -= 1;
      if (head.times <= 0) queue.shift();
      return { status: head.status, delayMs: head.delayMs, answerDelayMs: head.answerDelayMs };
    },
    pending() {
      return Object.fromEntries([...queues].map(([provider, queue]) => [provider, queue.map((fault) => ({ ...fault }))]));
    },
    reset() {
      queues.clear();
    },
  };
}

/**
 * Middleware that plays the next pending fault for `provider`. `errorBody` shapes the answer the way that
 * provider shapes its own errors, so clients exercise their real error parsing.
 */
export function applyFaults(
  injector: FaultInjector,
  provider: string,
  errorBody: (status: number) => unknown,
): RequestHandler {
  return async (_req, res, next) => {
    const fault = injector.take(provider);
    if (!fault) return next();
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.answerDelayMs) {
      const end = res.end.bind(res) as (...args: unknown[]) => unknown;
      res.end = ((...args: unknown[]) => {
        setTimeout(() => end(...args), fault.answerDelayMs).unref();
        return res;
      }) as typeof res.end;
    }
    if (fault.status === undefined) return next();
    res.status(fault.status).json(errorBody(fault.status));
  };
}

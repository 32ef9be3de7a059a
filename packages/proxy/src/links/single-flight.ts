/**
 * One run per key at a time: a caller that asks while a run for its key is in flight gets that run's promise, and
 * the key is free again once the run settles.
 */
export interface SingleFlight<K, V> {
  /** The run in flight for `key`, if any. */
  get(key: K): Promise<V> | undefined;
  /** The run in flight for `key`, or a new one of `task`. */
  run(key: K, task: () => Promise<V>): Promise<V>;
}

export function createSingleFlight<K, V>(): SingleFlight<K, V> {
  const inflight = new Map<K, Promise<V>>();
  return {
    get: (key) => inflight.get(key),
    run(key, task) {
      const running = inflight.get(key);
      if (running) return running;
      const run = task().finally(() => inflight.delete(key));
      inflight.set(key, run);
      return run;
    },
  };
}

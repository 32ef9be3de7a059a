/**
 * Tells watchers when a link changes: the changes this instance applies, and — through the store's change feed
 * (Postgres) — those applied by other instances.
 */
import { EventEmitter } from 'node:events';
import type { LinkRecord } from '../store/types.ts';
import type { LinkContext } from './context.ts';

export interface ChangeFeed {
  /** Every change this instance hears, its own and other instances'. */
  changes: EventEmitter<{ change: [LinkRecord] }>;
  /** The ids of the links this instance's watchers watch. */
  watched(): IterableIterator<string>;
  /** Calls `onChange` on every change of link `id` until the returned function is called. */
  subscribe(id: string, onChange: (record: LinkRecord) => void): () => void;
  /** Tells this instance's watchers of a change it applied, and the other instances through the store. */
  publish(record: LinkRecord): Promise<void>;
}

export function createChangeFeed({ store, log }: Pick<LinkContext, 'store' | 'log'>): ChangeFeed {
  const changes = new EventEmitter<{ change: [LinkRecord] }>();
  changes.setMaxListeners(0);
  /** Live watchers (SSE) by link id; the changes of a link reach only its own watchers. */
  const watchers = new Map<string, Set<(record: LinkRecord) => void>>();
  changes.on('change', (record) => {
    for (const watcher of watchers.get(record.id) ?? []) watcher(record);
  });
  // Changes applied by other instances (Postgres' change feed): read the link and tell this one's watchers.
  const hear = async (id: string) => {
    if (!watchers.has(id)) return;
    const record = await store.getLink(id).catch(() => undefined);
    if (record) changes.emit('change', record);
  };
  void store
    .listenChanges(
      (id) => void hear(id),
      // Back after a lost connection: changes may have passed unheard.
      () => void Promise.all([...watchers.keys()].map(hear)),
    )
    .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'change feed unavailable: other instances are heard by the sweeper only'));

  return {
    changes,
    watched: () => watchers.keys(),
    subscribe(id, onChange) {
      let set = watchers.get(id);
      if (!set) watchers.set(id, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        // Only this set: a later subscriber may have started a new one after this one emptied.
        if (set.size === 0 && watchers.get(id) === set) watchers.delete(id);
      };
    },
    async publish(record) {
      changes.emit('change', record);
      await store.publishChange(record.id).catch((err: unknown) => log.warn({ linkId: record.id, err: (err as Error).message }, 'change not published'));
    },
  };
}

/**
 * `PAY_LINK_DATABASE_URL` → a store: `sqlite:<path>` (relative to the working directory; `sqlite::memory:` for a
 * private in-memory database, tests only) or `postgres://…` / `postgresql://…`.
 */
import { resolve } from 'node:path';
import type { Store } from './types.ts';

export interface OpenStoreOptions {
  now?: () => number;
  log?: { warn: (obj: object, msg: string) => void };
}

export type DatabaseUrl = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

/** Reads a database URL; `undefined` for one it cannot use. */
export function parseDatabaseUrl(url: string): DatabaseUrl | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  const sqlite = /^sqlite:(.+)$/.exec(url);
  if (!sqlite) return undefined;
  const path = sqlite[1]!.replace(/^\/\/(?=\/)/, '');
  return { engine: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseDatabaseUrl(url);
  if (!parsed) throw new Error(`not a database URL: use sqlite:<path> or postgres://…`);
  // Loaded on demand: a deployment on one engine never loads the other's driver.
  if (parsed.engine === 'sqlite') return (await import('./sqlite.ts')).openSqliteStore(parsed.path, options);
  return (await import('./postgres.ts')).openPostgresStore(parsed.url, options);
}

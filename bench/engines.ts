/**
 * The store engines a bench runs on: SQLite in a file (as one instance runs in production, not `:memory:`) and a
 * real Postgres started for the bench and stopped after it (`packages/proxy/test/postgres.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../packages/proxy/test/postgres.ts';
import type { BenchRow } from './table.ts';

export interface Engine {
  name: string;
  databaseUrl: string;
}

/** `--engine=sqlite` or `--engine=postgres` (trials): one engine only. */
const only = process.argv.find((a) => a.startsWith('--engine='))?.split('=')[1];

/** Runs `bench` once per engine, in turn, and answers all their rows. */
export async function onEachEngine(bench: (engine: Engine) => Promise<BenchRow[]>): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (only === 'postgres') return onPostgres(bench, rows);
  const dir = mkdtempSync(join(tmpdir(), 'pay-link-bench-'));
  try {
    rows.push(...(await bench({ name: 'SQLite file', databaseUrl: `sqlite:${join(dir, 'pay-link.sqlite')}` })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return only === 'sqlite' ? rows : onPostgres(bench, rows);
}

async function onPostgres(bench: (engine: Engine) => Promise<BenchRow[]>, rows: BenchRow[]): Promise<BenchRow[]> {
  const pg = await startPostgres();
  try {
    rows.push(...(await bench({ name: 'Postgres', databaseUrl: pg.url })));
  } finally {
    await pg.stop();
  }
  return rows;
}

/** 1. Widget weight: minified and gzip bytes of both bundles, against Lit's floor built the same way. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = 12 * 1024;

const sizes = (path: string) => {
  const bytes = readFileSync(path);
  return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
};

export async function benchWidgetWeight(): Promise<BenchRow[]> {
  execFileSync('pnpm', ['--filter', '@pay-link/widget', 'build'], { cwd: root, stdio: 'ignore' });
  execFileSync('pnpm', ['--filter', '@pay-link/widget', 'exec', 'vite', 'build', '-c', join(root, 'packages/widget/bench/vite.config.ts')], {
    cwd: root,
    stdio: 'ignore',
  });
  const rows: BenchRow[] = [];
  for (const [label, file, floor] of [
    ['ESM', 'pay-link-button.js', 'floor.js'],
    ['IIFE', 'pay-link-button.iife.js', 'floor.iife.js'],
  ] as const) {
    const ours = sizes(join(root, 'packages/widget/dist', file));
    const lit = sizes(join(root, 'packages/widget/bench/dist', floor));
    rows.push({
      bench: 'widget weight',
      measure: `${label} gzip -9 (min ${ours.min} B)`,
      value: `${ours.gz} B`,
      baseline: `Lit floor ${lit.gz} B (min ${lit.min} B)`,
      ratio: `${(ours.gz / lit.gz).toFixed(2)}× (Lit ${Math.round((lit.gz / ours.gz) * 100)}% of it)`,
      target: '≤ 12 KB gzip',
      verdict: ours.gz <= BUDGET ? 'met' : 'missed',
    });
  }
  return rows;
}

/**
 * 1. Widget weight: minified and gzip bytes of both core bundles, against Lit's floor built the same way, and of every
 * file the element loads only on demand (the chunks beside the bundles, the translation add-ons), each on its own:
 * a page pays for a chunk only when it uses what the chunk does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/widget/dist');
/** The core bundles' hard budget, gzip -9 (packages/widget/test/bundles.node.mjs holds the same number). */
const BUDGET = 12_000;
const CORE = ['pay-link-button.js', 'pay-link-button.iife.js'];

/** What each on-demand file is for, where the bench can say. */
const WHAT: Record<string, string> = {
  'extras.js': 'loaded once per page by the element: product prices, and the loaders below',
  'amount-input.js': 'open-amount buttons only',
  'qr-dialog.js': 'when "Pay on your phone" is pressed',
  'translations/en.js': "English's problem messages, on the first error",
};

const sizes = (path: string) => {
  const bytes = readFileSync(path);
  return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
};

/** Every `.js` in dist/ and dist/translations/ but the core bundles: the chunks and add-ons, by path under dist/. */
export function lazyFiles(dir = dist): string[] {
  const chunks = readdirSync(dir).filter((f) => f.endsWith('.js') && !CORE.includes(f));
  const translations = readdirSync(join(dir, 'translations')).filter((f) => f.endsWith('.js')).map((f) => `translations/${f}`);
  return [...chunks.sort(), ...translations.sort()];
}

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
    const ours = sizes(join(dist, file));
    const lit = sizes(join(root, 'packages/widget/bench/dist', floor));
    rows.push({
      bench: 'widget weight',
      measure: `${label} gzip -9 (min ${ours.min} B)`,
      value: `${ours.gz} B`,
      baseline: `Lit floor ${lit.gz} B (min ${lit.min} B)`,
      ratio: `${(ours.gz / lit.gz).toFixed(2)}× (Lit ${Math.round((lit.gz / ours.gz) * 100)}% of it)`,
      target: `≤ ${BUDGET} B gzip`,
      verdict: ours.gz <= BUDGET ? 'met' : 'missed',
      ...(ours.gz > BUDGET && { shortfall: `${ours.gz - BUDGET} B`, note: 'Move a rarely needed feature into an on-demand chunk (vite.chunks.config.ts).' }),
    });
  }
  for (const file of lazyFiles()) {
    const chunk = sizes(join(dist, file));
    rows.push({
      bench: 'widget weight',
      measure: `on demand: ${file} gzip -9 (min ${chunk.min} B)`,
      value: `${chunk.gz} B`,
      baseline: WHAT[file] ?? (file.startsWith('translations/') ? 'a translation add-on, by script tag' : 'an on-demand chunk'),
      ratio: '—',
      target: 'reported',
      verdict: 'info',
    });
  }
  return rows;
}

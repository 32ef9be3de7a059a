/**
 * `pnpm bench`: measures pay-link against a baseline run in the same invocation, prints a table and appends it to
 * bench/RESULTS.md with the date, the machine and the commit. Load stays on loopback and stops by itself.
 * No assertion fails the run: a missed target is reported, not hidden. Exits non-zero only if it could not run.
 *
 * `pnpm bench [name…] [--watchers=1000,5000] [--no-append]`: names pick benches (weight, mint, status, latency,
 * watchers, cross, events, webhooks); `--watchers` sets the watcher counts; `--no-append` prints without touching RESULTS.md (trials).
 *
 * Each bench runs in a process of its own, as a proxy in production runs alone in its process. In one process
 * for the whole run, the last bench's proxy shared its heap and its compiled code with every bench before it (two
 * store engines through the same code, ten thousand watchers' clients, a dozen proxies started and stopped), and
 * the webhook bench, last, measured 0.33–0.37 of its bare receiver in three full runs against 0.41–0.48 run
 * alone (bench/RESULTS.md, 2026-12-04). `--in-process` runs them all in this one, as before.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWidgetWeight } from './widget-weight.ts';
import { benchMintOverhead } from './mint-overhead.ts';
import { benchStatusThroughput } from './status-throughput.ts';
import { benchWatchers, DEFAULT_WATCHER_COUNTS } from './watchers.ts';
import { benchWebhookLatency } from './webhook-latency.ts';
import { benchCrossInstance } from './cross-instance.ts';
import { benchMerchantEvents } from './merchant-events.ts';
import { benchWebhookThroughput } from './webhook-throughput.ts';
import { onEachEngine } from './engines.ts';
import type { BenchRow } from './table.ts';
import { renderTable } from './table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const flags = new Map(args.filter((a) => a.startsWith('--')).map((a) => [a.slice(2).split('=')[0]!, a.split('=')[1] ?? ''] as const));
const watcherCounts = flags.get('watchers')?.split(',').map(Number) ?? DEFAULT_WATCHER_COUNTS;
if (watcherCounts.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write('bench: --watchers takes counts such as --watchers=1000,5000\n');
  process.exit(2);
}

const BENCHES: [string, () => Promise<BenchRow[]>][] = [
  ['weight', benchWidgetWeight],
  ['mint', () => onEachEngine(benchMintOverhead)],
  ['status', () => onEachEngine(benchStatusThroughput)],
  ['latency', benchWebhookLatency],
  ['watchers', () => benchWatchers(watcherCounts)],
  ['cross', benchCrossInstance],
  ['events', () => onEachEngine(benchMerchantEvents)],
  ['webhooks', () => onEachEngine(benchWebhookThroughput)],
];
const unknown = only.filter((name) => !BENCHES.some(([known]) => known === name));
if (unknown.length) {
  process.stderr.write(`bench: no bench named ${unknown.join(', ')}; there are ${BENCHES.map(([name]) => name).join(', ')}\n`);
  process.exit(2);
}

/** Runs one bench in a new process (this file, told where to leave its rows) and answers its rows. */
async function inChild(name: string): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pay-link-bench-rows-'));
  const file = join(dir, 'rows.json');
  try {
    const passed = args.filter((a) => a.startsWith('--') && a !== '--no-append');
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, ...passed, `--rows-to=${file}`], { cwd: process.cwd(), stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (!existsSync(file)) throw new Error(`its process ended (${code ?? 'by a signal'}) before it gave its rows`);
    return JSON.parse(readFileSync(file, 'utf8')) as BenchRow[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rowsTo = flags.get('rows-to');
const rows: BenchRow[] = [];
for (const [name, run] of BENCHES) {
  if (only.length && !only.includes(name)) continue;
  if (!rowsTo) process.stderr.write(`bench: ${name}…\n`);
  try {
    rows.push(...(rowsTo || flags.has('in-process') ? await run() : await inChild(name)));
  } catch (err) {
    rows.push({ bench: name, measure: 'could not run', value: (err as Error).message.split('\n')[0]!, baseline: '', ratio: '', target: '', verdict: 'error' });
  }
}
// A bench's own process: its rows go to its parent, which prints and appends them.
if (rowsTo) {
  writeFileSync(rowsTo, JSON.stringify(rows));
  process.exit(0);
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const machine = `${cpus()[0]?.model.trim() ?? 'cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const header = `## ${new Date().toISOString()} — commit ${commit}\n\nMachine: ${machine}\n\n`;
const table = renderTable(rows);
process.stdout.write(`\n${header}${table}\n`);

if (flags.has('no-append')) process.exit(rows.some((r) => r.verdict === 'error') ? 1 : 0);
const results = join(root, 'bench', 'RESULTS.md');
if (!existsSync(results) || !readFileSync(results, 'utf8').startsWith('# ')) {
  appendFileSync(results, '# Benchmark results\n\nAppended by `pnpm bench`, newest last. Each figure is measured against a baseline in the same run.\n\n');
}
appendFileSync(results, `${header}${table}\n`);
process.stderr.write(`bench: results appended to bench/RESULTS.md\n`);
process.exit(rows.some((r) => r.verdict === 'error') ? 1 : 0);

/** One row of the results table. */
export interface BenchRow {
  bench: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: 'met' | 'missed' | 'info' | 'error';
}

export function renderTable(rows: BenchRow[]): string {
  const head = '| bench | measure | value | baseline | ratio | target | verdict |\n|---|---|---|---|---|---|---|\n';
  return head + rows.map((r) => `| ${r.bench} | ${r.measure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.verdict} |`).join('\n') + '\n';
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);

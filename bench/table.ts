/** One row of the results table. */
export interface BenchRow {
  bench: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: 'met' | 'missed' | 'info' | 'error';
  /** For a missed target: by how much, from the figures (`missedBy`). */
  shortfall?: string;
  /** For a missed target: what the profile shows and what would close it, from data where the bench has it. */
  note?: string;
}

/** The table, then one paragraph per missed target (by how much, and what its profile shows) and per reported row with a note. */
export function renderTable(rows: BenchRow[]): string {
  const head = '| bench | measure | value | baseline | ratio | target | verdict |\n|---|---|---|---|---|---|---|\n';
  const table = head + rows.map((r) => `| ${r.bench} | ${r.measure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.verdict} |`).join('\n') + '\n';
  const missed = rows.filter((r) => r.verdict === 'missed');
  // Rows reported beside a target (Postgres next to SQLite's), with what their profile shows.
  const reported = rows.filter((r) => r.verdict === 'info' && r.target.startsWith('report') && r.note);
  let text = table;
  if (missed.length > 0) {
    const lines = missed.map(
      (r) => `- **${r.bench}, ${r.measure}** (${r.target}): missed${r.shortfall ? ` by ${r.shortfall}` : ''}.${r.note ? ` ${r.note}` : ' No profile taken by this bench.'}`,
    );
    text += `\nMissed targets:\n\n${lines.join('\n')}\n`;
  }
  if (reported.length > 0) text += `\nReported rows:\n\n${reported.map((r) => `- **${r.bench}, ${r.measure}** (${r.target}): ${r.note}`).join('\n')}\n`;
  return text;
}

/**
 * How far a figure is from its target, in its unit and as a share: `missedBy(1.51, 1, 'ms')` → "0.51 ms (51 % over
 * the target)"; for a floor (`atLeast`), how far below it.
 */
export function missedBy(value: number, target: number, unit: string, atLeast = false, digits = 2): string {
  const gap = atLeast ? target - value : value - target;
  return `${fmt(gap, digits)}${unit ? ` ${unit}` : ''} (${fmt((gap / target) * 100, 0)} % ${atLeast ? 'below' : 'over'} the target)`;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);

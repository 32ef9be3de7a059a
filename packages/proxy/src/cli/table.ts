/** Plain-text output of the CLI: aligned tables and short UTC times. */

/**
 * Rows as columns padded to their widest cell, two spaces apart; the first row is the header. The last column is
 * not padded, so no line ends in spaces.
 *
 * @example
 * formatTable([['ID', 'STATUS'], ['pl_1', 'paid']]) // 'ID    STATUS\npl_1  paid'
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `2026-05-01T12:03:09.123Z` → `2026-05-01 12:03Z` (or `… 12:03:09Z` with `seconds`); `-` for none. */
export function formatTime(iso: string | null, seconds = false): string {
  return iso ? `${iso.slice(0, seconds ? 19 : 16).replace('T', ' ')}Z` : '-';
}

/**
 * What an EximPe webhook signature may have been computed over (shared/providers.md §1.6).
 *
 * EximPe signs "the request body … JSON string with keys sorted, no extra whitespace", and its guide tells
 * receivers to re-serialize the parsed body with Python's `json.dumps(sort_keys=True, separators=(",", ":"))`
 * (https://docs.eximpe.com/integration-guide/web-integration/webhooks). So the documented check is over a
 * canonical form, not the raw bytes. We check, in this order of preference:
 *
 * 1. the raw bytes (what a sender that already emits sorted, compact JSON signs; the usual case);
 * 2. the canonical form with non-ASCII written as is (`JSON.stringify` of the sorted value);
 * 3. the canonical form with non-ASCII escaped as `\uXXXX` (Python's default `ensure_ascii=True`), which is
 *    what a Python sender signs when a buyer's name is not ASCII.
 *
 * Accepting (2) and (3) means a body that differs from the signed one only in whitespace or key order still
 * verifies. That is what EximPe's own receiver recipe accepts too, and it cannot change a value: every string,
 * boolean and key is compared exactly. The known gap: JSON numbers go through IEEE doubles, so two numbers
 * beyond 2^53 that round to the same double compare equal; the adapter reads no numbers from a webhook.
 */

/** The candidate messages for `rawBody`, raw first; only the raw bytes when the body is not JSON. */
export function eximpeSignedMessages(rawBody: Buffer): Buffer[] {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return [rawBody];
  }
  const canonical = sortedCompactJson(value);
  return [rawBody, Buffer.from(canonical, 'utf8'), Buffer.from(escapeNonAscii(canonical), 'utf8')];
}

/** JSON with object keys sorted by code point and no whitespace, like `json.dumps(sort_keys=True, separators=(",", ":"))`. */
export function sortedCompactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedCompactJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>).sort(byCodePoint);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedCompactJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Python's `ensure_ascii`: every UTF-16 code unit outside printable ASCII as `\uxxxx` (surrogate pairs stay pairs). */
export function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python sorts `str` keys by code point; JavaScript's default sort is by UTF-16 unit, which differs above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

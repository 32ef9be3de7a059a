/**
 * Checking an EximPe webhook signature, and what it may have been computed over (shared/providers.md §1.6).
 *
 * EximPe signs "the request body … JSON string with keys sorted, no extra whitespace", and its guide tells
 * receivers to re-serialize the parsed body with Python's `json.dumps(sort_keys=True, separators=(",", ":"))`
 * (https://docs.eximpe.com/integration-guide/web-integration/webhooks). So the documented check is over a
 * canonical form, not the raw bytes. We check, in this order:
 *
 * 1. the raw bytes (what a sender that already emits sorted, compact JSON signs; the usual case, and the only
 *    check a body that is not small, shallow JSON ever gets);
 * 2. only if (1) failed: the canonical form with non-ASCII written as is (`JSON.stringify` of the sorted value),
 *    and the canonical form with non-ASCII escaped as `\uXXXX` (Python's default `ensure_ascii=True`), which is
 *    what a Python sender signs when a buyer's name is not ASCII.
 *
 * Verify before parse: the raw check costs one HMAC per secret and parses nothing. The canonical forms need the
 * body parsed and re-serialized, which anyone can make us do without knowing a secret, so they are computed only
 * for a body of at most CANONICAL_MAX_BYTES (real events are 1–2 kB) whose nesting, measured by a byte scan
 * that parses nothing, is at most CANONICAL_MAX_DEPTH (real events nest 2 deep). A larger or deeper body is
 * checked over its raw bytes only: a 200 kB or 5,000-deep unsigned body costs a hash, not a parse.
 *
 * Timing: within each step every secret is compared against every candidate with no early exit. Step 2 runs
 * only when step 1 failed, which tells a sender nothing the verdict does not (step 1 succeeding means "ok").
 *
 * Accepting (2) means a body that differs from the signed one only in whitespace or key order still verifies.
 * That is what EximPe's own receiver recipe accepts too, and it cannot change a value: every string, boolean and
 * key is compared exactly. The known gap: JSON numbers go through IEEE doubles, so two numbers beyond 2^53 that
 * round to the same double compare equal; the adapter reads no numbers from a webhook.
 */
import { type Secret, hmacSha256, safeEqual } from '../../secret.ts';

/** Largest body whose canonical forms are computed; larger ones are checked over their raw bytes only. */
export const CANONICAL_MAX_BYTES = 64 * 1024;

/** Deepest nesting of arrays and objects whose canonical forms are computed (`{}` is 1, `{"a":[]}` is 2). */
export const CANONICAL_MAX_DEPTH = 32;

/**
 * Whether `signature` (hex, lower case) is the HMAC-SHA256 of the raw body, or else of its canonical form, under
 * any of `secrets`. Never throws.
 */
export function verifyEximPeSignature(rawBody: Buffer, signature: string, secrets: readonly Secret[]): boolean {
  if (signedByAny([rawBody], signature, secrets)) return true;
  const canonical = eximpeCanonicalMessages(rawBody);
  return canonical.length > 0 && signedByAny(canonical, signature, secrets);
}

/** Every secret against every message, with no early exit, so timing says nothing about which matched. */
function signedByAny(messages: readonly Buffer[], signature: string, secrets: readonly Secret[]): boolean {
  let ok = false;
  for (const message of messages) {
    for (const secret of secrets) ok = safeEqual(hmacSha256(secret.reveal(), message, 'hex'), signature) || ok;
  }
  return ok;
}

/**
 * The canonical candidates for `rawBody` that differ from it: none when the body is not JSON, is larger than
 * CANONICAL_MAX_BYTES, or nests deeper than CANONICAL_MAX_DEPTH.
 */
export function eximpeCanonicalMessages(rawBody: Buffer): Buffer[] {
  if (rawBody.length > CANONICAL_MAX_BYTES || jsonNestingDepth(rawBody, CANONICAL_MAX_DEPTH) > CANONICAL_MAX_DEPTH) return [];
  let canonical: string;
  try {
    canonical = sortedCompactJson(JSON.parse(rawBody.toString('utf8')));
  } catch {
    // Not JSON (or, which the depth scan rules out, too deep): the raw bytes were the only candidate.
    return [];
  }
  // An ASCII body has one canonical form; one that equals the raw bytes was already checked.
  const forms = [...new Set([canonical, escapeNonAscii(canonical)])].map((text) => Buffer.from(text, 'utf8'));
  return forms.filter((form) => !form.equals(rawBody));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * How deeply the arrays and objects of a JSON text nest, by one pass over its bytes that parses nothing: brackets
 * inside strings (escapes respected) do not count. Stops as soon as the depth passes `limit` and answers
 * `limit + 1`. Byte-wise is exact for UTF-8: no byte of a multi-byte sequence is below 0x80. For text that is not
 * JSON the answer means nothing, and `JSON.parse` refuses the text anyway.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return limit + 1;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * JSON with object keys sorted by code point and no whitespace, like `json.dumps(sort_keys=True,
 * separators=(",", ":"))`. Recursive, so it refuses (RangeError) a value nested deeper than `maxDepth`, whatever
 * the caller checked before: it can never recurse past that bound.
 */
export function sortedCompactJson(value: unknown, maxDepth = CANONICAL_MAX_DEPTH): string {
  return serialize(value, 0, maxDepth);
}

function serialize(value: unknown, depth: number, maxDepth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (depth >= maxDepth) throw new RangeError(`JSON nested deeper than ${maxDepth}`);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => serialize(item, depth + 1, maxDepth)).join(',')}]`;
  const entries = Object.entries(value).sort(([a], [b]) => byCodePoint(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v, depth + 1, maxDepth)}`).join(',')}}`;
}

/** Python's `ensure_ascii`: every UTF-16 code unit outside printable ASCII as `\uxxxx` (surrogate pairs stay pairs). */
export function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python sorts `str` keys by code point; JavaScript's default sort is by UTF-16 unit, which differs above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    // Equal code points take equally many UTF-16 units, so one index walks both strings.
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

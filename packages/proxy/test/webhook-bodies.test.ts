/**
 * Verify before parse, in every adapter: a body nobody signed, however deep or large, costs a hash and is
 * refused without a throw; a signed one is parsed without recursion over its depth. Plus the bounds inside which
 * EximPe still checks the canonical forms its guide describes (eximpe.signature.ts).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Problem } from '../src/problems.ts';
import {
  CANONICAL_MAX_BYTES,
  CANONICAL_MAX_DEPTH,
  eximpeCanonicalMessages,
  jsonNestingDepth,
  sortedCompactJson,
} from '../src/providers/eximpe/signature.ts';
import { ADAPTERS, SECRET } from './adapters.fixtures.ts';

/** Generous: each case takes well under 5 ms here; before the fix EximPe's took up to 90 ms or overflowed the stack. */
const BOUND_MS = 200;
const NOW = Date.parse('2026-02-01T12:00:00Z');
const WRONG_SECRET = 'definitely-not-the-configured-secret';

/** `[[[…]]]` `depth` deep. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** `{"a":{"a":…1}}` `depth` deep. */
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** An ordinary-looking event padded with many keys to about `bytes`. */
function paddedEvent(bytes: number): string {
  const items: Record<string, string> = {};
  // Keys in descending order, so sorting them is real work; each entry is 36 characters once serialized.
  for (let i = 0; i * 36 < bytes - 100; i += 1) items[`k${String(99_999 - i).padStart(5, '0')}`] = 'v'.repeat(24);
  return JSON.stringify({ event_type: 'PAYMENT_SUCCESSFUL', sequence_number: 's-1', data: { payment_id: 'PR1', items } });
}

/** One body every adapter reads as its own kind of event, with a 5,000-deep value inside. */
const deepEvent = JSON.stringify({
  event: 'payment_link.paid',
  event_type: 'PAYMENT_SUCCESSFUL',
  event_uid: 'e-1',
  sequence_number: 's-1',
  id: 'inv_1',
  status: 'PAID',
  data: { payment_id: 'PR1', payment_link_id: 'pl_1', order_id: 'OD1', deep: '__DEEP__' },
  payload: { deep: '__DEEP__' },
}).replaceAll('"__DEEP__"', nestedArrays(5_000));

const HOSTILE: [string, Buffer][] = [
  ['5,000-deep array (10 kB)', Buffer.from(nestedArrays(5_000))],
  ['5,000-deep object (30 kB)', Buffer.from(nestedObjects(5_000))],
  ['200 kB', Buffer.from(paddedEvent(200_000))],
  ['event with a 5,000-deep value', Buffer.from(deepEvent)],
];

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

for (const fixture of ADAPTERS) {
  describe(`${fixture.label}: webhook bodies nobody signed`, () => {
    for (const [name, body] of HOSTILE) {
      it(`refuses an unsigned ${name} body in bounded time, without throwing`, (t) => {
        const adapter = fixture.build({ now: () => NOW });
        for (const headers of [fixture.sign(body, NOW, WRONG_SECRET), {}]) {
          const { value: verdict, ms } = timed(() => adapter.verifyWebhook(body, headers, NOW));
          assert.equal(verdict.ok, false);
          assert.ok(ms < BOUND_MS, `${ms.toFixed(1)} ms`);
          t.diagnostic(`${Object.keys(headers).length ? 'wrong signature' : 'no signature'}: ${ms.toFixed(2)} ms`);
        }
      });
    }

    it('parses a signed deep or large body without recursing over it: an event, or a 400 problem', () => {
      const adapter = fixture.build({ now: () => NOW });
      for (const [name, body] of HOSTILE) {
        assert.deepEqual(adapter.verifyWebhook(body, fixture.sign(body, NOW), NOW), { ok: true }, name);
        const { ms } = timed(() => {
          try {
            const event = adapter.parseWebhook(body, fixture.sign(body, NOW));
            assert.ok(event.kind === 'link' || event.kind === 'ignored', name);
          } catch (err) {
            assert.ok(err instanceof Problem && err.status === 400, `${name}: ${String(err)}`);
          }
        });
        assert.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(1)} ms`);
      }
    });
  });
}

describe('eximpe: where the canonical forms are still checked', () => {
  const eximpe = ADAPTERS.find((f) => f.provider === 'eximpe')!;
  const adapter = () => eximpe.build({ now: () => NOW });
  const sign = (message: string) => ({ 'x-webhook-signature': createHmac('sha256', SECRET).update(message).digest('hex') });
  /** An event whose `data.deep` makes the whole body `depth` deep, pretty-printed (so the raw bytes differ). */
  const reformatted = (depth: number) => {
    const compact = `{"data":{"deep":${nestedArrays(depth - 2)},"payment_id":"PR1"},"event_type":"PAYMENT_SUCCESSFUL","sequence_number":"s-1"}`;
    return { compact, pretty: JSON.stringify(JSON.parse(compact), null, 2) };
  };

  it(`accepts a re-serialized body nesting ${CANONICAL_MAX_DEPTH} deep, signed over its canonical form`, () => {
    const { compact, pretty } = reformatted(CANONICAL_MAX_DEPTH);
    assert.notEqual(pretty, compact);
    assert.deepEqual(adapter().verifyWebhook(Buffer.from(pretty), sign(compact), NOW), { ok: true });
  });

  it(`checks a body nesting ${CANONICAL_MAX_DEPTH + 1} deep, or over ${CANONICAL_MAX_BYTES / 1024} KiB, over its raw bytes only`, () => {
    const deep = reformatted(CANONICAL_MAX_DEPTH + 1);
    assert.deepEqual(adapter().verifyWebhook(Buffer.from(deep.pretty), sign(deep.compact), NOW), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(adapter().verifyWebhook(Buffer.from(deep.pretty), sign(deep.pretty), NOW), { ok: true });

    const compact = paddedEvent(CANONICAL_MAX_BYTES + 1);
    const canonical = sortedCompactJson(JSON.parse(compact));
    const spaced = JSON.stringify(JSON.parse(compact), null, 1);
    assert.ok(spaced.length > CANONICAL_MAX_BYTES);
    assert.deepEqual(adapter().verifyWebhook(Buffer.from(spaced), sign(canonical), NOW), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(adapter().verifyWebhook(Buffer.from(spaced), sign(spaced), NOW), { ok: true });
  });

  it('refuses the costliest unsigned body that still gets the canonical check in bounded time', (t) => {
    // Just under the size bound, shallow, thousands of keys to sort: the most work an unsigned body can cause.
    const body = Buffer.from(paddedEvent(CANONICAL_MAX_BYTES - 200));
    assert.ok(body.length <= CANONICAL_MAX_BYTES);
    assert.equal(eximpeCanonicalMessages(body).length, 1, 'the canonical form is computed');
    const a = adapter();
    const { value: verdict, ms } = timed(() => a.verifyWebhook(body, sign('something else'), NOW));
    assert.deepEqual(verdict, { ok: false, reason: 'bad_signature' });
    assert.ok(ms < BOUND_MS, `${ms.toFixed(1)} ms`);
    t.diagnostic(`${body.length} bytes: ${ms.toFixed(2)} ms`);
  });

  it('measures nesting by a byte scan that respects strings and escapes', () => {
    const depth = (text: string) => jsonNestingDepth(Buffer.from(text), CANONICAL_MAX_DEPTH);
    assert.equal(depth('1'), 0);
    assert.equal(depth('{}'), 1);
    assert.equal(depth('{"a":[{"b":[]}],"c":{}}'), 4);
    assert.equal(depth('{"a":"[[[{{{"}'), 1, 'brackets inside a string do not count');
    assert.equal(depth('{"a":"\\"[[[\\\\","b":[]}'), 2, 'an escaped quote does not end the string; an escaped backslash does not escape the quote');
    assert.equal(depth('{"name":"Zoë [ñ] 🙂"}'), 1, 'multi-byte characters are not brackets');
    assert.equal(depth(nestedArrays(5_000)), CANONICAL_MAX_DEPTH + 1, 'stops once past the limit');
  });

  it('never recurses past its bound in sortedCompactJson', () => {
    assert.equal(sortedCompactJson(JSON.parse(nestedArrays(CANONICAL_MAX_DEPTH))), nestedArrays(CANONICAL_MAX_DEPTH));
    assert.throws(() => sortedCompactJson(JSON.parse(nestedArrays(CANONICAL_MAX_DEPTH + 1))), RangeError);
    assert.throws(() => sortedCompactJson(JSON.parse(nestedObjects(5_000))), RangeError);
    assert.equal(sortedCompactJson({ b: [1, { d: null, c: 'é' }], a: true }), '{"a":true,"b":[1,{"c":"é","d":null}]}');
    // Python sorts by code point: U+1F600 (a surrogate pair in UTF-16) after U+FF5E.
    assert.equal(sortedCompactJson({ '\u{1F600}': 1, '\uFF5E': 2 }), '{"\uFF5E":2,"\u{1F600}":1}');
  });
});

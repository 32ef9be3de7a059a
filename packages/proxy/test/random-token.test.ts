import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken, timeOrderedToken } from '../src/random-token.ts';

describe('randomToken', () => {
  it('answers base64url of the bytes asked for, never the same twice across refills of its pool', () => {
    const seen = new Set<string>();
    // 16 bytes each, 4 kB pool: 256 per fill, so 2,000 draws cross seven refills and every partial end.
    for (let i = 0; i < 2_000; i++) {
      const token = randomToken(i % 7 === 0 ? 5 : 16);
      assert.match(token, i % 7 === 0 ? /^[A-Za-z0-9_-]{7}$/ : /^[A-Za-z0-9_-]{22}$/);
      assert.equal(seen.has(token), false, `drawn twice: ${token}`);
      seen.add(token);
    }
  });

  it('spreads its bytes: every base64url character turns up over a few thousand tokens', () => {
    const chars = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of randomToken(16)) chars.add(c);
    assert.equal(chars.size, 64);
  });
});

describe('timeOrderedToken', () => {
  it('sorts as text in the order of its times, to the millisecond, and is random after its prefix', () => {
    // Times across the whole range it covers, including neighbours a millisecond apart and one digit's carry.
    const times = [0, 1, 63, 64, 65, 4_095, 4_096, Date.parse('2025-12-16T10:34:00.412Z'), Date.now(), Date.now() + 1, 2 ** 47, 2 ** 48 - 1];
    for (let i = 0; i < 200; i++) times.push(Math.floor(Math.random() * 2 ** 48));
    const tokens = times.map((at) => ({ at, token: timeOrderedToken(at, 16) }));
    for (const { token } of tokens) assert.match(token, /^[A-Za-z0-9_-]{30}$/);
    const byText = [...tokens].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0)).map((t) => t.at);
    assert.deepEqual(byText, [...times].sort((a, b) => a - b));
    // The same millisecond: the same prefix, different tokens.
    const [a, b] = [timeOrderedToken(1_000, 16), timeOrderedToken(1_000, 16)];
    assert.equal(a.slice(0, 8), b.slice(0, 8));
    assert.notEqual(a, b);
  });

  it('takes a time it cannot order (negative, not a number) as the epoch instead of failing', () => {
    for (const at of [-5, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(timeOrderedToken(at, 16).slice(0, 8), timeOrderedToken(0, 16).slice(0, 8));
  });
});

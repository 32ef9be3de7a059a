import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken } from '../src/random-token.ts';

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

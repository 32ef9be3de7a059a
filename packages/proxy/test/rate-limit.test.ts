import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const ADMIN_TOKEN = 'rate_limit_test_admin_token_0123456789abcdef';
const msw = createMockServer();
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy(
    testConfig({ PAY_LINK_RATE_MINT_PER_MINUTE: '6', PAY_LINK_RATE_READ_PER_MINUTE: '120', PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN }),
  );
  msw.use(...razorpayHandlers().handlers);
});
after(async () => {
  await proxy.close();
  msw.close();
});

describe('rate limits', () => {
  it('lets a burst of mints through, then answers 429 problem+json with Retry-After', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      else await res.text();
    }
    assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201]);
    assert.ok(limited, `some mint is limited: ${statuses}`);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const body = (await limited.json()) as { code: string; retryable: boolean };
    assert.equal(body.code, 'rate_limited');
    assert.equal(body.retryable, true);
  });

  it('limits status reads separately from mints', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA`);
      await res.text();
      if (res.status === 429) limited += 1;
      else assert.equal(res.status, 404);
    }
    assert.ok(limited > 0 && limited <= 20, `reads: burst of 20 then limited (${limited} limited)`);
  });

  it('counts refused admin tokens: after a burst of 10, the address waits, even with the right token', async () => {
    const admin = (token: string) => fetch(`${proxy.url}/v1/admin/links`, { headers: { authorization: `Bearer ${token}` } });
    const right = await admin(ADMIN_TOKEN);
    assert.equal(right.status, 200, 'right tokens spend nothing');
    await right.text();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await admin(`guess_${i}_${'x'.repeat(32)}`);
      statuses.push(res.status);
      await res.text();
    }
    assert.deepEqual(statuses, Array(10).fill(401));
    const limited = await admin(ADMIN_TOKEN);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(((await limited.json()) as { code: string }).code, 'rate_limited');
  });
});

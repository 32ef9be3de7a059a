import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

const msw = createMockServer();
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy(testConfig({ PAY_LINK_RATE_MINT_PER_MINUTE: '6', PAY_LINK_RATE_READ_PER_MINUTE: '120' }));
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
});

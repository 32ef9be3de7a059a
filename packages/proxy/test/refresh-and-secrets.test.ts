/**
 * A link whose webhook never arrives still reaches paid through refresh, and the provider sees at most one read
 * per link per interval however many widgets poll. Secrets never reach a log line or a response.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import {
  SECRETS,
  captureLogs,
  createMockServer,
  postJson,
  razorpayHandlers,
  razorpayWebhook,
  signRazorpay,
  startTestProxy,
  testConfig,
} from './helpers.ts';

const STALE_MS = 300;
const INTENT_SECRET = 'intent_secret_for_logs_test_0123456789abc';
const ADMIN_TOKEN = 'admin_token_for_logs_test_0123456789abcdef';
const msw = createMockServer();
const logs = captureLogs();
let proxy: RunningProxy;
let rzp: ReturnType<typeof razorpayHandlers>;
before(async () => {
  proxy = await startTestProxy(testConfig({ PAY_LINK_INTENT_SECRET: INTENT_SECRET, PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'trace' }), {
    logger: logs.logger,
    staleAfterMs: STALE_MS,
  });
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
});
after(async () => {
  await proxy.close();
  msw.close();
});

const reads = (providerId: string) => rzp.calls.filter((c) => c.method === 'GET' && c.path.endsWith(providerId)).length;

describe('refresh from the provider', () => {
  it('reaches paid without a webhook, with one provider read per interval however many pollers', async () => {
    const view = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const providerId = [...rzp.links.keys()].at(-1)!;
    rzp.setStatus(providerId, 'paid', 49900);
    await new Promise((r) => setTimeout(r, STALE_MS + 50));
    // A hundred widgets poll at once: one provider read.
    await Promise.all(Array.from({ length: 100 }, () => fetch(`${proxy.url}/v1/links/${view.id}`).then((r) => r.text())));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(reads(providerId), 1);
    const after = (await (await fetch(`${proxy.url}/v1/links/${view.id}`)).json()) as LinkView;
    assert.equal(after.status, 'paid');
    // Paid is terminal: more polling never asks the provider again.
    await new Promise((r) => setTimeout(r, STALE_MS + 50));
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${proxy.url}/v1/links/${view.id}`).then((r) => r.text())));
    assert.equal(reads(providerId), 1);
  });

  it('re-reads a still-pending link at most once per interval', async () => {
    const view = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const providerId = [...rzp.links.keys()].at(-1)!;
    const started = Date.now();
    while (Date.now() - started < STALE_MS * 4) {
      await Promise.all(Array.from({ length: 10 }, () => fetch(`${proxy.url}/v1/links/${view.id}`).then((r) => r.text())));
      await new Promise((r) => setTimeout(r, 20));
    }
    const count = reads(providerId);
    assert.ok(count >= 2 && count <= 4, `${count} provider reads in ${STALE_MS * 4} ms of polling`);
  });
});

describe('the sweeper', () => {
  it('re-reads an open link once its expiry has passed, with nobody reading it', async () => {
    let offset = 0;
    const swept = await startTestProxy(testConfig(), { staleAfterMs: STALE_MS, now: () => Date.now() + offset });
    try {
      const view = (await (await postJson(`${swept.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
      const providerId = [...rzp.links.keys()].at(-1)!;
      rzp.setStatus(providerId, 'expired');
      await new Promise((r) => setTimeout(r, 1_500));
      assert.equal(reads(providerId), 0, 'before its expiry, an unwatched link is left alone');
      offset = 61 * 60_000; // the default link lives 60 minutes
      await new Promise((r) => setTimeout(r, 1_500));
      assert.ok(reads(providerId) >= 1, 'the sweeper read it');
      const after = (await (await fetch(`${swept.url}/v1/links/${view.id}`)).json()) as LinkView;
      assert.equal(after.status, 'expired');
    } finally {
      await swept.close();
    }
  });
});

describe('secrets', () => {
  it('never appear in any log line or response, across mint, status, webhooks, intents and admin calls', async () => {
    const bodies: string[] = [];
    const keep = async (res: Response) => {
      bodies.push(JSON.stringify([...res.headers]), await res.text());
      return res;
    };
    await keep(await postJson(`${proxy.url}/v1/links`, { product: 'tea', customer: { email: 'buyer@example.com' } }));
    const minted = JSON.parse(bodies.at(-1)!) as LinkView;
    await keep(await fetch(`${proxy.url}/v1/links/${minted.id}`));
    const providerLink = rzp.links.get([...rzp.links.keys()].at(-1)!)!;
    const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: 49900 });
    for (const signature of [signRazorpay(body), 'bad']) {
      await keep(await fetch(`${proxy.url}/v1/webhooks/razorpay`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-razorpay-signature': signature }, body }));
    }
    await keep(await fetch(`${proxy.url}/v1/admin/links`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
    await keep(await fetch(`${proxy.url}/v1/admin/links`, { headers: { authorization: 'Bearer wrong' } }));
    await keep(await fetch(`${proxy.url}/v1/config`));
    await keep(await fetch(`${proxy.url}/metrics`));
    const everything = [...bodies, ...logs.lines].join('\n');
    assert.ok(logs.lines.length > 5, 'the logger captured the traffic');
    for (const secret of [SECRETS.keySecret, SECRETS.webhookSecret, INTENT_SECRET, ADMIN_TOKEN, Buffer.from(`rzp_test_abc123:${SECRETS.keySecret}`).toString('base64')]) {
      assert.ok(!everything.includes(secret), `leaked ${secret.slice(0, 6)}…`);
    }
    assert.ok(!logs.lines.join('\n').includes('buyer@example.com'), 'no buyer email in the logs');
  });
});

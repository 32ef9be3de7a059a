import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LinkView } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, postJson, razorpayHandlers, razorpayWebhook, signRazorpay, startTestProxy } from './helpers.ts';

const msw = createMockServer();
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy();
});
after(async () => {
  await proxy.close();
  msw.close();
});
afterEach(() => msw.resetHandlers());

async function mint() {
  const rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  const view = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
  const providerLink = [...rzp.links.values()][0]!;
  return { rzp, view, providerLink };
}

function deliver(body: string, headers: Record<string, string>) {
  return fetch(`${proxy.url}/v1/webhooks/razorpay`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function status(id: string) {
  return (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
}

describe('POST /v1/webhooks/razorpay', () => {
  it('applies a verified payment_link.paid event: the link reads paid', async () => {
    const { view, providerLink } = await mint();
    const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
    const res = await deliver(body, { 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': 'evt_1' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: true, outcome: 'applied' });
    const after = await status(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 49900);
    assert.equal(after.seq, 6);
  });

  it('refuses a wrong signature with 401 problem+json and changes nothing', async () => {
    const { view, providerLink } = await mint();
    const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
    for (const headers of <Record<string, string>[]>[
      { 'x-razorpay-signature': signRazorpay(body, 'not_the_secret_at_all') },
      { 'x-razorpay-signature': signRazorpay(`${body} `) },
      { 'x-razorpay-signature': 'zz' },
      {},
    ]) {
      const res = await deliver(body, headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(((await res.json()) as { code: string }).code, 'invalid_signature');
    }
    // Re-serialized JSON (same data, other bytes) does not verify either: the signature is over the raw bytes.
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    assert.equal((await deliver(reserialized, { 'x-razorpay-signature': signRazorpay(body) })).status, 401);
    const after = await status(view.id);
    assert.equal(after.status, 'pending');
    assert.equal(after.seq, 0);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.match(metrics, /paylink_webhook_verification_failures_total\{provider="razorpay",reason="bad_signature"\} [1-9]/);
    assert.match(metrics, /paylink_webhook_verification_failures_total\{provider="razorpay",reason="missing_signature"\} [1-9]/);
  });

  it('treats a duplicate delivery as a no-op', async () => {
    const { view, providerLink } = await mint();
    const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
    const headers = { 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': `evt_dup_${view.id}` };
    assert.equal(((await (await deliver(body, headers)).json()) as { outcome: string }).outcome, 'applied');
    assert.equal(((await (await deliver(body, headers)).json()) as { outcome: string }).outcome, 'duplicate');
    assert.equal((await status(view.id)).seq, 6);
  });

  it('keeps paid when a late expired event arrives out of order', async () => {
    const { view, providerLink } = await mint();
    const paid = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
    const expired = razorpayWebhook('payment_link.expired', { ...providerLink, status: 'expired' });
    await deliver(paid, { 'x-razorpay-signature': signRazorpay(paid), 'x-razorpay-event-id': `a${view.id}` });
    await deliver(expired, { 'x-razorpay-signature': signRazorpay(expired), 'x-razorpay-event-id': `b${view.id}` });
    assert.equal((await status(view.id)).status, 'paid');
  });

  it('accepts a verified event for a link it does not know, without failing the delivery', async () => {
    const body = razorpayWebhook('payment_link.paid', { id: 'plink_someoneelse', short_url: 'https://rzp.test/i/x', status: 'paid', amount: 100, currency: 'INR' });
    const res = await deliver(body, { 'x-razorpay-signature': signRazorpay(body) });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { outcome: string }).outcome, 'unknown_link');
  });

  it('answers 404 for an unknown provider, 400 for a verified body that is not an event, 413 when oversize', async () => {
    const unknown = await fetch(`${proxy.url}/v1/webhooks/paypal`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { code: string }).code, 'unknown_provider');
    const notEvent = '[1,2,3]';
    const bad = await deliver(notEvent, { 'x-razorpay-signature': signRazorpay(notEvent) });
    assert.equal(bad.status, 400);
    const huge = await deliver('x'.repeat(1_100_000), {});
    assert.equal(huge.status, 413);
  });
});

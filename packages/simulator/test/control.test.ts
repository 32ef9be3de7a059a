import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, pause, seedLikeBody, startHarness } from './helpers.ts';

describe('control API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody(overrides));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string };
  };

  it('lists every link and every delivery attempt', async () => {
    const a = await create();
    const b = await create();
    await h.control('POST', `/razorpay/links/${a.id}/pay`, {});
    const links = await h.control('GET', '/razorpay/links');
    assert.deepEqual(links.body.map((l: { id: string; status: string }) => [l.id, l.status]), [
      [a.id, 'paid'],
      [b.id, 'created'],
    ]);
    const deliveries = await h.control('GET', '/deliveries');
    assert.equal(deliveries.body.length, 1);
    const [delivery] = deliveries.body;
    assert.equal(delivery.provider, 'razorpay');
    assert.equal(delivery.event, 'payment_link.paid');
    assert.equal(delivery.url, h.receiver.url);
    assert.equal(delivery.status, 200);
    assert.equal(delivery.error, null);
    assert.equal(typeof delivery.ms, 'number');
    assert.equal(delivery.body, h.receiver.received[0]?.body, 'recorded body is the exact bytes sent');
    assert.equal(delivery.headers['X-Razorpay-Signature'], h.receiver.received[0]?.headers['x-razorpay-signature']);
  });

  it('pay takes an amount, refuses one above what is due and a partial on a non-partial link', async () => {
    const link = await create({ amount: 1000 });
    const partial = await h.control('POST', `/razorpay/links/${link.id}/pay`, { amount: 250 });
    assert.equal(partial.status, 200);
    assert.equal(partial.body.status, 'partially_paid');
    assert.equal(partial.body.amount_paid, 250);
    const tooMuch = await h.control('POST', `/razorpay/links/${link.id}/pay`, { amount: 751 });
    assert.equal(tooMuch.status, 400);
    const strict = await create({ accept_partial: false, first_min_partial_amount: undefined });
    const refused = await h.control('POST', `/razorpay/links/${strict.id}/pay`, { amount: 100 });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /partial payments are not enabled/);
    const unknown = await h.control('POST', '/razorpay/links/plink_DoesNotExist00/pay', {});
    assert.equal(unknown.status, 404);
  });

  it('forces statuses, with or without a webhook', async () => {
    const quiet = await create();
    const silent = await h.control('POST', `/razorpay/links/${quiet.id}/status`, { status: 'expired', webhook: false });
    assert.equal(silent.body.status, 'expired');
    assert.ok(silent.body.expired_at > 0);
    await pause(100);
    assert.equal(h.receiver.received.length, 0);

    // A payment landing after expiry (providers.md §7): forced `paid` on the expired link.
    const late = await h.control('POST', `/razorpay/links/${quiet.id}/status`, { status: 'paid' });
    assert.equal(late.body.status, 'paid');
    assert.equal(late.body.amount_paid, 1000);
    assert.equal(h.receiver.received[0]?.json.event, 'payment_link.paid');

    const loud = await create();
    const cancelled = await h.control('POST', `/razorpay/links/${loud.id}/status`, { status: 'cancelled' });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(h.receiver.received[1]?.json.event, 'payment_link.cancelled');

    const bad = await h.control('POST', `/razorpay/links/${loud.id}/status`, { status: 'created' });
    assert.equal(bad.status, 400);
  });

  it('drops webhooks when disabled, and delivers again when re-enabled', async () => {
    const off = await h.control('POST', '/razorpay/webhooks', { enabled: false });
    assert.deepEqual(off.body, { url: h.receiver.url, enabled: false, duplicate: false });
    const link = await create();
    const paid = await h.control('POST', `/razorpay/links/${link.id}/pay`, {});
    assert.equal(paid.body.status, 'paid');
    await pause(100);
    assert.equal(h.receiver.received.length, 0);
    assert.equal((await h.control('GET', '/deliveries')).body.length, 0);

    await h.control('POST', '/razorpay/webhooks', { enabled: true });
    await h.control('POST', `/razorpay/links/${(await create()).id}/pay`, {});
    assert.equal(h.receiver.received.length, 1);
  });

  it('duplicate mode delivers each event twice with the same event id and bytes', async () => {
    await h.control('POST', '/razorpay/webhooks', { duplicate: true });
    const link = await create();
    await h.control('POST', `/razorpay/links/${link.id}/pay`, {});
    assert.equal(h.receiver.received.length, 2);
    const [first, second] = h.receiver.received;
    assert.equal(first?.headers['x-razorpay-event-id'], second?.headers['x-razorpay-event-id']);
    assert.equal(first?.body, second?.body);
    assert.equal(first?.headers['x-razorpay-signature'], second?.headers['x-razorpay-signature']);
  });

  it('different events carry different event ids', async () => {
    const link = await create({ amount: 1000 });
    await h.control('POST', `/razorpay/links/${link.id}/pay`, { amount: 500 });
    await h.control('POST', `/razorpay/links/${link.id}/pay`, {});
    const ids = h.receiver.received.map((r) => r.headers['x-razorpay-event-id']);
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
  });

  it('the webhook URL can be changed or removed at run time', async () => {
    const none = await h.control('POST', '/razorpay/webhooks', { url: null });
    assert.equal(none.body.url, undefined);
    await h.control('POST', `/razorpay/links/${(await create()).id}/pay`, {});
    assert.equal(h.receiver.received.length, 0);
    const back = await h.control('POST', '/razorpay/webhooks', { url: h.receiver.url });
    assert.equal(back.body.url, h.receiver.url);
  });

  it('records an unreachable receiver as a failed attempt without failing the payment', async () => {
    await h.control('POST', '/razorpay/webhooks', { url: 'http://127.0.0.1:9/unreachable' });
    const paid = await h.control('POST', `/razorpay/links/${(await create()).id}/pay`, {});
    assert.equal(paid.status, 200);
    const [delivery] = (await h.control('GET', '/deliveries')).body;
    assert.equal(delivery.status, null);
    assert.match(delivery.error, /fetch failed/);
  });

  it('faults: the next N REST calls answer the injected status with a Razorpay-shaped body', async () => {
    const injected = await h.control('POST', '/faults', { provider: 'razorpay', status: 503, times: 2 });
    assert.equal(injected.status, 200);
    for (let i = 0; i < 2; i += 1) {
      const res = await h.api('GET', '/v1/payment_links');
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'SERVER_ERROR');
      assert.equal(res.body.error.field, null);
    }
    assert.equal((await h.api('GET', '/v1/payment_links')).status, 200);
  });

  it('faults: 429 answers "Too many requests"; checkout pages are never affected', async () => {
    const link = await create();
    const shortUrl = (await h.api('GET', `/v1/payment_links/${link.id}`)).body.short_url;
    await h.control('POST', '/faults', { provider: 'razorpay', status: 429 });
    assert.equal((await fetch(shortUrl)).status, 200);
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody());
    assert.equal(res.status, 429);
    assert.deepEqual(res.body.error, {
      code: 'BAD_REQUEST_ERROR',
      description: 'Too many requests',
      field: null,
      source: null,
      step: null,
      reason: null,
      metadata: {},
    });
    assert.equal((await h.control('GET', '/razorpay/links')).body.length, 1, 'the faulted create minted nothing');
  });

  it('faults: a delay without a status slows the call down and then answers normally', async () => {
    await h.control('POST', '/faults', { provider: 'razorpay', delayMs: 300 });
    const started = performance.now();
    const res = await h.api('GET', '/v1/payment_links');
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 290, 'delayed');
  });

  it('faults: refuses an unknown provider and an empty fault', async () => {
    assert.equal((await h.control('POST', '/faults', { provider: 'stripe', status: 500 })).status, 404);
    assert.equal((await h.control('POST', '/faults', { provider: 'razorpay' })).status, 400);
  });

  it('reset clears links, deliveries, faults, webhook settings and the clock', async () => {
    const link = await create({ reference_id: 'KEEP-ME-UNIQUE' });
    await h.control('POST', `/razorpay/links/${link.id}/pay`, {});
    await h.control('POST', '/faults', { provider: 'razorpay', status: 500, times: 5 });
    await h.control('POST', '/razorpay/webhooks', { enabled: false, duplicate: true });
    await h.control('POST', '/clock', { advanceMs: 10 * 24 * 3600 * 1000 });

    const reset = await h.control('POST', '/reset');
    assert.equal(reset.status, 204);
    assert.deepEqual((await h.control('GET', '/razorpay/links')).body, []);
    assert.deepEqual((await h.control('GET', '/deliveries')).body, []);
    assert.ok(Math.abs((await h.control('GET', '/')).body.now - Date.now()) < 5000, 'clock back to wall time');
    const again = await h.api('POST', '/v1/payment_links', seedLikeBody({ reference_id: 'KEEP-ME-UNIQUE' }));
    assert.equal(again.status, 200, 'no fault left, reference_id free again');
    h.receiver.received.length = 0;
    await h.control('POST', `/razorpay/links/${again.body.id}/pay`, {});
    assert.equal(h.receiver.received.length, 1, 'webhooks enabled, not duplicated');
  });

  it('rejects malformed control requests with 400', async () => {
    assert.equal((await h.control('POST', '/clock', { advanceMs: -1 })).status, 400);
    assert.equal((await h.control('POST', '/razorpay/webhooks', { enabled: 'yes' })).status, 400);
    assert.equal((await h.control('GET', '/nope')).status, 404);
  });

  it('exposes the same controls in process', async () => {
    const link = await create();
    const paid = await h.sim.control.razorpay?.pay(link.id, 500);
    assert.equal(paid?.status, 'partially_paid');
    assert.equal(h.sim.control.deliveries().length, 1);
  });
});

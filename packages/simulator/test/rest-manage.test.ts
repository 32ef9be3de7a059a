import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Harness, seedLikeBody, startHarness } from './helpers.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Razorpay REST: fetch, list, update, cancel, notify', () => {
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
    return res.body;
  };

  it('fetches a link by id', async () => {
    const link = await create();
    const res = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, link);
  });

  it('answers an unknown id with 404 and the documented description', async () => {
    const res = await h.api('GET', '/v1/payment_links/plink_DoesNotExist00');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.description, 'The id provided does not exist');
    assert.equal(res.body.error.code, 'BAD_REQUEST_ERROR');
  });

  it('lists by reference_id inside a payment_links wrapper', async () => {
    const wanted = await create({ reference_id: 'ORDER-42' });
    await create({ reference_id: 'ORDER-43' });
    const res = await h.api('GET', '/v1/payment_links?reference_id=ORDER-42');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['payment_links']);
    assert.equal(res.body.payment_links.length, 1);
    assert.equal(res.body.payment_links[0].id, wanted.id);
  });

  it('lists newest first with count and skip, and by payment_id', async () => {
    const a = await create();
    const b = await create();
    const c = await create();
    const page = await h.api('GET', '/v1/payment_links?count=2&skip=1');
    assert.deepEqual(page.body.payment_links.map((l: { id: string }) => l.id), [b.id, a.id]);
    const paid = await h.control('POST', `/razorpay/links/${c.id}/pay`, {});
    const paymentId = paid.body.payments[0].payment_id;
    const byPayment = await h.api('GET', `/v1/payment_links?payment_id=${paymentId}`);
    assert.deepEqual(byPayment.body.payment_links.map((l: { id: string }) => l.id), [c.id]);
  });

  it('rejects unknown list query parameters and a count above 100', async () => {
    const unknown = await h.api('GET', '/v1/payment_links?receipt=x');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'receipt');
    const tooMany = await h.api('GET', '/v1/payment_links?count=101');
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.field, 'count');
  });

  it('cancels a created link, sets cancelled_at and sends payment_link.cancelled', async () => {
    const link = await create();
    const res = await h.api('POST', `/v1/payment_links/${link.id}/cancel`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'cancelled');
    assert.ok(res.body.cancelled_at >= link.created_at);
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.event, 'payment_link.cancelled');
    assert.deepEqual(hook?.json.contains, ['payment_link']);
    assert.equal(hook?.json.payload.payment_link?.entity.status, 'cancelled');
  });

  it('refuses to cancel a cancelled, partially paid, paid or expired link with the documented messages', async () => {
    const partial = await create();
    await h.control('POST', `/razorpay/links/${partial.id}/pay`, { amount: 400 });
    const paid = await create();
    await h.control('POST', `/razorpay/links/${paid.id}/pay`, {});
    const expired = await create();
    await h.control('POST', `/razorpay/links/${expired.id}/status`, { status: 'expired' });
    const expectations: Array<[string, string]> = [
      [partial.id, 'cannot cancel or expire an already paid/partially paid link'],
      [paid.id, 'cannot cancel or expire an already paid/partially paid link'],
      [expired.id, 'cannot cancel or expire an expired link'],
    ];
    for (const [id, description] of expectations) {
      const res = await h.api('POST', `/v1/payment_links/${id}/cancel`);
      assert.equal(res.status, 400, id);
      assert.equal(res.body.error.description, description);
    }
    const cancelled = await create();
    await h.api('POST', `/v1/payment_links/${cancelled.id}/cancel`);
    const again = await h.api('POST', `/v1/payment_links/${cancelled.id}/cancel`);
    assert.equal(again.status, 400);
  });

  it('updates the five patchable fields', async () => {
    const link = await create();
    const expireBy = nowSeconds() + 3 * 24 * 3600;
    const res = await h.api('PATCH', `/v1/payment_links/${link.id}`, {
      expire_by: expireBy,
      reference_id: 'NEW-REF',
      notes: { policy_name: 'Jeevan Saral' },
      accept_partial: false,
      reminder_enable: false,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.expire_by, expireBy);
    assert.equal(res.body.reference_id, 'NEW-REF');
    assert.deepEqual(res.body.notes, { policy_name: 'Jeevan Saral' });
    assert.equal(res.body.accept_partial, false);
    assert.equal(res.body.reminder_enable, false);
    const fetched = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(fetched.body.reference_id, 'NEW-REF');
  });

  it('refuses fields PATCH does not take, a taken reference_id and a too-early expiry', async () => {
    const link = await create();
    const other = await create({ reference_id: 'TAKEN' });
    assert.ok(other.id);
    const amount = await h.api('PATCH', `/v1/payment_links/${link.id}`, { amount: 5000 });
    assert.equal(amount.status, 400);
    assert.equal(amount.body.error.description, 'wrong input fields sent.');
    assert.equal(amount.body.error.field, 'amount');
    const taken = await h.api('PATCH', `/v1/payment_links/${link.id}`, { reference_id: 'TAKEN' });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.error.description, 'payment link creation with reference ID already attempted');
    const early = await h.api('PATCH', `/v1/payment_links/${link.id}`, { expire_by: nowSeconds() + 60 });
    assert.equal(early.status, 400);
    assert.equal(early.body.error.field, 'expire_by');
  });

  it('allows updates while partially paid and refuses them once paid or cancelled', async () => {
    const partial = await create();
    await h.control('POST', `/razorpay/links/${partial.id}/pay`, { amount: 300 });
    const ok = await h.api('PATCH', `/v1/payment_links/${partial.id}`, { reminder_enable: false });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'partially_paid');
    await h.control('POST', `/razorpay/links/${partial.id}/pay`, {});
    const cancelled = await create();
    await h.api('POST', `/v1/payment_links/${cancelled.id}/cancel`);
    for (const id of [partial.id, cancelled.id]) {
      const res = await h.api('PATCH', `/v1/payment_links/${id}`, { reminder_enable: true });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.description, 'update can only be made in created or partially paid state');
    }
  });

  it('resends notifications by sms or email and refuses other media', async () => {
    const link = await create();
    for (const medium of ['sms', 'email']) {
      const res = await h.api('POST', `/v1/payment_links/${link.id}/notify_by/${medium}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { success: true });
    }
    const bad = await h.api('POST', `/v1/payment_links/${link.id}/notify_by/whatsapp`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.description, 'not a valid notification medium');
    const unknown = await h.api('POST', '/v1/payment_links/plink_DoesNotExist00/notify_by/sms');
    assert.equal(unknown.status, 404);
  });
});

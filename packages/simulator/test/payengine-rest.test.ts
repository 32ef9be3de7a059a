import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DAY_MS, PE, type PayEngineHarness, seedBody, startPayEngineHarness, yyyymmdd } from './payengine-helpers.ts';

describe('PayEngine REST API (simulated)', () => {
  let h: PayEngineHarness;
  before(async () => {
    h = await startPayEngineHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  const create = async (data: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/api/payment-link', seedBody(data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, any>;
  };

  describe('authentication', () => {
    it('takes the raw secret key after "Basic" and nothing else', async () => {
      const ok = await h.api('POST', '/api/payment-link', seedBody());
      assert.equal(ok.status, 200);
      const base64 = Buffer.from(`${PE.secretKey}:`).toString('base64');
      for (const authorization of [`Basic ${base64}`, `basic ${PE.secretKey}`, `Basic ${PE.secretKey}x`, '']) {
        const res = await h.api('GET', '/api/payment-link/whatever', undefined, { Authorization: authorization });
        assert.equal(res.status, 401, authorization);
        assert.deepEqual(res.body, { error: true, message: 'Unauthorized' });
      }
    });

    it('answers a key sent as Bearer the way PayEngine does: jwt malformed', async () => {
      const res = await h.api('GET', '/api/payment-link/x', undefined, { Authorization: `Bearer ${PE.secretKey}` });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: true, message: 'jwt malformed' });
    });
  });

  describe('create', () => {
    it('takes the seed’s example (amount as a number) and answers the documented link object', async () => {
      const link = await create();
      assert.match(link.payment_link_id, /^[a-z0-9]{10}$/);
      assert.equal(link.payment_link_status, 'ACTIVE');
      assert.equal(link.merchant_id, PE.merchantId);
      assert.equal(link.amount, '12.50');
      assert.equal(link.sales_tax, '2.50');
      assert.equal(link.currency_code, 'USD');
      assert.deepEqual(link.payment_methods, ['CC_DC', 'ACH']);
      assert.equal(link.use_same_amount, true);
      assert.equal(link.one_time_only, true, 'the documented default');
      assert.equal(link.order_number, 'A350');
      assert.equal(link.internal_transaction_id, 'ID1');
      assert.deepEqual(link.metadata, { customer_id: '123', email: 'customer@example.com' });
      assert.equal(link.end_date, yyyymmdd(Date.now() + 30 * DAY_MS), 'echoed as sent');
      assert.equal(link.payment_link_url, `${h.base}/pay/${link.payment_link_id}`, 'slug defaults to the id');
      assert.equal(link.qr_code_url, `${link.payment_link_url}/qr`);
      assert.equal(link.slug_id, link.payment_link_id);
      assert.ok(!Number.isNaN(Date.parse(link.created_at)));
      const again = await h.api('GET', `/api/payment-link/${link.payment_link_id}`);
      assert.deepEqual(again.body, link);
    });

    it('takes the amount as a string, reading "1" as $1.00 and "0.10" as ten cents; currency defaults to USD', async () => {
      const one = await create({ amount: '1', currency_code: undefined });
      assert.equal(one.amount, '1.00');
      assert.equal(one.currency_code, 'USD');
      assert.equal((await create({ amount: '0.10' })).amount, '0.10');
      assert.equal((await create({ amount: '999999999.99' })).amount, '999999999.99');
    });

    it('sends PAYMENTLINK_CREATED with payment_url in place of payment_link_url', async () => {
      const link = await create();
      const [received] = await h.receiver.waitFor(1);
      const event = JSON.parse(received!.body);
      assert.equal(event.event, 'PAYMENTLINK_CREATED');
      assert.match(event.event_uid, /^[0-9a-f]{32}$/);
      assert.equal(event.data.payment_link_id, link.payment_link_id);
      assert.equal(event.data.payment_url, link.payment_link_url);
      assert.equal(event.data.payment_link_url, undefined);
      assert.equal(event.data.payment_link_status, 'ACTIVE');
    });

    const refusals: [string, Record<string, unknown>, string][] = [
      ['a 13-character amount', { amount: '1000000000.00' }, 'data.amount must be at most 12 characters of 0-9 and . with at most two decimals'],
      ['three decimals', { amount: '1.005' }, 'data.amount must be at most 12 characters of 0-9 and . with at most two decimals'],
      ['a sign', { amount: '-5' }, 'data.amount must be at most 12 characters of 0-9 and . with at most two decimals'],
      ['zero', { amount: '0.00' }, 'data.amount must be greater than 0'],
      ['no amount with use_same_amount', { amount: undefined }, 'data.amount is required when use_same_amount is true'],
      ['no cc_amount without use_same_amount', { use_same_amount: false, ach_amount: '5' }, 'data.cc_amount is required when use_same_amount is false'],
      ['an unknown payment method', { payment_methods: ['CASH'] }, 'data.payment_methods.0 accepts CC_DC and ACH'],
      ['a long order_number', { order_number: 'A'.repeat(21) }, 'data.order_number must be alphanumeric (a-z A-Z 0-9), at most 20 characters'],
      ['an order_number with a dash', { order_number: 'INV-1' }, 'data.order_number must be alphanumeric (a-z A-Z 0-9), at most 20 characters'],
      ['an unreadable end_date', { end_date: '15/11/2030' }, 'data.end_date must be a date such as 20221115 (YYYYMMDD), 2022-11-15 or an ISO 8601 date-time'],
      ['a past end_date', { end_date: '20221115' }, 'data.end_date must be in the future'],
      ['an end before the start', { start_date: yyyymmdd(Date.now() + 9 * DAY_MS), end_date: yyyymmdd(Date.now() + 2 * DAY_MS) }, 'data.end_date must be after data.start_date'],
      ['a field the API does not take', { callback_url: 'https://shop.test' }, 'data.callback_url is not allowed'],
    ];
    for (const [name, data, message] of refusals) {
      it(`refuses ${name} with {error: true, message}`, async () => {
        const body = seedBody(data);
        const res = await h.api('POST', '/api/payment-link', body);
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, { error: true, message });
      });
    }

    it('refuses a missing merchant_id, another merchant, and a body that is not JSON', async () => {
      const { merchant_id: _omit, ...noMerchant } = seedBody();
      assert.deepEqual((await h.api('POST', '/api/payment-link', noMerchant)).body, { error: true, message: 'merchant_id is required' });
      const other = await h.api('POST', '/api/payment-link', seedBody({}, '1cc7b594-b80f-4227-a0fa-299c4c6ce8ab'));
      assert.equal(other.status, 403);
      assert.deepEqual(other.body, { error: true, message: 'You do not have access to this merchant' });
      const text = await h.api('POST', '/api/payment-link', '{"merchant_id":', { 'Content-Type': 'application/json' });
      assert.equal(text.status, 400);
      assert.deepEqual(text.body, { error: true, message: 'The request body is not valid JSON' });
    });

    it('keeps slug_id unique: a second link with the same slug is refused', async () => {
      const first = await create({ slug_id: 'paylink-abc123' });
      assert.equal(first.payment_link_url, `${h.base}/pay/paylink-abc123`);
      const res = await h.api('POST', '/api/payment-link', seedBody({ slug_id: 'paylink-abc123' }));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: true, message: 'data.slug_id is already in use' });
      assert.equal((await h.control('GET', '/payengine/links')).body.length, 1);
    });

    it('takes separate card and ACH amounts when use_same_amount is false', async () => {
      const link = await create({ amount: undefined, use_same_amount: false, cc_amount: '10.30', ach_amount: '10', cc_amount_note: 'incl. 3% card fee' });
      assert.equal(link.amount, null);
      assert.equal(link.cc_amount, '10.30');
      assert.equal(link.ach_amount, '10.00');
      assert.equal(link.cc_amount_note, 'incl. 3% card fee');
    });
  });

  describe('details, list, update, cancel', () => {
    it('answers 404 {error, message} for an unknown link and an unknown path', async () => {
      assert.deepEqual((await h.api('GET', '/api/payment-link/nope')).body, { error: true, message: 'Payment link not found' });
      const res = await h.api('GET', '/api/nothing-here');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: true, message: 'Not found' });
    });

    it('lists a merchant’s links newest first, at least 10 a page, with pagination meta', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i += 1) ids.push((await create({ order_number: `N${i}` })).payment_link_id);
      const first = await h.api('GET', `/api/merchant/${PE.merchantId}/payment-link?page=1&limit=2`);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.data.map((l: { payment_link_id: string }) => l.payment_link_id), ids.slice().reverse().slice(0, 10));
      assert.deepEqual(first.body.meta, { page: 1, limit: 10, total: 12, total_pages: 2 });
      const second = await h.api('GET', `/api/merchant/${PE.merchantId}/payment-link?page=2`);
      assert.deepEqual(second.body.data.map((l: { payment_link_id: string }) => l.payment_link_id), [ids[1], ids[0]]);
      assert.deepEqual((await h.api('GET', `/api/merchant/${PE.merchantId}/payment-link?limit=501`)).body, { error: true, message: 'limit must be at most 500' });
      assert.equal((await h.api('GET', '/api/merchant/someone-else/payment-link')).status, 403);
    });

    it('updates end_date with PATCH {merchant_id, data}, answers the link and sends PAYMENTLINK_UPDATED', async () => {
      const link = await create();
      const end = yyyymmdd(Date.now() + 90 * DAY_MS);
      const res = await h.api('PATCH', `/api/payment-link/${link.payment_link_id}`, { merchant_id: PE.merchantId, data: { end_date: end } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.end_date, end);
      assert.equal(res.body.amount, '12.50', 'other fields untouched');
      const events = await h.receiver.waitFor(2);
      const updated = JSON.parse(events[1]!.body);
      assert.equal(updated.event, 'PAYMENTLINK_UPDATED');
      assert.equal(updated.data.end_date, end);
      const bad = await h.api('PATCH', `/api/payment-link/${link.payment_link_id}`, { merchant_id: PE.merchantId, data: { end_date: '20200101' } });
      assert.deepEqual(bad.body, { error: true, message: 'data.end_date must be in the future' });
    });

    it('cancels with {success: true, message}, sends PAYMENTLINK_CANCELLED with the id only, and refuses a second cancel', async () => {
      const link = await create();
      await h.receiver.waitFor(1);
      const res = await h.api('POST', `/api/payment-link/${link.payment_link_id}/cancel`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { success: true, message: 'Payment link cancelled successfully' });
      assert.equal((await h.api('GET', `/api/payment-link/${link.payment_link_id}`)).body.payment_link_status, 'CANCELLED');
      const events = await h.receiver.waitFor(2);
      assert.deepEqual(JSON.parse(events[1]!.body).data, { payment_link_id: link.payment_link_id });
      const again = await h.api('POST', `/api/payment-link/${link.payment_link_id}/cancel`);
      assert.equal(again.status, 400);
      assert.deepEqual(again.body, { success: false, message: 'Payment link is already cancelled' });
      const patch = await h.api('PATCH', `/api/payment-link/${link.payment_link_id}`, { merchant_id: PE.merchantId, data: { description: 'x' } });
      assert.deepEqual(patch.body, { error: true, message: 'A cancelled payment link cannot be updated' });
    });

    it('plays injected faults with PayEngine’s error body', async () => {
      await h.control('POST', '/faults', { provider: 'payengine', status: 503, times: 1 });
      const res = await h.api('POST', '/api/payment-link', seedBody());
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { error: true, message: 'Internal server error' });
      assert.equal((await h.api('POST', '/api/payment-link', seedBody())).status, 200);
    });
  });
});

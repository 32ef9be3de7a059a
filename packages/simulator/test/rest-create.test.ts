import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, seedLikeBody, startHarness } from './helpers.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Razorpay REST: create a payment link', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('creates a link from the seed-like body and returns the full entity', async () => {
    const body = seedLikeBody();
    const before = nowSeconds();
    const res = await h.api('POST', '/v1/payment_links', body);
    assert.equal(res.status, 200);
    const link = res.body;
    assert.match(link.id, /^plink_[A-Za-z0-9]{14}$/);
    assert.match(link.short_url, new RegExp(`^${h.sim.url}/razorpay/i/[A-Za-z0-9]{8}$`));
    assert.equal(link.status, 'created');
    assert.equal(link.amount, 1000);
    assert.equal(link.amount_paid, 0);
    assert.equal(link.currency, 'INR');
    assert.equal(link.accept_partial, true);
    assert.equal(link.first_min_partial_amount, 100);
    assert.equal(link.description, 'Payment for policy no #23456');
    assert.equal(link.reference_id, body.reference_id);
    assert.equal(link.expire_by, body.expire_by);
    assert.deepEqual(link.customer, body.customer);
    assert.deepEqual(link.notify, { sms: true, email: true });
    assert.deepEqual(link.notes, { policy_name: 'Life Insurance Policy' });
    assert.equal(link.reminder_enable, true);
    assert.equal(link.callback_url, 'https://example-callback-url.com/');
    assert.equal(link.callback_method, 'get');
    assert.equal(link.payments, null);
    assert.equal(link.expired_at, 0);
    assert.equal(link.cancelled_at, 0);
    assert.equal(link.upi_link, false);
    assert.equal(link.whatsapp_link, false);
    assert.equal(link.user_id, '');
    assert.ok(link.created_at >= before && link.created_at <= nowSeconds(), 'created_at is now');
    assert.equal(link.updated_at, link.created_at);
  });

  it('defaults currency to INR and expiry to six months, and fills empty optional fields', async () => {
    const res = await h.api('POST', '/v1/payment_links', { amount: 500 });
    assert.equal(res.status, 200);
    assert.equal(res.body.currency, 'INR');
    const sixMonths = new Date(res.body.created_at * 1000);
    sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
    assert.equal(res.body.expire_by, sixMonths.getTime() / 1000);
    assert.equal(res.body.reference_id, '');
    assert.equal(res.body.description, '');
    assert.equal(res.body.callback_url, '');
    assert.equal(res.body.accept_partial, false);
  });

  it('uses publicUrl for short_url when configured', async () => {
    const other = await startHarness({ publicUrl: 'http://localhost:9999/' });
    try {
      const res = await other.api('POST', '/v1/payment_links', { amount: 500 });
      assert.match(res.body.short_url, /^http:\/\/localhost:9999\/razorpay\/i\/[A-Za-z0-9]{8}$/);
    } finally {
      await other.close();
    }
  });

  const invalid: Array<[string, Record<string, unknown>, string, string | RegExp]> = [
    ['amount missing', { amount: undefined }, 'amount', 'The amount field is required.'],
    ['amount not an integer', { amount: 10.5 }, 'amount', 'The amount must be an integer.'],
    ['amount as a string', { amount: '1000' }, 'amount', 'The amount must be an integer.'],
    ['amount below 100', { amount: 99, first_min_partial_amount: undefined }, 'amount', 'The amount must be atleast INR 1.00'],
    ['three-decimal currency not ending in 0', { amount: 1005, currency: 'KWD' }, 'amount', /must end with 0/],
    ['currency not 3 upper-case letters', { currency: 'inr' }, 'currency', 'The selected currency is invalid.'],
    ['accept_partial not boolean', { accept_partial: 'yes' }, 'accept_partial', /true or false/],
    [
      'first_min_partial_amount without accept_partial',
      { accept_partial: false },
      'first_min_partial_amount',
      /only when accept_partial is true/,
    ],
    ['first_min_partial_amount above amount', { first_min_partial_amount: 1001 }, 'first_min_partial_amount', /greater than amount/],
    ['description too long', { description: 'x'.repeat(2049) }, 'description', /2048/],
    ['reference_id too long', { reference_id: 'r'.repeat(41) }, 'reference_id', /40/],
    [
      'expire_by under 15 minutes away',
      { expire_by: nowSeconds() + 10 * 60 },
      'expire_by',
      'timestamp must be atleast 15 minutes in future',
    ],
    ['expire_by in the past', { expire_by: nowSeconds() - 60 }, 'expire_by', 'timestamp must be atleast 15 minutes in future'],
    ['expire_by beyond six months', { expire_by: nowSeconds() + 200 * 24 * 3600 }, 'expire_by', /six months/],
    ['customer email invalid', { customer: { email: 'not-an-email' } }, 'customer.email', 'The email must be a valid email address.'],
    ['unknown customer field', { customer: { name: 'A', age: 3 } }, 'customer.age', 'wrong input fields sent.'],
    ['notify.sms not boolean', { notify: { sms: 1 } }, 'notify.sms', /true or false/],
    [
      'more than 15 notes',
      { notes: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) },
      'notes',
      /less than or equal to 15/,
    ],
    ['a note over 255 characters', { notes: { long: 'n'.repeat(256) } }, 'notes.long', 'value: the length must not be greater than 255.'],
    ['callback_url without callback_method', { callback_method: undefined }, 'callback_method', /required when callback url/],
    ['callback_method other than get', { callback_method: 'post' }, 'callback_method', 'The selected callback method is invalid.'],
    ['callback_url not http(s)', { callback_url: 'javascript:alert(1)' }, 'callback_url', /format is invalid/],
    ['upi_link in test mode', { upi_link: true }, 'upi_link', 'UPI Payment Links is not supported in Test Mode'],
    ['unknown top-level field', { receipt: 'legacy' }, 'receipt', 'wrong input fields sent.'],
  ];

  for (const [name, overrides, field, description] of invalid) {
    it(`rejects ${name} with 400 naming ${field}`, async () => {
      const res = await h.api('POST', '/v1/payment_links', seedLikeBody(overrides));
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'BAD_REQUEST_ERROR');
      assert.equal(res.body.error.field, field);
      if (typeof description === 'string') assert.equal(res.body.error.description, description);
      else assert.match(res.body.error.description, description);
    });
  }

  it('accepts a note of exactly 255 characters and 15 notes', async () => {
    const notes = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i === 0 ? 'n'.repeat(255) : 'v']));
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody({ notes }));
    assert.equal(res.status, 200);
    assert.equal(res.body.notes.k0.length, 255);
  });

  it('accepts expire_by exactly 15 minutes (plus a margin) away', async () => {
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody({ expire_by: nowSeconds() + 15 * 60 + 5 }));
    assert.equal(res.status, 200);
  });

  it('rejects a non-object body', async () => {
    const res = await h.api('POST', '/v1/payment_links', [1, 2]);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.description, 'The request body must be a JSON object.');
  });

  it('rejects a duplicate reference_id with the documented message', async () => {
    const first = await h.api('POST', '/v1/payment_links', seedLikeBody({ reference_id: 'DUP-1' }));
    assert.equal(first.status, 200);
    const second = await h.api('POST', '/v1/payment_links', seedLikeBody({ reference_id: 'DUP-1', amount: 2000 }));
    assert.equal(second.status, 400);
    assert.equal(second.body.error.field, 'reference_id');
    assert.equal(second.body.error.description, 'payment link creation with reference ID already attempted');
  });
});

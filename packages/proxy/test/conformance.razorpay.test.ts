/** Razorpay (current `/v1/payment_links`) through the conformance kit, with the docs' example bodies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { createRazorpayAdapter } from '../src/providers/razorpay/index.ts';
import { Secret } from '../src/secret.ts';
import { runConformance } from './conformance/kit.ts';

const BASE = 'https://api.razorpay.test';
const WEBHOOK_SECRET = 'razorpay_webhook_secret_for_tests';
const ID = 'plink_ExjpAUN3gVHrPJ';

/** The entity example of providers.md §5.3 (markdown-docs api/payments/payment-links/entity.md). */
const entity = (over: Record<string, unknown> = {}) => ({
  accept_partial: true, amount: 1000, amount_paid: 0, callback_method: 'get', callback_url: 'https://example-callback-url.com/',
  cancelled_at: 0, created_at: 1591097057, currency: 'INR',
  customer: { contact: '+919876543210', email: 'gaurav.kumar@example.com', name: 'Gaurav Kumar' },
  description: 'Payment for policy no #23456', expire_by: 1691097057, expired_at: 0, first_min_partial_amount: 100, id: ID,
  notes: { policy_name: 'Life Insurance Policy' }, notify: { email: true, sms: true }, payments: null, reference_id: 'TS1989',
  reminder_enable: true, reminders: [], short_url: 'https://rzp.io/i/nxrHnLJ', status: 'created', updated_at: 1591097057, user_id: '',
  ...over,
});

runConformance({
  name: 'razorpay',
  baseUrl: BASE,
  createAdapter: ({ fetch, timeoutMs }) =>
    createRazorpayAdapter(
      { keyId: 'rzp_test_conformance', keySecret: new Secret('key_secret_for_tests'), webhookSecrets: [new Secret(WEBHOOK_SECRET)], baseUrl: BASE, timeoutMs },
      { fetch },
    ),
  createInput: {
    reference: 'pl_conformance_ref_000001',
    amount: { value: 1000, currency: 'INR' },
    description: 'Payment for policy no #23456',
    expiresAt: new Date(Date.now() + 3_600_000),
    returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
    customer: { name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com' },
  },
  createdId: ID,
  createRoute: { method: 'post', url: `${BASE}/v1/payment_links` },
  retrieveRoute: { method: 'get', url: `${BASE}/v1/payment_links/:id` },
  happyHandlers: () => [http.post(`${BASE}/v1/payment_links`, () => HttpResponse.json(entity()))],
  assertCreateRequest: ({ headers, body }) => {
    assert.equal(headers.get('authorization'), `Basic ${Buffer.from('rzp_test_conformance:key_secret_for_tests').toString('base64')}`);
    assert.equal(headers.get('content-type'), 'application/json');
    const b = body as Record<string, unknown>;
    assert.equal(b.amount, 1000, 'integer minor units');
    assert.equal(b.currency, 'INR');
    assert.equal(b.reference_id, 'pl_conformance_ref_000001');
    assert.equal(b.callback_method, 'get');
    assert.equal(typeof b.expire_by, 'number');
  },
  statusCases: [
    { name: 'created', body: entity(), expected: 'pending', amountPaid: 0 },
    { name: 'partially_paid', body: entity({ status: 'partially_paid', amount_paid: 400 }), expected: 'partially_paid', amountPaid: 400 },
    { name: 'paid', body: entity({ status: 'paid', amount_paid: 1000, payments: [{ amount: 1000, created_at: 1591097100, method: 'upi', payment_id: 'pay_1', plink_id: ID, status: 'captured', updated_at: 1591097100 }] }), expected: 'paid', amountPaid: 1000 },
    { name: 'expired', body: entity({ status: 'expired', expired_at: 1691097057 }), expected: 'expired' },
    { name: 'cancelled', body: entity({ status: 'cancelled', cancelled_at: 1591097270 }), expected: 'cancelled' },
  ],
  webhook: {
    scheme: 'hmac',
    timestamped: false,
    carriesState: true,
    delivery: ({ secret = WEBHOOK_SECRET, eventId = 'evt_conformance_1' } = {}) => {
      const body = JSON.stringify({
        account_id: 'acc_MWWeS9Ico5tQBk', contains: ['payment_link'], created_at: 1748425318, entity: 'event', event: 'payment_link.paid',
        payload: { payment_link: { entity: entity({ status: 'paid', amount_paid: 1000 }) } },
      });
      return { body, headers: { 'X-Razorpay-Signature': createHmac('sha256', secret).update(body).digest('hex'), 'X-Razorpay-Event-Id': eventId } };
    },
  },
});

describe('razorpay webhook signature', () => {
  it('accepts the official razorpay-node test vector (test/utils/razorpay-utils.spec.js)', () => {
    const adapter = createRazorpayAdapter(
      { keyId: 'rzp_test_x', keySecret: new Secret('k'), webhookSecrets: [new Secret('rotated-out'), new Secret('123456')], baseUrl: BASE, timeoutMs: 100 },
      { fetch },
    );
    const body = Buffer.from('{"a":1,"b":2,"c":{"d":3}}');
    const signature = '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc';
    assert.deepEqual(adapter.verifyWebhook(body, { 'x-razorpay-signature': signature }, Date.now()), { ok: true });
    assert.deepEqual(adapter.verifyWebhook(body, { 'x-razorpay-signature': signature.replace('2', '3') }, Date.now()), { ok: false, reason: 'bad_signature' });
  });
});

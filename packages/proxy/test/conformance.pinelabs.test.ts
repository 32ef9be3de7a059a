/**
 * Pine Labs Online through the conformance kit, with the docs' own example bodies: the link object of
 * providers.md §4.3 (developer.pinelabsonline.com/reference/pay-by-links-object), the token answer of §4.2, the
 * order webhook shape of §4.6 and its test vector.
 */
import assert from 'node:assert/strict';
import { http, HttpResponse } from 'msw';
import { createPinelabsAdapter } from '../src/providers/pinelabs/index.ts';
import { Secret } from '../src/secret.ts';
import { runConformance } from './conformance/kit.ts';
import {
  PINE_BASE,
  PINE_CLIENT_ID,
  PINE_CLIENT_SECRET,
  PINE_LINK_ID,
  PINE_ORDER_ID,
  PINE_TOKEN,
  pinelabsLink,
  pinelabsTokenHandler,
  signPinelabs,
} from './pinelabs.fixtures.ts';

runConformance({
  name: 'pinelabs',
  baseUrl: PINE_BASE,
  createAdapter: ({ fetch, timeoutMs, now }) =>
    createPinelabsAdapter(
      { clientId: PINE_CLIENT_ID, clientSecret: new Secret(PINE_CLIENT_SECRET), webhookSecrets: [new Secret(PINE_CLIENT_SECRET)], baseUrl: PINE_BASE, timeoutMs },
      { fetch, now },
    ),
  createInput: {
    reference: 'pl_conformance_ref_000001',
    amount: { value: 50000, currency: 'INR' },
    description: 'Payment for Order1',
    expiresAt: new Date(Date.now() + 3_600_000),
    returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
    customer: { name: 'Kevin Bob', email: 'kevin.bob@example.com', contact: '+91 98765 43210' },
  },
  createdId: PINE_LINK_ID,
  createRoute: { method: 'post', url: `${PINE_BASE}/pay/v1/paymentlink` },
  retrieveRoute: { method: 'get', url: `${PINE_BASE}/pay/v1/paymentlink/:id` },
  retriesCreateOn401: true,
  supportHandlers: () => [pinelabsTokenHandler()],
  happyHandlers: () => [
    pinelabsTokenHandler(),
    http.post(`${PINE_BASE}/pay/v1/paymentlink`, () =>
      HttpResponse.json(pinelabsLink({ amount: { value: 50000, currency: 'INR' }, amount_due: { value: 50000, currency: 'INR' } }), { status: 201 }),
    ),
    http.get(`${PINE_BASE}/pay/v1/paymentlink/:id`, () => HttpResponse.json(pinelabsLink())),
  ],
  assertCreateRequest: ({ headers, body }) => {
    assert.equal(headers.get('authorization'), `Bearer ${PINE_TOKEN}`);
    assert.equal(headers.get('content-type'), 'application/json');
    assert.match(headers.get('request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(headers.get('request-timestamp') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const b = body as Record<string, unknown>;
    assert.deepEqual(b.amount, { value: 50000, currency: 'INR' }, 'minor units inside {value, currency}');
    assert.equal(b.merchant_payment_link_reference, 'pl_conformance_ref_000001');
    assert.equal(b.callback_url, 'https://shop.test/thanks?pay_link_id=pl_x');
    assert.equal(b.part_payment, false);
    assert.match(String(b.expire_by), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(b.customer, { email_id: 'kevin.bob@example.com', first_name: 'Kevin', last_name: 'Bob', country_code: '91', mobile_number: '9876543210' });
  },
  statusCases: [
    { name: 'CREATED', body: pinelabsLink(), expected: 'pending', amountPaid: 0 },
    { name: 'CLICKED', body: pinelabsLink({ status: 'CLICKED' }), expected: 'pending', amountPaid: 0 },
    { name: 'PAYMENT_INITIATED', body: pinelabsLink({ status: 'PAYMENT_INITIATED' }), expected: 'pending', amountPaid: 0 },
    {
      name: 'PARTIAL_PROCESSED',
      body: pinelabsLink({ status: 'PARTIAL_PROCESSED', amount_due: { value: 40, currency: 'INR' } }),
      expected: 'partially_paid',
      amountPaid: 60,
    },
    { name: 'PROCESSED', body: pinelabsLink({ status: 'PROCESSED', amount_due: { value: 0, currency: 'INR' } }), expected: 'paid', amountPaid: 100 },
    { name: 'PROCESSED without amount_due', body: pinelabsLink({ status: 'PROCESSED', amount_due: undefined }), expected: 'paid', amountPaid: 100 },
    { name: 'EXPIRED', body: pinelabsLink({ status: 'EXPIRED' }), expected: 'expired', amountPaid: 0 },
    { name: 'CANCELLED', body: pinelabsLink({ status: 'CANCELLED' }), expected: 'cancelled', amountPaid: 0 },
  ],
  webhook: {
    scheme: 'hmac',
    timestamped: true,
    carriesState: false,
    // The order event names the order; the adapter learns which link owns it from the link object.
    prepare: async (adapter) => {
      await adapter.retrieve(PINE_LINK_ID);
    },
    delivery: ({ secret = PINE_CLIENT_SECRET, timestampMs = Date.now(), eventId = 'msg_conformance_1' } = {}) => {
      // The WooCommerce plugin's payload shape and the order id of the §4.6 test vector.
      const body = JSON.stringify({ event_type: 'ORDER_PROCESSED', data: { order_id: PINE_ORDER_ID, merchant_order_reference: 'order_ref_1', status: 'PROCESSED' } });
      return { body, headers: signPinelabs(body, { secret, id: eventId, timestampMs }) };
    },
  },
});

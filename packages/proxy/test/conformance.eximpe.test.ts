/** EximPe through the conformance kit, with the seed's and the API reference's own example bodies. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { createEximPeAdapter } from '../src/providers/eximpe/index.ts';
import { Secret } from '../src/secret.ts';
import { runConformance } from './conformance/kit.ts';

const BASE = 'https://api-pacb-uat.eximpe.test';
const CLIENT_SECRET = 'eximpe_client_secret_for_tests';
/** The retrieve path's own example id (https://docs.eximpe.com/api-reference/v1/payment-link/retrieve). */
const ID = 'PR5106085554';

/** The create answer: the seed's body, with the v2 reference's `payment_id` key (providers.md §1.3). */
const created = {
  success: true,
  message: 'Payment link created successfully',
  data: {
    payment_id: ID,
    payment_link: `https://checkout.eximpe.com/pay/${ID}`,
    status: 'ACTIVE',
    expiry_date: '2030-12-31T23:59:59Z',
    amount: '1500.00',
    currency: 'INR',
  },
};

/** Retrieve `data` as the v1 reference lists it (providers.md §1.3); no `expiry_date` unless a case adds it. */
const link = (over: Record<string, unknown> = {}) => ({
  success: true,
  message: 'Payment link retrieved successfully',
  data: {
    payment_id: ID,
    reference_id: 'LINK_12345',
    amount: '1500.00',
    currency: 'INR',
    payment_link: `https://checkout.eximpe.com/pay/${ID}`,
    status: 'ACTIVE',
    status_message: null,
    created_at: '2024-10-01T09:00:00Z',
    buyer: {
      name: 'Alice Smith',
      email: 'alice@example.com',
      phone: '+919876543210',
      address: { line_1: '456 Park Avenue', line_2: null, city: 'New York', state: 'NY', postal_code: '10022' },
      pan_number: null,
      dob: null,
    },
    product: { name: 'Consulting Services', description: 'Professional consulting for Q4', hs_code: '998311', type_of_goods: 'service' },
    invoice: { number: 'INV-2024-001', date: '2024-10-01', file: null },
    settlement: null,
    ...over,
  },
});
const PAST = '2020-01-01T00:00:00Z';
const FUTURE = '2999-01-01T00:00:00Z';
const CAPTURED = { status_message: 'Payment captured successfully', payment_completed_at: '2025-06-24T12:30:44.000000Z' };

runConformance({
  name: 'eximpe',
  baseUrl: BASE,
  createAdapter: ({ fetch, timeoutMs, now }) =>
    createEximPeAdapter(
      {
        clientId: 'eximpe_client_id',
        clientSecret: new Secret(CLIENT_SECRET),
        apiVersion: '1.0.0',
        webhookSecrets: [new Secret(CLIENT_SECRET)],
        baseUrl: BASE,
        timeoutMs,
      },
      { fetch, now },
    ),
  createInput: {
    reference: 'pl_conformance_ref_000001',
    amount: { value: 150000, currency: 'INR' },
    description: 'Consulting Services',
    expiresAt: new Date(Date.now() + 3_600_000),
    returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
    customer: { name: 'Alice Smith', email: 'alice@example.com', contact: '9876543210' },
  },
  createdId: ID,
  createRoute: { method: 'post', url: `${BASE}/pg/payment-links/` },
  retrieveRoute: { method: 'get', url: `${BASE}/pg/payment-links/:id/` },
  happyHandlers: () => [http.post(`${BASE}/pg/payment-links/`, () => HttpResponse.json(created))],
  assertCreateRequest: ({ headers, body, url }) => {
    assert.equal(url.pathname, '/pg/payment-links/', 'the trailing slash is kept');
    assert.equal(headers.get('x-client-id'), 'eximpe_client_id');
    assert.equal(headers.get('x-client-secret'), CLIENT_SECRET);
    assert.equal(headers.get('x-api-version'), '1.0.0');
    assert.equal(headers.get('x-merchant-id'), null, 'no merchant id unless configured');
    assert.equal(headers.get('content-type'), 'application/json');
    const b = body as Record<string, any>;
    assert.equal(b.amount, '1500.00', 'decimal major units as a string');
    assert.equal(b.currency, 'INR');
    assert.equal(b.reference_id, 'pl_conformance_ref_000001');
    assert.match(b.expiry_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(b.buyer, { name: 'Alice Smith', email: 'alice@example.com', phone: '+919876543210' });
    assert.deepEqual(b.product, { name: 'Consulting Services', description: 'Consulting Services', type_of_goods: 'service' });
    assert.equal(b.invoice.number, 'pl_conformance_ref_000001');
    assert.match(b.invoice.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(b.return_url, 'https://shop.test/thanks?pay_link_id=pl_x');
  },
  statusCases: [
    { name: 'ACTIVE (the seed)', body: link(), expected: 'pending', amountPaid: 0 },
    { name: 'created (playground word)', body: link({ status: 'created' }), expected: 'pending' },
    { name: 'FAILED (a failed attempt leaves the link payable)', body: link({ status: 'FAILED', status_message: 'Payment failed' }), expected: 'pending', amountPaid: 0 },
    { name: 'an unknown word', body: link({ status: 'ON_HOLD' }), expected: 'pending' },
    { name: 'ACTIVE past its expiry_date', body: link({ expiry_date: PAST }), expected: 'expired' },
    { name: 'ACTIVE with a captured status_message', body: link(CAPTURED), expected: 'paid', amountPaid: 150000 },
    { name: 'PAID', body: link({ status: 'PAID' }), expected: 'paid', amountPaid: 150000 },
    { name: 'captured (payment word, lower case)', body: link({ status: 'captured' }), expected: 'paid', amountPaid: 150000 },
    { name: 'payment_successful (order word)', body: link({ status: 'payment_successful' }), expected: 'paid' },
    { name: 'INACTIVE before expiry (deactivated)', body: link({ status: 'INACTIVE', expiry_date: FUTURE }), expected: 'cancelled' },
    { name: 'INACTIVE past expiry', body: link({ status: 'INACTIVE', expiry_date: PAST }), expected: 'expired' },
    { name: 'DEACTIVATED', body: link({ status: 'DEACTIVATED' }), expected: 'cancelled' },
    { name: 'canceled (US spelling)', body: link({ status: 'canceled' }), expected: 'cancelled' },
    { name: 'EXPIRED', body: link({ status: 'EXPIRED' }), expected: 'expired', amountPaid: 0 },
    { name: 'EXPIRED with a captured payment (paid after expiry)', body: link({ status: 'EXPIRED', ...CAPTURED }), expected: 'paid', amountPaid: 150000 },
  ],
  webhook: {
    scheme: 'hmac',
    timestamped: true,
    canonicalJson: true,
    carriesState: false,
    delivery: ({ secret = CLIENT_SECRET, timestampMs = Date.now(), eventId = 'e40552bf-ed12-4f35-9a97-162d97e6fa34' } = {}) => {
      // The seed's PAYMENT_SUCCESSFUL, for our link.
      // Keys written in sorted order, so JSON.stringify gives exactly the sorted, compact form EximPe signs.
      const body = JSON.stringify({
        data: {
          bank_ref_num: `OD3376378679-${ID}`,
          message: 'Payment successful',
          mop_type: 'upi',
          order_id: 'OD3376378679',
          payment_completed_at: '2025-06-24T12:30:44.000000Z',
          payment_id: ID,
          status: 'captured',
        },
        event_time: '2024-02-15 16:53:15',
        event_type: 'PAYMENT_SUCCESSFUL',
        sequence_number: eventId,
        version: '1.0',
      });
      return {
        body,
        headers: {
          'User-Agent': 'Eximpe-Webhook/1.0',
          'X-Webhook-Event': 'PAYMENT_SUCCESSFUL',
          'X-Webhook-Timestamp': String(Math.floor(timestampMs / 1000)),
          'X-Webhook-Signature': createHmac('sha256', secret).update(body).digest('hex'),
        },
      };
    },
  },
});

/**
 * Razorpay's legacy Payment Links API (`/v1/invoices` with `type=link`, RAZORPAY_API=invoices) through the
 * conformance kit, plus what is particular to it. Fixtures: the Invoices entity example
 * (markdown-docs api/payments/invoices/entity.md) made a link the way the seed describes one (`type: link`,
 * `receipt`, `short_url`), and the `invoice.paid` webhook sample (razorpay.com/docs/webhooks/payloads/invoices).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Problem } from '../src/problems.ts';
import { createRazorpayAdapter } from '../src/providers/razorpay/index.ts';
import { Secret } from '../src/secret.ts';
import type { CreateLinkInput, WebhookEvent } from '../src/providers/types.ts';
import { runConformance } from './conformance/kit.ts';

const BASE = 'https://api.razorpay.test';
const WEBHOOK_SECRET = 'razorpay_webhook_secret_for_tests';
const ID = 'inv_E7q0tqkxBRzdau';
const REFERENCE = 'pl_conformance_ref_000001';

/** entity.md's example, as a payment link (seed: `type` = link, `receipt`, `short_url`). */
const invoice = (over: Record<string, unknown> = {}) => ({
  id: ID, entity: 'invoice', receipt: REFERENCE, invoice_number: REFERENCE, customer_id: 'cust_E7q0trFqXgExmT',
  customer_details: {
    id: 'cust_E7q0trFqXgExmT', name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com', contact: '+919876543210', gstin: null,
    billing_address: null, shipping_address: null, customer_name: 'Gaurav Kumar', customer_email: 'gaurav.kumar@example.com',
    customer_contact: '+919876543210',
  },
  order_id: 'order_E7q0tvRpC0WJwg', line_items: [], payment_id: null, status: 'issued', expire_by: 1924991999,
  issued_at: 1579765167, paid_at: null, cancelled_at: null, expired_at: null, sms_status: 'pending', email_status: 'pending',
  date: 1579765167, terms: null, partial_payment: false, gross_amount: 1000, tax_amount: 0, taxable_amount: 1000, amount: 1000,
  amount_paid: 0, amount_due: 1000, currency: 'INR', description: 'Payment for policy no #23456', notes: [], comment: null,
  short_url: 'https://rzp.io/i/2wxV8Xs', view_less: true, billing_start: null, billing_end: null, type: 'link',
  group_taxes_discounts: false, created_at: 1579765167,
  ...over,
});

/** The `invoice.paid` sample's envelope: `contains` payment, order and invoice. */
const invoiceEvent = (event: string, entity: Record<string, unknown>) =>
  JSON.stringify({
    entity: 'event', account_id: 'acc_BFQ7uQEaa7j2z7', event, contains: ['payment', 'order', 'invoice'],
    payload: {
      payment: { entity: { id: 'pay_DEWHsM9ByjCjYS', entity: 'payment', amount: entity.amount_paid, currency: 'INR', status: 'captured', order_id: 'order_E7q0tvRpC0WJwg', invoice_id: ID, method: 'netbanking', captured: true, created_at: 1567686993 } },
      order: { entity: { id: 'order_E7q0tvRpC0WJwg', entity: 'order', amount: 1000, amount_paid: entity.amount_paid, amount_due: 0, currency: 'INR', receipt: REFERENCE, status: 'paid', attempts: 1, created_at: 1567686976 } },
      invoice: { entity },
    },
    created_at: 1567686994,
  });

const sign = (body: string, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('hex');

const legacyAdapter = (fetchImpl: typeof fetch = (input, init) => fetch(input, init), timeoutMs = 300) =>
  createRazorpayAdapter(
    {
      keyId: 'rzp_test_conformance',
      keySecret: new Secret('key_secret_for_tests'),
      webhookSecrets: [new Secret(WEBHOOK_SECRET)],
      baseUrl: BASE,
      timeoutMs,
      api: 'invoices',
    },
    { fetch: fetchImpl },
  );

const createInput: CreateLinkInput = {
  reference: REFERENCE,
  amount: { value: 1000, currency: 'INR' },
  description: 'Payment for policy no #23456',
  expiresAt: new Date(Date.now() + 3_600_000),
  returnUrl: 'https://shop.test/thanks?pay_link_id=pl_x',
  customer: { name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com' },
};

runConformance({
  name: 'razorpay (legacy invoices, type=link)',
  baseUrl: BASE,
  createAdapter: ({ fetch, timeoutMs }) => legacyAdapter(fetch, timeoutMs),
  createInput,
  createdId: ID,
  createRoute: { method: 'post', url: `${BASE}/v1/invoices` },
  retrieveRoute: { method: 'get', url: `${BASE}/v1/invoices/:id` },
  happyHandlers: () => [http.post(`${BASE}/v1/invoices`, () => HttpResponse.json(invoice()))],
  assertCreateRequest: ({ headers, body }) => {
    assert.equal(headers.get('authorization'), `Basic ${Buffer.from('rzp_test_conformance:key_secret_for_tests').toString('base64')}`);
    assert.equal(headers.get('content-type'), 'application/json');
    assert.deepEqual(body, {
      type: 'link',
      amount: 1000,
      currency: 'INR',
      description: 'Payment for policy no #23456',
      customer: { name: 'Gaurav Kumar', email: 'gaurav.kumar@example.com' },
      receipt: REFERENCE,
      expire_by: Math.floor(createInput.expiresAt.getTime() / 1000),
      sms_notify: 0,
      email_notify: 0,
      partial_payment: 0,
    });
  },
  statusCases: [
    { name: 'draft', body: invoice({ status: 'draft', issued_at: null, short_url: null }), expected: 'pending', amountPaid: 0 },
    { name: 'issued', body: invoice(), expected: 'pending', amountPaid: 0 },
    { name: 'partially_paid', body: invoice({ status: 'partially_paid', amount_paid: 400, amount_due: 600, partial_payment: true }), expected: 'partially_paid', amountPaid: 400 },
    { name: 'paid', body: invoice({ status: 'paid', amount_paid: 1000, amount_due: 0, paid_at: 1579765200, payment_id: 'pay_DEWHsM9ByjCjYS' }), expected: 'paid', amountPaid: 1000 },
    { name: 'expired', body: invoice({ status: 'expired', expired_at: 1924991999 }), expected: 'expired', amountPaid: 0 },
    // cancel.md's sample: amounts null, short_url null.
    { name: 'cancelled', body: invoice({ status: 'cancelled', cancelled_at: 1657203958, amount_paid: null, amount_due: null, short_url: null }), expected: 'cancelled', amountPaid: 0 },
    { name: 'deleted', body: invoice({ status: 'deleted' }), expected: 'cancelled', amountPaid: 0 },
  ],
  webhook: {
    scheme: 'hmac',
    timestamped: false,
    carriesState: true,
    delivery: ({ secret = WEBHOOK_SECRET, eventId = 'evt_conformance_1' } = {}) => {
      const body = invoiceEvent('invoice.paid', invoice({ status: 'paid', amount_paid: 1000, amount_due: 0, paid_at: 1579765200 }));
      return { body, headers: { 'X-Razorpay-Signature': sign(body, secret), 'X-Razorpay-Event-Id': eventId } };
    },
  },
});

describe('razorpay legacy invoices adapter', () => {
  const server = setupServer();
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  after(() => server.close());

  it('maps a paid invoice to paid with paid_at as the paid time', async () => {
    server.use(http.get(`${BASE}/v1/invoices/:id`, () => HttpResponse.json(invoice({ status: 'paid', amount_paid: 1000, paid_at: 1579765200 }))));
    const state = await legacyAdapter().retrieve(ID);
    assert.deepEqual(state, {
      providerLinkId: ID,
      url: 'https://rzp.io/i/2wxV8Xs',
      status: 'paid',
      amountPaid: 1000,
      expiresAt: '2030-12-31T23:59:59.000Z',
      paidAt: '2020-01-23T07:40:00.000Z',
      providerStatus: 'paid',
      reference: REFERENCE,
      amount: { value: 1000, currency: 'INR' },
    });
  });

  it('refuses a three-decimal amount Razorpay cannot take, without calling it', async () => {
    let calls = 0;
    server.use(http.post(`${BASE}/v1/invoices`, () => ((calls += 1), HttpResponse.json(invoice({ currency: 'KWD', amount: 1000 })))));
    const err = await legacyAdapter().create({ ...createInput, amount: { value: 1005, currency: 'KWD' } }).catch((e: unknown) => e);
    assert.ok(err instanceof Problem);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'amount_not_representable');
    assert.equal(calls, 0);
    const ok = await legacyAdapter().create({ ...createInput, amount: { value: 1000, currency: 'KWD' } });
    assert.equal(ok.providerLinkId, ID);
    assert.equal(calls, 1);
  });

  it('treats a created link without a short_url as a bad response', async () => {
    server.use(http.post(`${BASE}/v1/invoices`, () => HttpResponse.json(invoice({ short_url: null }))));
    const err = await legacyAdapter().create(createInput).catch((e: unknown) => e);
    assert.ok(err instanceof Problem);
    assert.equal(err.code, 'provider_bad_response');
  });

  for (const wrapper of ['items', 'invoices'] as const) {
    it(`finds a link by receipt in an "${wrapper}" list wrapper`, async () => {
      let query: URLSearchParams | undefined;
      server.use(
        http.get(`${BASE}/v1/invoices`, ({ request }) => {
          query = new URL(request.url).searchParams;
          return HttpResponse.json({ entity: 'collection', count: 2, [wrapper]: [invoice({ id: 'inv_other', receipt: 'someone-else' }), invoice()] });
        }),
      );
      const state = await legacyAdapter().findByReference!(REFERENCE);
      assert.equal(query?.get('receipt'), REFERENCE);
      assert.equal(state?.providerLinkId, ID);
    });
  }

  it('answers undefined when no invoice carries the receipt', async () => {
    server.use(http.get(`${BASE}/v1/invoices`, () => HttpResponse.json({ entity: 'collection', count: 0, items: [] })));
    assert.equal(await legacyAdapter().findByReference!('nope'), undefined);
  });

  it('cancels, extends and notifies on the /v1/invoices paths', async () => {
    const seen: string[] = [];
    let patched: unknown;
    server.use(
      http.post(`${BASE}/v1/invoices/:id/cancel`, ({ params }) => {
        seen.push(`cancel ${String(params.id)}`);
        return HttpResponse.json(invoice({ status: 'cancelled', cancelled_at: 1657203958 }));
      }),
      http.patch(`${BASE}/v1/invoices/:id`, async ({ request, params }) => {
        seen.push(`patch ${String(params.id)}`);
        patched = await request.json();
        return HttpResponse.json(invoice({ expire_by: 1924999999 }));
      }),
      http.post(`${BASE}/v1/invoices/:id/notify_by/:medium`, ({ params }) => {
        seen.push(`notify ${String(params.id)} ${String(params.medium)}`);
        return HttpResponse.json({ success: true });
      }),
    );
    const adapter = legacyAdapter();
    assert.equal((await adapter.cancel(ID)).status, 'cancelled');
    const extended = await adapter.extendExpiry!(ID, new Date(1924999999_000));
    assert.deepEqual(patched, { expire_by: 1924999999 });
    assert.equal(extended.expiresAt, new Date(1924999999_000).toISOString());
    await adapter.notify!(ID, 'sms');
    assert.deepEqual(seen, [`cancel ${ID}`, `patch ${ID}`, `notify ${ID} sms`]);
  });

  it('turns the cancel of a non-issued invoice (400) into provider_rejected', async () => {
    server.use(
      http.post(`${BASE}/v1/invoices/:id/cancel`, () =>
        HttpResponse.json(
          { error: { code: 'BAD_REQUEST_ERROR', description: 'Operation not allowed for Invoice in cancelled status.', source: 'business', step: 'payment_initiation', reason: 'input_validation_failed', metadata: {} } },
          { status: 400 },
        ),
      ),
    );
    const err = await legacyAdapter().cancel(ID).catch((e: unknown) => e);
    assert.ok(err instanceof Problem);
    assert.equal(err.code, 'provider_rejected');
    assert.ok(!JSON.stringify(err.toJSON()).includes('Operation not allowed'));
  });
});

describe('razorpay webhooks across both APIs', () => {
  const current = () =>
    createRazorpayAdapter(
      { keyId: 'rzp_test_x', keySecret: new Secret('k'), webhookSecrets: [new Secret(WEBHOOK_SECRET)], baseUrl: BASE, timeoutMs: 100 },
      { fetch },
    );
  const parse = (adapter: ReturnType<typeof current>, body: string, eventId = 'evt_1') => {
    const headers = { 'x-razorpay-signature': sign(body), 'x-razorpay-event-id': eventId };
    assert.deepEqual(adapter.verifyWebhook(Buffer.from(body), headers, Date.now()), { ok: true });
    return adapter.parseWebhook(Buffer.from(body), headers);
  };
  const link = (event: WebhookEvent) => {
    assert.equal(event.kind, 'link');
    return event as Extract<WebhookEvent, { kind: 'link' }>;
  };

  it('reads invoice.partially_paid and invoice.expired (legacy mode)', () => {
    const partial = link(parse(legacyAdapter(), invoiceEvent('invoice.partially_paid', invoice({ status: 'partially_paid', amount_paid: 400, amount_due: 600 }))));
    assert.equal(partial.state?.status, 'partially_paid');
    assert.equal(partial.state?.amountPaid, 400);
    const expiredBody = JSON.stringify({
      entity: 'event', account_id: 'acc_BFQ7uQEaa7j2z7', event: 'invoice.expired', contains: ['invoice'],
      payload: { invoice: { entity: invoice({ status: 'expired', expired_at: 1924991999 }) } }, created_at: 1924991999,
    });
    const expired = link(parse(legacyAdapter(), expiredBody, 'evt_2'));
    assert.equal(expired.providerLinkId, ID);
    assert.equal(expired.state?.status, 'expired');
    assert.equal(expired.dedupeKey, 'evt_2');
  });

  it('still reads payment_link.* events in legacy mode, and invoice.* events in current mode', () => {
    const plink = {
      id: 'plink_ExjpAUN3gVHrPJ', short_url: 'https://rzp.io/i/nxrHnLJ', status: 'paid', amount: 1000, amount_paid: 1000, currency: 'INR',
      reference_id: 'TS1989', expire_by: 1691097057, payments: null,
    };
    const body = JSON.stringify({ entity: 'event', event: 'payment_link.paid', contains: ['payment_link'], payload: { payment_link: { entity: plink } } });
    assert.equal(link(parse(legacyAdapter(), body)).state?.status, 'paid');
    const legacyBody = invoiceEvent('invoice.paid', invoice({ status: 'paid', amount_paid: 1000 }));
    assert.equal(link(parse(current(), legacyBody)).providerLinkId, ID);
  });

  it('ignores invoice events for real invoices (type=invoice) and other events', () => {
    const realInvoice = parse(legacyAdapter(), invoiceEvent('invoice.paid', invoice({ type: 'invoice', status: 'paid', amount_paid: 1000 })));
    assert.equal(realInvoice.kind, 'ignored');
    const other = parse(legacyAdapter(), JSON.stringify({ entity: 'event', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: { id: 'pay_1' } } } }));
    assert.deepEqual(other, { kind: 'ignored', dedupeKey: 'evt_1', event: 'payment.captured', reason: 'not a payment link event' });
  });

  it('refuses an invoice event whose entity is unreadable', () => {
    // No amount: unreadable. (An unknown status word alone no longer is: it reads as pending, decision 0010.)
    const body = invoiceEvent('invoice.paid', { id: ID, status: 'paid', amount: 'a thousand' });
    assert.throws(() => parse(legacyAdapter(), body), (e: unknown) => e instanceof Problem && e.status === 400 && e.code === 'invalid_request');
  });

  it('accepts the official razorpay-node webhook test vector in legacy mode (same scheme)', () => {
    const adapter = createRazorpayAdapter(
      { keyId: 'rzp_test_x', keySecret: new Secret('k'), webhookSecrets: [new Secret('rotated-out'), new Secret('123456')], baseUrl: BASE, timeoutMs: 100, api: 'invoices' },
      { fetch },
    );
    const body = Buffer.from('{"a":1,"b":2,"c":{"d":3}}');
    const signature = '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc';
    assert.deepEqual(adapter.verifyWebhook(body, { 'x-razorpay-signature': signature }, Date.now()), { ok: true });
    assert.deepEqual(adapter.verifyWebhook(body, { 'x-razorpay-signature': signature.replace('2', '3') }, Date.now()), { ok: false, reason: 'bad_signature' });
  });
});

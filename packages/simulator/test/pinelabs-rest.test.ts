import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PINE, type PinelabsHarness, seedCreateBody, startPinelabsHarness } from './pinelabs-harness.ts';

describe('Pine Labs token endpoint and auth', () => {
  let h: PinelabsHarness;
  before(async () => {
    h = await startPinelabsHarness();
  });
  beforeEach(() => h.control('POST', '/reset'));
  after(() => h.close());

  const tokenRequest = (body: unknown) =>
    h.raw(`${h.base}/auth/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('issues a bearer token for the right client credentials, with an absolute expires_at an hour ahead', async () => {
    const res = await tokenRequest({ client_id: PINE.clientId, client_secret: PINE.clientSecret, grant_type: 'client_credentials' });
    assert.equal(res.status, 200);
    assert.match(res.body.access_token, /^sim\.[\w-]{32}$/);
    const lifetime = Date.parse(res.body.expires_at) - Date.now();
    assert.ok(lifetime > 3_590_000 && lifetime <= 3_600_000, `lifetime ${lifetime}`);
  });

  it('refuses wrong credentials with 401 and a malformed request with 422, in the error envelope', async () => {
    const wrong = await tokenRequest({ client_id: PINE.clientId, client_secret: 'nope', grant_type: 'client_credentials' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'UNAUTHORIZED');
    assert.equal(typeof wrong.body.message, 'string');
    const missing = await tokenRequest({ client_id: PINE.clientId, client_secret: PINE.clientSecret });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.code, 'INVALID_REQUEST');
    assert.equal(missing.body.additional_error_details.field, 'grant_type');
    assert.equal((await h.raw(`${h.base}/auth/v1/token`)).status, 405);
  });

  it('wants a valid bearer token, a Request-ID and a Request-Timestamp on API calls', async () => {
    const token = await h.token();
    const headers = { Authorization: `Bearer ${token}`, 'Request-ID': randomUUID(), 'Request-Timestamp': new Date().toISOString() };
    const noToken = await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers: { ...headers, Authorization: '' } });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.code, 'UNAUTHORIZED');
    const noId = await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers: { ...headers, 'Request-ID': '' } });
    assert.equal(noId.status, 400);
    assert.equal(noId.body.additional_error_details.field, 'Request-ID');
    const badTime = await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers: { ...headers, 'Request-Timestamp': 'yesterday' } });
    assert.equal(badTime.status, 400);
    assert.equal((await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers })).status, 404);
  });

  it('expires tokens by the simulated clock', async () => {
    const res = await tokenRequest({ client_id: PINE.clientId, client_secret: PINE.clientSecret, grant_type: 'client_credentials' });
    const headers = () => ({ Authorization: `Bearer ${res.body.access_token}`, 'Request-ID': randomUUID(), 'Request-Timestamp': new Date().toISOString() });
    assert.equal((await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers: headers() })).status, 404);
    await h.control('POST', '/clock', { advanceMs: 3_600_000 });
    const stale = await h.raw(`${h.base}/pay/v1/paymentlink/pl-x`, { headers: headers() });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.code, 'UNAUTHORIZED');
  });
});

describe('Pine Labs payment links REST', () => {
  let h: PinelabsHarness;
  before(async () => {
    h = await startPinelabsHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  it('creates a link from the seed example: 201, the link object with booleans and an order behind it', async () => {
    const body = seedCreateBody();
    const res = await h.api('POST', '/pay/v1/paymentlink', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const link = res.body;
    assert.match(link.payment_link_id, /^pl-v1-\d{12}-aa-[A-Za-z0-9]{6}$/);
    assert.equal(link.payment_link_id, `pl-${link.order_id}`);
    assert.match(link.payment_link, new RegExp(`^${h.sim.url}/pinelabs/PLUTUS/[a-z0-9]{7}$`));
    assert.equal(link.status, 'CREATED');
    assert.deepEqual(link.amount, { value: 50000, currency: 'INR' });
    assert.deepEqual(link.amount_due, { value: 50000, currency: 'INR' });
    assert.equal(link.merchant_payment_link_reference, body.merchant_payment_link_reference);
    assert.equal(link.pre_auth, false);
    assert.equal(link.is_mcc_transaction, false);
    assert.equal(link.part_payment, true);
    assert.equal(link.expire_by, body.expire_by);
    assert.deepEqual(link.allowed_payment_methods, ['CARD', 'UPI']);
    assert.equal(link.customer.email_id, 'kevin.bob@example.com');
    const order = await h.api('GET', `/pay/v1/orders/${link.order_id}`);
    assert.equal(order.status, 200);
    assert.equal(order.body.data.status, 'CREATED');
    assert.equal(order.body.data.merchant_order_reference, body.merchant_payment_link_reference);
    assert.deepEqual(order.body.data.order_amount, { value: 50000, currency: 'INR' });
  });

  it('answers a repeated merchant_payment_link_reference with the existing link, not a new one', async () => {
    const body = seedCreateBody();
    const first = await h.api('POST', '/pay/v1/paymentlink', body);
    const again = await h.api('POST', '/pay/v1/paymentlink', { ...body, amount: { value: 99900, currency: 'INR' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.payment_link_id, first.body.payment_link_id);
    assert.deepEqual(again.body.amount, { value: 50000, currency: 'INR' });
    assert.equal((await h.control('GET', '/pinelabs/links')).body.length, 1);
  });

  it('validates like the docs and the official integrations say', async () => {
    const day = 24 * 3_600_000;
    const cases: { body: Record<string, unknown>; status: number; code: string; field?: string }[] = [
      { body: seedCreateBody({ amount: { value: 99, currency: 'INR' } }), status: 400, code: 'INVALID_REQUEST', field: 'amount.value' },
      { body: seedCreateBody({ amount: { value: 100_000_001, currency: 'INR' } }), status: 422, code: 'AMOUNT_LIMIT_EXCEEDED', field: 'amount.value' },
      { body: seedCreateBody({ amount: { value: 100.5, currency: 'INR' } }), status: 400, code: 'INVALID_REQUEST', field: 'amount.value' },
      { body: seedCreateBody({ merchant_payment_link_reference: undefined }), status: 400, code: 'INVALID_REQUEST', field: 'merchant_payment_link_reference' },
      { body: seedCreateBody({ merchant_payment_link_reference: 'has space' }), status: 400, code: 'INVALID_REQUEST', field: 'merchant_payment_link_reference' },
      { body: seedCreateBody({ merchant_payment_link_reference: 'x'.repeat(51) }), status: 400, code: 'INVALID_REQUEST', field: 'merchant_payment_link_reference' },
      { body: seedCreateBody({ expire_by: new Date(Date.now() + 181 * day).toISOString() }), status: 400, code: 'INVALID_REQUEST', field: 'expire_by' },
      { body: seedCreateBody({ expire_by: new Date(Date.now() - 60_000).toISOString() }), status: 400, code: 'INVALID_REQUEST', field: 'expire_by' },
      { body: seedCreateBody({ expire_by: '2030-01-01 10:00' }), status: 400, code: 'INVALID_REQUEST', field: 'expire_by' },
      { body: seedCreateBody({ pre_auth: false }), status: 400, code: 'INVALID_REQUEST', field: 'pre_auth' },
      { body: seedCreateBody({ merchant_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }), status: 400, code: 'INVALID_REQUEST', field: 'merchant_metadata' },
    ];
    for (const c of cases) {
      const res = await h.api('POST', '/pay/v1/paymentlink', c.body);
      assert.equal(res.status, c.status, JSON.stringify({ sent: c.body, got: res.body }));
      assert.equal(res.body.code, c.code);
      if (c.field) assert.equal(res.body.additional_error_details.field, c.field);
    }
    const form = await h.api('POST', '/pay/v1/paymentlink', 'amount=100', { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    assert.equal((await h.control('GET', '/pinelabs/links')).body.length, 0);
  });

  it('fetches by id and by reference, 404 in the envelope for unknown ones', async () => {
    const created = (await h.api('POST', '/pay/v1/paymentlink', seedCreateBody())).body;
    assert.equal((await h.api('GET', `/pay/v1/paymentlink/${created.payment_link_id}`)).body.payment_link_id, created.payment_link_id);
    const byRef = await h.api('GET', `/pay/v1/paymentlink/ref/${created.merchant_payment_link_reference}`);
    assert.equal(byRef.status, 200);
    assert.equal(byRef.body.payment_link_id, created.payment_link_id);
    const missing = await h.api('GET', '/pay/v1/paymentlink/pl-v1-000000000000-aa-nope00');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'NOT_FOUND');
    assert.equal((await h.api('GET', '/pay/v1/paymentlink/ref/no_such_ref')).status, 404);
  });

  it('cancels a CREATED link (sending ORDER_CANCELLED) and refuses to cancel or notify anything else', async () => {
    const created = (await h.api('POST', '/pay/v1/paymentlink', seedCreateBody())).body;
    const notified = await h.api('PATCH', `/pay/v1/paymentlink/${created.payment_link_id}/notify`);
    assert.equal(notified.status, 200);
    const cancelled = await h.api('PUT', `/pay/v1/paymentlink/${created.payment_link_id}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'CANCELLED');
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook!.json.event_type, 'ORDER_CANCELLED');
    assert.equal((hook!.json.data as unknown as { order_id: string }).order_id, created.order_id);
    const again = await h.api('PUT', `/pay/v1/paymentlink/${created.payment_link_id}/cancel`);
    assert.equal(again.status, 422);
    assert.equal(again.body.code, 'INVALID_REQUEST');

    const opened = (await h.api('POST', '/pay/v1/paymentlink', seedCreateBody())).body;
    await fetch(opened.payment_link);
    assert.equal((await h.api('GET', `/pay/v1/paymentlink/${opened.payment_link_id}`)).body.status, 'CLICKED');
    assert.equal((await h.api('PUT', `/pay/v1/paymentlink/${opened.payment_link_id}/cancel`)).status, 422);
    assert.equal((await h.api('PATCH', `/pay/v1/paymentlink/${opened.payment_link_id}/notify`)).status, 422);
  });

  it('plays injected faults on API calls in Pine Labs error shape, never on the token endpoint', async () => {
    await h.control('POST', '/faults', { provider: 'pinelabs', status: 503 });
    const fresh = await h.raw(`${h.base}/auth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: PINE.clientId, client_secret: PINE.clientSecret, grant_type: 'client_credentials' }),
    });
    assert.equal(fresh.status, 200);
    const res = await h.api('POST', '/pay/v1/paymentlink', seedCreateBody());
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'INTERNAL_ERROR');
    assert.equal((await h.api('POST', '/pay/v1/paymentlink', seedCreateBody())).status, 201);
  });
});

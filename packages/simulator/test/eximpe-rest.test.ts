/** The simulated EximPe REST API: auth, validation, the link lifecycle, pagination, expiry and faults. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulator, type RunningSimulator } from '../src/index.ts';
import { AUTH, EXIMPE, seedBody } from './eximpe-fixtures.ts';
import { call } from './helpers.ts';

describe('EximPe REST API (simulated)', () => {
  let sim: RunningSimulator;
  let base: string;
  before(async () => {
    sim = await startSimulator({ port: 0, log: false, eximpe: { clientId: EXIMPE.clientId, clientSecret: EXIMPE.clientSecret } });
    base = `${sim.url}/eximpe`;
  });
  beforeEach(() => sim.control.reset());
  after(() => sim.close());

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH) => call(`${base}${path}`, method, body, headers);
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await api('POST', '/pg/payment-links/', seedBody(overrides));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data as { payment_id: string; link_id: string; payment_link: string; expiry_date: string };
  };

  it('requires X-Client-ID and X-Client-Secret, and refuses a malformed X-API-Version', async () => {
    for (const headers of <Record<string, string>[]>[{}, { ...AUTH, 'X-Client-Secret': 'wrong' }, { 'X-Client-ID': EXIMPE.clientId }]) {
      const res = await api('GET', '/pg/payment-links/', undefined, headers);
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { success: false, error: { code: 'AUTHENTICATION_FAILED', message: 'Invalid client credentials' } });
    }
    assert.equal((await api('GET', '/pg/payment-links/', undefined, { ...AUTH, 'X-API-Version': 'latest' })).status, 400);
    const { 'X-API-Version': _omitted, ...withoutVersion } = AUTH;
    assert.equal((await api('GET', '/pg/payment-links/', undefined, withoutVersion)).status, 200, 'the account default applies');
  });

  it("creates a link from the seed's body and answers both id keys", async () => {
    const body = seedBody();
    const res = await api('POST', '/pg/payment-links/', body);
    assert.equal(res.status, 201);
    assert.equal(res.body.success, true);
    assert.equal(res.body.message, 'Payment link created successfully');
    const data = res.body.data;
    assert.match(data.payment_id, /^PR\d{10}$/);
    assert.equal(data.link_id, data.payment_id);
    assert.equal(data.payment_link, `${base}/pay/${data.payment_id}`);
    assert.equal(data.status, 'ACTIVE');
    assert.equal(data.expiry_date, body.expiry_date);
    assert.equal(data.amount, '1500.00');
    assert.equal(data.currency, 'INR');
  });

  it('retrieves the whole link, and answers 404 "Payment link not found"', async () => {
    const { payment_id } = await create({ reference_id: 'LINK_12345' });
    const res = await api('GET', `/pg/payment-links/${payment_id}/`);
    assert.equal(res.status, 200);
    const link = res.body.data;
    assert.equal(link.reference_id, 'LINK_12345');
    assert.equal(link.amount, '1500.00');
    assert.equal(link.status, 'ACTIVE');
    assert.equal(link.status_message, null);
    assert.equal(link.buyer.email, 'alice@example.com');
    assert.equal(link.product.hs_code, '998311');
    assert.deepEqual(link.invoice, { number: 'INV-2024-001', date: '2024-10-01', file: null });
    assert.equal(link.settlement, null);
    const missing = await api('GET', '/pg/payment-links/PR0000000000/');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { success: false, error: { code: 'NOT_FOUND', message: 'Payment link not found' } });
  });

  it('redirects a path without its trailing slash instead of serving it', async () => {
    const res = await api('POST', '/pg/payment-links', seedBody());
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/eximpe/pg/payment-links/');
    assert.equal(sim.control.eximpe!.links().length, 0);
  });

  it('validates the required fields, DRF style', async () => {
    const res = await api('POST', '/pg/payment-links/', { amount: '1500.00', currency: 'INR', reference_id: 'R1' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(res.body.error.details, {
      buyer: ['This field is required.'],
      product: ['This field is required.'],
      invoice: ['This field is required.'],
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: '1.005' }, 'amount'],
      [{ amount: '0.00' }, 'amount'],
      [{ amount: 'ten' }, 'amount'],
      [{ currency: 'USD' }, 'currency'],
      [{ expiry_date: '2020-01-01T00:00:00Z' }, 'expiry_date'],
      [{ expiry_date: '31/12/2030' }, 'expiry_date'],
      [{ buyer: { name: 'A', email: 'not-an-email' } }, 'buyer.email'],
      [{ buyer: { name: 'A', phone: '98765' } }, 'buyer.phone'],
      [{ product: { description: 'no name' } }, 'product.name'],
      [{ invoice: { date: '2024-10-01' } }, 'invoice.number'],
    ];
    for (const [overrides, field] of cases) {
      const r = await api('POST', '/pg/payment-links/', seedBody(overrides));
      assert.equal(r.status, 400, `${JSON.stringify(overrides)} → ${JSON.stringify(r.body)}`);
      assert.deepEqual(Object.keys(r.body.error.details), [field], JSON.stringify(r.body.error.details));
    }
    assert.equal(sim.control.eximpe!.links().length, 0);
  });

  it('refuses a second link with the same reference_id', async () => {
    await create({ reference_id: 'DUP_1' });
    const res = await api('POST', '/pg/payment-links/', seedBody({ reference_id: 'DUP_1' }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.details, { reference_id: ['Payment link with this reference_id already exists.'] });
  });

  it('takes the v2 numeric amount, a missing currency, and defaults the expiry to one year', async () => {
    const { expiry_date: _unused, ...body } = seedBody({ amount: 123.5 });
    delete (body as Record<string, unknown>).currency;
    const res = await api('POST', '/pg/payment-links/', body);
    assert.equal(res.status, 201);
    assert.equal(res.body.data.amount, '123.50');
    const years = (Date.parse(res.body.data.expiry_date) - sim.control.now()) / (365 * 24 * 3600_000);
    assert.ok(Math.abs(years - 1) < 0.001, `expiry in ${years} years`);
  });

  it('deactivates an active link once, answering {success, message}', async () => {
    const { payment_id } = await create();
    const res = await api('POST', `/pg/payment-links/${payment_id}/deactivate/`);
    assert.deepEqual(res.body, { success: true, message: 'Payment link deactivated successfully' });
    const link = (await api('GET', `/pg/payment-links/${payment_id}/`)).body.data;
    assert.equal(link.status, 'INACTIVE');
    assert.equal(link.status_message, 'Payment link deactivated');
    const again = await api('POST', `/pg/payment-links/${payment_id}/deactivate/`);
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'INVALID_STATE');
  });

  it('extends the expiry of an active link only', async () => {
    const { payment_id } = await create();
    const later = new Date(Date.now() + 30 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const res = await api('POST', `/pg/payment-links/${payment_id}/extend_expiry/`, { expiry_date: later });
    assert.deepEqual(res.body, { success: true, message: 'Payment link expiry extended successfully' });
    assert.equal((await api('GET', `/pg/payment-links/${payment_id}/`)).body.data.expiry_date, later);
    const missing = await api('POST', `/pg/payment-links/${payment_id}/extend_expiry/`, {});
    assert.deepEqual(missing.body.error.details, { expiry_date: ['This field is required.'] });
    await api('POST', `/pg/payment-links/${payment_id}/deactivate/`);
    assert.equal((await api('POST', `/pg/payment-links/${payment_id}/extend_expiry/`, { expiry_date: later })).status, 400);
  });

  it('shares a link to an email or phone list, and refuses an empty one', async () => {
    const { payment_id } = await create();
    const res = await api('POST', `/pg/payment-links/${payment_id}/share/`, { email: ['a@b.co'], phone: ['+919876543210'] });
    assert.deepEqual(res.body, { success: true, message: 'Payment link shared successfully' });
    assert.equal((await api('POST', `/pg/payment-links/${payment_id}/share/`, {})).status, 400);
    assert.equal((await api('POST', `/pg/payment-links/${payment_id}/share/`, { email: ['nope'] })).status, 400);
  });

  it('lists newest first with page and page_size, and 404s a page past the end', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create({ reference_id: `L${i}`, amount: `${i + 1}0.00` })).payment_id);
    const first = await api('GET', '/pg/payment-links/?page=1&page_size=2');
    assert.equal(first.body.data.count, 3);
    assert.deepEqual(first.body.data.results.map((r: { payment_id: string }) => r.payment_id), [ids[2], ids[1]]);
    assert.deepEqual(first.body.data.results[0].amount, { amount: '30.00', total_amount: '30.00', currency: 'INR' });
    assert.equal(first.body.data.previous, null);
    assert.equal(first.body.data.next, `${base}/pg/payment-links/?page=2&page_size=2`);
    const second = await api('GET', '/pg/payment-links/?page=2&page_size=2');
    assert.deepEqual(second.body.data.results.map((r: { payment_id: string }) => r.payment_id), [ids[0]]);
    assert.equal(second.body.data.next, null);
    const past = await api('GET', '/pg/payment-links/?page=3&page_size=2');
    assert.equal(past.status, 404);
    assert.equal(past.body.error.message, 'Invalid page.');
    assert.equal((await api('GET', '/pg/payment-links/')).body.data.results.length, 3, 'page_size defaults to 10');
  });

  it('expires an active link once the simulator clock passes expiry_date, and then refuses to extend it', async () => {
    const { payment_id } = await create({ expiry_date: new Date(Date.now() + 3600_000).toISOString() });
    await sim.control.advanceClock(3600_000 + 1000);
    const link = (await api('GET', `/pg/payment-links/${payment_id}/`)).body.data;
    assert.equal(link.status, 'EXPIRED');
    assert.equal(link.status_message, 'Payment link expired');
    const later = new Date(sim.control.now() + 3600_000).toISOString();
    assert.equal((await api('POST', `/pg/payment-links/${payment_id}/extend_expiry/`, { expiry_date: later })).body.error.code, 'INVALID_STATE');
    await assert.rejects(sim.control.eximpe!.pay(payment_id), /expired/);
  });

  it('plays injected faults in its own error shape', async () => {
    sim.control.injectFault('eximpe', { status: 503 });
    const res = await api('GET', '/pg/payment-links/');
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { success: false, error: { code: 'SERVER_ERROR', message: 'Internal server error' } });
    assert.equal((await api('GET', '/pg/payment-links/')).status, 200);
  });
});

/** The legacy Payment Links REST API (`/v1/invoices` with `type=link`): the seed's rules, shapes and errors. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Razorpay from 'razorpay';
import { type Harness, pause, RZP, startHarness } from './helpers.ts';
import { createLegacyLink, legacyLinkBody } from './razorpay-invoices.fixtures.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Razorpay legacy payment links (/v1/invoices)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  const create = (overrides: Record<string, unknown> = {}) => createLegacyLink(h, overrides);
  const refused = async (overrides: Record<string, unknown>, field: string | null, description: RegExp | string) => {
    const res = await h.api('POST', '/v1/invoices', legacyLinkBody(overrides));
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'BAD_REQUEST_ERROR');
    assert.equal(res.body.error.field, field);
    if (typeof description === 'string') assert.equal(res.body.error.description, description);
    else assert.match(res.body.error.description, description);
  };

  it('creates an issued link: an invoice entity of type link with a short_url', async () => {
    const before = nowSeconds();
    const res = await h.api('POST', '/v1/invoices', legacyLinkBody({ receipt: 'TS1989' }));
    assert.equal(res.status, 200);
    const inv = res.body;
    assert.match(inv.id, /^inv_[A-Za-z0-9]{14}$/);
    assert.equal(inv.entity, 'invoice');
    assert.equal(inv.type, 'link');
    assert.equal(inv.status, 'issued');
    assert.ok(inv.issued_at >= before && inv.created_at >= before);
    assert.equal(inv.amount, 1000);
    assert.equal(inv.amount_paid, 0);
    assert.equal(inv.amount_due, 1000);
    assert.equal(inv.currency, 'INR');
    assert.equal(inv.currency_symbol, '₹');
    assert.equal(inv.receipt, 'TS1989');
    assert.equal(inv.invoice_number, 'TS1989');
    assert.equal(inv.description, 'Payment for policy no #23456');
    assert.equal(inv.customer_details.customer_email, 'gaurav.kumar@example.com');
    assert.equal(inv.customer_details.contact, '+919876543210');
    assert.match(inv.order_id, /^order_[A-Za-z0-9]{14}$/);
    assert.equal(inv.payment_id, null);
    assert.equal(inv.partial_payment, false);
    assert.equal(inv.sms_status, 'pending', 'sms_notify 0: the merchant notifies');
    assert.equal(inv.email_status, 'pending');
    assert.deepEqual(inv.notes, { policy_name: 'Life Insurance Policy' });
    assert.equal(inv.short_url, `${h.base}/i/${inv.short_url.split('/').pop()}`);
    assert.match(inv.short_url, /\/i\/[A-Za-z0-9]{7}$/, 'seven-character legacy code');
    await pause(50);
    assert.equal(h.receiver.received.length, 0, 'creating sends no webhook');
  });

  it('applies the seed defaults: INR, notifications by Razorpay, no partial payments, no expiry', async () => {
    const res = await h.api('POST', '/v1/invoices', { type: 'link', amount: 500, description: 'Tea' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.currency, 'INR');
    assert.equal(res.body.sms_status, 'sent');
    assert.equal(res.body.email_status, 'sent');
    assert.equal(res.body.partial_payment, false);
    assert.equal(res.body.view_less, true);
    assert.equal(res.body.expire_by, null);
    assert.equal(res.body.receipt, null);
    const flags = await h.api('POST', '/v1/invoices', legacyLinkBody({ sms_notify: true, email_notify: '0', partial_payment: '1', view_less: false }));
    assert.equal(flags.status, 200, JSON.stringify(flags.body));
    assert.deepEqual([flags.body.sms_status, flags.body.email_status, flags.body.partial_payment, flags.body.view_less], ['sent', 'pending', true, false]);
  });

  it('requires type=link, amount and description (the seed\'s mandatory parameters)', async () => {
    await refused({ type: undefined }, 'type', 'The type field is required.');
    await refused({ type: 'invoice' }, 'type', /only payment links are simulated/);
    await refused({ type: 'upi' }, 'type', 'The selected type is invalid.');
    await refused({ amount: undefined }, 'amount', 'The amount field is required.');
    await refused({ amount: 10.5 }, 'amount', 'The amount must be an integer.');
    await refused({ description: undefined }, 'description', 'The description field is required.');
    await refused({ description: '' }, 'description', 'The description field is required.');
  });

  it('refuses amounts below 1.00, three-decimal amounts not ending in 0, and unknown fields', async () => {
    await refused({ amount: 99 }, 'amount', 'The amount must be atleast INR 1.00');
    await refused({ currency: 'KWD', amount: 1005 }, 'amount', 'The amount for KWD must end with 0');
    await refused({ line_items: [{ name: 'x', amount: 100 }] }, 'line_items', 'wrong input fields sent.');
    await refused({ callback_url: 'https://shop.test/back' }, 'callback_url', 'wrong input fields sent.');
    await refused({ customer: { name: 'A', address: 'x' } }, 'customer.address', 'wrong input fields sent.');
  });

  it('keeps receipt unique, across creates and updates', async () => {
    await create({ receipt: 'INV-42' });
    await refused({ receipt: 'INV-42' }, 'receipt', 'The receipt has already been taken.');
    const other = await create({ receipt: 'INV-43' });
    const patch = await h.api('PATCH', `/v1/invoices/${other.id}`, { receipt: 'INV-42' });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.error.field, 'receipt');
  });

  it('refuses an expire_by in the past, and first_payment_min_amount without partial payments', async () => {
    await refused({ expire_by: nowSeconds() - 10 }, 'expire_by', 'The expire by must be a timestamp in the future.');
    await refused({ first_payment_min_amount: 200 }, 'first_payment_min_amount', /only when partial_payment is true/);
  });

  it('fetches by id; an unknown id is the documented 400', async () => {
    const inv = await create();
    const res = await h.api('GET', `/v1/invoices/${inv.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, inv);
    const unknown = await h.api('GET', '/v1/invoices/inv_DoesNotExist00');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.description, 'The id provided does not exist');
    assert.equal(unknown.body.error.field, 'id');
  });

  it('lists in the Invoices collection wrapper: by receipt, by payment_id, by type, newest first', async () => {
    const a = await create({ receipt: 'R-1' });
    const b = await create({ receipt: 'R-2' });
    const c = await create({ receipt: 'R-3' });
    const all = await h.api('GET', '/v1/invoices?type=link');
    assert.deepEqual(Object.keys(all.body), ['entity', 'count', 'items']);
    assert.equal(all.body.entity, 'collection');
    assert.equal(all.body.count, 3);
    assert.deepEqual(all.body.items.map((i: { id: string }) => i.id), [c.id, b.id, a.id]);
    const page = await h.api('GET', '/v1/invoices?count=1&skip=1');
    assert.deepEqual(page.body.items.map((i: { id: string }) => i.id), [b.id]);
    const byReceipt = await h.api('GET', '/v1/invoices?receipt=R-2');
    assert.deepEqual(byReceipt.body.items.map((i: { id: string }) => i.id), [b.id]);
    const paid = await h.control('POST', `/razorpay/invoices/${a.id}/pay`, {});
    const byPayment = await h.api('GET', `/v1/invoices?payment_id=${paid.body.payment_id}`);
    assert.deepEqual(byPayment.body.items.map((i: { id: string }) => i.id), [a.id]);
    assert.deepEqual((await h.api('GET', '/v1/invoices?type=invoice')).body.items, []);
    const bad = await h.api('GET', '/v1/invoices?reference_id=R-1');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'reference_id');
  });

  it('updates expire_by, receipt and partial_payment while issued; only notes once partially paid', async () => {
    const inv = await create({ amount: 1000 });
    const expireBy = nowSeconds() + 30 * 24 * 3600;
    const res = await h.api('PATCH', `/v1/invoices/${inv.id}`, { expire_by: expireBy, receipt: 'NEW-RCPT', partial_payment: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.expire_by, res.body.receipt, res.body.invoice_number, res.body.partial_payment], [expireBy, 'NEW-RCPT', 'NEW-RCPT', true]);
    await h.control('POST', `/razorpay/invoices/${inv.id}/pay`, { amount: 300 });
    const late = await h.api('PATCH', `/v1/invoices/${inv.id}`, { expire_by: expireBy + 60 });
    assert.equal(late.status, 400);
    assert.equal(late.body.error.description, 'Operation not allowed for Invoice in partially_paid status.');
    const notes = await h.api('PATCH', `/v1/invoices/${inv.id}`, { notes: { k: 'v' } });
    assert.equal(notes.status, 200);
    assert.deepEqual(notes.body.notes, { k: 'v' });
    const past = await h.api('PATCH', `/v1/invoices/${(await create()).id}`, { expire_by: nowSeconds() - 1 });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.field, 'expire_by');
    const unknownField = await h.api('PATCH', `/v1/invoices/${inv.id}`, { amount: 5 });
    assert.equal(unknownField.body.error.description, 'wrong input fields sent.');
  });

  it('cancels only an issued link, sending no webhook (the legacy API has no cancelled event)', async () => {
    const inv = await create();
    const res = await h.api('POST', `/v1/invoices/${inv.id}/cancel`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'cancelled');
    assert.ok(res.body.cancelled_at >= inv.issued_at);
    const again = await h.api('POST', `/v1/invoices/${inv.id}/cancel`);
    assert.equal(again.status, 400);
    assert.equal(again.body.error.description, 'Operation not allowed for Invoice in cancelled status.');
    const paid = await create();
    await h.control('POST', `/razorpay/invoices/${paid.id}/pay`, {});
    h.receiver.received.length = 0;
    const paidCancel = await h.api('POST', `/v1/invoices/${paid.id}/cancel`);
    assert.equal(paidCancel.body.error.description, 'Operation not allowed for Invoice in paid status.');
    await pause(50);
    assert.equal(h.receiver.received.length, 0);
  });

  it('sends or resends by sms or email, and refuses another medium', async () => {
    const inv = await create({ email_notify: 0 });
    const res = await h.api('POST', `/v1/invoices/${inv.id}/notify_by/email`);
    assert.deepEqual([res.status, res.body], [200, { success: true }]);
    assert.equal((await h.api('GET', `/v1/invoices/${inv.id}`)).body.email_status, 'sent');
    const bad = await h.api('POST', `/v1/invoices/${inv.id}/notify_by/whatsapp`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.description, 'not a valid notification medium');
  });

  it('shares the REST rules of the current API: Basic auth, JSON bodies, injected faults', async () => {
    const unauth = await h.api('GET', '/v1/invoices', undefined, { Authorization: 'Basic Zm9vOmJhcg==' });
    assert.equal(unauth.status, 401);
    const form = await h.api('POST', '/v1/invoices', 'type=link&amount=1000', { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 400);
    assert.equal(form.body.error.description, 'Content-Type must be application/json');
    await h.control('POST', '/faults', { provider: 'razorpay', status: 503 });
    assert.equal((await h.api('GET', '/v1/invoices')).status, 503);
  });

  it('works with the official razorpay SDK invoices resource', async () => {
    const sdk = new Razorpay({ key_id: RZP.keyId, key_secret: RZP.keySecret });
    (sdk.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = h.base;
    const body = legacyLinkBody({ receipt: 'SDK-LEGACY-1' });
    const created = await sdk.invoices.create(body as unknown as Parameters<typeof sdk.invoices.create>[0]);
    assert.match(created.id, /^inv_/);
    assert.equal((await sdk.invoices.fetch(created.id)).receipt, 'SDK-LEGACY-1');
    const listed = await sdk.invoices.all({ receipt: 'SDK-LEGACY-1' });
    assert.deepEqual(listed.items.map((i) => i.id), [created.id]);
    assert.equal(listed.count, 1);
    const edited = await sdk.invoices.edit(created.id, { partial_payment: true } as Parameters<typeof sdk.invoices.edit>[1]);
    assert.equal(edited.partial_payment, true);
    assert.deepEqual(await sdk.invoices.notifyBy(created.id, 'sms'), { success: true });
    assert.equal((await sdk.invoices.cancel(created.id)).status, 'cancelled');
  });
});

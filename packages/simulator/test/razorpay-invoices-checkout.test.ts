/**
 * Legacy payment links on the hosted checkout, their `invoice.*` webhooks, expiry on the simulator clock and
 * the test controls.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Razorpay from 'razorpay';
import { type Harness, pause, RZP, startHarness } from './helpers.ts';
import { createLegacyLink } from './razorpay-invoices.fixtures.ts';

const HOUR_MS = 3600 * 1000;

describe('Razorpay legacy payment links: checkout, webhooks, expiry, controls', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
    h.receiver.status = 200;
  });
  after(() => h.close());

  const create = (overrides: Record<string, unknown> = {}) => createLegacyLink(h, overrides);
  const page = async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' });
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  const press = async (action: string) => {
    const response = await fetch(new URL(action, h.sim.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location') ?? '' };
  };
  const formActions = (html: string) => [...html.matchAll(/<form method="post" action="([^"]+)">/g)].map((m) => m[1]!);
  const buttons = (html: string) => [...html.matchAll(/<button type="submit"[^>]*>([^<]+)<\/button>/g)].map((m) => m[1]!);
  const fetchInvoice = async (id: string) => (await h.api('GET', `/v1/invoices/${id}`)).body;

  it('renders the same hosted checkout for a legacy link, without a partial button when partial payments are off', async () => {
    const inv = await create({ receipt: 'RCPT-PAGE' });
    const res = await page(inv.short_url);
    assert.equal(res.status, 200);
    assert.ok(res.html.includes('Razorpay (simulated)'));
    assert.ok(res.html.includes('Payment for policy no #23456'));
    assert.ok(res.html.includes('₹10.00'));
    assert.ok(res.html.includes('Awaiting payment'));
    assert.ok(res.html.includes('RCPT-PAGE'));
    assert.ok(res.html.includes(inv.id));
    assert.deepEqual(buttons(res.html), ['Pay ₹10.00', 'Fail this attempt', 'Cancel link']);
    assert.match(res.headers.get('content-security-policy') ?? '', /form-action 'self'(;|$)/, 'no callback origin to allow');
    assert.doesNotMatch(res.html, /<script/i);
  });

  it('pays in full: lands on the result page (no callback URL in the legacy API) after a signed invoice.paid', async () => {
    const inv = await create({ receipt: 'RCPT-PAID' });
    const pay = await press(formActions((await page(inv.short_url)).html)[0]!);
    assert.equal(pay.status, 303);
    assert.match(pay.location, new RegExp(`^/razorpay/i/[A-Za-z0-9]{7}\\?result=paid&payment=pay_[A-Za-z0-9]{14}$`));
    const landing = await page(new URL(pay.location, h.sim.url).href);
    assert.ok(landing.html.includes('Payment successful — you can close this window'));
    assert.deepEqual(buttons(landing.html), []);

    assert.equal(h.receiver.received.length, 1, 'awaited before the redirect');
    const [hook] = h.receiver.received;
    assert.ok(hook);
    const signature = String(hook.headers['x-razorpay-signature']);
    assert.equal(Razorpay.validateWebhookSignature(hook.body, signature, RZP.webhookSecret), true);
    assert.equal(Razorpay.validateWebhookSignature(hook.body, signature, RZP.keySecret), false);
    assert.match(String(hook.headers['x-razorpay-event-id']), /^evt_[A-Za-z0-9]{14}$/);
    assert.equal(hook.json.event, 'invoice.paid');
    assert.equal(hook.json.entity, 'event');
    assert.deepEqual(hook.json.contains, ['payment', 'order', 'invoice']);
    const entity = hook.json.payload.invoice?.entity;
    assert.equal(entity?.id, inv.id);
    assert.equal(entity?.status, 'paid');
    assert.equal(entity?.amount_paid, 1000);
    assert.equal(entity?.amount_due, 0);
    assert.equal(typeof entity?.paid_at, 'number');
    const payment = hook.json.payload.payment?.entity;
    assert.equal(payment?.invoice_id, inv.id);
    assert.equal(payment?.order_id, inv.order_id);
    assert.equal(payment?.status, 'captured');
    assert.equal(payment?.description, `Invoice #${inv.id}`);
    assert.equal(hook.json.payload.order?.entity.receipt, 'RCPT-PAID');
    assert.equal(hook.json.payload.order?.entity.status, 'paid');

    const after = await fetchInvoice(inv.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.payment_id, payment?.id);
    assert.ok((await page(inv.short_url)).html.includes('This payment link has been paid.'));
  });

  it('pays partially (first_payment_min_amount or half), then the rest: invoice.partially_paid, then invoice.paid', async () => {
    const inv = await create({ amount: 1000, partial_payment: 1, first_payment_min_amount: 700 });
    const first = await page(inv.short_url);
    assert.deepEqual(buttons(first.html), ['Pay ₹10.00', 'Pay partially (₹7.00)', 'Fail this attempt', 'Cancel link']);
    const partial = await press(formActions(first.html)[1]!);
    const mid = await page(new URL(partial.location, h.sim.url).href);
    assert.ok(mid.html.includes('Payment of ₹7.00 received. ₹3.00 is still due.'));
    assert.equal(h.receiver.received[0]?.json.event, 'invoice.partially_paid');
    assert.equal(h.receiver.received[0]?.json.payload.invoice?.entity.amount_paid, 700);
    assert.deepEqual((({ status, amount_paid, amount_due }) => ({ status, amount_paid, amount_due }))(await fetchInvoice(inv.id)), {
      status: 'partially_paid',
      amount_paid: 700,
      amount_due: 300,
    });
    const second = await page(inv.short_url);
    assert.deepEqual(buttons(second.html), ['Pay ₹3.00', 'Fail this attempt'], 'a partially paid link cannot be cancelled');
    await press(formActions(second.html)[0]!);
    assert.equal(h.receiver.received[1]?.json.event, 'invoice.paid');
    assert.equal((await fetchInvoice(inv.id)).amount_paid, 1000);
  });

  it('a failed attempt changes nothing; cancelling from the page sends no webhook', async () => {
    const inv = await create();
    const fail = await press(formActions((await page(inv.short_url)).html)[1]!);
    assert.match(fail.location, /\?result=failed$/);
    assert.ok((await page(new URL(fail.location, h.sim.url).href)).html.includes('Payment failed, try again'));
    assert.equal((await fetchInvoice(inv.id)).status, 'issued');
    const cancel = await press(formActions((await page(inv.short_url)).html)[2]!);
    assert.equal(cancel.status, 303);
    assert.equal((await fetchInvoice(inv.id)).status, 'cancelled');
    const cancelled = await page(inv.short_url);
    assert.ok(cancelled.html.includes('This payment link was cancelled.'));
    assert.deepEqual(buttons(cancelled.html), []);
    await pause(50);
    assert.equal(h.receiver.received.length, 0);
    // A POST to a pay button of a cancelled link does nothing.
    await press(`${new URL(inv.short_url).pathname}/pay`);
    assert.equal((await fetchInvoice(inv.id)).status, 'cancelled');
  });

  it('expires on the simulator clock and sends invoice.expired (only the invoice) exactly once; no expire_by never expires', async () => {
    const inv = await create({ expire_by: Math.floor(Date.now() / 1000) + 3600 });
    const forever = await create({ expire_by: undefined });
    await h.control('POST', '/clock', { advanceMs: HOUR_MS + 1000 });
    const after = await fetchInvoice(inv.id);
    assert.equal(after.status, 'expired');
    assert.equal(after.expired_at, inv.expire_by);
    assert.equal((await fetchInvoice(forever.id)).status, 'issued');
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.event, 'invoice.expired');
    assert.deepEqual(hook?.json.contains, ['invoice']);
    assert.equal(hook?.json.payload.invoice?.entity.status, 'expired');
    await h.control('POST', '/clock', { advanceMs: HOUR_MS });
    await pause(700);
    assert.equal(h.receiver.received.length, 1, 'expired once');
    const expiredPage = await page(inv.short_url);
    assert.ok(expiredPage.html.includes('This payment link has expired.'));
    assert.deepEqual(buttons(expiredPage.html), []);
  });

  it('controls: list, pay, force statuses with or without a webhook', async () => {
    const a = await create();
    const b = await create();
    const paid = await h.control('POST', `/razorpay/invoices/${a.id}/pay`, { amount: 1000 });
    assert.equal(paid.body.status, 'paid');
    const listed = await h.control('GET', '/razorpay/invoices');
    assert.deepEqual(listed.body.map((i: { id: string; status: string }) => [i.id, i.status]), [[a.id, 'paid'], [b.id, 'issued']]);
    assert.deepEqual((await h.control('GET', '/razorpay/links')).body, [], 'legacy links are not current payment links');
    const partialRefused = await h.control('POST', `/razorpay/invoices/${b.id}/pay`, { amount: 100 });
    assert.equal(partialRefused.status, 400);
    assert.match(partialRefused.body.error, /partial payments are not enabled/);

    h.receiver.received.length = 0;
    const silent = await h.control('POST', `/razorpay/invoices/${b.id}/status`, { status: 'expired', webhook: false });
    assert.equal(silent.body.status, 'expired');
    await pause(50);
    assert.equal(h.receiver.received.length, 0);
    // A payment landing after expiry: forced `paid` on the expired link.
    const late = await h.control('POST', `/razorpay/invoices/${b.id}/status`, { status: 'paid' });
    assert.equal(late.body.status, 'paid');
    assert.equal(h.receiver.received[0]?.json.event, 'invoice.paid');

    const c = await create();
    const cancelled = await h.control('POST', `/razorpay/invoices/${c.id}/status`, { status: 'cancelled' });
    assert.equal(cancelled.body.status, 'cancelled');
    const d = await create();
    await h.control('POST', `/razorpay/invoices/${d.id}/status`, { status: 'expired' });
    assert.equal(h.receiver.received[1]?.json.event, 'invoice.expired', 'cancel sent nothing, expiry did');
    assert.equal(h.receiver.received.length, 2);
  });

  it('duplicate mode sends each invoice event twice with one event id; disabled sends none', async () => {
    const inv = await create();
    await h.control('POST', '/razorpay/webhooks', { duplicate: true });
    await h.sim.control.razorpay?.payInvoice(inv.id);
    assert.equal(h.receiver.received.length, 2);
    assert.equal(h.receiver.received[0]?.headers['x-razorpay-event-id'], h.receiver.received[1]?.headers['x-razorpay-event-id']);
    assert.equal(h.receiver.received[0]?.body, h.receiver.received[1]?.body);
    await h.control('POST', '/razorpay/webhooks', { duplicate: false, enabled: false });
    const other = await create();
    const paid = await h.sim.control.razorpay?.payInvoice(other.id);
    assert.equal(paid?.status, 'paid');
    assert.equal(h.receiver.received.length, 2);
    const deliveries = (await h.control('GET', '/deliveries?provider=razorpay')).body;
    assert.deepEqual(deliveries.map((d: { event: string }) => d.event), ['invoice.paid', 'invoice.paid']);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type PayEngineHarness, seedBody, startPayEngineHarness, verifyPayEngineSignature } from './payengine-helpers.ts';

describe('PayEngine hosted payment page (simulated)', () => {
  let h: PayEngineHarness;
  before(async () => {
    h = await startPayEngineHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  /** Creates a link and waits for its PAYMENTLINK_CREATED, so later counts start from a known point. */
  const create = async (data: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/api/payment-link', seedBody({ amount: '49.00', sales_tax: undefined, ...data }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await h.receiver.waitFor(h.receiver.received.length + 1);
    return res.body as { payment_link_id: string; payment_link_url: string };
  };
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
  const buttons = (html: string) => [...html.matchAll(/<button type="submit"[^>]*>([^<]+)<\/button>/g)].map((m) => m[1]!);
  const action = (html: string, label: string) => {
    const match = [...html.matchAll(/<form method="post" action="([^"]+)"><button type="submit"[^>]*>([^<]+)<\/button>/g)].find((m) => m[2] === label);
    assert.ok(match, `a "${label}" button`);
    return match[1]!;
  };
  const status = async (id: string) => (await h.api('GET', `/api/payment-link/${id}`)).body.payment_link_status as string;

  it('renders the amount, one button per payment method, a strict CSP, and not internal_transaction_id', async () => {
    const link = await create();
    const res = await page(link.payment_link_url);
    assert.equal(res.status, 200);
    assert.ok(res.html.includes('PayEngine (simulated)'));
    assert.ok(res.html.includes('A coffee cup in the morning'));
    assert.ok(res.html.includes('$49.00'));
    assert.ok(res.html.includes('Awaiting payment'));
    assert.deepEqual(buttons(res.html), ['Pay $49.00 by card', 'Pay $49.00 by bank account (ACH)', 'Fail this attempt', 'Cancel link']);
    // "Note: This ID won't be displayed in the payment link" (seed, internal_transaction_id).
    assert.ok(!res.html.includes('ID1'));
    assert.doesNotMatch(res.html, /<script/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });

  it('pays by card: PAYMENT_SALE then PAYMENTLINK_UPDATED (COMPLETED), both signed, before the 303; then no buttons', async () => {
    const link = await create();
    const res = await press(action((await page(link.payment_link_url)).html, 'Pay $49.00 by card'));
    assert.equal(res.status, 303);
    assert.equal(res.location, `/payengine/pay/${link.payment_link_id}?result=paid`);
    // Awaited before the redirect: already here, no waiting.
    const events = h.events().slice(1);
    assert.deepEqual(events.map((e) => e.event), ['PAYMENT_SALE', 'PAYMENTLINK_UPDATED']);
    const [sale, updated] = events as [(typeof events)[0], (typeof events)[0]];
    assert.equal(sale.data.payment_link_id, link.payment_link_id);
    assert.equal(sale.data.internal_transaction_id, 'ID1');
    assert.equal(sale.data.payment_method, 'CC_DC');
    assert.deepEqual({ ...(sale.data.auth_response as object), transactionID: undefined }, { status: 'PASS', totalAmount: '49.00', responseCode: 'A0000', transactionID: undefined, partialPayment: false });
    assert.equal(updated.data.payment_link_status, 'COMPLETED');
    for (const event of events) {
      const verdict = verifyPayEngineSignature(event.signature, event.body);
      assert.equal(verdict.ok, true);
      assert.ok(Math.abs(verdict.t - Date.now() / 1000) < 60, 'stamped with the current time');
    }
    assert.equal(await status(link.payment_link_id), 'COMPLETED');
    const after = await page(new URL(res.location, h.sim.url).href);
    assert.ok(after.html.includes('Payment successful'));
    assert.deepEqual(buttons(after.html), []);
    // Pressing Pay again on a completed link pays nothing more.
    await press(`/payengine/pay/${link.payment_link_id}/pay-card`);
    assert.equal((await h.control('GET', `/payengine/links/${link.payment_link_id}/transactions`)).body.length, 1);
  });

  it('pays by ACH with the ACH amount when use_same_amount is false', async () => {
    const link = await create({ amount: undefined, use_same_amount: false, cc_amount: '51.47', ach_amount: '49.00' });
    const html = (await page(link.payment_link_url)).html;
    assert.deepEqual(buttons(html).slice(0, 2), ['Pay $51.47 by card', 'Pay $49.00 by bank account (ACH)']);
    await press(action(html, 'Pay $49.00 by bank account (ACH)'));
    const [transaction] = (await h.control('GET', `/payengine/links/${link.payment_link_id}/transactions`)).body;
    assert.equal(transaction.method, 'ACH');
    assert.equal(transaction.amount, '49.00');
  });

  it('shows only the accepted method, and keeps a multi-use link ACTIVE after a payment', async () => {
    const link = await create({ payment_methods: ['ACH'], one_time_only: false });
    const html = (await page(link.payment_link_url)).html;
    assert.deepEqual(buttons(html), ['Pay $49.00 by bank account (ACH)', 'Fail this attempt', 'Cancel link']);
    const res = await press(action(html, 'Pay $49.00 by bank account (ACH)'));
    assert.equal(await status(link.payment_link_id), 'ACTIVE');
    assert.deepEqual(h.events().slice(1).map((e) => e.event), ['PAYMENT_SALE']);
    assert.ok((await page(new URL(res.location, h.sim.url).href)).html.includes('Payment received. This link can be paid again.'));
    // The card path is not accepted on this link: nothing is paid.
    await press(`/payengine/pay/${link.payment_link_id}/pay-card`);
    assert.equal((await h.control('GET', `/payengine/links/${link.payment_link_id}/transactions`)).body.length, 1);
  });

  it('a failed attempt sends PAYMENT_FAILED and leaves the link payable', async () => {
    const link = await create();
    const res = await press(action((await page(link.payment_link_url)).html, 'Fail this attempt'));
    assert.equal(res.location, `/payengine/pay/${link.payment_link_id}?result=failed`);
    const [failed] = h.events().slice(1);
    assert.equal(failed?.event, 'PAYMENT_FAILED');
    assert.equal((failed?.data.auth_response as { status: string }).status, 'FAIL');
    assert.equal(await status(link.payment_link_id), 'ACTIVE');
    const html = (await page(new URL(res.location, h.sim.url).href)).html;
    assert.ok(html.includes('Payment declined, try again'));
    assert.equal(buttons(html)[0], 'Pay $49.00 by card');
  });

  it('cancel from the page sends PAYMENTLINK_CANCELLED and leaves a page without buttons', async () => {
    const link = await create();
    await press(action((await page(link.payment_link_url)).html, 'Cancel link'));
    assert.deepEqual(h.events().slice(1).map((e) => [e.event, e.data]), [['PAYMENTLINK_CANCELLED', { payment_link_id: link.payment_link_id }]]);
    const html = (await page(link.payment_link_url)).html;
    assert.ok(html.includes('This payment link was cancelled.'));
    assert.deepEqual(buttons(html), []);
  });

  it('answers an unknown slug with a 404 page, and serves a QR stand-in', async () => {
    assert.equal((await page(`${h.base}/pay/nothing-here`)).status, 404);
    const link = await create({ slug_id: 'my-slug' });
    assert.equal(link.payment_link_url, `${h.base}/pay/my-slug`);
    const qr = await fetch(`${link.payment_link_url}/qr`);
    assert.equal(qr.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await qr.text(), new RegExp(`QR ${link.payment_link_id}`));
  });
});

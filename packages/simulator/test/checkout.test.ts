import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils.js';
import { type Harness, RZP, seedLikeBody, startHarness } from './helpers.ts';

describe('Razorpay hosted checkout', () => {
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

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody(overrides));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; short_url: string; reference_id: string };
  };
  const page = async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' });
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  /** Submits one of the page's forms the way a browser does: POST, form-encoded, empty body. */
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

  it('renders the page with the amount, status, real buttons and a strict CSP', async () => {
    const link = await create();
    const res = await page(link.short_url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(res.html.includes('Razorpay (simulated)'));
    assert.ok(res.html.includes('Payment for policy no #23456'));
    assert.ok(res.html.includes('₹10.00'), 'amount formatted from 1000 paise');
    assert.ok(res.html.includes('Awaiting payment'));
    assert.ok(res.html.includes('<meta name="color-scheme" content="light dark">'));
    assert.deepEqual(buttons(res.html), ['Pay ₹10.00', 'Pay partially (₹5.00)', 'Fail this attempt', 'Cancel link']);
    assert.doesNotMatch(res.html, /<script/i);
    assert.doesNotMatch(res.html, /\son[a-z]+=/i, 'no inline event handlers');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.match(csp, /form-action 'self' https:\/\/example-callback-url\.com/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });

  it('hashes exactly the inline style the page carries', async () => {
    const { createHash } = await import('node:crypto');
    const res = await page((await create()).short_url);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    assert.ok((res.headers.get('content-security-policy') ?? '').includes(`'sha256-${hash}'`));
  });

  it('pays in full: 303 to the callback with a signature the official SDK verifies, and a verified webhook', async () => {
    const link = await create({ reference_id: 'TSsd1989' });
    const actions = formActions((await page(link.short_url)).html);
    const pay = await press(actions[0]!);
    assert.equal(pay.status, 303);
    const target = new URL(pay.location);
    assert.equal(target.origin + target.pathname, 'https://example-callback-url.com/');
    const q = Object.fromEntries(target.searchParams);
    assert.match(q.razorpay_payment_id ?? '', /^pay_[A-Za-z0-9]{14}$/);
    assert.equal(q.razorpay_payment_link_id, link.id);
    assert.equal(q.razorpay_payment_link_reference_id, 'TSsd1989');
    assert.equal(q.razorpay_payment_link_status, 'paid');
    const verified = validatePaymentVerification(
      {
        payment_link_id: q.razorpay_payment_link_id!,
        payment_link_reference_id: q.razorpay_payment_link_reference_id!,
        payment_link_status: q.razorpay_payment_link_status!,
        payment_id: q.razorpay_payment_id!,
      },
      q.razorpay_signature!,
      RZP.keySecret,
    );
    assert.equal(verified, true);

    // The webhook was awaited before the redirect, so it is already here.
    assert.equal(h.receiver.received.length, 1);
    const [hook] = h.receiver.received;
    assert.ok(hook);
    const signature = String(hook.headers['x-razorpay-signature']);
    assert.equal(Razorpay.validateWebhookSignature(hook.body, signature, RZP.webhookSecret), true);
    assert.equal(Razorpay.validateWebhookSignature(hook.body, signature, RZP.keySecret), false, 'not the API secret');
    assert.match(String(hook.headers['x-razorpay-event-id']), /^evt_[A-Za-z0-9]{14}$/);
    assert.match(String(hook.headers['content-type']), /^application\/json/);
    assert.equal(hook.json.event, 'payment_link.paid');
    assert.equal(hook.json.entity, 'event');
    assert.equal(hook.json.account_id, 'acc_simulator');
    assert.deepEqual(hook.json.contains, ['payment_link', 'order', 'payment']);
    assert.equal(hook.json.payload.payment_link?.entity.status, 'paid');
    assert.equal(hook.json.payload.payment_link?.entity.amount_paid, 1000);
    assert.equal(hook.json.payload.order?.entity.receipt, 'TSsd1989');
    assert.equal(hook.json.payload.order?.entity.product_type, 'payment_link_v2');
    assert.equal(hook.json.payload.payment?.entity.status, 'captured');
    assert.equal(hook.json.payload.payment?.entity.id, q.razorpay_payment_id);

    const after = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(after.body.status, 'paid');
    assert.equal(after.body.amount_paid, 1000);
    assert.deepEqual(
      after.body.payments.map((p: Record<string, unknown>) => [p.payment_id, p.amount, p.status, p.method, p.plink_id]),
      [[q.razorpay_payment_id, 1000, 'captured', 'upi', link.id]],
    );
    const paidPage = await page(link.short_url);
    assert.deepEqual(buttons(paidPage.html), [], 'no pay buttons on a paid link');
    assert.ok(paidPage.html.includes('This payment link has been paid.'));
  });

  it('without callback_url, lands on a success page', async () => {
    const link = await create({ callback_url: undefined, callback_method: undefined });
    const pay = await press(formActions((await page(link.short_url)).html)[0]!);
    assert.equal(pay.status, 303);
    const landing = await page(new URL(pay.location, h.sim.url).href);
    assert.equal(landing.status, 200);
    assert.ok(landing.html.includes('Payment successful — you can close this window'));
    assert.deepEqual(buttons(landing.html), []);
  });

  it('pays partially (first_min_partial_amount or half, whichever is larger), then in full', async () => {
    const link = await create({ amount: 1000, first_min_partial_amount: 700, callback_url: undefined, callback_method: undefined });
    const first = await page(link.short_url);
    assert.ok(buttons(first.html).includes('Pay partially (₹7.00)'));
    await press(formActions(first.html)[1]!);
    const mid = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(mid.body.status, 'partially_paid');
    assert.equal(mid.body.amount_paid, 700);
    assert.equal(h.receiver.received[0]?.json.event, 'payment_link.partially_paid');
    assert.deepEqual(h.receiver.received[0]?.json.contains, ['payment_link', 'order', 'payment']);

    const second = await page(link.short_url);
    assert.equal(buttons(second.html)[0], 'Pay ₹3.00');
    assert.ok(!buttons(second.html).includes('Cancel link'), 'a partially paid link cannot be cancelled');
    await press(formActions(second.html)[0]!);
    const done = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(done.body.status, 'paid');
    assert.equal(done.body.amount_paid, 1000);
    assert.equal(done.body.payments.length, 2);
    assert.deepEqual(h.receiver.received.map((r) => r.json.event), ['payment_link.partially_paid', 'payment_link.paid']);
  });

  it('offers no partial button when partial payments are off', async () => {
    const link = await create({ accept_partial: false, first_min_partial_amount: undefined });
    assert.deepEqual(buttons((await page(link.short_url)).html), ['Pay ₹10.00', 'Fail this attempt', 'Cancel link']);
  });

  it('a failed attempt leaves the link payable and says so', async () => {
    const link = await create();
    const fail = await press(formActions((await page(link.short_url)).html)[2]!);
    assert.equal(fail.status, 303);
    const after = await page(new URL(fail.location, h.sim.url).href);
    assert.ok(after.html.includes('Payment failed, try again'));
    assert.equal(buttons(after.html)[0], 'Pay ₹10.00');
    const entity = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(entity.body.status, 'created');
    assert.equal(entity.body.payments, null);
    assert.equal(h.receiver.received.length, 0);
  });

  it('the cancel button cancels the link and sends payment_link.cancelled', async () => {
    const link = await create();
    const cancel = await press(formActions((await page(link.short_url)).html)[3]!);
    assert.equal(cancel.status, 303);
    const after = await page(link.short_url);
    assert.ok(after.html.includes('This payment link was cancelled.'));
    assert.deepEqual(buttons(after.html), []);
    assert.equal((await h.api('GET', `/v1/payment_links/${link.id}`)).body.status, 'cancelled');
    assert.equal(h.receiver.received[0]?.json.event, 'payment_link.cancelled');
  });

  it('a webhook the receiver rejects is recorded and the buyer is still redirected', async () => {
    h.receiver.status = 500;
    const link = await create();
    const pay = await press(formActions((await page(link.short_url)).html)[0]!);
    assert.equal(pay.status, 303);
    assert.match(pay.location, /^https:\/\/example-callback-url\.com\/\?razorpay_payment_id=/);
    const deliveries = (await h.control('GET', '/deliveries')).body;
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].status, 500);
    assert.equal(deliveries[0].error, 'receiver answered HTTP 500');
  });

  it('posting to a paid link does not pay twice', async () => {
    const link = await create({ callback_url: undefined, callback_method: undefined });
    const action = formActions((await page(link.short_url)).html)[0]!;
    await press(action);
    const again = await press(action);
    assert.equal(again.status, 303);
    const entity = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(entity.body.payments.length, 1);
    assert.equal(h.receiver.received.length, 1);
  });

  it('answers an unknown code with a 404 page', async () => {
    const res = await page(`${h.base}/i/nope1234`);
    assert.equal(res.status, 404);
    assert.ok(res.html.includes('Payment link not found'));
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { signPinelabsWebhook } from '../src/index.ts';
import { pause } from './helpers.ts';
import { PINE, type PinelabsHarness, seedCreateBody, startPinelabsHarness } from './pinelabs-harness.ts';

describe('Pine Labs hosted page, order webhooks and controls', () => {
  let h: PinelabsHarness;
  before(async () => {
    h = await startPinelabsHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
    h.receiver.status = 200;
  });
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/pay/v1/paymentlink', seedCreateBody(overrides));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { payment_link_id: string; payment_link: string; order_id: string; merchant_payment_link_reference: string };
  };
  const status = async (id: string) => (await h.api('GET', `/pay/v1/paymentlink/${id}`)).body as { status: string; amount_due: { value: number } };
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
  const action = (html: string, suffix: string) => formActions(html).find((a) => a.endsWith(suffix))!;

  it('renders the page, marks the link CLICKED, and offers pay, part-pay, fail and cancel', async () => {
    const link = await create();
    const res = await page(link.payment_link);
    assert.equal(res.status, 200);
    assert.ok(res.html.includes('Pine Labs Online (simulated)'));
    assert.ok(res.html.includes('Payment for Order1'));
    assert.deepEqual(buttons(res.html), ['Pay ₹500.00', 'Pay partially (₹250.00)', 'Fail this attempt', 'Cancel link']);
    assert.doesNotMatch(res.html, /<script/i);
    assert.match(res.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/sample-callback-url\.test https:\/\/sample-failure-callback-url\.test/);
    assert.equal((await status(link.payment_link_id)).status, 'CLICKED');
    const noPart = await create({ part_payment: false });
    assert.deepEqual(buttons((await page(noPart.payment_link)).html), ['Pay ₹500.00', 'Fail this attempt', 'Cancel link']);
    assert.equal((await page(`${h.sim.url}/pinelabs/PLUTUS/zzzzzzz`)).status, 404);
  });

  it('pays in full: PROCESSED, a signed ORDER_PROCESSED delivered before the redirect to callback_url', async () => {
    const link = await create();
    const { html } = await page(link.payment_link);
    const res = await press(action(html, '/pay'));
    assert.equal(res.status, 303);
    assert.equal(res.location, 'https://sample-callback-url.test/done');
    assert.equal(h.receiver.received.length, 1, 'delivered before the redirect');
    const [hook] = h.receiver.received;
    const data = hook!.json.data as unknown as { order_id: string; status: string; merchant_order_reference: string; payments: { status: string; payment_amount: { value: number } }[] };
    assert.equal(hook!.json.event_type, 'ORDER_PROCESSED');
    assert.equal(data.order_id, link.order_id);
    assert.equal(data.merchant_order_reference, link.merchant_payment_link_reference);
    assert.equal(data.status, 'PROCESSED');
    assert.deepEqual(data.payments.map((p) => [p.status, p.payment_amount.value]), [['PROCESSED', 50000]]);
    assert.equal('payment_link_id' in data, false, 'order events do not name the link');
    const id = String(hook!.headers['webhook-id']);
    const ts = String(hook!.headers['webhook-timestamp']);
    assert.match(id, /^msg_[A-Za-z0-9]{24}$/);
    assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 5, 'wall-clock seconds');
    const expected = createHmac('sha256', PINE.webhookSecret).update(`${id}.${ts}.${hook!.body}`).digest('base64');
    assert.equal(hook!.headers['webhook-signature'], `v1,${expected}`);
    const link2 = await status(link.payment_link_id);
    assert.equal(link2.status, 'PROCESSED');
    assert.equal(link2.amount_due.value, 0);
    assert.deepEqual(buttons((await page(link.payment_link)).html), [], 'a paid link has no buttons');
  });

  it('the exported signer reproduces the providers.md §4.6 test vector', () => {
    const body = '{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-250131113650-aa-TUzeRY","status":"PROCESSED"}}';
    assert.equal(
      signPinelabsWebhook(body, { id: 'msg_test_1', timestamp: 1700000000, secret: 'abcdefgwei7egyhuggwp39w8rh' }),
      'v1,NxE0qWjgQklT4pALsTeuDrqLnhSCkWV8knH/eIiLlAQ=',
    );
  });

  it('takes part payments on a part_payment link: PARTIAL_PROCESSED until nothing is due', async () => {
    const link = await create({ callback_url: undefined, failure_callback_url: undefined });
    const first = await press(action((await page(link.payment_link)).html, '/pay-partially'));
    assert.match(first.location, /\?result=paid&paid=25000$/);
    let now = await status(link.payment_link_id);
    assert.equal(now.status, 'PARTIAL_PROCESSED');
    assert.equal(now.amount_due.value, 25000);
    const shown = await page(new URL(first.location, h.sim.url).href);
    assert.ok(shown.html.includes('Payment of ₹250.00 received. ₹250.00 is still due.'));
    await press(action(shown.html, '/pay'));
    now = await status(link.payment_link_id);
    assert.equal(now.status, 'PROCESSED');
    assert.deepEqual(h.receiver.received.map((r) => [r.json.event_type, (r.json.data as unknown as { status: string }).status]), [
      ['ORDER_PROCESSED', 'PARTIALLY_PROCESSED'],
      ['ORDER_PROCESSED', 'PROCESSED'],
    ]);
    const refused = await h.control('POST', `/pinelabs/links/${(await create({ part_payment: false })).payment_link_id}/pay`, { amount: 100 });
    assert.equal(refused.status, 400);
  });

  it('fails an attempt: PAYMENT_INITIATED, PAYMENT_FAILED sent, buyer sent to failure_callback_url, still payable', async () => {
    const link = await create();
    const res = await press(action((await page(link.payment_link)).html, '/fail'));
    assert.equal(res.location, 'https://sample-failure-callback-url.test/failed');
    assert.equal((await status(link.payment_link_id)).status, 'PAYMENT_INITIATED');
    assert.equal(h.receiver.received[0]!.json.event_type, 'PAYMENT_FAILED');
    assert.deepEqual(buttons((await page(link.payment_link)).html), ['Pay ₹500.00', 'Pay partially (₹250.00)', 'Fail this attempt', 'Cancel link']);
    const noFailureUrl = await create({ failure_callback_url: undefined });
    assert.equal((await press(action((await page(noFailureUrl.payment_link)).html, '/fail'))).location, 'https://sample-callback-url.test/done');
  });

  it('cancels from the page (the merchant dashboard) and then shows no buttons', async () => {
    const link = await create();
    const { html } = await page(link.payment_link);
    await press(action(html, '/cancel'));
    assert.equal((await status(link.payment_link_id)).status, 'CANCELLED');
    assert.equal(h.receiver.received[0]!.json.event_type, 'ORDER_CANCELLED');
    const after = await page(link.payment_link);
    assert.deepEqual(buttons(after.html), []);
    assert.ok(after.html.includes('This payment link was cancelled.'));
    assert.equal((await press(action(html, '/pay'))).status, 303);
    assert.equal((await status(link.payment_link_id)).status, 'CANCELLED', 'a stale page cannot pay a cancelled link');
  });

  it('expires links at expire_by by the simulated clock, without any webhook', async () => {
    const link = await create({ expire_by: new Date(Date.now() + 3_600_000).toISOString() });
    await h.control('POST', '/clock', { advanceMs: 3_600_000 + 1000 });
    const links = (await h.control('GET', '/pinelabs/links')).body as { payment_link_id: string; status: string }[];
    assert.equal(links.find((l) => l.payment_link_id === link.payment_link_id)!.status, 'EXPIRED');
    await pause(50);
    assert.equal(h.receiver.received.length, 0);
    const shown = await page(link.payment_link);
    assert.deepEqual(buttons(shown.html), []);
    assert.ok(shown.html.includes('This payment link has expired.'));
  });

  it('controls: pay, force statuses (late payment after expiry), webhooks off and duplicated', async () => {
    const link = await create();
    const paid = await h.control('POST', `/pinelabs/links/${link.payment_link_id}/pay`, { amount: 10000 });
    assert.equal(paid.body.status, 'PARTIAL_PROCESSED');
    const expired = await h.control('POST', `/pinelabs/links/${link.payment_link_id}/status`, { status: 'EXPIRED' });
    assert.equal(expired.body.status, 'EXPIRED');
    const late = await h.control('POST', `/pinelabs/links/${link.payment_link_id}/status`, { status: 'PROCESSED' });
    assert.equal(late.body.status, 'PROCESSED');
    assert.equal(late.body.amount_due.value, 0);

    await h.control('POST', '/pinelabs/webhooks', { duplicate: true });
    const other = await create();
    await h.control('POST', `/pinelabs/links/${other.payment_link_id}/pay`, {});
    const [a, b] = h.receiver.received.slice(-2);
    assert.equal(a!.headers['webhook-id'], b!.headers['webhook-id']);
    assert.equal(a!.body, b!.body);

    const before = h.receiver.received.length;
    await h.control('POST', '/pinelabs/webhooks', { enabled: false, duplicate: false });
    await h.control('POST', `/pinelabs/links/${(await create()).payment_link_id}/pay`, {});
    assert.equal(h.receiver.received.length, before);
    const bad = await h.control('POST', `/pinelabs/links/${link.payment_link_id}/status`, { status: 'PAID' });
    assert.equal(bad.status, 400);
    assert.equal((await h.control('POST', '/pinelabs/links/pl-nope/pay', {})).status, 404);
  });
});

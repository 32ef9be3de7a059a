/** The simulated EximPe payment page, its signed payment webhooks, and the control API. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulator, type RunningSimulator } from '../src/index.ts';
import { AUTH, EXIMPE, seedBody } from './eximpe-fixtures.ts';
import { pause, startWebhookReceiver, type WebhookReceiver } from './helpers.ts';

/** Sorted keys, no whitespace: what EximPe says it signs (providers.md §1.6). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('EximPe payment page and webhooks (simulated)', () => {
  let sim: RunningSimulator;
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
    sim = await startSimulator({ port: 0, log: false, eximpe: { ...EXIMPE, webhookUrl: receiver.url } });
  });
  beforeEach(() => {
    sim.control.reset();
    receiver.received.length = 0;
    receiver.status = 200;
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await fetch(`${sim.url}/eximpe/pg/payment-links/`, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(seedBody(overrides)),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { data: { payment_id: string; payment_link: string } }).data;
  };
  const page = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    return { status: res.status, headers: res.headers, html: await res.text() };
  };
  const press = async (action: string) => {
    const res = await fetch(new URL(action, sim.url), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location') ?? '' };
  };
  const buttons = (html: string) => [...html.matchAll(/<button type="submit"[^>]*>([^<]+)<\/button>/g)].map((m) => m[1]!);
  const actions = (html: string) => [...html.matchAll(/<form method="post" action="([^"]+)">/g)].map((m) => m[1]!);
  const status = (id: string) => sim.control.eximpe!.links().find((l) => l.payment_id === id)!.status;

  it('renders the page at /eximpe/pay/{id} with the amount in rupees and real buttons, no script', async () => {
    const link = await create({ amount: '150000.50', return_url: 'https://shop.test/thanks' });
    const res = await page(link.payment_link);
    assert.equal(res.status, 200);
    assert.ok(res.html.includes('EximPe (simulated)'));
    assert.ok(res.html.includes('Professional consulting for Q4'));
    assert.ok(res.html.includes('₹1,50,000.50'));
    assert.ok(res.html.includes('Awaiting payment'));
    assert.deepEqual(buttons(res.html), ['Pay ₹1,50,000.50', 'Fail this attempt', 'Deactivate link']);
    assert.doesNotMatch(res.html, /<script/i);
    assert.match(res.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/shop\.test/);
    assert.equal((await page(`${sim.url}/eximpe/pay/PR0000000000`)).status, 404);
  });

  it('pays: PAID, a signed PAYMENT_SUCCESSFUL with sorted compact JSON, then back to return_url', async () => {
    const link = await create({ return_url: 'https://shop.test/thanks?pay_link_id=pl_1' });
    const pay = actions((await page(link.payment_link)).html)[0]!;
    const res = await press(pay);
    assert.equal(res.status, 303);
    assert.equal(res.location, 'https://shop.test/thanks?pay_link_id=pl_1');
    // Awaited before the redirect: the webhook is already there.
    assert.equal(receiver.received.length, 1);
    const [hook] = receiver.received;
    assert.equal(hook!.headers['content-type'], 'application/json');
    assert.equal(hook!.headers['user-agent'], 'Eximpe-Webhook/1.0');
    assert.equal(hook!.headers['x-webhook-event'], 'PAYMENT_SUCCESSFUL');
    assert.equal(hook!.headers['x-webhook-signature'], createHmac('sha256', EXIMPE.webhookSecret).update(hook!.body).digest('hex'));
    assert.ok(Math.abs(Number(hook!.headers['x-webhook-timestamp']) - Date.now() / 1000) < 5);
    const event = JSON.parse(hook!.body);
    assert.equal(hook!.body, canonical(event), 'the body is sorted, compact JSON');
    assert.equal(event.event_type, 'PAYMENT_SUCCESSFUL');
    assert.equal(event.version, '1.0');
    assert.match(event.event_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(event.sequence_number, /^[0-9a-f-]{36}$/);
    assert.equal(event.data.payment_id, link.payment_id);
    assert.equal(event.data.status, 'captured');
    assert.match(event.data.order_id, /^OD\d{10}$/);
    assert.equal(event.data.bank_ref_num, `${event.data.order_id}-${link.payment_id}`);
    assert.equal(status(link.payment_id), 'PAID');
    const after = await page(link.payment_link);
    assert.deepEqual(buttons(after.html), [], 'a paid link offers nothing to press');
    assert.ok(after.html.includes('This payment link has been paid.'));
    // Pressing Pay again (a reload) pays nothing more.
    await press(pay);
    assert.equal(receiver.received.length, 1);
  });

  it('without a return_url, shows the result on its own page', async () => {
    const link = await create();
    const res = await press(`/eximpe/pay/${link.payment_id}/pay`);
    assert.equal(res.location, `/eximpe/pay/${link.payment_id}?result=paid`);
    assert.ok((await page(`${sim.url}${res.location}`)).html.includes('Payment successful'));
  });

  it('a failed attempt sends PAYMENT_FAILED and leaves the link payable', async () => {
    const link = await create();
    const res = await press(`/eximpe/pay/${link.payment_id}/fail`);
    assert.equal(res.location, `/eximpe/pay/${link.payment_id}?result=failed`);
    const event = JSON.parse(receiver.received[0]!.body);
    assert.equal(event.event_type, 'PAYMENT_FAILED');
    assert.equal(event.data.status, 'failed');
    assert.equal(event.data.payment_completed_at, null);
    assert.equal(status(link.payment_id), 'ACTIVE');
    const after = await page(`${sim.url}${res.location}`);
    assert.ok(after.html.includes('Payment failed, try again'));
    assert.equal(buttons(after.html).length, 3);
  });

  it('deactivating from the page makes it INACTIVE with no webhook (EximPe has no link events)', async () => {
    const link = await create();
    await press(`/eximpe/pay/${link.payment_id}/cancel`);
    assert.equal(status(link.payment_id), 'INACTIVE');
    const after = await page(link.payment_link);
    assert.deepEqual(buttons(after.html), []);
    assert.ok(after.html.includes('This payment link is inactive.'));
    await pause(50);
    assert.equal(receiver.received.length, 0);
  });

  it('an expired link renders without buttons and cannot be paid from the page', async () => {
    const link = await create({ expiry_date: new Date(Date.now() + 60_000).toISOString() });
    await sim.control.advanceClock(61_000);
    const after = await page(link.payment_link);
    assert.ok(after.html.includes('This payment link has expired.'));
    assert.deepEqual(buttons(after.html), []);
    await press(`/eximpe/pay/${link.payment_id}/pay`);
    assert.equal(status(link.payment_id), 'EXPIRED');
    assert.equal(receiver.received.length, 0);
  });

  it('control: duplicate delivery shares the sequence_number; disabled sends nothing; a forced late payment is signalled', async () => {
    const control = sim.control.eximpe!;
    const one = await create();
    control.configureWebhooks({ duplicate: true });
    await control.pay(one.payment_id);
    assert.equal(receiver.received.length, 2);
    assert.equal(receiver.received[0]!.body, receiver.received[1]!.body);

    control.configureWebhooks({ duplicate: false, enabled: false });
    const two = await create();
    await control.pay(two.payment_id);
    assert.equal(receiver.received.length, 2);
    assert.equal(status(two.payment_id), 'PAID');

    control.configureWebhooks({ enabled: true });
    const three = await create();
    await control.setStatus(three.payment_id, 'expired');
    assert.equal(status(three.payment_id), 'EXPIRED');
    await control.setStatus(three.payment_id, 'paid');
    assert.equal(status(three.payment_id), 'PAID');
    assert.equal(JSON.parse(receiver.received[2]!.body).data.payment_id, three.payment_id);

    // Over HTTP too.
    const four = await create();
    const res = await fetch(`${sim.url}/_control/eximpe/links/${four.payment_id}/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'cancelled' }),
    });
    assert.equal(((await res.json()) as { status: string }).status, 'INACTIVE');
  });

  it('signs with the client secret when no webhookSecret is configured', async () => {
    const other = await startWebhookReceiver();
    const plain = await startSimulator({ port: 0, log: false, eximpe: { clientId: 'c', clientSecret: 'only_the_client_secret', webhookUrl: other.url } });
    try {
      const res = await fetch(`${plain.url}/eximpe/pg/payment-links/`, {
        method: 'POST',
        headers: { 'X-Client-ID': 'c', 'X-Client-Secret': 'only_the_client_secret', 'Content-Type': 'application/json' },
        body: JSON.stringify(seedBody()),
      });
      const { data } = (await res.json()) as { data: { payment_id: string } };
      await plain.control.eximpe!.pay(data.payment_id);
      const [hook] = other.received;
      assert.equal(hook!.headers['x-webhook-signature'], createHmac('sha256', 'only_the_client_secret').update(hook!.body).digest('hex'));
    } finally {
      await plain.close();
      await other.close();
    }
  });
});

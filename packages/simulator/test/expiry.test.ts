import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import { createClock } from '../src/clock.ts';
import { createFaultInjector } from '../src/faults.ts';
import { createRazorpayProvider } from '../src/providers/razorpay.ts';
import { createWebhookSender } from '../src/webhooks.ts';
import { AUTH, type Harness, pause, RZP, seedLikeBody, startHarness, startWebhookReceiver } from './helpers.ts';

const HOUR_MS = 3600 * 1000;

describe('Razorpay expiry on the simulator clock', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  const create = async (expireInSeconds: number, overrides: Record<string, unknown> = {}) => {
    const res = await h.api(
      'POST',
      '/v1/payment_links',
      seedLikeBody({ expire_by: Math.floor(Date.now() / 1000) + expireInSeconds, ...overrides }),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; short_url: string; expire_by: number };
  };

  it('expires a link once the clock passes expire_by and sends payment_link.expired exactly once', async () => {
    const link = await create(3600);
    const before = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(before.body.status, 'created');

    const advanced = await h.control('POST', '/clock', { advanceMs: HOUR_MS + 1000 });
    assert.equal(advanced.status, 200);
    assert.ok(advanced.body.now >= Date.now() + HOUR_MS);

    const after = await h.api('GET', `/v1/payment_links/${link.id}`);
    assert.equal(after.body.status, 'expired');
    assert.equal(after.body.expired_at, link.expire_by);
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.event, 'payment_link.expired');
    assert.deepEqual(hook?.json.contains, ['payment_link']);
    assert.equal(hook?.json.payload.payment_link?.entity.status, 'expired');

    // Reads and several sweeps (every 500 ms) later, still one webhook.
    await h.api('GET', `/v1/payment_links/${link.id}`);
    await pause(1200);
    assert.equal(h.receiver.received.length, 1);
  });

  it('a partially paid link expires too, a paid one does not', async () => {
    const partial = await create(3600);
    const paid = await create(3600);
    await h.control('POST', `/razorpay/links/${partial.id}/pay`, { amount: 500 });
    await h.control('POST', `/razorpay/links/${paid.id}/pay`, {});
    h.receiver.received.length = 0;
    await h.control('POST', '/clock', { advanceMs: 2 * HOUR_MS });
    assert.equal((await h.api('GET', `/v1/payment_links/${partial.id}`)).body.status, 'expired');
    assert.equal((await h.api('GET', `/v1/payment_links/${paid.id}`)).body.status, 'paid');
    assert.deepEqual(h.receiver.received.map((r) => r.json.event), ['payment_link.expired']);
  });

  it('an expired link shows its state on the checkout page and cannot be paid or cancelled', async () => {
    const link = await create(3600);
    await h.control('POST', '/clock', { advanceMs: 2 * HOUR_MS });
    const html = await (await fetch(link.short_url)).text();
    assert.ok(html.includes('This payment link has expired.'));
    assert.doesNotMatch(html, /<button/);
    const pay = await fetch(`${link.short_url}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal((await h.api('GET', `/v1/payment_links/${link.id}`)).body.payments, null);
    const cancel = await h.api('POST', `/v1/payment_links/${link.id}/cancel`);
    assert.equal(cancel.body.error.description, 'cannot cancel or expire an expired link');
  });

  it('the default six-month expiry is reached by advancing the clock', async () => {
    const res = await h.api('POST', '/v1/payment_links', { amount: 100 });
    await h.control('POST', '/clock', { advanceMs: 185 * 24 * HOUR_MS });
    assert.equal((await h.api('GET', `/v1/payment_links/${res.body.id}`)).body.status, 'expired');
  });

  it('validates expire_by against the simulator clock', async () => {
    await h.control('POST', '/clock', { advanceMs: 24 * HOUR_MS });
    const res = await h.api('POST', '/v1/payment_links', seedLikeBody({ expire_by: Math.floor(Date.now() / 1000) + 3600 }));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.description, 'timestamp must be atleast 15 minutes in future');
  });
});

describe('Razorpay expiry sweep timer', () => {
  it('expires a link nobody reads and sends its webhook, with only the clock moving', async () => {
    // Built from the parts so the clock can move without the control endpoint's own sweep: only the timer acts.
    const receiver = await startWebhookReceiver();
    const clock = createClock();
    const webhooks = createWebhookSender();
    const provider = createRazorpayProvider(
      { ...RZP, webhookUrl: receiver.url },
      { clock, webhooks, faults: createFaultInjector(), publicUrl: () => 'http://simulator.test' },
    );
    const app = express().use('/razorpay', provider.router);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/razorpay`;
      const created = await fetch(`${base}/v1/payment_links`, {
        method: 'POST',
        headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 100, expire_by: Math.floor(Date.now() / 1000) + 3600 }),
      });
      const link = (await created.json()) as { id: string; short_url: string };
      assert.match(link.short_url, /^http:\/\/simulator\.test\/razorpay\/i\//);
      clock.advance(2 * HOUR_MS);
      const [hook] = await receiver.waitFor(1, 2000);
      assert.equal(hook?.json.event, 'payment_link.expired');
      assert.equal(hook?.json.payload.payment_link?.entity.id, link.id);
      await pause(1100);
      assert.equal(receiver.received.length, 1, 'sent once, not on every sweep');
    } finally {
      provider.close();
      await webhooks.close();
      server.close();
      await receiver.close();
    }
  });
});

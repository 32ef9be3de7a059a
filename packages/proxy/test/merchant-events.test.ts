/**
 * Merchant events (decision 0013): a status change writes its event in the same transaction; the dispatcher
 * delivers it signed per Standard Webhooks, at least once, in order per link, on a retry schedule; 410 disables
 * the endpoint; the admin API shows the log and resends.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { LinkView, PaymentLinkEvent } from '../src/contract.ts';
import { EVENT_ID } from '../src/contract/ids.ts';
import { newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import type { RunningProxy } from '../src/server.ts';
import { captureLogs, createMockServer, eventually, postJson, razorpayHandlers, razorpayWebhook, signRazorpay, startTestProxy, testConfig } from './helpers.ts';
import { type Answer, type Delivery, type Receiver, startReceiver } from './receiver.ts';

const ADMIN_TOKEN = 'admin_token_for_tests_0123456789abcdef';
const msw = createMockServer();
after(() => msw.close());
afterEach(() => msw.resetHandlers());

interface Setup {
  proxy: RunningProxy;
  receiver: Receiver;
  rzp: ReturnType<typeof razorpayHandlers>;
  logs: string[];
  close(): Promise<void>;
}

async function setup(
  options: { answer?: (d: Delivery, i: number) => Answer; env?: Record<string, string>; secrets?: string[]; url?: (receiverUrl: string) => string } = {},
): Promise<Setup> {
  const secrets = options.secrets ?? [newWebhookSecret()];
  const receiver = await startReceiver({ secrets, answer: options.answer });
  const { lines, logger } = captureLogs();
  const config = testConfig({
    PAY_LINK_WEBHOOK_URL: options.url?.(receiver.url) ?? receiver.url,
    PAY_LINK_WEBHOOK_SECRET: secrets.join(','),
    PAY_LINK_WEBHOOK_RETRY_SCHEDULE: '50ms,50ms,50ms,50ms',
    PAY_LINK_WEBHOOK_TIMEOUT_MS: '300',
    PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
    ...options.env,
  });
  const proxy = await startTestProxy(config, { logger, eventsPollMs: 25 });
  const rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
  return {
    proxy,
    receiver,
    rzp,
    logs: lines,
    async close() {
      await proxy.close();
      await receiver.close();
    },
  };
}

async function mint(s: Setup, body: unknown = { product: 'tea', quantity: 2 }) {
  const res = await postJson(`${s.proxy.url}/v1/links`, body);
  assert.equal(res.status, 201);
  const view = (await res.json()) as LinkView;
  const providerLink = [...s.rzp.links.values()].at(-1)!;
  return { view, providerLink };
}

async function webhook(s: Setup, event: string, link: Record<string, unknown>, eventId: string) {
  const body = razorpayWebhook(event, link);
  const res = await fetch(`${s.proxy.url}/v1/webhooks/razorpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': eventId },
    body,
  });
  assert.equal(res.status, 200);
}

const admin = (s: Setup, path: string, init: RequestInit = {}) =>
  fetch(`${s.proxy.url}/v1/admin${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) } });

describe('merchant events', () => {
  it('a paid link reaches the receiver once, verified by the official library, with what fulfilment needs', async () => {
    const s = await setup();
    try {
      const { view, providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      // The same webhook again, and a read: the change is applied once, so one event.
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_2');
      const [delivery] = await eventually(async () => {
        const got = s.receiver.unique();
        assert.equal(got.length, 1);
        return got;
      });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(s.receiver.deliveries.length, 1, 'delivered once');
      assert.ok(delivery!.verified);
      const event = delivery!.event!;
      assert.equal(event.type, 'payment_link.paid');
      assert.equal(event.id, delivery!.id, 'the body id is the webhook-id');
      assert.equal(event.data.linkId, view.id);
      assert.equal(event.data.status, 'paid');
      assert.deepEqual(event.data.amount, { value: 99800, currency: 'INR' });
      assert.equal(event.data.amountPaid, 99800);
      assert.deepEqual(event.data.purchase, { kind: 'product', product: 'tea', quantity: 2 });
      assert.equal(event.data.provider, 'razorpay');
      assert.equal(event.data.providerLinkId, providerLink.id);
      assert.equal(event.data.testMode, true);
      assert.ok(event.data.seq >= 1);
      assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT/);
      // created is not sent by default
      assert.ok(!s.receiver.deliveries.some((d) => d.event?.type === 'payment_link.created'));
      const metrics = await eventually(async () => {
        const text = await (await fetch(`${s.proxy.url}/metrics`)).text();
        assert.match(text, /paylink_merchant_event_deliveries_total\{outcome="delivered"\} 1/);
        return text;
      });
      assert.match(metrics, /paylink_merchant_event_queue_depth 0/);
      assert.match(metrics, /paylink_merchant_event_oldest_undelivered_seconds 0/);
    } finally {
      await s.close();
    }
  });

  it('503 three times, then 2xx: the fourth attempt delivers it, with the same webhook-id every time', async () => {
    const s = await setup({ answer: (_d, i) => (i < 3 ? 503 : 200) });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 4), 10_000);
      assert.equal(new Set(s.receiver.deliveries.map((d) => d.id)).size, 1);
      assert.ok(s.receiver.deliveries.every((d) => d.verified));
      type List = { events: { deliveries: { state: string; attempts: number; history: { statusCode: number }[] }[] }[] };
      const d = await eventually(async () => {
        const list = (await (await admin(s, '/events?type=payment_link.paid')).json()) as List;
        const first = list.events[0]!.deliveries[0]!;
        assert.equal(first.state, 'delivered');
        return first;
      });
      assert.equal(d.attempts, 4);
      assert.deepEqual(d.history.map((h) => h.statusCode), [503, 503, 503, 200]);
    } finally {
      await s.close();
    }
  });

  it('a timeout counts as a failed attempt and is retried', async () => {
    const s = await setup({ answer: (_d, i) => (i === 0 ? 'hang' : 204) });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 2));
      const list = (await (await admin(s, '/events')).json()) as { events: { deliveries: { state: string; history: { statusCode: number | null; error: string | null }[] }[] }[] };
      const history = list.events[0]!.deliveries[0]!.history;
      assert.equal(history[0]!.statusCode, null);
      assert.match(history[0]!.error!, /no answer within 300 ms/);
      await eventually(async () => {
        const again = (await (await admin(s, '/events')).json()) as typeof list;
        assert.equal(again.events[0]!.deliveries[0]!.state, 'delivered');
      });
    } finally {
      await s.close();
    }
  });

  it('410 Gone disables the endpoint with a warning; its events wait and go once it is enabled', async () => {
    let gone = true;
    const s = await setup({ answer: () => (gone ? 410 : 204) });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 1));
      await eventually(async () => assert.ok(s.logs.some((l) => l.includes('410 Gone'))));
      const endpoints = (await (await admin(s, '/webhooks')).json()) as { endpoints: { id: string; enabled: boolean }[] };
      assert.equal(endpoints.endpoints[0]!.enabled, false);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(s.receiver.deliveries.length, 1, 'nothing more is sent to a disabled endpoint');
      gone = false;
      const res = await admin(s, `/webhooks/${endpoints.endpoints[0]!.id}/enable`, { method: 'POST' });
      assert.equal(res.status, 200);
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 2));
      assert.equal(s.receiver.deliveries[1]!.id, s.receiver.deliveries[0]!.id);
    } finally {
      await s.close();
    }
  });

  it('gives up after the schedule; resend brings it back under the same id with a fresh schedule', async () => {
    let down = true;
    const s = await setup({ answer: () => (down ? 500 : 204) });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 5), 10_000); // 1 + 4 retries
      await eventually(async () => assert.ok(s.logs.some((l) => l.includes('given up'))), 10_000);
      type List = { events: { id: string; deliveries: { state: string; attempts: number }[] }[] };
      const list = (await (await admin(s, '/events')).json()) as List;
      assert.equal(list.events[0]!.deliveries[0]!.state, 'failed');
      // Sent again while the receiver is still down: the whole schedule again, not one last try.
      assert.equal((await admin(s, `/events/${list.events[0]!.id}/resend`, { method: 'POST' })).status, 202);
      await eventually(async () => {
        const again = (await (await admin(s, '/events')).json()) as List;
        assert.equal(again.events[0]!.deliveries[0]!.state, 'failed');
        assert.equal(again.events[0]!.deliveries[0]!.attempts, 10);
      }, 10_000);
      down = false;
      const res = await admin(s, `/events/${list.events[0]!.id}/resend`, { method: 'POST' });
      assert.equal(res.status, 202);
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 11), 10_000);
      assert.ok(s.receiver.deliveries.every((d) => d.id === list.events[0]!.id));
    } finally {
      await s.close();
    }
  });

  it("a link's events arrive in order: partially_paid before paid, even while the first is being retried", async () => {
    const s = await setup({ answer: (_d, i) => (i < 2 ? 503 : 204) });
    try {
      const { providerLink } = await mint(s);
      const amount = providerLink.amount as number;
      await webhook(s, 'payment_link.partially_paid', { ...providerLink, status: 'partially_paid', amount_paid: amount / 2 }, 'rzp_evt_1');
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: amount }, 'rzp_evt_2');
      await eventually(async () => assert.equal(s.receiver.unique().length, 2));
      const types = s.receiver.deliveries.map((d) => d.event!.type);
      assert.deepEqual(types, ['payment_link.partially_paid', 'payment_link.partially_paid', 'payment_link.partially_paid', 'payment_link.paid']);
    } finally {
      await s.close();
    }
  });

  it('every active secret signs: a receiver that knows only the old one, or only the new one, verifies', async () => {
    const oldSecret = newWebhookSecret();
    const newSecret = newWebhookSecret();
    const s = await setup({ secrets: [newSecret, oldSecret] });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      const [delivery] = await eventually(async () => {
        const got = s.receiver.unique();
        assert.equal(got.length, 1);
        return got;
      });
      assert.equal(delivery!.signature.split(' ').length, 2);
      // `evt_`, eight characters of its time (sorting as time: random-token.ts) and 22 random ones.
      assert.match(delivery!.id, EVENT_ID);
      assert.match(delivery!.id, /^evt_[A-Za-z0-9_-]{30}$/);
      const { Webhook } = await import('standardwebhooks');
      const headers = { 'webhook-id': delivery!.id, 'webhook-timestamp': delivery!.timestamp, 'webhook-signature': delivery!.signature };
      for (const secret of [oldSecret, newSecret]) assert.equal((new Webhook(secret).verify(delivery!.body, headers) as PaymentLinkEvent).type, 'payment_link.paid');
      assert.throws(() => new Webhook(newWebhookSecret()).verify(delivery!.body, headers), /signature/i);
    } finally {
      await s.close();
    }
  });

  it('POST /v1/admin/webhooks/test sends a signed test event and reports the answer', async () => {
    const s = await setup();
    try {
      const res = await admin(s, '/webhooks/test', { method: 'POST' });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { results: { ok: boolean; statusCode: number }[] };
      assert.equal(body.results.length, 1);
      assert.equal(body.results[0]!.ok, true);
      assert.equal(body.results[0]!.statusCode, 204);
      assert.equal(s.receiver.deliveries[0]!.verified, true);
      assert.equal((s.receiver.deliveries[0]!.event as unknown as { type: string }).type, 'webhook.test');
      const text = JSON.stringify(await (await admin(s, '/webhooks')).json());
      assert.ok(!text.includes('whsec_'), 'no secret in the answer');
    } finally {
      await s.close();
    }
  });
});

describe('merchant events to a URL with credentials', () => {
  it('sends them as Basic auth, and shows the URL without them or its query in the admin API and the logs', async () => {
    const password = 'pa55-word-not-shown';
    const token = 'query-token-not-shown';
    const s = await setup({ url: (u) => `${u.replace('http://', `http://shop:${password}@`)}?token=${token}`, answer: (_d, i) => (i === 0 ? 503 : 204) });
    try {
      const { providerLink } = await mint(s);
      await webhook(s, 'payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount }, 'rzp_evt_1');
      // The first answer was a 503: the retry is the same request, credentials and all.
      await eventually(async () => assert.equal(s.receiver.deliveries.length, 2));
      assert.equal(s.receiver.unique().length, 1);
      for (const d of s.receiver.deliveries) assert.equal(d.authorization, `Basic ${Buffer.from(`shop:${password}`).toString('base64')}`);
      const shown = `${s.receiver.url}?…`;
      const list = (await (await admin(s, '/webhooks')).json()) as { endpoints: { url: string }[] };
      assert.equal(list.endpoints[0]!.url, shown);
      const events = (await (await admin(s, '/events')).json()) as { events: { deliveries: { url: string }[] }[] };
      assert.equal(events.events[0]!.deliveries[0]!.url, shown);
      const test = (await (await admin(s, '/webhooks/test', { method: 'POST' })).json()) as { results: { url: string }[] };
      assert.equal(test.results[0]!.url, shown);
      const everything = [JSON.stringify(list), JSON.stringify(events), JSON.stringify(test), ...s.logs].join('\n');
      assert.ok(!everything.includes(password) && !everything.includes(token), 'no credential or query value in an answer or a log line');
    } finally {
      await s.close();
    }
  });
});

describe('merchant events config', () => {
  it('refuses a plain-http endpoint outside test mode, an endpoint at the proxy itself, and a malformed secret, naming the variable', () => {
    const secret = newWebhookSecret();
    assert.throws(() => testConfig({ PAY_LINK_TEST_MODE: 'false', PAY_LINK_WEBHOOK_URL: 'http://merchant.example/hooks', PAY_LINK_WEBHOOK_SECRET: secret }), /^ConfigError: PAY_LINK_WEBHOOK_URL: expected an https URL/);
    assert.throws(() => testConfig({ PAY_LINK_WEBHOOK_URL: 'http://proxy.test/v1/webhooks', PAY_LINK_WEBHOOK_SECRET: secret }), /PAY_LINK_WEBHOOK_URL: .* is this proxy itself/);
    assert.throws(() => testConfig({ PAY_LINK_WEBHOOK_URL: 'https://merchant.example/hooks', PAY_LINK_WEBHOOK_SECRET: 'not-a-secret' }), /PAY_LINK_WEBHOOK_SECRET: expected a Standard Webhooks secret/);
    assert.throws(() => testConfig({ PAY_LINK_WEBHOOK_URL: 'https://merchant.example/hooks' }), /PAY_LINK_WEBHOOK_SECRET: required/);
    // A token in the URL's query is not echoed back.
    assert.throws(
      () => testConfig({ PAY_LINK_TEST_MODE: 'false', PAY_LINK_WEBHOOK_URL: 'http://merchant.example/hooks?token=s3cr3t', PAY_LINK_WEBHOOK_SECRET: secret }),
      (err: Error) => /got "http:\/\/merchant\.example\/hooks\?…"/.test(err.message) && !err.message.includes('s3cr3t'),
    );
    assert.throws(() => testConfig({ PAY_LINK_WEBHOOK_URL: 'https://merchant.example/hooks', PAY_LINK_WEBHOOK_SECRET: secret, PAY_LINK_WEBHOOK_RETRY_SCHEDULE: '5s,soon' }), /PAY_LINK_WEBHOOK_RETRY_SCHEDULE/);
    const config = testConfig({ PAY_LINK_TEST_MODE: 'false', PAY_LINK_WEBHOOK_URL: 'https://merchant.example/hooks', PAY_LINK_WEBHOOK_SECRET: secret });
    assert.equal(config.webhooks.length, 1);
    assert.ok(!config.webhooks[0]!.events.includes('payment_link.created'));
  });
});

/**
 * Our merchant events are signed the Standard Webhooks way, byte for byte: the specification's published test
 * vector (the one every standardwebhooks library tests against) comes out of the dispatcher's own path — an
 * event in the outbox, claimed, signed and POSTed — with exactly the expected `webhook-signature`. And the
 * receiver's side, the official library's `verify`, refuses what a merchant must refuse: a body changed after
 * signing, a timestamp more than five minutes old, a signature by a secret it no longer holds.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createDispatcher } from '../src/merchant-events/dispatcher.ts';
import { type WebhookEndpoint, newWebhookSecret, resolveEndpoints } from '../src/merchant-events/endpoints.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { LinkRecord, Store } from '../src/store/types.ts';
import { startReceiver } from './receiver.ts';
import { link } from './store/kit.ts';

/** https://github.com/standard-webhooks/standard-webhooks (the libraries' own tests use this vector). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const quiet = { warn: () => {}, info: () => {} };

function endpointsFor(url: string, secrets: string[]): WebhookEndpoint[] {
  return resolveEndpoints([{ entry: { url, secret: secrets }, where: 'test' }], { testMode: true, publicUrl: 'http://proxy.test', port: 1 });
}

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records what the dispatcher sends and answers 204, touching no network. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    sent.push({ url: String(input), headers, body: String(init?.body) });
    return new Response(null, { status: 204 });
  };
}

/** Puts one event with this id and body in the outbox of `store`, as a link write would. */
async function outboxEvent(store: Store, endpoint: WebhookEndpoint, id: string, payload: string, at: number): Promise<void> {
  const answer = await store.insertLink(link('pl_vector_link_0001', { createdAt: at, checkedAt: at }), (_before, after) => [
    { id, linkId: after.id, linkPosition: after.version * 8, type: 'payment_link.paid', payload, createdAt: at, endpoints: [endpoint.id] },
  ]);
  assert.equal(answer.inserted, true);
}

describe('Standard Webhooks: the published test vector', () => {
  const stores: Store[] = [];
  after(async () => {
    for (const store of stores) await store.close();
  });

  it('comes out of the dispatcher exactly: the outbox event with the vector id and body, at its timestamp, signed with its secret', async () => {
    const at = VECTOR.timestamp * 1000;
    const store = await openSqliteStore(':memory:', { now: () => at });
    stores.push(store);
    const [endpoint] = endpointsFor('https://merchant.example/hooks', [VECTOR.secret]);
    await outboxEvent(store, endpoint!, VECTOR.id, VECTOR.payload, at);
    const sent: Sent[] = [];
    const dispatcher = createDispatcher({ store, endpoints: [endpoint!], now: () => at, log: quiet, fetch: recordingFetch(sent), timeoutMs: 1_000, retryScheduleMs: [], testMode: true });
    await dispatcher.flush();
    assert.equal(sent.length, 1);
    const [request] = sent;
    assert.equal(request!.url, 'https://merchant.example/hooks');
    assert.equal(request!.headers['webhook-id'], VECTOR.id);
    assert.equal(request!.headers['webhook-timestamp'], String(VECTOR.timestamp));
    assert.equal(request!.headers['webhook-signature'], VECTOR.signature);
    assert.equal(request!.body, VECTOR.payload, 'the stored bytes, not a re-serialisation');
    assert.equal(request!.headers['content-type'], 'application/json');
    // And the outbox knows it was delivered.
    const stored = await store.getEvent(VECTOR.id);
    assert.equal(stored?.deliveries[0]?.state, 'delivered');
  });

  it('signs with every active secret, the vector one among them, space-separated', async () => {
    const at = VECTOR.timestamp * 1000;
    const store = await openSqliteStore(':memory:', { now: () => at });
    stores.push(store);
    const other = newWebhookSecret();
    const [endpoint] = endpointsFor('https://merchant.example/hooks', [other, VECTOR.secret]);
    await outboxEvent(store, endpoint!, VECTOR.id, VECTOR.payload, at);
    const sent: Sent[] = [];
    const dispatcher = createDispatcher({ store, endpoints: [endpoint!], now: () => at, log: quiet, fetch: recordingFetch(sent), timeoutMs: 1_000, retryScheduleMs: [], testMode: true });
    await dispatcher.flush();
    const signatures = sent[0]!.headers['webhook-signature']!.split(' ');
    assert.equal(signatures.length, 2);
    assert.equal(signatures[1], VECTOR.signature);
    assert.equal(signatures[0], new Webhook(other).sign(VECTOR.id, new Date(at), VECTOR.payload));
  });

  it('is what the official library makes of it too (the dispatcher adds nothing of its own)', () => {
    assert.equal(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload), VECTOR.signature);
  });
});

describe('Standard Webhooks: what a receiver refuses', () => {
  /** A real delivery from the dispatcher, signed now, captured as the merchant's server gets it. */
  async function freshDelivery(secrets: string[], at = Date.now()) {
    const sent: Sent[] = [];
    const [endpoint] = endpointsFor('https://merchant.example/hooks', secrets);
    const store = await openSqliteStore(':memory:');
    try {
      const dispatcher = createDispatcher({ store, endpoints: [endpoint!], now: () => at, log: quiet, fetch: recordingFetch(sent), timeoutMs: 1_000, retryScheduleMs: [], testMode: true });
      const [result] = await dispatcher.sendTest();
      assert.equal(result!.ok, true);
    } finally {
      await store.close();
    }
    const { headers, body } = sent[0]!;
    return { body, headers: { 'webhook-id': headers['webhook-id']!, 'webhook-timestamp': headers['webhook-timestamp']!, 'webhook-signature': headers['webhook-signature']! } };
  }

  it('accepts an untouched delivery signed now', async () => {
    const secret = newWebhookSecret();
    const { body, headers } = await freshDelivery([secret]);
    const event = new Webhook(secret).verify(body, headers) as { id: string; type: string };
    assert.equal(event.type, 'webhook.test');
    assert.equal(event.id, headers['webhook-id']);
  });

  it('refuses a body changed after signing, even by one character or only in whitespace', async () => {
    const secret = newWebhookSecret();
    const { body, headers } = await freshDelivery([secret]);
    const verifier = new Webhook(secret);
    const tampered = [body.replace('"testMode":true', '"testMode":false'), `${body} `, body.replace('A test event', 'a test event')];
    for (const changed of tampered) {
      assert.notEqual(changed, body);
      assert.throws(() => verifier.verify(changed, headers), /No matching signature found/);
    }
    // Nor may the id or the timestamp be swapped under the same signature.
    assert.throws(() => verifier.verify(body, { ...headers, 'webhook-id': 'evt_test_someoneelse000000' }), /No matching signature found/);
    assert.throws(() => verifier.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }), /No matching signature found/);
  });

  it('refuses a timestamp more than five minutes old: a replay, or the vector itself today', async () => {
    const secret = newWebhookSecret();
    const old = await freshDelivery([secret], Date.now() - 6 * 60_000);
    assert.throws(() => new Webhook(secret).verify(old.body, old.headers), /Message timestamp too old/);
    const ahead = await freshDelivery([secret], Date.now() + 6 * 60_000);
    assert.throws(() => new Webhook(secret).verify(ahead.body, ahead.headers), /Message timestamp too new/);
    // Four minutes old is within the tolerance.
    const recent = await freshDelivery([secret], Date.now() - 4 * 60_000);
    assert.doesNotThrow(() => new Webhook(secret).verify(recent.body, recent.headers));
    const vectorHeaders = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    assert.throws(() => new Webhook(VECTOR.secret).verify(VECTOR.payload, vectorHeaders), /Message timestamp too old/);
  });

  it('refuses a signature by a secret rotated out, and accepts both while both are active', async () => {
    const retired = newWebhookSecret();
    const current = newWebhookSecret();
    // During the rotation the proxy signs with both: a receiver on either verifies.
    const during = await freshDelivery([current, retired]);
    for (const secret of [retired, current]) assert.doesNotThrow(() => new Webhook(secret).verify(during.body, during.headers));
    // Once the proxy dropped the old one, a receiver that still knows only the old one refuses...
    const afterRotation = await freshDelivery([current]);
    assert.throws(() => new Webhook(retired).verify(afterRotation.body, afterRotation.headers), /No matching signature found/);
    // ...and a receiver that dropped it refuses a delivery signed only with it (a leaked old secret is worthless).
    const byRetired = await freshDelivery([retired]);
    assert.throws(() => new Webhook(current).verify(byRetired.body, byRetired.headers), /No matching signature found/);
    assert.doesNotThrow(() => new Webhook(current).verify(afterRotation.body, afterRotation.headers));
  });

  it('over real HTTP: the test receiver (the official library) answers 401 to an unverifiable delivery, and the proxy reports it', async () => {
    const retired = newWebhookSecret();
    const receiver = await startReceiver({ secrets: [newWebhookSecret()] });
    const store = await openSqliteStore(':memory:');
    try {
      const endpoints = endpointsFor(receiver.url, [retired]);
      const dispatcher = createDispatcher({ store, endpoints, now: Date.now, log: quiet, timeoutMs: 2_000, retryScheduleMs: [], testMode: true });
      const [result] = await dispatcher.sendTest();
      assert.equal(result!.ok, false);
      assert.equal(result!.statusCode, 401);
      assert.equal(receiver.deliveries.length, 1);
      assert.equal(receiver.deliveries[0]!.verified, false);
    } finally {
      await store.close();
      await receiver.close();
    }
  });
});

/**
 * Webhooks for links the store does not hold, or holds under another name (links/correlate.ts, issue #12):
 *
 * - Pine Labs names an order, not a link: the order id is an alias the store keeps, so a restarted proxy on the
 *   same SQLite file applies an ORDER_PROCESSED that names only the order id;
 * - a link made at the provider but never stored (a crash between the create and the insert) is read at the
 *   provider when its webhook arrives and adopted when its reference is ours: a key-less one under its own id
 *   (the id the buyer's widget holds), a keyed one under a new id that the key's retry then answers; an intent's
 *   is left to the intent's walk;
 * - a link whose reference is not ours is acknowledged `ignored` and recorded (a redelivery is `duplicate`);
 * - a provider that cannot answer leaves the event `unknown_link`, unrecorded, and its redelivery is applied.
 *
 * Razorpay through the msw stand-in of helpers.ts (its webhooks carry the signed link state), Pine Labs against
 * the simulator (its order webhooks are hints the proxy must read the link for).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type PinelabsControl, type RunningSimulator, type WebhookDelivery } from '@pay-link/simulator';
import { http, HttpResponse } from 'msw';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { referenceKind } from '../src/links/correlate.ts';
import { canonicalJson, providerReference } from '../src/links/service.ts';
import { createLogger } from '../src/logger.ts';
import { type PinelabsConfig, pinelabsProvider } from '../src/providers/pinelabs/index.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import {
  RAZORPAY_BASE,
  SHOP_ORIGIN,
  createMockServer,
  postJson,
  razorpayHandlers,
  razorpayWebhook,
  signRazorpay,
  simulatorProxyEnv,
  startTestProxy,
} from './helpers.ts';
import { signPinelabs } from './pinelabs.fixtures.ts';

const msw = createMockServer();
after(() => msw.close());

type Outcome = { received: boolean; outcome: string };
const freshLinkId = () => `pl_${randomBytes(16).toString('base64url')}`;
const read = (proxy: RunningProxy, id: string) => fetch(`${proxy.url}/v1/links/${id}`);
const view = async (proxy: RunningProxy, id: string) => {
  const res = await read(proxy, id);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as LinkView;
};

describe('the references this proxy recognises as its own', () => {
  it('are the shapes it makes for keyed and intent purchases, and nothing else', () => {
    assert.equal(referenceKind(providerReference({ key: 'order-7', fingerprint: 'f'.repeat(64) })), 'keyed');
    assert.equal(referenceKind(providerReference({ intent: 'INV-2041', attempt: 1 })), 'intent');
    assert.equal(referenceKind(providerReference({ intent: 'INV-2041', attempt: 12 })), 'intent');
    for (const foreign of ['ORDER-2024-001', 'TS1989', 'pl_short', `pl_${'a'.repeat(23)}`, `pi_${'a'.repeat(22)}_0`, `pk_${'a'.repeat(22)}x`]) {
      assert.equal(referenceKind(foreign), undefined, foreign);
    }
  });
});

describe('Razorpay webhooks for links the store does not hold', () => {
  let proxy: RunningProxy;
  let rzp: ReturnType<typeof razorpayHandlers>;
  before(async () => {
    proxy = await startTestProxy();
  });
  beforeEach(() => {
    rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
  });
  afterEach(() => msw.resetHandlers());
  after(() => proxy.close());

  /** Creates a link at the provider directly, as a proxy that crashed before its insert would have left it. */
  async function createAtProvider(reference: string, amount = 49_900): Promise<Record<string, unknown>> {
    const res = await fetch(`${RAZORPAY_BASE}/v1/payment_links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'INR', reference_id: reference, description: 'Masala chai tin', expire_by: Math.floor(Date.now() / 1000) + 3600 }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }
  function paid(link: Record<string, unknown>) {
    rzp.setStatus(String(link.id), 'paid', Number(link.amount));
    return razorpayWebhook('payment_link.paid', { ...rzp.links.get(String(link.id)) });
  }
  async function deliver(body: string, eventId: string): Promise<Outcome> {
    const res = await fetch(`${proxy.url}/v1/webhooks/razorpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': eventId },
      body,
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Outcome;
  }
  const readsOf = (id: unknown) => rzp.calls.filter((c) => c.method === 'GET' && c.path === `/v1/payment_links/${String(id)}`).length;

  it('recognises the id of a real key-less mint, the shape the tests below fake, as a reference of ours', async () => {
    const minted = (await (await postJson(`${proxy.url}/v1/links`, { product: 'tea' })).json()) as LinkView;
    assert.equal(referenceKind(minted.id), 'link');
    assert.equal([...rzp.links.values()][0]!.reference_id, minted.id, 'a key-less mint sends its id as the reference');
    assert.equal(referenceKind(freshLinkId()), 'link');
  });

  it('adopts a key-less link of ours under its own id: the id the widget holds reads paid', async () => {
    const id = freshLinkId();
    const link = await createAtProvider(id);
    assert.equal((await read(proxy, id)).status, 404, 'the store never got the link');

    assert.deepEqual(await deliver(paid(link), 'evt_adopt_1'), { received: true, outcome: 'applied' });
    assert.equal(readsOf(link.id), 1, 'the provider was asked for the link');
    const adopted = await view(proxy, id);
    assert.equal(adopted.status, 'paid');
    assert.equal(adopted.provider, 'razorpay');
    assert.deepEqual(adopted.amount, { value: 49_900, currency: 'INR' }, "the provider's price");
    assert.equal(adopted.amountPaid, 49_900);
    assert.equal(adopted.url, link.short_url);
    // Seen: the redelivery is a duplicate, and asks the provider nothing.
    assert.equal((await deliver(paid(link), 'evt_adopt_1')).outcome, 'duplicate');
    assert.equal(readsOf(link.id), 1);
    // A later event for it is applied to the stored link, without a read: Razorpay's events carry the state.
    const expired = razorpayWebhook('payment_link.expired', { ...rzp.links.get(String(link.id)), status: 'expired' });
    assert.equal((await deliver(expired, 'evt_adopt_2')).outcome, 'applied');
    assert.equal(readsOf(link.id), 1);
    assert.equal((await view(proxy, id)).status, 'paid', 'a later paid still wins');
  });

  it("adopts a keyed link of ours under a new id, which the key's retry then answers without a second link", async () => {
    const body = { product: 'tea' };
    const key = `adoption-key-${randomBytes(4).toString('hex')}`;
    const fingerprint = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const link = await createAtProvider(providerReference({ key, fingerprint }));

    assert.equal((await deliver(paid(link), 'evt_keyed_1')).outcome, 'applied');
    // The buyer's retry of the same purchase: Razorpay refuses the reference, the link is found and answered.
    const retry = await postJson(`${proxy.url}/v1/links`, body, { 'idempotency-key': key });
    assert.equal(retry.status, 200, await retry.clone().text());
    const answered = (await retry.json()) as LinkView;
    assert.equal(answered.status, 'paid');
    assert.equal(answered.url, link.short_url);
    assert.notEqual(answered.id, link.reference_id);
    assert.equal(rzp.links.size, 1, 'no second link at the provider');
  });

  it("leaves an intent's link to the intent's walk: unknown_link, not recorded", async () => {
    const link = await createAtProvider(providerReference({ intent: 'INV-ADOPT-1', attempt: 1 }));
    assert.deepEqual(await deliver(paid(link), 'evt_intent_1'), { received: true, outcome: 'unknown_link' });
    assert.equal((await deliver(paid(link), 'evt_intent_1')).outcome, 'unknown_link', 'not recorded: the redelivery is tried again');
  });

  it('acknowledges a link that is not ours as ignored, records it, and asks the provider nothing', async () => {
    const link = await createAtProvider('ORDER-2024-001');
    assert.deepEqual(await deliver(paid(link), 'evt_foreign_1'), { received: true, outcome: 'ignored' });
    assert.equal((await deliver(paid(link), 'evt_foreign_1')).outcome, 'duplicate', 'recorded as seen');
    assert.equal(readsOf(link.id), 0, 'the signed state named a foreign reference: no read was needed');
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.match(metrics, /paylink_webhooks_total\{provider="razorpay",outcome="ignored"\} [1-9]/);
  });

  it('answers unknown_link while the provider cannot be read, and applies the redelivery once it can', async () => {
    const id = freshLinkId();
    const link = await createAtProvider(id);
    let failing = true;
    // Ahead of the stand-in's handler; answering nothing hands the request on to it.
    msw.use(
      http.get(`${RAZORPAY_BASE}/v1/payment_links/:id`, () =>
        failing ? HttpResponse.json({ error: { code: 'SERVER_ERROR', description: 'try later' } }, { status: 503 }) : undefined,
      ),
    );
    const body = paid(link);
    assert.deepEqual(await deliver(body, 'evt_down_1'), { received: true, outcome: 'unknown_link' });
    assert.equal((await read(proxy, id)).status, 404, 'nothing adopted');

    failing = false;
    assert.deepEqual(await deliver(body, 'evt_down_1'), { received: true, outcome: 'applied' });
    assert.equal((await view(proxy, id)).status, 'paid');
  });
});

describe('Pine Labs order webhooks', () => {
  const CREDS = DEMO_CREDENTIALS.pinelabs;
  const CATALOG = { products: [{ id: 'consult', name: 'Consulting hour', price: '2500.00', currency: 'INR' }], allowedOrigins: [SHOP_ORIGIN] };
  let sim: RunningSimulator;
  let pine: PinelabsControl;
  let dir: string;
  const running = new Set<RunningProxy>();

  const env = (database: string) =>
    simulatorProxyEnv('pinelabs', {
      PINELABS_CLIENT_ID: CREDS.clientId,
      PINELABS_CLIENT_SECRET: CREDS.clientSecret,
      PINELABS_BASE_URL: `${sim.url}/pinelabs/api`,
      PAY_LINK_DATABASE_URL: database,
    });
  /** A proxy process on `database`; long staleness, so only the webhook moves a link within a test. */
  async function boot(database = 'sqlite::memory:'): Promise<RunningProxy> {
    const config = loadConfig(env(database), () => JSON.stringify(CATALOG));
    const proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs: 60_000 });
    running.add(proxy);
    return proxy;
  }
  async function stop(proxy: RunningProxy) {
    running.delete(proxy);
    await proxy.close();
  }
  const deliver = async (proxy: RunningProxy, body: string, headers: Record<string, string>): Promise<Outcome> => {
    const res = await fetch(`${proxy.url}/v1/webhooks/pinelabs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Outcome;
  };
  const replay = (proxy: RunningProxy, d: WebhookDelivery) => deliver(proxy, d.body, d.headers);
  /** A link made at Pine Labs by a proxy that crashed before storing it: through the adapter, as the proxy would. */
  function adapter() {
    const settings = loadConfig(env('sqlite::memory:'), () => JSON.stringify(CATALOG)).providers.pinelabs!.settings as PinelabsConfig;
    return pinelabsProvider.createAdapter(settings, { fetch, now: Date.now });
  }
  const createAtProvider = (reference: string) =>
    adapter().create({ reference, amount: { value: 250_000, currency: 'INR' }, description: 'Consulting hour', expiresAt: new Date(Date.now() + 3_600_000) });
  /** Pays at the simulator with its webhooks held (sent to a closed port), and answers the held delivery. */
  async function payHeld(providerLinkId: string): Promise<WebhookDelivery> {
    pine.configureWebhooks({ url: 'http://127.0.0.1:9/down' });
    const before = sim.control.deliveries().length;
    await pine.pay(providerLinkId);
    const held = sim.control.deliveries().slice(before).filter((d) => d.event === 'ORDER_PROCESSED');
    assert.equal(held.length, 1);
    return held[0]!;
  }

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, pinelabs: { ...CREDS } });
    pine = sim.control.pinelabs!;
    dir = mkdtempSync(join(tmpdir(), 'pay-link-adoption-'));
  });
  beforeEach(() => sim.control.reset());
  after(async () => {
    await Promise.all([...running].map((p) => p.close()));
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a restart on the same SQLite file, an ORDER_PROCESSED naming only the order id is applied', async () => {
    const database = `sqlite:${join(dir, 'restart.sqlite')}`;
    const first = await boot(database);
    const minted = await postJson(`${first.url}/v1/links`, { product: 'consult' });
    assert.equal(minted.status, 201, await minted.clone().text());
    const link = (await minted.json()) as LinkView;
    const atPine = pine.links().find((l) => l.merchant_payment_link_reference === link.id);
    assert.ok(atPine?.order_id, 'the link has its order');
    await stop(first);

    // Paid while the proxy is down, and no webhook got through.
    await pine.pay(atPine.payment_link_id);
    const second = await boot(database);
    assert.equal((await view(second, link.id)).status, 'pending', 'nothing told the new process yet');
    // Only the order id, as the documented payload allows (§4.6): no link id, no reference.
    const body = JSON.stringify({ event_type: 'ORDER_PROCESSED', data: { order_id: atPine.order_id, status: 'PROCESSED' } });
    const headers = signPinelabs(body, { secret: CREDS.clientSecret, id: 'msg_restart_1' });
    assert.deepEqual(await deliver(second, body, headers), { received: true, outcome: 'applied' });
    const after = await view(second, link.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 250_000);
    assert.equal((await deliver(second, body, headers)).outcome, 'duplicate');
    assert.equal(pine.links().length, 1, 'no second link');
  });

  it('an order naming an order id no store holds, and no reference, stays unknown_link', async () => {
    const proxy = await boot();
    const body = JSON.stringify({ event_type: 'ORDER_PROCESSED', data: { order_id: 'v1-000000000000-aa-nobody', status: 'PROCESSED' } });
    const headers = signPinelabs(body, { secret: CREDS.clientSecret, id: 'msg_nobody_1' });
    assert.equal((await deliver(proxy, body, headers)).outcome, 'unknown_link');
    assert.equal((await deliver(proxy, body, headers)).outcome, 'unknown_link', 'not recorded');
  });

  it('adopts a link of ours the store never got, found by the order reference, under its own id', async () => {
    const proxy = await boot();
    const id = freshLinkId();
    const state = await createAtProvider(id);
    const delivery = await payHeld(state.providerLinkId);
    assert.deepEqual(await replay(proxy, delivery), { received: true, outcome: 'applied' });
    const adopted = await view(proxy, id);
    assert.equal(adopted.status, 'paid');
    assert.deepEqual(adopted.amount, { value: 250_000, currency: 'INR' });
    assert.equal(adopted.url, state.url);
    assert.equal((await replay(proxy, delivery)).outcome, 'duplicate');
    // Its order id is an alias now: an event naming only that finds the link.
    const body = JSON.stringify({ event_type: 'PAYMENT_FAILED', data: { order_id: pine.links()[0]!.order_id } });
    assert.equal((await deliver(proxy, body, signPinelabs(body, { secret: CREDS.clientSecret, id: 'msg_alias_1' }))).outcome, 'applied');
  });

  it('ignores and records an order whose reference is not ours, without asking Pine Labs', async () => {
    const proxy = await boot();
    const state = await createAtProvider('shop-order-77');
    const delivery = await payHeld(state.providerLinkId);
    assert.deepEqual(await replay(proxy, delivery), { received: true, outcome: 'ignored' });
    assert.equal((await replay(proxy, delivery)).outcome, 'duplicate');
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /paylink_provider_request_seconds_count\{provider="pinelabs"/, 'this proxy made no call to Pine Labs');
  });
});

/**
 * The proxy against the Pine Labs simulator, over real HTTP both ways: token → mint → the link exists in paise →
 * pay → the signed order webhook reaches the proxy, which finds the link by its order id and re-reads it (order
 * events carry no link state) → the link reads paid. Also cancel, expiry by the simulator clock (which also
 * expires the cached token: the 401 path), lost webhooks, duplicates and out-of-order arrivals.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type PinelabsControl, type RunningSimulator, type WebhookDelivery } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type PinelabsConfig, pinelabsProvider } from '../src/providers/pinelabs.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, eventually, simulatorProxyEnv } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.pinelabs;
/** The demo product: ₹2,500.00. */
const CATALOG = {
  products: [
    { id: 'consult', name: 'Consulting hour', price: '2500.00', currency: 'INR' },
    { id: 'coffee', name: 'Too cheap for Pine Labs', price: '0.50', currency: 'INR' },
    { id: 'usd', name: 'Priced in dollars', price: '30.00', currency: 'USD' },
  ],
  allowedOrigins: [SHOP_ORIGIN],
};

function pinelabsEnv(sim: RunningSimulator): Record<string, string> {
  return simulatorProxyEnv('pinelabs', {
    PINELABS_CLIENT_ID: CREDS.clientId,
    PINELABS_CLIENT_SECRET: CREDS.clientSecret,
    // PINELABS_WEBHOOK_SECRET left unset: it defaults to the client secret, which the simulator signs with.
    PINELABS_BASE_URL: `${sim.url}/pinelabs/api`,
  });
}

async function startPinelabsProxy(sim: RunningSimulator, staleAfterMs?: number): Promise<RunningProxy> {
  const config = loadConfig(pinelabsEnv(sim), () => JSON.stringify(CATALOG));
  return startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs });
}


describe('proxy ↔ Pine Labs simulator', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let pine: PinelabsControl;
  let webhookUrl: string;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, pinelabs: { ...CREDS } });
    // Long staleness: within a test only webhooks (or an explicit refresh) move a link.
    proxy = await startPinelabsProxy(sim, 60_000);
    pine = sim.control.pinelabs!;
    webhookUrl = `${proxy.url}/v1/webhooks/pinelabs`;
  });
  beforeEach(() => {
    sim.control.reset();
    pine.configureWebhooks({ url: webhookUrl });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  const mint = async (body: Record<string, unknown> = { product: 'consult' }) => {
    const res = await postJson(`${proxy.url}/v1/links`, body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as LinkView;
  };
  const read = async (id: string) => (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
  const linkOf = (view: LinkView) => {
    const link = pine.links().find((l) => l.merchant_payment_link_reference === view.id);
    assert.ok(link, 'the simulator has the link');
    return link;
  };
  const deliveries = () => sim.control.deliveries().filter((d) => d.provider === 'pinelabs');
  const replay = (d: WebhookDelivery) =>
    fetch(webhookUrl, { method: 'POST', headers: d.headers, body: d.body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { outcome?: string } }));

  it('mints a link in paise with our reference, expiry and return URL, after one token request', async () => {
    const started = Date.now();
    const view = await mint({ product: 'consult', returnUrl: `${SHOP_ORIGIN}/thanks` });
    assert.equal(view.provider, 'pinelabs');
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.amount, { value: 250_000, currency: 'INR' });
    const link = linkOf(view);
    assert.deepEqual(link.amount, { value: 250_000, currency: 'INR' }, '₹2,500.00 as 250000 paise');
    assert.equal(link.status, 'CREATED');
    assert.equal(link.description, 'Consulting hour');
    assert.equal(link.part_payment, false);
    // The core decides the exact return URL (it may route through its own return page); it must lead back to
    // the shop with our link id.
    assert.ok(decodeURIComponent(link.callback_url ?? '').includes(`${SHOP_ORIGIN}/thanks?pay_link_id=${view.id}`), link.callback_url ?? 'none');
    assert.equal(view.url, link.payment_link);
    assert.equal(view.expiresAt, link.expire_by);
    const ttl = Date.parse(link.expire_by) - started;
    assert.ok(ttl > 59 * 60_000 && ttl <= 60 * 60_000 + 2000, `ttl ${ttl}`);
    await mint();
    assert.equal(pine.tokensIssued(), 1, 'the token is cached across calls');
  });

  it('refuses what Pine Labs cannot take before calling it: under ₹1.00, or not INR', async () => {
    for (const product of ['coffee', 'usd']) {
      const res = await postJson(`${proxy.url}/v1/links`, { product });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { code: string }).code, 'amount_not_allowed');
    }
    assert.equal(pine.links().length, 0);
  });

  it('paid through the control: the order webhook reaches the proxy, which re-reads the link', async () => {
    const view = await mint();
    await pine.pay(linkOf(view).payment_link_id);
    const [delivery] = deliveries();
    assert.equal(delivery?.url, webhookUrl);
    assert.equal(delivery?.event, 'ORDER_PROCESSED');
    assert.equal(delivery?.status, 200, delivery?.error ?? '');
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 250_000);
    assert.equal(after.paidAt, linkOf(view).updated_at);
  });

  it('paid by a buyer on the hosted page: back on the return URL, the link reads paid', async () => {
    const view = await mint({ product: 'consult', returnUrl: `${SHOP_ORIGIN}/thanks` });
    const html = await (await fetch(view.url)).text();
    const action = /<form method="post" action="([^"]+\/pay)">/.exec(html)?.[1];
    assert.ok(action, 'a pay button');
    const pay = await fetch(new URL(action, sim.url), { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(pay.headers.get('location'), linkOf(view).callback_url);
    assert.ok(decodeURIComponent(pay.headers.get('location') ?? '').includes(`${SHOP_ORIGIN}/thanks?pay_link_id=${view.id}`));
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('a cancelled link reads cancelled, and a later expiry does not change that', async () => {
    const view = await mint();
    // The core has no cancel route yet; this is what one does: cancel through the adapter. The simulator's
    // ORDER_CANCELLED event then tells the proxy, which re-reads CANCELLED.
    const settings = loadConfig(pinelabsEnv(sim), () => JSON.stringify(CATALOG)).providers.pinelabs!.settings as PinelabsConfig;
    const adapter = pinelabsProvider.createAdapter(settings, { fetch, now: Date.now });
    const state = await adapter.cancel(linkOf(view).payment_link_id);
    assert.equal(state.status, 'cancelled');
    await eventually(async () => assert.equal(deliveries()[0]?.status, 200));
    assert.equal(deliveries()[0]?.event, 'ORDER_CANCELLED');
    assert.equal((await read(view.id)).status, 'cancelled');
    // Pine Labs refuses to cancel twice; the proxy's state stays.
    await assert.rejects(adapter.cancel(linkOf(view).payment_link_id), { code: 'provider_rejected' });
    await sim.control.advanceClock(2 * 60 * 60_000);
    await proxy.proxy.links.refresh(view.id);
    assert.equal((await read(view.id)).status, 'cancelled');
  });

  it('an expired link reads expired once the simulator clock passes its expiry (and the stale token is replaced)', async () => {
    const view = await mint();
    assert.equal(pine.tokensIssued(), 1);
    await sim.control.advanceClock(61 * 60_000);
    assert.equal(linkOf(view).status, 'EXPIRED');
    assert.equal(deliveries().length, 0, 'Pine Labs has no expiry event');
    // The proxy's cached token is still young by its own clock, but the simulator's clock says it expired: the
    // read gets a 401, fetches a new token and tries again.
    const refreshed = await proxy.proxy.links.refresh(view.id);
    assert.equal(refreshed?.status, 'expired');
    assert.equal(pine.tokensIssued(), 2);
    assert.equal((await read(view.id)).status, 'expired');
  });

  it('with webhooks off, paying still reaches paid through the refresh', async () => {
    const view = await mint();
    pine.configureWebhooks({ enabled: false });
    await pine.pay(linkOf(view).payment_link_id);
    assert.equal(deliveries().length, 0);
    assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
    const refreshed = await proxy.proxy.links.refresh(view.id);
    assert.equal(refreshed?.status, 'paid');
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('with webhooks off, a read after staleAfterMs refreshes by itself', async () => {
    const eager = await startPinelabsProxy(sim, 0);
    try {
      const res = await postJson(`${eager.url}/v1/links`, { product: 'consult' });
      const view = (await res.json()) as LinkView;
      pine.configureWebhooks({ enabled: false });
      await pine.pay(linkOf(view).payment_link_id);
      const after = await eventually(async () => {
        const current = (await (await fetch(`${eager.url}/v1/links/${view.id}`)).json()) as LinkView;
        assert.equal(current.status, 'paid');
        return current;
      });
      assert.equal(after.amountPaid, 250_000);
    } finally {
      await eager.close();
    }
  });

  it('an order webhook for a link this proxy never minted is read at Pine Labs and adopted; a forged one is refused', async () => {
    const other = await startPinelabsProxy(sim, 60_000);
    try {
      const view = await mint();
      // Delivered to a second proxy that did not mint it (as after a restart): its reference is one a proxy makes,
      // so the second proxy adopts it under the same id (links/correlate.ts).
      pine.configureWebhooks({ url: `${other.url}/v1/webhooks/pinelabs` });
      await pine.pay(linkOf(view).payment_link_id);
      const [delivery] = deliveries();
      assert.equal(delivery?.status, 200);
      const metrics = await (await fetch(`${other.url}/metrics`)).text();
      assert.match(metrics, /paylink_webhooks_total\{provider="pinelabs",outcome="applied"\} 1/);
      assert.equal(((await (await fetch(`${other.url}/v1/links/${view.id}`)).json()) as LinkView).status, 'paid', 'adopted under the same id');
      const replayed = await fetch(`${other.url}/v1/webhooks/pinelabs`, { method: 'POST', headers: { ...delivery!.headers, 'webhook-id': 'msg_other_id' }, body: delivery!.body });
      assert.equal(replayed.status, 401, 'the id is signed too');
      const forged = await fetch(webhookUrl, { method: 'POST', headers: delivery!.headers, body: delivery!.body.replace('PROCESSED', 'CANCELLED') });
      assert.equal(forged.status, 401);
      // The minting proxy itself gets the genuine delivery and applies it.
      assert.deepEqual(await replay(delivery!), { status: 200, body: { received: true, outcome: 'applied' } });
      assert.equal((await read(view.id)).status, 'paid');
    } finally {
      await other.close();
    }
  });

  it('duplicate and out-of-order deliveries end in the same state', async () => {
    // Duplicates: every event twice, same webhook-id, byte for byte.
    pine.configureWebhooks({ duplicate: true });
    const once = await mint();
    const onceId = linkOf(once).payment_link_id;
    await pine.setStatus(onceId, 'PARTIAL_PROCESSED');
    await pine.setStatus(onceId, 'PROCESSED');
    assert.deepEqual(deliveries().map((d) => d.status), [200, 200, 200, 200]);
    const duplicated = await read(once.id);
    assert.equal(duplicated.status, 'paid');

    // Out of order: a part payment, then the rest; the two events are held back (the receiver was down) and
    // then arrive newest first — and, for a second link, oldest first — each twice.
    const outcomes: LinkView[] = [];
    for (const reverse of [true, false]) {
      pine.configureWebhooks({ url: 'http://127.0.0.1:9/down', duplicate: false });
      const view = await mint();
      const id = linkOf(view).payment_link_id;
      const before = deliveries().length;
      await pine.setStatus(id, 'PARTIAL_PROCESSED');
      await pine.setStatus(id, 'PROCESSED');
      const held = deliveries().slice(before);
      assert.deepEqual(held.map((d) => [d.event, d.status]), [['ORDER_PROCESSED', null], ['ORDER_PROCESSED', null]]);
      const order = reverse ? [...held].reverse() : held;
      const outcomesOf = [];
      for (const d of [...order, ...order]) outcomesOf.push((await replay(d)).body.outcome);
      assert.deepEqual(outcomesOf, ['applied', 'applied', 'duplicate', 'duplicate']);
      outcomes.push(await read(view.id));
    }
    for (const view of [duplicated, ...outcomes]) {
      assert.equal(view.status, 'paid');
      assert.equal(view.amountPaid, 250_000);
    }
    // Re-reads see the final state each time, so both orders land on the same seq; the duplicated run saw the
    // partial step on the way and counts it.
    assert.equal(outcomes[0]!.seq, outcomes[1]!.seq);
    assert.ok(duplicated.seq >= outcomes[0]!.seq);
  });
});

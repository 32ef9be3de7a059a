/**
 * The proxy against the EximPe simulator, over real HTTP both ways: mint → the link exists in rupees as a
 * decimal string → pay → PAYMENT_SUCCESSFUL reaches the proxy, which re-reads the link (payment events carry no
 * link state) → the link reads paid. Also deactivation, expiry by the simulator clock, lost webhooks,
 * duplicates and out-of-order arrivals.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, type EximPeControl, type RunningSimulator, startSimulator } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { returnThrough } from '../src/links/service.ts';
import { createLogger } from '../src/logger.ts';
import { type EximPeConfig, eximpeProvider } from '../src/providers/eximpe.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, eventually, simulatorProxyEnv } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.eximpe;
/** ₹1,500.00, the seed's amount. */
const CATALOG = { products: [{ id: 'consulting', name: 'Consulting Services', price: '1500.00', currency: 'INR' }], allowedOrigins: [SHOP_ORIGIN] };

function eximpeEnv(sim: RunningSimulator): Record<string, string> {
  return simulatorProxyEnv('eximpe', {
    EXIMPE_CLIENT_ID: CREDS.clientId,
    EXIMPE_CLIENT_SECRET: CREDS.clientSecret,
    // A retired key and the current one, as during a rotation.
    EXIMPE_WEBHOOK_SECRET: `eximpe_retired_webhook_key,${CREDS.webhookSecret}`,
    EXIMPE_BASE_URL: `${sim.url}/eximpe`,
  });
}

async function startEximPeProxy(sim: RunningSimulator, staleAfterMs: number): Promise<RunningProxy> {
  const config = loadConfig(eximpeEnv(sim), () => JSON.stringify(CATALOG));
  return startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs });
}


describe('proxy ↔ EximPe simulator', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let eximpe: EximPeControl;
  let webhookUrl: string;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, eximpe: { ...CREDS } });
    // Long staleness: within a test only webhooks (or an explicit refresh) move a link.
    proxy = await startEximPeProxy(sim, 60_000);
    eximpe = sim.control.eximpe!;
    webhookUrl = `${proxy.url}/v1/webhooks/eximpe`;
  });
  beforeEach(() => {
    sim.control.reset();
    eximpe.configureWebhooks({ url: webhookUrl });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  async function mint(): Promise<LinkView> {
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'consulting' });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as LinkView;
  }
  async function read(id: string, through = proxy): Promise<LinkView> {
    return (await (await fetch(`${through.url}/v1/links/${id}`)).json()) as LinkView;
  }
  const providerIdOf = (view: LinkView) => view.url.split('/').pop()!;
  const deliveries = () => sim.control.deliveries().filter((d) => d.provider === 'eximpe');
  const replay = (d: { body: string; headers: Record<string, string> }) =>
    fetch(webhookUrl, { method: 'POST', headers: d.headers, body: d.body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { outcome?: string } }));

  it('mints an EximPe link of "1500.00" INR with our reference, invoice and a placeholder buyer', async () => {
    const before = Date.now();
    const view = await mint();
    assert.equal(view.provider, 'eximpe');
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.amount, { value: 150000, currency: 'INR' });
    assert.match(view.url, new RegExp(`^${sim.url}/eximpe/pay/PR\\d{10}$`));
    const [link] = eximpe.links();
    assert.equal(link!.payment_id, providerIdOf(view));
    assert.equal(link!.amount, '1500.00');
    assert.equal(link!.currency, 'INR');
    assert.equal(link!.reference_id, view.id);
    assert.equal(link!.invoice.number, view.id);
    assert.equal(link!.invoice.date, new Date().toISOString().slice(0, 10));
    assert.equal(link!.buyer.name, 'Customer');
    assert.equal(link!.buyer.email, null);
    assert.equal(link!.product.name, 'Consulting Services');
    // PAY_LINK_LINK_TTL_MINUTES defaults to 60; EximPe takes whole seconds.
    const expiry = Date.parse(link!.expiry_date);
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 3_600_000 - 1000 && expiry <= Date.now() + 3_600_000, link!.expiry_date);
    assert.equal(view.expiresAt, new Date(expiry).toISOString());
  });

  it('pays: PAYMENT_SUCCESSFUL reaches the proxy, which re-reads the link and reads paid', async () => {
    const view = await mint();
    await eximpe.pay(providerIdOf(view));
    const [delivery] = deliveries();
    assert.equal(delivery!.status, 200, delivery!.error ?? '');
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 150000);
    assert.equal(after.seq, 6);
  });

  it('through the hosted page: Pay lands the webhook, then sends the buyer to our return URL', async () => {
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'consulting', returnUrl: `${SHOP_ORIGIN}/thanks` });
    const view = (await res.json()) as LinkView;
    const sent = returnThrough('http://proxy.test', `${SHOP_ORIGIN}/thanks`, view.id);
    const page = await fetch(`${view.url}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), sent, 'return_url as the proxy sent it');
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('a failed attempt keeps the link pending (PAYMENT_FAILED is applied as a re-read)', async () => {
    const view = await mint();
    await eximpe.fail(providerIdOf(view));
    assert.equal(deliveries()[0]!.status, 200);
    const after = await read(view.id);
    assert.equal(after.status, 'pending');
    assert.equal(after.amountPaid, 0);
  });

  it('a link deactivated through the adapter, or from the page, reads cancelled', async () => {
    const config = loadConfig(eximpeEnv(sim), () => JSON.stringify(CATALOG));
    const adapter = eximpeProvider.createAdapter(config.providers.eximpe!.settings as EximPeConfig, { fetch, now: Date.now });
    const first = await mint();
    const state = await adapter.cancel(providerIdOf(first));
    assert.equal(state.status, 'cancelled');
    assert.equal(state.providerStatus, 'INACTIVE');
    await proxy.proxy.links.refresh(first.id);
    assert.equal((await read(first.id)).status, 'cancelled');

    const second = await mint();
    await fetch(`${second.url}/cancel`, { method: 'POST', redirect: 'manual' });
    assert.equal(deliveries().length, 0, 'EximPe sends no webhook for a deactivation');
    await proxy.proxy.links.refresh(second.id);
    const after = await read(second.id);
    assert.equal(after.status, 'cancelled');
    assert.ok(after.seq > 0);
  });

  it('a link past its expiry_date (simulator clock) reads expired', async () => {
    const view = await mint();
    await sim.control.advanceClock(61 * 60_000);
    assert.equal(eximpe.links()[0]!.status, 'EXPIRED');
    await proxy.proxy.links.refresh(view.id);
    assert.equal((await read(view.id)).status, 'expired');
  });

  it('extends the expiry through the adapter, and the simulator keeps the link payable past the old expiry', async () => {
    const config = loadConfig(eximpeEnv(sim), () => JSON.stringify(CATALOG));
    const adapter = eximpeProvider.createAdapter(config.providers.eximpe!.settings as EximPeConfig, { fetch, now: Date.now });
    const view = await mint();
    const later = new Date(Date.now() + 3 * 3_600_000);
    const state = await adapter.extendExpiry!(providerIdOf(view), later);
    assert.equal(state.expiresAt, new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
    await sim.control.advanceClock(61 * 60_000);
    assert.equal(eximpe.links()[0]!.status, 'ACTIVE');
    assert.equal((await adapter.findByReference!(view.id))?.providerLinkId, providerIdOf(view));
  });

  it('with webhooks off, paying still reaches paid through a refresh, and through a stale read', async () => {
    eximpe.configureWebhooks({ enabled: false });
    const view = await mint();
    await eximpe.pay(providerIdOf(view));
    assert.equal(deliveries().length, 0);
    assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
    await proxy.proxy.links.refresh(view.id);
    assert.equal((await read(view.id)).status, 'paid');

    // A proxy that treats every read as stale refreshes in the background on a plain GET.
    const eager = await startEximPeProxy(sim, 0);
    try {
      const other = (await (await postJson(`${eager.url}/v1/links`, { product: 'consulting' })).json()) as LinkView;
      await eximpe.pay(providerIdOf(other));
      const after = await eventually(async () => {
        const v = await read(other.id, eager);
        assert.equal(v.status, 'paid');
        return v;
      });
      assert.equal(after.amountPaid, 150000);
    } finally {
      await eager.close();
    }
  });

  it('duplicate deliveries are applied once', async () => {
    eximpe.configureWebhooks({ duplicate: true });
    const view = await mint();
    await eximpe.pay(providerIdOf(view));
    const [first, second] = deliveries();
    assert.equal(first!.body, second!.body);
    assert.equal(second!.status, 200);
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.seq, 6);
    // A third arrival of the same sequence_number is recognised as a duplicate.
    assert.deepEqual((await replay(first!)).body.outcome, 'duplicate');
  });

  it('out-of-order deliveries (PAYMENT_FAILED after PAYMENT_SUCCESSFUL) end paid', async () => {
    // Park the deliveries at a dead end, then hand them to the proxy in reverse order.
    eximpe.configureWebhooks({ url: `${proxy.url}/nowhere` });
    const view = await mint();
    await eximpe.fail(providerIdOf(view));
    await eximpe.pay(providerIdOf(view));
    const [failed, succeeded] = deliveries();
    assert.equal(JSON.parse(failed!.body).event_type, 'PAYMENT_FAILED');
    assert.equal(JSON.parse(succeeded!.body).event_type, 'PAYMENT_SUCCESSFUL');
    const first = await replay(succeeded!);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { received: true, outcome: 'applied' });
    assert.equal((await read(view.id)).status, 'paid');
    assert.equal((await replay(failed!)).body.outcome, 'applied');
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.seq, 6);
  });

  it("the simulator's PAYMENT_SUCCESSFUL verifies over its raw bytes and claims paid at its payment_completed_at", async () => {
    eximpe.configureWebhooks({ url: `${proxy.url}/nowhere` });
    const config = loadConfig(eximpeEnv(sim), () => JSON.stringify(CATALOG));
    const adapter = eximpeProvider.createAdapter(config.providers.eximpe!.settings as EximPeConfig, { fetch, now: Date.now });
    const view = await mint();
    await eximpe.pay(providerIdOf(view));
    const [delivery] = deliveries();
    const body = Buffer.from(delivery!.body);
    const headers = Object.fromEntries(Object.entries(delivery!.headers).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(adapter.verifyWebhook(body, headers, Date.now()), { ok: true });
    const event = adapter.parseWebhook(body, headers);
    const sent = JSON.parse(delivery!.body) as { data: { payment_completed_at: string } };
    assert.equal(event.kind === 'link' && event.claims?.status, 'paid');
    assert.equal(event.kind === 'link' && event.claims?.paidAt, new Date(sent.data.payment_completed_at).toISOString());
    // The simulator's link, like the retrieve reference, carries no payment time: the claim is where it comes from.
    const state = await adapter.retrieve(providerIdOf(view));
    assert.equal(state.status, 'paid');
  });

  it('refuses a delivery whose body was changed after signing', async () => {
    eximpe.configureWebhooks({ url: `${proxy.url}/nowhere` });
    const view = await mint();
    await eximpe.pay(providerIdOf(view));
    const [delivery] = deliveries();
    const forged = delivery!.body.replace('"captured"', '"CAPTURED"');
    assert.notEqual(forged, delivery!.body);
    const res = await fetch(webhookUrl, { method: 'POST', headers: delivery!.headers, body: forged });
    assert.equal(res.status, 401);
    assert.equal((await read(view.id)).status, 'pending');
  });
});

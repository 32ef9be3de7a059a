/**
 * The proxy against the EximPe simulator, over real HTTP both ways: mint → the link exists in rupees as a
 * decimal string → pay → PAYMENT_SUCCESSFUL reaches the proxy, which re-reads the link (payment events carry no
 * link state) → the link reads paid. Also deactivation, expiry by the simulator clock, lost webhooks,
 * duplicates and out-of-order arrivals. The shared scenarios are the flow kit's (conformance/flows.ts); this file
 * states EximPe's specifics.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type EximPeControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { returnThrough } from '../src/links/service.ts';
import { type FlowContext, describeSimulatorFlows } from './conformance/flows.ts';
import { SHOP_ORIGIN } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.eximpe;

const providerIdOf = (view: LinkView) => view.url.split('/').pop()!;
const linkOf = (ctx: FlowContext<EximPeControl>, view: LinkView) => {
  const link = ctx.control.links().find((l) => l.reference_id === view.id);
  assert.ok(link, 'the simulator has the link');
  return link;
};

describeSimulatorFlows({
  title: 'proxy ↔ EximPe simulator',
  provider: 'eximpe',
  simulator: { eximpe: { ...CREDS } },
  env: (sim) => ({
    EXIMPE_CLIENT_ID: CREDS.clientId,
    EXIMPE_CLIENT_SECRET: CREDS.clientSecret,
    // A retired key and the current one, as during a rotation.
    EXIMPE_WEBHOOK_SECRET: `eximpe_retired_webhook_key,${CREDS.webhookSecret}`,
    EXIMPE_BASE_URL: `${sim.url}/eximpe`,
  }),
  /** ₹1,500.00, the seed's amount. */
  catalog: { products: [{ id: 'consulting', name: 'Consulting Services', price: '1500.00', currency: 'INR' }], allowedOrigins: [SHOP_ORIGIN] },
  product: 'consulting',
  amount: { value: 150000, currency: 'INR' },
  control: (sim) => sim.control.eximpe!,
  providerId: (ctx, view) => linkOf(ctx, view).payment_id,
  pay: (ctx, id) => ctx.control.pay(id),
  linkCount: (ctx) => ctx.control.links().length,

  minted: {
    title: 'mints an EximPe link of "1500.00" INR with our reference, invoice and a placeholder buyer',
    check(ctx, view, before) {
      assert.match(view.url, new RegExp(`^${ctx.sim.url}/eximpe/pay/PR\\d{10}$`));
      const [link] = ctx.control.links();
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
    },
  },
  paid: {
    title: 'pays: PAYMENT_SUCCESSFUL reaches the proxy, which re-reads the link and reads paid',
    deliveries: [['PAYMENT_SUCCESSFUL', 200]],
    check: (_ctx, _view, after) => assert.equal(after.seq, 6),
  },
  hostedPage: {
    title: 'through the hosted page: Pay lands the webhook, then sends the buyer to our return URL',
    body: { returnUrl: `${SHOP_ORIGIN}/thanks` },
    payUrl: async (_ctx, view) => new URL(`${view.url}/pay`),
    checkLocation: (_ctx, view, location) =>
      assert.equal(location, returnThrough('http://proxy.test', `${SHOP_ORIGIN}/thanks`, view.id), 'return_url as the proxy sent it'),
  },
  refresh: { title: 'with webhooks off, paying still reaches paid through a refresh' },
  // A proxy that treats every read as stale refreshes in the background on a plain GET.
  staleRead: { title: 'with webhooks off, paying still reaches paid through a stale read' },
  expiry: {
    title: 'a link past its expiry_date (simulator clock) reads expired',
    advanceMs: 61 * 60_000,
    providerStatus: (ctx, view) => linkOf(ctx, view).status,
    word: 'EXPIRED',
    refresh: true,
  },

  specifics(flow) {
    it('a failed attempt keeps the link pending (PAYMENT_FAILED is applied as a re-read)', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      await ctx.control.fail(providerIdOf(view));
      assert.equal(ctx.deliveries()[0]!.status, 200);
      const after = await ctx.read(view.id);
      assert.equal(after.status, 'pending');
      assert.equal(after.amountPaid, 0);
    });

    it('a link deactivated through the adapter, or from the page, reads cancelled', async () => {
      const ctx = flow();
      const adapter = ctx.adapter();
      const first = await ctx.mint();
      const state = await adapter.cancel(providerIdOf(first));
      assert.equal(state.status, 'cancelled');
      assert.equal(state.providerStatus, 'INACTIVE');
      await ctx.proxy.proxy.links.refresh(first.id);
      assert.equal((await ctx.read(first.id)).status, 'cancelled');

      const second = await ctx.mint();
      await fetch(`${second.url}/cancel`, { method: 'POST', redirect: 'manual' });
      assert.equal(ctx.deliveries().length, 0, 'EximPe sends no webhook for a deactivation');
      await ctx.proxy.proxy.links.refresh(second.id);
      const after = await ctx.read(second.id);
      assert.equal(after.status, 'cancelled');
      assert.ok(after.seq > 0);
    });

    it('extends the expiry through the adapter, and the simulator keeps the link payable past the old expiry', async () => {
      const ctx = flow();
      const adapter = ctx.adapter();
      const view = await ctx.mint();
      const later = new Date(Date.now() + 3 * 3_600_000);
      const state = await adapter.extendExpiry!(providerIdOf(view), later);
      assert.equal(state.expiresAt, new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
      await ctx.sim.control.advanceClock(61 * 60_000);
      assert.equal(ctx.control.links()[0]!.status, 'ACTIVE');
      assert.equal((await adapter.findByReference!(view.id))?.providerLinkId, providerIdOf(view));
    });

    it('duplicate deliveries are applied once', async () => {
      const ctx = flow();
      ctx.control.configureWebhooks({ duplicate: true });
      const view = await ctx.mint();
      await ctx.control.pay(providerIdOf(view));
      const [first, second] = ctx.deliveries();
      assert.equal(first!.body, second!.body);
      assert.equal(second!.status, 200);
      const after = await ctx.read(view.id);
      assert.equal(after.status, 'paid');
      assert.equal(after.seq, 6);
      // A third arrival of the same sequence_number is recognised as a duplicate.
      assert.deepEqual((await ctx.replay(first!)).body.outcome, 'duplicate');
    });

    it('out-of-order deliveries (PAYMENT_FAILED after PAYMENT_SUCCESSFUL) end paid', async () => {
      const ctx = flow();
      // Park the deliveries at a dead end, then hand them to the proxy in reverse order.
      ctx.control.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
      const view = await ctx.mint();
      await ctx.control.fail(providerIdOf(view));
      await ctx.control.pay(providerIdOf(view));
      const [failed, succeeded] = ctx.deliveries();
      assert.equal(JSON.parse(failed!.body).event_type, 'PAYMENT_FAILED');
      assert.equal(JSON.parse(succeeded!.body).event_type, 'PAYMENT_SUCCESSFUL');
      const first = await ctx.replay(succeeded!);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { received: true, outcome: 'applied' });
      assert.equal((await ctx.read(view.id)).status, 'paid');
      assert.equal((await ctx.replay(failed!)).body.outcome, 'applied');
      const after = await ctx.read(view.id);
      assert.equal(after.status, 'paid');
      assert.equal(after.seq, 6);
    });

    it("the simulator's PAYMENT_SUCCESSFUL verifies over its raw bytes and claims paid at its payment_completed_at", async () => {
      const ctx = flow();
      ctx.control.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
      const adapter = ctx.adapter();
      const view = await ctx.mint();
      await ctx.control.pay(providerIdOf(view));
      const [delivery] = ctx.deliveries();
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
      const ctx = flow();
      ctx.control.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
      const view = await ctx.mint();
      await ctx.control.pay(providerIdOf(view));
      const [delivery] = ctx.deliveries();
      const forged = delivery!.body.replace('"captured"', '"CAPTURED"');
      assert.notEqual(forged, delivery!.body);
      const res = await fetch(ctx.webhookUrl, { method: 'POST', headers: delivery!.headers, body: forged });
      assert.equal(res.status, 401);
      assert.equal((await ctx.read(view.id)).status, 'pending');
    });
  },
});

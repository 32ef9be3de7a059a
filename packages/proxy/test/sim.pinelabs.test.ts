/**
 * The proxy against the Pine Labs simulator, over real HTTP both ways: token → mint → the link exists in paise →
 * pay → the signed order webhook reaches the proxy, which finds the link by its order id and re-reads it (order
 * events carry no link state) → the link reads paid. Also cancel, expiry by the simulator clock (which also
 * expires the cached token: the 401 path), lost webhooks, duplicates and out-of-order arrivals.
 * The shared scenarios are the flow kit's (conformance/flows.ts); this file states Pine Labs' specifics.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type PinelabsControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { type FlowContext, describeSimulatorFlows, payButton } from './conformance/flows.ts';
import { SHOP_ORIGIN, eventually } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.pinelabs;

const linkOf = (ctx: FlowContext<PinelabsControl>, view: LinkView) => {
  const link = ctx.control.links().find((l) => l.merchant_payment_link_reference === view.id);
  assert.ok(link, 'the simulator has the link');
  return link;
};

describeSimulatorFlows({
  title: 'proxy ↔ Pine Labs simulator',
  provider: 'pinelabs',
  simulator: { pinelabs: { ...CREDS } },
  env: (sim) => ({
    PINELABS_CLIENT_ID: CREDS.clientId,
    PINELABS_CLIENT_SECRET: CREDS.clientSecret,
    // PINELABS_WEBHOOK_SECRET left unset: it defaults to the client secret, which the simulator signs with.
    PINELABS_BASE_URL: `${sim.url}/pinelabs/api`,
  }),
  /** The demo product: ₹2,500.00. */
  catalog: {
    products: [
      { id: 'consult', name: 'Consulting hour', price: '2500.00', currency: 'INR' },
      { id: 'coffee', name: 'Too cheap for Pine Labs', price: '0.50', currency: 'INR' },
      { id: 'usd', name: 'Priced in dollars', price: '30.00', currency: 'USD' },
    ],
    allowedOrigins: [SHOP_ORIGIN],
  },
  product: 'consult',
  amount: { value: 250_000, currency: 'INR' },
  control: (sim) => sim.control.pinelabs!,
  providerId: (ctx, view) => linkOf(ctx, view).payment_link_id,
  pay: (ctx, id) => ctx.control.pay(id),
  linkCount: (ctx) => ctx.control.links().length,

  minted: {
    title: 'mints a link in paise with our reference, expiry and return URL, after one token request',
    body: { returnUrl: `${SHOP_ORIGIN}/thanks` },
    async check(ctx, view, started) {
      const link = linkOf(ctx, view);
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
      await ctx.mint();
      assert.equal(ctx.control.tokensIssued(), 1, 'the token is cached across calls');
    },
  },
  refused: {
    title: 'refuses what Pine Labs cannot take before calling it: under ₹1.00, or not INR',
    products: ['coffee', 'usd'],
    code: 'amount_not_allowed',
  },
  paid: {
    title: 'paid through the control: the order webhook reaches the proxy, which re-reads the link',
    deliveries: [['ORDER_PROCESSED', 200]],
    check: (ctx, view, after) => assert.equal(after.paidAt, linkOf(ctx, view).updated_at),
  },
  hostedPage: {
    title: 'paid by a buyer on the hosted page: back on the return URL, the link reads paid',
    payUrl: (ctx, view) => payButton(ctx, view, /<form method="post" action="([^"]+\/pay)">/),
    checkLocation(ctx, view, location) {
      assert.equal(location, linkOf(ctx, view).callback_url);
      assert.ok(decodeURIComponent(location).includes(`${SHOP_ORIGIN}/thanks?pay_link_id=${view.id}`));
    },
  },
  refresh: { title: 'with webhooks off, paying still reaches paid through the refresh' },
  staleRead: { title: 'with webhooks off, a read after staleAfterMs refreshes by itself' },
  expiry: {
    title: 'an expired link reads expired once the simulator clock passes its expiry (and the stale token is replaced)',
    advanceMs: 61 * 60_000,
    before: (ctx) => assert.equal(ctx.control.tokensIssued(), 1),
    providerStatus: (ctx, view) => linkOf(ctx, view).status,
    word: 'EXPIRED',
    // Pine Labs has no expiry event. The proxy's cached token is still young by its own clock, but the
    // simulator's clock says it expired: the read gets a 401, fetches a new token and tries again.
    event: null,
    refresh: true,
    after: (ctx) => assert.equal(ctx.control.tokensIssued(), 2),
  },

  specifics(flow) {
    it('a cancelled link reads cancelled, and a later expiry does not change that', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      // Cancel through the adapter; the simulator's ORDER_CANCELLED event then tells the proxy, which re-reads
      // CANCELLED.
      const adapter = ctx.adapter();
      const state = await adapter.cancel(linkOf(ctx, view).payment_link_id);
      assert.equal(state.status, 'cancelled');
      await eventually(async () => assert.equal(ctx.deliveries()[0]?.status, 200));
      assert.equal(ctx.deliveries()[0]?.event, 'ORDER_CANCELLED');
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
      // Pine Labs refuses to cancel twice; the proxy's state stays.
      await assert.rejects(adapter.cancel(linkOf(ctx, view).payment_link_id), { code: 'provider_rejected' });
      await ctx.sim.control.advanceClock(2 * 60 * 60_000);
      await ctx.proxy.proxy.links.refresh(view.id);
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
    });

    it('an order webhook for a link this proxy never minted is read at Pine Labs and adopted; a forged one is refused', async () => {
      const ctx = flow();
      const other = await ctx.startProxy(60_000);
      try {
        const view = await ctx.mint();
        // Delivered to a second proxy that did not mint it (as after a restart): its reference is one a proxy
        // makes, so the second proxy adopts it under the same id (links/correlate.ts).
        ctx.control.configureWebhooks({ url: `${other.url}/v1/webhooks/pinelabs` });
        await ctx.control.pay(linkOf(ctx, view).payment_link_id);
        const [delivery] = ctx.deliveries();
        assert.equal(delivery?.status, 200);
        const metrics = await (await fetch(`${other.url}/metrics`)).text();
        assert.match(metrics, /paylink_webhooks_total\{provider="pinelabs",outcome="applied"\} 1/);
        assert.equal((await ctx.read(view.id, other)).status, 'paid', 'adopted under the same id');
        const replayed = await fetch(`${other.url}/v1/webhooks/pinelabs`, { method: 'POST', headers: { ...delivery!.headers, 'webhook-id': 'msg_other_id' }, body: delivery!.body });
        assert.equal(replayed.status, 401, 'the id is signed too');
        const forged = await fetch(ctx.webhookUrl, { method: 'POST', headers: delivery!.headers, body: delivery!.body.replace('PROCESSED', 'CANCELLED') });
        assert.equal(forged.status, 401);
        // The minting proxy itself gets the genuine delivery and applies it.
        assert.deepEqual(await ctx.replay(delivery!), { status: 200, body: { received: true, outcome: 'applied' } });
        assert.equal((await ctx.read(view.id)).status, 'paid');
      } finally {
        await other.close();
      }
    });

    it('duplicate and out-of-order deliveries end in the same state', async () => {
      const ctx = flow();
      const pine = ctx.control;
      // Duplicates: every event twice, same webhook-id, byte for byte.
      pine.configureWebhooks({ duplicate: true });
      const once = await ctx.mint();
      const onceId = linkOf(ctx, once).payment_link_id;
      await pine.setStatus(onceId, 'PARTIAL_PROCESSED');
      await pine.setStatus(onceId, 'PROCESSED');
      assert.deepEqual(ctx.deliveries().map((d) => d.status), [200, 200, 200, 200]);
      const duplicated = await ctx.read(once.id);
      assert.equal(duplicated.status, 'paid');

      // Out of order: a part payment, then the rest; the two events are held back (the receiver was down) and
      // then arrive newest first — and, for a second link, oldest first — each twice.
      const outcomes: LinkView[] = [];
      for (const reverse of [true, false]) {
        pine.configureWebhooks({ url: 'http://127.0.0.1:9/down', duplicate: false });
        const view = await ctx.mint();
        const id = linkOf(ctx, view).payment_link_id;
        const before = ctx.deliveries().length;
        await pine.setStatus(id, 'PARTIAL_PROCESSED');
        await pine.setStatus(id, 'PROCESSED');
        const held = ctx.deliveries().slice(before);
        assert.deepEqual(held.map((d) => [d.event, d.status]), [['ORDER_PROCESSED', null], ['ORDER_PROCESSED', null]]);
        const order = reverse ? [...held].reverse() : held;
        const outcomesOf = [];
        for (const d of [...order, ...order]) outcomesOf.push((await ctx.replay(d)).body.outcome);
        assert.deepEqual(outcomesOf, ['applied', 'applied', 'duplicate', 'duplicate']);
        outcomes.push(await ctx.read(view.id));
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
  },
});

/**
 * The PayEngine adapter against the PayEngine simulator, end to end over HTTP: the proxy mints through the
 * simulated REST API, the simulator's signed webhooks reach the proxy, and the proxy's refresh reads the
 * simulator when webhooks are lost. The shared scenarios are the flow kit's (conformance/flows.ts); this file
 * states PayEngine's specifics.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type PayEngineControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { createPayEngineAdapter } from '../src/providers/payengine/index.ts';
import { Secret } from '../src/secret.ts';
import { type FlowContext, describeSimulatorFlows } from './conformance/flows.ts';
import { SHOP_ORIGIN } from './helpers.ts';

const PE = DEMO_CREDENTIALS.payengine;
const DAY_MS = 24 * 3600 * 1000;
/** Nothing listens on the discard port: deliveries there fail, and the simulator records what it tried to send. */
const DEAD_URL = 'http://127.0.0.1:9/webhooks';

/** The simulator's link for a proxy link, found by the reference the adapter put in internal_transaction_id. */
const simLink = (ctx: FlowContext<PayEngineControl>, id: string) => {
  const link = ctx.control.links().find((l) => l.internal_transaction_id === id);
  assert.ok(link, `the simulator has a link for ${id}`);
  return link;
};
const deliveriesFor = (ctx: FlowContext<PayEngineControl>, linkId: string) =>
  ctx.deliveries().filter((d) => JSON.parse(d.body).data?.payment_link_id === linkId);
/** PAYMENTLINK_CREATED is sent after the create answer, so it may still be on its way. */
const deliveryOf = async (ctx: FlowContext<PayEngineControl>, linkId: string, event: string) => {
  for (let waited = 0; waited < 3000; waited += 20) {
    const found = deliveriesFor(ctx, linkId).find((d) => d.event === event);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`no ${event} delivery for ${linkId}`);
};

describeSimulatorFlows({
  title: 'proxy ↔ PayEngine simulator',
  provider: 'payengine',
  simulator: { payengine: { ...PE } },
  env: (sim) => ({
    PAYENGINE_SECRET_KEY: PE.secretKey,
    PAYENGINE_MERCHANT_ID: PE.merchantId,
    PAYENGINE_WEBHOOK_SECRET: `rotated-out-secret,${PE.webhookSecret}`,
    PAYENGINE_BASE_URL: `${sim.url}/payengine`,
  }),
  catalog: {
    products: [
      { id: 'mug', name: 'Coffee mug', price: '49.00', currency: 'USD' },
      { id: 'yen', name: 'Priced in yen', price: '500', currency: 'JPY' },
    ],
    allowedOrigins: [SHOP_ORIGIN],
  },
  product: 'mug',
  amount: { value: 4900, currency: 'USD' },
  control: (sim) => sim.control.payengine!,
  providerId: (ctx, view) => simLink(ctx, view.id).payment_link_id,
  pay: (ctx, id) => ctx.control.pay(id, 'CC_DC'),
  deliveriesOf: (ctx, view) => deliveriesFor(ctx, simLink(ctx, view.id).payment_link_id),
  settled: async (ctx, view) => {
    await deliveryOf(ctx, simLink(ctx, view.id).payment_link_id, 'PAYMENTLINK_CREATED');
  },
  linkCount: (ctx) => ctx.control.links().length,

  minted: {
    title: 'mints a link the simulator holds in dollars, and reads it pending',
    check(ctx, view) {
      const link = simLink(ctx, view.id);
      assert.equal(link.amount, '49.00');
      assert.equal(link.currency_code, 'USD');
      assert.equal(link.use_same_amount, true);
      assert.equal(link.one_time_only, true);
      assert.match(link.slug_id, /^paylink-[0-9a-f]{24}$/);
      assert.equal(view.url, link.payment_link_url);
      assert.match(link.end_date ?? '', /^\d{8}$/, 'the seed’s YYYYMMDD');
      const end = link.end_date!;
      assert.equal(view.expiresAt, new Date(Date.UTC(+end.slice(0, 4), +end.slice(4, 6) - 1, +end.slice(6, 8) + 1)).toISOString());
      assert.ok(Date.parse(view.expiresAt!) >= Date.now() + 16 * 60_000, 'never before pay-link’s own expiry');
      // Its links take no return URL: the view tells the widget so (a new tab on phones, never the shop's tab)
      assert.equal(view.returnsBuyer, false);
    },
  },
  refused: { title: 'refuses an amount PayEngine cannot take exactly, before calling it', products: ['yen'], code: 'amount_not_representable' },
  paid: {
    title: 'pay → signed webhooks reach the proxy → the link reads paid',
    deliveries: [['PAYMENT_SALE', 200], ['PAYMENTLINK_UPDATED', 200]],
    check: (_ctx, _view, after) => assert.ok(after.paidAt),
  },
  refresh: { title: 'with webhooks off, paying still reaches paid through the proxy’s refresh' },
  expiry: {
    title: 'a link whose end date passed reads expired; a payment landing after that still wins',
    advanceMs: 3 * DAY_MS,
    providerStatus: (ctx, view) => simLink(ctx, view.id).payment_link_status,
    word: 'INACTIVE',
    refresh: true,
    latePayment: async (ctx, view) => {
      await ctx.control.setStatus(simLink(ctx, view.id).payment_link_id, 'COMPLETED');
    },
  },

  specifics(flow) {
    it('a link cancelled at PayEngine reads cancelled (PAYMENTLINK_CANCELLED carries only the id: the proxy re-reads)', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const link = simLink(ctx, view.id);
      await ctx.control.setStatus(link.payment_link_id, 'CANCELLED');
      assert.deepEqual(deliveriesFor(ctx, link.payment_link_id).at(-1)?.status, 200);
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
    });

    it('duplicate and out-of-order deliveries end in the same state as one in-order delivery', async () => {
      const ctx = flow();
      const control = ctx.control;
      const inOrder = await ctx.mint();
      control.configureWebhooks({ duplicate: true });
      try {
        await control.pay(simLink(ctx, inOrder.id).payment_link_id);
      } finally {
        control.configureWebhooks({ duplicate: false });
      }
      const expected = await ctx.read(inOrder.id);
      assert.equal(expected.status, 'paid');

      // Capture a second link's deliveries without delivering them, then hand them over in reverse, twice.
      control.configureWebhooks({ url: DEAD_URL });
      let captured;
      let scrambled;
      try {
        scrambled = await ctx.mint();
        await deliveryOf(ctx, simLink(ctx, scrambled.id).payment_link_id, 'PAYMENTLINK_CREATED');
        await control.pay(simLink(ctx, scrambled.id).payment_link_id);
        captured = deliveriesFor(ctx, simLink(ctx, scrambled.id).payment_link_id);
      } finally {
        control.configureWebhooks({ url: ctx.webhookUrl });
      }
      assert.deepEqual(captured.map((d) => d.event), ['PAYMENTLINK_CREATED', 'PAYMENT_SALE', 'PAYMENTLINK_UPDATED']);
      assert.ok(captured.every((d) => d.status === null));
      const outcomes: string[] = [];
      for (const d of [...captured].reverse().concat(captured)) {
        const res = await ctx.replay(d);
        assert.equal(res.status, 200);
        outcomes.push(res.body.outcome ?? '');
      }
      assert.deepEqual(outcomes, ['applied', 'applied', 'applied', 'duplicate', 'duplicate', 'duplicate']);
      const final: LinkView = await ctx.read(scrambled.id);
      assert.deepEqual(
        { status: final.status, amountPaid: final.amountPaid, seq: final.seq },
        { status: expected.status, amountPaid: expected.amountPaid, seq: expected.seq },
      );
    });

    it('refuses a delivery signed with another secret or replayed after five minutes', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const created = await deliveryOf(ctx, simLink(ctx, view.id).payment_link_id, 'PAYMENTLINK_CREATED');
      const forged = await fetch(ctx.webhookUrl, {
        method: 'POST',
        headers: { ...created.headers, 'X-PF-Signature': created.headers['X-PF-Signature']!.replace(/s=[0-9a-f]/, 's=x') },
        body: created.body,
      });
      assert.equal(forged.status, 401);
      const t = Math.floor(Date.now() / 1000) - 6 * 60;
      const stale = `t=${t},s=${createHmac('sha256', PE.webhookSecret).update(`${t}.${created.body}`).digest('hex')}`;
      const replay = await fetch(ctx.webhookUrl, { method: 'POST', headers: { ...created.headers, 'X-PF-Signature': stale }, body: created.body });
      assert.equal(replay.status, 401);
    });

    it('the adapter’s cancel, extendExpiry and findByReference work against the simulator', async () => {
      const ctx = flow();
      const adapter = createPayEngineAdapter(
        {
          secretKey: new Secret(PE.secretKey),
          merchantId: PE.merchantId,
          webhookSecrets: [new Secret(PE.webhookSecret)],
          baseUrl: `${ctx.sim.url}/payengine`,
          endDateFormat: 'yyyymmdd',
          timeoutMs: 3000,
        },
        { fetch },
      );
      const view = await ctx.mint();
      const providerId = simLink(ctx, view.id).payment_link_id;
      const found = await adapter.findByReference!(view.id);
      assert.equal(found?.providerLinkId, providerId);
      const extended = await adapter.extendExpiry!(providerId, new Date(Date.UTC(2031, 0, 15, 12)));
      assert.equal(simLink(ctx, view.id).end_date, '20310115');
      assert.equal(extended.expiresAt, '2031-01-16T00:00:00.000Z');
      const cancelled = await adapter.cancel(providerId);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(simLink(ctx, view.id).payment_link_status, 'CANCELLED');
      await assert.rejects(adapter.cancel(providerId), { code: 'provider_rejected' });
      await assert.rejects(adapter.retrieve('no-such-link'), { code: 'not_found' });
    });
  },
});

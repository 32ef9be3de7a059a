/**
 * The proxy against the Xendit simulator, over real HTTP both ways: mint → the invoice exists in rupiah →
 * pay → the invoice callback reaches the proxy, which re-reads the invoice (the token signs nothing) → the link
 * reads paid. Also cancel, expiry by the simulator clock, lost callbacks, duplicates and out-of-order arrivals.
 * The shared scenarios are the flow kit's (conformance/flows.ts); this file states Xendit's specifics.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type XenditControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { type FlowContext, describeSimulatorFlows, payButton } from './conformance/flows.ts';
import { SHOP_ORIGIN, eventually } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.xendit;
const ROTATED_TOKEN = 'xendit_rotated_callback_token_02';

/** The proxy's `/return` page, forwarding to the shop's `/thanks` with the link id: what Xendit redirects to. */
function returnPage(linkId: string): string {
  const url = new URL('http://proxy.test/return');
  url.searchParams.set('to', `${SHOP_ORIGIN}/thanks?pay_link_id=${linkId}`);
  return url.toString();
}

const invoiceOf = (ctx: FlowContext<XenditControl>, view: LinkView) => {
  const invoice = ctx.control.links().find((i) => i.external_id === view.id);
  assert.ok(invoice, 'the simulator has the invoice');
  return invoice;
};

describeSimulatorFlows({
  title: 'proxy ↔ Xendit simulator',
  provider: 'xendit',
  simulator: { xendit: { ...CREDS } },
  env: (sim) => ({
    XENDIT_SECRET_KEY: CREDS.secretKey,
    // The old token and the next one, as during a rotation.
    XENDIT_CALLBACK_TOKEN: `${CREDS.callbackToken},${ROTATED_TOKEN}`,
    XENDIT_BASE_URL: `${sim.url}/xendit`,
  }),
  /** Rp 150.000, and one the provider cannot take: a price with sen. */
  catalog: {
    products: [
      { id: 'aircon', name: 'Air Conditioner', price: '150000', currency: 'IDR' },
      { id: 'odd', name: 'Odd price', price: '150000.50', currency: 'IDR' },
    ],
    allowedOrigins: [SHOP_ORIGIN],
  },
  product: 'aircon',
  amount: { value: 15_000_000, currency: 'IDR' },
  control: (sim) => sim.control.xendit!,
  providerId: (ctx, view) => invoiceOf(ctx, view).id,
  pay: (ctx, id) => ctx.control.pay(id),
  linkCount: (ctx) => ctx.control.links().length,

  minted: {
    title: 'mints an invoice in whole rupiah with our reference, expiry and return URL',
    body: { returnUrl: `${SHOP_ORIGIN}/thanks` },
    check(ctx, view, started) {
      const invoice = invoiceOf(ctx, view);
      assert.equal(invoice.amount, 150000, 'Rp 150.000 as a number of rupiah');
      assert.equal(invoice.currency, 'IDR');
      assert.equal(invoice.status, 'PENDING');
      assert.equal(invoice.description, 'Air Conditioner');
      assert.equal(invoice.should_send_email, false);
      assert.equal(invoice.success_redirect_url, returnPage(view.id));
      assert.equal(invoice.failure_redirect_url, returnPage(view.id));
      assert.equal(view.url, invoice.invoice_url);
      assert.equal(view.expiresAt, invoice.expiry_date);
      // The proxy's default TTL is 60 minutes, sent as invoice_duration.
      const ttl = Date.parse(invoice.expiry_date) - started;
      assert.ok(ttl > 59 * 60_000 && ttl <= 60 * 60_000 + 2000, `ttl ${ttl}`);
    },
  },
  refused: { title: 'refuses a price with sen before Xendit sees it', products: ['odd'], code: 'amount_not_representable' },
  paid: {
    title: 'paid through the control: the callback reaches the proxy, which re-reads the invoice',
    deliveries: [['invoice.paid', 200]],
    check: (_ctx, _view, after, paid) => assert.equal(after.paidAt, paid.paid_at),
  },
  hostedPage: {
    title: 'paid by a buyer on the hosted page: back on the return URL, the link reads paid',
    payUrl: (ctx, view) => payButton(ctx, view, /<form method="post" action="([^"]+\/pay\/DANA)">/),
    checkLocation: (_ctx, view, location) => assert.equal(location, returnPage(view.id)),
  },
  refresh: { title: 'with callbacks off, paying still reaches paid through the refresh' },
  staleRead: { title: 'with callbacks off, a read after staleAfterMs refreshes by itself' },
  expiry: {
    title: 'an expired link reads expired once the simulator clock passes its expiry; a late payment still wins',
    advanceMs: 61 * 60_000,
    providerStatus: (ctx, view) => invoiceOf(ctx, view).status,
    word: 'EXPIRED',
    event: 'invoice.expired',
    // A QRIS code paid after expiry (providers.md §7): the late PAID callback wins over expired.
    async latePayment(ctx, view) {
      await ctx.control.setStatus(invoiceOf(ctx, view).id, 'PAID');
      assert.equal(ctx.deliveries()[1]?.event, 'invoice.paid');
    },
  },

  specifics(flow) {
    it('a cancelled link reads cancelled, and stays so when Xendit reports EXPIRED', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const invoice = invoiceOf(ctx, view);
      // Cancel through the adapter, then join the state in, as the admin cancel route does.
      const adapter = ctx.adapter();
      const state = await adapter.cancel(invoice.id);
      assert.equal(state.status, 'cancelled');
      assert.equal(state.providerStatus, 'EXPIRED');
      await ctx.proxy.proxy.links.applyWebhook('xendit', { kind: 'link', dedupeKey: 'admin-cancel', event: 'admin.cancel', providerLinkId: invoice.id, state });
      // Xendit's EXPIRED callback for our expire! arrives too; the proxy re-reads EXPIRED and keeps cancelled.
      await eventually(async () => assert.equal(ctx.deliveries()[0]?.status, 200));
      assert.equal(ctx.deliveries()[0]?.event, 'invoice.expired');
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
      // Cancelling again is no error: "Could not find and update PENDING invoice" on an EXPIRED one is success.
      assert.equal((await adapter.cancel(invoice.id)).status, 'cancelled');
      await ctx.proxy.proxy.links.refresh(view.id);
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
    });

    it('a callback with a token the proxy does not know is refused; after the rotation it is taken', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      ctx.control.configureWebhooks({ token: 'not_a_token_this_proxy_knows' });
      await ctx.control.pay(invoiceOf(ctx, view).id);
      assert.equal(ctx.deliveries()[0]?.status, 401);
      assert.equal((await ctx.read(view.id)).status, 'pending');
      ctx.control.configureWebhooks({ token: ROTATED_TOKEN });
      const [resent] = await ctx.control.resendCallbacks(invoiceOf(ctx, view).id);
      assert.equal(resent?.status, 200);
      assert.equal((await ctx.read(view.id)).status, 'paid');
    });

    it('duplicate and out-of-order deliveries end in the same state', async () => {
      const ctx = flow();
      const xendit = ctx.control;
      // Duplicates: every callback twice, byte for byte.
      xendit.configureWebhooks({ duplicate: true });
      const once = await ctx.mint();
      await xendit.pay(invoiceOf(ctx, once).id);
      assert.deepEqual(ctx.deliveries().map((d) => d.status), [200, 200]);
      const duplicated = await ctx.read(once.id);
      xendit.configureWebhooks({ duplicate: false });

      // Out of order: the invoice expired, then a late payment landed (QRIS after expiry, providers.md §7); the
      // callbacks arrive PAID first, then EXPIRED — and, for a second link, in the original order.
      const outcomes: LinkView[] = [];
      for (const reverse of [true, false]) {
        const view = await ctx.mint();
        const id = invoiceOf(ctx, view).id;
        await xendit.setStatus(id, 'EXPIRED', { webhook: false });
        await xendit.setStatus(id, 'PAID', { webhook: false });
        const sent = await xendit.resendCallbacks(id, { reverse });
        assert.deepEqual(sent.map((d) => [d.event, d.status]), reverse
          ? [['invoice.paid', 200], ['invoice.expired', 200]]
          : [['invoice.expired', 200], ['invoice.paid', 200]]);
        // And everything once more: all duplicates now.
        await xendit.resendCallbacks(id, { reverse: !reverse });
        outcomes.push(await ctx.read(view.id));
      }
      for (const view of [duplicated, ...outcomes]) {
        assert.equal(view.status, 'paid');
        assert.equal(view.amountPaid, 15_000_000);
        assert.equal(view.seq, duplicated.seq, 'the same state gives the same seq');
      }
    });
  },
});

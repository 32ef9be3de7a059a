/**
 * The proxy with RAZORPAY_API=invoices against the Razorpay simulator's legacy surface (`/v1/invoices`,
 * type=link), over real HTTP both ways: mint → the legacy link exists in paise → pay → the signed `invoice.paid`
 * reaches the proxy → the link reads paid. Also cancel (no legacy webhook: read by refresh), expiry by the
 * simulator clock, lost webhooks, duplicates and out-of-order arrivals, and the adapter's other calls.
 * The shared scenarios are the flow kit's (conformance/flows.ts); this file states the legacy API's specifics.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type RazorpayControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { Problem } from '../src/problems.ts';
import { type FlowContext, describeSimulatorFlows, payButton } from './conformance/flows.ts';
import { SHOP_ORIGIN } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.razorpay;

const invoiceOf = (ctx: FlowContext<RazorpayControl>, view: LinkView) => {
  const invoice = ctx.control.invoices().find((i) => i.receipt === view.id);
  assert.ok(invoice, 'the simulator has the legacy link');
  return invoice;
};

describeSimulatorFlows({
  title: 'proxy ↔ Razorpay simulator, legacy payment links (RAZORPAY_API=invoices)',
  provider: 'razorpay',
  simulator: { razorpay: { ...CREDS } },
  env: (sim) => ({
    RAZORPAY_KEY_ID: CREDS.keyId,
    RAZORPAY_KEY_SECRET: CREDS.keySecret,
    RAZORPAY_WEBHOOK_SECRET: CREDS.webhookSecret,
    RAZORPAY_BASE_URL: `${sim.url}/razorpay`,
    RAZORPAY_API: 'invoices',
  }),
  /** ₹499.00, and a price in fils Razorpay cannot take (three-decimal amounts must end in 0). */
  catalog: {
    products: [
      { id: 'tea', name: 'Masala chai tin', price: '499.00', currency: 'INR' },
      { id: 'odd', name: 'Odd price', price: '1.005', currency: 'KWD' },
    ],
    allowedOrigins: [SHOP_ORIGIN],
  },
  product: 'tea',
  amount: { value: 49900, currency: 'INR' },
  control: (sim) => sim.control.razorpay!,
  providerId: (ctx, view) => invoiceOf(ctx, view).id,
  pay: (ctx, id) => ctx.control.payInvoice(id),
  linkCount: (ctx) => ctx.control.invoices().length,

  minted: {
    title: 'mints a legacy link in paise with our reference as receipt, and no notifications',
    body: { returnUrl: `${SHOP_ORIGIN}/thanks` },
    check(ctx, view, startedMs) {
      const started = Math.floor(startedMs / 1000);
      const invoice = invoiceOf(ctx, view);
      assert.match(invoice.id, /^inv_/);
      assert.equal(invoice.type, 'link');
      assert.equal(invoice.status, 'issued');
      assert.equal(invoice.amount, 49900, 'integer paise');
      assert.equal(invoice.currency, 'INR');
      assert.equal(invoice.description, 'Masala chai tin');
      assert.equal(invoice.partial_payment, false);
      assert.deepEqual([invoice.sms_status, invoice.email_status], ['pending', 'pending'], 'sms_notify 0, email_notify 0');
      assert.equal(view.url, invoice.short_url);
      assert.equal(view.expiresAt, new Date(invoice.expire_by! * 1000).toISOString());
      assert.ok(invoice.expire_by! - started >= 59 * 60 && invoice.expire_by! - started <= 61 * 60, 'the proxy default TTL');
      assert.equal(ctx.control.links().length, 0, 'nothing on the current API');
    },
  },
  refused: { title: 'refuses an amount Razorpay cannot take before it sees it', products: ['odd'], code: 'amount_not_representable' },
  paid: {
    title: 'paid through the control: invoice.paid reaches the proxy, the link reads paid',
    deliveries: [['invoice.paid', 200]],
    check: (_ctx, _view, after, paid) => assert.equal(after.paidAt, new Date(paid.paid_at! * 1000).toISOString()),
  },
  hostedPage: {
    title: 'paid by a buyer on the hosted page: no way back to the shop (no callback URL), but the link reads paid',
    payUrl: (ctx, view) => payButton(ctx, view, /<form method="post" action="([^"]+\/pay)">/),
    // Neither the shop nor the proxy's /return page: the buyer stays on Razorpay's own result page.
    checkLocation: (_ctx, _view, location) => assert.match(location, /^\/razorpay\/i\/[A-Za-z0-9]{7}\?result=paid&payment=pay_/),
  },
  refresh: { title: 'with webhooks off, paying still reaches paid through the refresh' },
  staleRead: { title: 'with webhooks off, a read after staleAfterMs refreshes by itself' },
  expiry: {
    title: 'an expired link reads expired once the simulator clock passes its expiry',
    advanceMs: 61 * 60_000,
    providerStatus: (ctx, view) => invoiceOf(ctx, view).status,
    word: 'expired',
    event: 'invoice.expired',
  },

  specifics(flow) {
    it('a partial payment reads partially_paid, then paid', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const id = invoiceOf(ctx, view).id;
      await ctx.control.setInvoiceStatus(id, 'partially_paid');
      const partial = await ctx.read(view.id);
      assert.equal(partial.status, 'partially_paid');
      assert.equal(partial.amountPaid, 24950);
      await ctx.control.setInvoiceStatus(id, 'paid');
      const paid = await ctx.read(view.id);
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amountPaid, 49900);
      assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['invoice.partially_paid', 200], ['invoice.paid', 200]]);
    });

    it('a cancelled link reads cancelled: the legacy API sends no webhook, so the proxy reads it back', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const invoice = invoiceOf(ctx, view);
      const state = await ctx.adapter().cancel(invoice.id);
      assert.equal(state.status, 'cancelled');
      assert.equal(state.providerStatus, 'cancelled');
      assert.equal(ctx.deliveries().length, 0);
      assert.equal((await ctx.read(view.id)).status, 'pending', 'nothing told the proxy yet');
      assert.equal((await ctx.proxy.proxy.links.refresh(view.id))?.status, 'cancelled');
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
      // Cancel only works on an issued link: a second cancel is refused by Razorpay.
      const again = await ctx.adapter().cancel(invoice.id).catch((e: unknown) => e);
      assert.ok(again instanceof Problem);
      assert.equal(again.code, 'provider_rejected');
    });

    it('duplicate and out-of-order deliveries end in the same state', async () => {
      const ctx = flow();
      const razorpay = ctx.control;
      // Duplicates: every event twice, same bytes and event id; the second is a no-op.
      razorpay.configureWebhooks({ duplicate: true });
      const once = await ctx.mint();
      await razorpay.payInvoice(invoiceOf(ctx, once).id);
      assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['invoice.paid', 200], ['invoice.paid', 200]]);
      const duplicated = await ctx.read(once.id);
      razorpay.configureWebhooks({ duplicate: false });

      // Out of order: the link expired, then a late payment landed (providers.md §7). The signed deliveries are
      // caught at a dead end, then replayed to the proxy paid-first, and in the original order, then all again.
      const outcomes: LinkView[] = [];
      for (const reverse of [true, false]) {
        ctx.sim.control.reset();
        razorpay.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
        const view = await ctx.mint();
        const id = invoiceOf(ctx, view).id;
        await razorpay.setInvoiceStatus(id, 'expired');
        await razorpay.setInvoiceStatus(id, 'paid');
        const caught = ctx.deliveries();
        assert.deepEqual(caught.map((d) => d.event), ['invoice.expired', 'invoice.paid']);
        const order = reverse ? [...caught].reverse() : caught;
        for (const d of [...order, ...caught]) assert.equal((await ctx.replay(d)).status, 200);
        outcomes.push(await ctx.read(view.id));
      }
      for (const view of [duplicated, ...outcomes]) {
        assert.equal(view.status, 'paid');
        assert.equal(view.amountPaid, 49900);
        assert.equal(view.seq, duplicated.seq, 'the same state gives the same seq');
      }
    });

    it('the adapter finds by receipt, extends expiry and resends against the simulator', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const invoice = invoiceOf(ctx, view);
      const a = ctx.adapter();
      const found = await a.findByReference!(view.id);
      assert.equal(found?.providerLinkId, invoice.id);
      assert.equal(found?.url, view.url);
      assert.equal(await a.findByReference!('pl_nobody'), undefined);
      const later = new Date((invoice.expire_by! + 3600) * 1000);
      const extended = await a.extendExpiry!(invoice.id, later);
      assert.equal(extended.expiresAt, later.toISOString());
      assert.equal(invoiceOf(ctx, view).expire_by, invoice.expire_by! + 3600);
      await a.notify!(invoice.id, 'email');
      assert.equal(invoiceOf(ctx, view).email_status, 'sent');
    });
  },
});

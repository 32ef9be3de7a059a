/**
 * The proxy with Razorpay's current Payment Links API (`/v1/payment_links`, the default RAZORPAY_API) against the
 * Razorpay simulator, over real HTTP both ways: mint → the link exists in paise with our reference_id → pay →
 * the signed `payment_link.paid` (which carries the whole link) reaches the proxy → the link reads paid, and the
 * buyer returns through the proxy's /return page with Razorpay's callback parameters. Also partial payments,
 * cancel (`payment_link.cancelled`), expiry by the simulator clock and a late payment, lost webhooks, duplicates,
 * out-of-order arrivals, forged signatures, and the adapter's other calls. The shared scenarios are the flow
 * kit's (conformance/flows.ts); this file states the current API's specifics.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { DEMO_CREDENTIALS, type RazorpayControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { Problem } from '../src/problems.ts';
import { type FlowContext, describeSimulatorFlows, payButton } from './conformance/flows.ts';
import { SHOP_ORIGIN, eventually } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.razorpay;

const linkOf = (ctx: FlowContext<RazorpayControl>, view: LinkView) => {
  const link = ctx.control.links().find((l) => l.reference_id === view.id);
  assert.ok(link, 'the simulator has the payment link');
  return link;
};

/** Seconds since the epoch → ISO, as the adapter reports Razorpay's times. */
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describeSimulatorFlows({
  title: 'proxy ↔ Razorpay simulator, payment links (RAZORPAY_API=payment_links)',
  provider: 'razorpay',
  simulator: { razorpay: { ...CREDS } },
  env: (sim) => ({
    RAZORPAY_KEY_ID: CREDS.keyId,
    RAZORPAY_KEY_SECRET: CREDS.keySecret,
    // A retired secret and the current one, as during a rotation (Razorpay retries old events with the old one).
    RAZORPAY_WEBHOOK_SECRET: `retired_webhook_secret_01,${CREDS.webhookSecret}`,
    RAZORPAY_BASE_URL: `${sim.url}/razorpay`,
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
  providerId: (ctx, view) => linkOf(ctx, view).id,
  pay: (ctx, id) => ctx.control.pay(id),
  linkCount: (ctx) => ctx.control.links().length,

  minted: {
    title: 'mints a payment link in paise with our reference_id, expiry and callback URL, and no notifications',
    body: { returnUrl: `${SHOP_ORIGIN}/thanks` },
    check(ctx, view, startedMs) {
      const started = Math.floor(startedMs / 1000);
      assert.equal(view.returnsBuyer, undefined, 'its checkout sends the buyer back to the callback URL');
      const link = linkOf(ctx, view);
      assert.match(link.id, /^plink_/);
      assert.equal(link.status, 'created');
      assert.equal(link.amount, 49900, 'integer paise');
      assert.equal(link.currency, 'INR');
      assert.equal(link.description, 'Masala chai tin');
      assert.equal(link.accept_partial, false);
      assert.deepEqual(link.notify, { sms: false, email: false });
      assert.equal(link.reminder_enable, false);
      // The proxy's /return page, which forwards to the shop's page with our link id.
      assert.equal(new URL(link.callback_url).origin + new URL(link.callback_url).pathname, 'http://proxy.test/return');
      assert.equal(new URL(link.callback_url).searchParams.get('to'), `${SHOP_ORIGIN}/thanks?pay_link_id=${view.id}`);
      assert.equal(link.callback_method, 'get');
      assert.equal(view.url, link.short_url);
      assert.equal(view.expiresAt, iso(link.expire_by));
      assert.ok(link.expire_by - started >= 59 * 60 && link.expire_by - started <= 61 * 60, 'the proxy default TTL');
      assert.equal(ctx.control.invoices().length, 0, 'nothing on the legacy API');
    },
  },
  refused: { title: 'refuses an amount Razorpay cannot take before it sees it', products: ['odd'], code: 'amount_not_representable' },
  paid: {
    title: 'paid through the control: payment_link.paid reaches the proxy, the link reads paid at the payment time',
    deliveries: [['payment_link.paid', 200]],
    check(_ctx, _view, after, paid) {
      const [payment] = paid.payments ?? [];
      assert.ok(payment, 'the simulator recorded the payment');
      assert.equal(after.paidAt, iso(payment.created_at));
    },
  },
  hostedPage: {
    title: 'paid by a buyer on the hosted page: back through the callback URL with Razorpay’s parameters, the link reads paid',
    payUrl: (ctx, view) => payButton(ctx, view, /<form method="post" action="([^"]+\/pay)">/),
    checkLocation(ctx, view, location) {
      const link = linkOf(ctx, view);
      const back = new URL(location);
      assert.equal(back.origin + back.pathname, 'http://proxy.test/return');
      assert.equal(back.searchParams.get('to'), `${SHOP_ORIGIN}/thanks?pay_link_id=${view.id}`);
      assert.equal(back.searchParams.get('razorpay_payment_link_id'), link.id);
      assert.equal(back.searchParams.get('razorpay_payment_link_reference_id'), view.id);
      assert.equal(back.searchParams.get('razorpay_payment_link_status'), 'paid');
      assert.match(back.searchParams.get('razorpay_payment_id') ?? '', /^pay_/);
    },
  },
  refresh: { title: 'with webhooks off, paying still reaches paid through the refresh' },
  staleRead: { title: 'with webhooks off, a read after staleAfterMs refreshes by itself' },
  expiry: {
    title: 'an expired link reads expired once the simulator clock passes its expiry; a late payment still wins',
    advanceMs: 61 * 60_000,
    providerStatus: (ctx, view) => linkOf(ctx, view).status,
    word: 'expired',
    event: 'payment_link.expired',
    // A payment landing just after expiry (providers.md §7): the later paid event wins over expired.
    async latePayment(ctx, view) {
      await ctx.control.setStatus(linkOf(ctx, view).id, 'paid');
      assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['payment_link.expired', 200], ['payment_link.paid', 200]]);
    },
  },

  specifics(flow) {
    it('a partial payment reads partially_paid at the amount Razorpay reports, then paid', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const id = linkOf(ctx, view).id;
      const partly = await ctx.control.setStatus(id, 'partially_paid');
      assert.ok(partly.amount_paid > 0 && partly.amount_paid < 49900, String(partly.amount_paid));
      const partial = await ctx.read(view.id);
      assert.equal(partial.status, 'partially_paid');
      assert.equal(partial.amountPaid, partly.amount_paid);
      await ctx.control.setStatus(id, 'paid');
      const paid = await ctx.read(view.id);
      assert.equal(paid.status, 'paid');
      assert.equal(paid.amountPaid, 49900);
      assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['payment_link.partially_paid', 200], ['payment_link.paid', 200]]);
    });

    it('a link cancelled through the adapter reads cancelled; payment_link.cancelled arrives too, and a second cancel is refused', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const id = linkOf(ctx, view).id;
      const adapter = ctx.adapter();
      const state = await adapter.cancel(id);
      assert.equal(state.status, 'cancelled');
      assert.equal(state.providerStatus, 'cancelled');
      // The simulator answers the cancel before its webhook lands, as Razorpay does.
      await eventually(async () => assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['payment_link.cancelled', 200]]));
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
      const again = await adapter.cancel(id).catch((e: unknown) => e);
      assert.ok(again instanceof Problem);
      assert.equal(again.code, 'provider_rejected');
      await ctx.proxy.proxy.links.refresh(view.id);
      assert.equal((await ctx.read(view.id)).status, 'cancelled');
    });

    it('duplicate and out-of-order deliveries end in the same state', async () => {
      const ctx = flow();
      const razorpay = ctx.control;
      // Duplicates: every event twice, same bytes and event id; the second is a no-op.
      razorpay.configureWebhooks({ duplicate: true });
      const once = await ctx.mint();
      await razorpay.pay(linkOf(ctx, once).id);
      assert.deepEqual(ctx.deliveries().map((d) => [d.event, d.status]), [['payment_link.paid', 200], ['payment_link.paid', 200]]);
      const duplicated = await ctx.read(once.id);
      razorpay.configureWebhooks({ duplicate: false });

      // Out of order: the link expired, then a late payment landed (providers.md §7). The signed deliveries are
      // caught at a dead end, then replayed to the proxy paid-first, and in the original order, then all again.
      const outcomes: LinkView[] = [];
      for (const reverse of [true, false]) {
        ctx.sim.control.reset();
        razorpay.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
        const view = await ctx.mint();
        const id = linkOf(ctx, view).id;
        await razorpay.setStatus(id, 'expired');
        await razorpay.setStatus(id, 'paid');
        const caught = ctx.deliveries();
        assert.deepEqual(caught.map((d) => d.event), ['payment_link.expired', 'payment_link.paid']);
        const order = reverse ? [...caught].reverse() : caught;
        const seen = [];
        for (const d of [...order, ...caught]) {
          const res = await ctx.replay(d);
          assert.equal(res.status, 200);
          seen.push(res.body.outcome);
        }
        assert.deepEqual(seen.slice(2), ['duplicate', 'duplicate'], 'the second round is all duplicates');
        outcomes.push(await ctx.read(view.id));
      }
      for (const view of [duplicated, ...outcomes]) {
        assert.equal(view.status, 'paid');
        assert.equal(view.amountPaid, 49900);
      }
      // Every event carries the whole link, so the order of arrival decides how many steps are seen on the way:
      // in order, expired then paid; paid first, expired is below paid and changes nothing.
      assert.ok(outcomes[1]!.seq >= outcomes[0]!.seq);
    });

    it('refuses a delivery signed with a secret the proxy does not hold, or whose body changed after signing', async () => {
      const ctx = flow();
      ctx.control.configureWebhooks({ url: `${ctx.proxy.url}/nowhere` });
      const view = await ctx.mint();
      await ctx.control.pay(linkOf(ctx, view).id);
      const [delivery] = ctx.deliveries();
      assert.ok(delivery);
      const otherSecret = createHmac('sha256', 'a_secret_this_proxy_never_had').update(delivery.body).digest('hex');
      const forgedSignature = await fetch(ctx.webhookUrl, { method: 'POST', headers: { ...delivery.headers, 'X-Razorpay-Signature': otherSecret }, body: delivery.body });
      assert.equal(forgedSignature.status, 401);
      const changed = delivery.body.replace('"paid"', '"cancelled"');
      assert.notEqual(changed, delivery.body);
      const forgedBody = await fetch(ctx.webhookUrl, { method: 'POST', headers: delivery.headers, body: changed });
      assert.equal(forgedBody.status, 401);
      assert.equal((await ctx.read(view.id)).status, 'pending');
      // The genuine delivery, signed with the current of the two configured secrets, is taken.
      assert.deepEqual(await ctx.replay(delivery), { status: 200, body: { received: true, outcome: 'applied' } });
      assert.equal((await ctx.read(view.id)).status, 'paid');
    });

    it('the adapter finds by reference_id, extends expiry and resends against the simulator', async () => {
      const ctx = flow();
      const view = await ctx.mint();
      const link = linkOf(ctx, view);
      const a = ctx.adapter();
      const found = await a.findByReference!(view.id);
      assert.equal(found?.providerLinkId, link.id);
      assert.equal(found?.url, view.url);
      assert.equal(found?.reference, view.id);
      assert.equal(await a.findByReference!('pl_nobody'), undefined);
      const later = new Date((link.expire_by + 3600) * 1000);
      const extended = await a.extendExpiry!(link.id, later);
      assert.equal(extended.expiresAt, later.toISOString());
      assert.equal(linkOf(ctx, view).expire_by, link.expire_by + 3600);
      await a.notify!(link.id, 'sms');
      await a.notify!(link.id, 'email');
      await assert.rejects(a.retrieve('plink_nosuchlink0000'), { code: 'not_found' });
    });
  },
});

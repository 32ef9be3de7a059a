/**
 * The proxy with RAZORPAY_API=invoices against the Razorpay simulator's legacy surface (`/v1/invoices`,
 * type=link), over real HTTP both ways: mint → the legacy link exists in paise → pay → the signed `invoice.paid`
 * reaches the proxy → the link reads paid. Also cancel (no legacy webhook: read by refresh), expiry by the
 * simulator clock, lost webhooks, duplicates and out-of-order arrivals, and the adapter's other calls.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type RazorpayControl, type RunningSimulator } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { Problem } from '../src/problems.ts';
import { type RazorpayConfig, razorpayProvider } from '../src/providers/razorpay.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, eventually, simulatorProxyEnv } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.razorpay;
/** ₹499.00, and a price in fils Razorpay cannot take (three-decimal amounts must end in 0). */
const CATALOG = {
  products: [
    { id: 'tea', name: 'Masala chai tin', price: '499.00', currency: 'INR' },
    { id: 'odd', name: 'Odd price', price: '1.005', currency: 'KWD' },
  ],
  allowedOrigins: [SHOP_ORIGIN],
};

function razorpayEnv(sim: RunningSimulator): Record<string, string> {
  return simulatorProxyEnv('razorpay', {
    RAZORPAY_KEY_ID: CREDS.keyId,
    RAZORPAY_KEY_SECRET: CREDS.keySecret,
    RAZORPAY_WEBHOOK_SECRET: CREDS.webhookSecret,
    RAZORPAY_BASE_URL: `${sim.url}/razorpay`,
    RAZORPAY_API: 'invoices',
  });
}

async function startLegacyProxy(sim: RunningSimulator, staleAfterMs?: number): Promise<RunningProxy> {
  const config = loadConfig(razorpayEnv(sim), () => JSON.stringify(CATALOG));
  return startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs });
}


describe('proxy ↔ Razorpay simulator, legacy payment links (RAZORPAY_API=invoices)', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let razorpay: RazorpayControl;
  let webhookUrl: string;
  let settings: RazorpayConfig;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, razorpay: { ...CREDS } });
    // Long staleness: within a test only webhooks (or an explicit refresh) move a link.
    proxy = await startLegacyProxy(sim, 60_000);
    razorpay = sim.control.razorpay!;
    webhookUrl = `${proxy.url}/v1/webhooks/razorpay`;
    settings = loadConfig(razorpayEnv(sim), () => JSON.stringify(CATALOG)).providers.razorpay!.settings as RazorpayConfig;
  });
  beforeEach(() => {
    sim.control.reset();
    razorpay.configureWebhooks({ url: webhookUrl });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  const adapter = () => razorpayProvider.createAdapter(settings, { fetch, now: Date.now });
  const mint = async (body: Record<string, unknown> = { product: 'tea' }) => {
    const res = await postJson(`${proxy.url}/v1/links`, body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as LinkView;
  };
  const read = async (id: string) => (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
  const invoiceOf = (view: LinkView) => {
    const invoice = razorpay.invoices().find((i) => i.receipt === view.id);
    assert.ok(invoice, 'the simulator has the legacy link');
    return invoice;
  };
  const deliveries = () => sim.control.deliveries().filter((d) => d.provider === 'razorpay');

  it('mints a legacy link in paise with our reference as receipt, and no notifications', async () => {
    const started = Math.floor(Date.now() / 1000);
    const view = await mint({ product: 'tea', returnUrl: `${SHOP_ORIGIN}/thanks` });
    assert.equal(view.provider, 'razorpay');
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.amount, { value: 49900, currency: 'INR' });
    const invoice = invoiceOf(view);
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
    assert.equal(razorpay.links().length, 0, 'nothing on the current API');
  });

  it('refuses an amount Razorpay cannot take before it sees it', async () => {
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'odd' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'amount_not_representable');
    assert.equal(razorpay.invoices().length, 0);
  });

  it('paid through the control: invoice.paid reaches the proxy, the link reads paid', async () => {
    const view = await mint();
    const paid = await razorpay.payInvoice(invoiceOf(view).id);
    const [delivery] = deliveries();
    assert.equal(delivery?.event, 'invoice.paid');
    assert.equal(delivery?.url, webhookUrl);
    assert.equal(delivery?.status, 200, delivery?.error ?? '');
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 49900);
    assert.equal(after.paidAt, new Date(paid.paid_at! * 1000).toISOString());
  });

  it('paid by a buyer on the hosted page: no way back to the shop (no callback URL), but the link reads paid', async () => {
    const view = await mint({ product: 'tea', returnUrl: `${SHOP_ORIGIN}/thanks` });
    const html = await (await fetch(view.url)).text();
    const action = /<form method="post" action="([^"]+\/pay)">/.exec(html)?.[1];
    assert.ok(action, 'a pay button');
    const pay = await fetch(new URL(action, sim.url), { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    // Neither the shop nor the proxy's /return page: the buyer stays on Razorpay's own result page.
    assert.match(pay.headers.get('location') ?? '', /^\/razorpay\/i\/[A-Za-z0-9]{7}\?result=paid&payment=pay_/);
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('a partial payment reads partially_paid, then paid', async () => {
    const view = await mint();
    const id = invoiceOf(view).id;
    await razorpay.setInvoiceStatus(id, 'partially_paid');
    const partial = await read(view.id);
    assert.equal(partial.status, 'partially_paid');
    assert.equal(partial.amountPaid, 24950);
    await razorpay.setInvoiceStatus(id, 'paid');
    const paid = await read(view.id);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amountPaid, 49900);
    assert.deepEqual(deliveries().map((d) => [d.event, d.status]), [['invoice.partially_paid', 200], ['invoice.paid', 200]]);
  });

  it('a cancelled link reads cancelled: the legacy API sends no webhook, so the proxy reads it back', async () => {
    const view = await mint();
    const invoice = invoiceOf(view);
    const state = await adapter().cancel(invoice.id);
    assert.equal(state.status, 'cancelled');
    assert.equal(state.providerStatus, 'cancelled');
    assert.equal(deliveries().length, 0);
    assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
    assert.equal((await proxy.proxy.links.refresh(view.id))?.status, 'cancelled');
    assert.equal((await read(view.id)).status, 'cancelled');
    // Cancel only works on an issued link: a second cancel is refused by Razorpay.
    const again = await adapter().cancel(invoice.id).catch((e: unknown) => e);
    assert.ok(again instanceof Problem);
    assert.equal(again.code, 'provider_rejected');
  });

  it('an expired link reads expired once the simulator clock passes its expiry', async () => {
    const view = await mint();
    await sim.control.advanceClock(61 * 60_000);
    assert.equal(invoiceOf(view).status, 'expired');
    assert.equal(deliveries()[0]?.event, 'invoice.expired');
    assert.equal(deliveries()[0]?.status, 200);
    assert.equal((await read(view.id)).status, 'expired');
  });

  it('with webhooks off, paying still reaches paid through the refresh', async () => {
    const view = await mint();
    razorpay.configureWebhooks({ enabled: false });
    await razorpay.payInvoice(invoiceOf(view).id);
    assert.equal(deliveries().length, 0);
    assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
    const refreshed = await proxy.proxy.links.refresh(view.id);
    assert.equal(refreshed?.status, 'paid');
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('with webhooks off, a read after staleAfterMs refreshes by itself', async () => {
    const eager = await startLegacyProxy(sim, 0);
    try {
      const res = await postJson(`${eager.url}/v1/links`, { product: 'tea' });
      const view = (await res.json()) as LinkView;
      razorpay.configureWebhooks({ enabled: false });
      await razorpay.payInvoice(invoiceOf(view).id);
      const after = await eventually(async () => {
        const current = (await (await fetch(`${eager.url}/v1/links/${view.id}`)).json()) as LinkView;
        assert.equal(current.status, 'paid');
        return current;
      });
      assert.equal(after.amountPaid, 49900);
    } finally {
      await eager.close();
    }
  });

  it('duplicate and out-of-order deliveries end in the same state', async () => {
    // Duplicates: every event twice, same bytes and event id; the second is a no-op.
    razorpay.configureWebhooks({ duplicate: true });
    const once = await mint();
    await razorpay.payInvoice(invoiceOf(once).id);
    assert.deepEqual(deliveries().map((d) => [d.event, d.status]), [['invoice.paid', 200], ['invoice.paid', 200]]);
    const duplicated = await read(once.id);
    razorpay.configureWebhooks({ duplicate: false });

    // Out of order: the link expired, then a late payment landed (providers.md §7). The signed deliveries are
    // caught at a dead end, then replayed to the proxy paid-first, and in the original order, then all again.
    const outcomes: LinkView[] = [];
    for (const reverse of [true, false]) {
      sim.control.reset();
      razorpay.configureWebhooks({ url: `${proxy.url}/nowhere` });
      const view = await mint();
      const id = invoiceOf(view).id;
      await razorpay.setInvoiceStatus(id, 'expired');
      await razorpay.setInvoiceStatus(id, 'paid');
      const caught = deliveries();
      assert.deepEqual(caught.map((d) => d.event), ['invoice.expired', 'invoice.paid']);
      const order = reverse ? [...caught].reverse() : caught;
      for (const d of [...order, ...caught]) {
        const res = await fetch(webhookUrl, { method: 'POST', headers: d.headers, body: d.body });
        assert.equal(res.status, 200);
      }
      outcomes.push(await read(view.id));
    }
    for (const view of [duplicated, ...outcomes]) {
      assert.equal(view.status, 'paid');
      assert.equal(view.amountPaid, 49900);
      assert.equal(view.seq, duplicated.seq, 'the same state gives the same seq');
    }
  });

  it('the adapter finds by receipt, lists links, extends expiry and resends against the simulator', async () => {
    const view = await mint();
    const invoice = invoiceOf(view);
    const a = adapter();
    const found = await a.findByReference!(view.id);
    assert.equal(found?.providerLinkId, invoice.id);
    assert.equal(found?.url, view.url);
    assert.equal(await a.findByReference!('pl_nobody'), undefined);
    const listed = await a.list!({ count: 10 });
    assert.deepEqual(listed.map((s) => s.providerLinkId), [invoice.id]);
    const later = new Date((invoice.expire_by! + 3600) * 1000);
    const extended = await a.extendExpiry!(invoice.id, later);
    assert.equal(extended.expiresAt, later.toISOString());
    assert.equal(invoiceOf(view).expire_by, invoice.expire_by! + 3600);
    await a.notify!(invoice.id, 'email');
    assert.equal(invoiceOf(view).email_status, 'sent');
  });
});

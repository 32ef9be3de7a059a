/**
 * The proxy against the Xendit simulator, over real HTTP both ways: mint → the invoice exists in rupiah →
 * pay → the invoice callback reaches the proxy, which re-reads the invoice (the token signs nothing) → the link
 * reads paid. Also cancel, expiry by the simulator clock, lost callbacks, duplicates and out-of-order arrivals.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator, type XenditControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { XenditConfig } from '../src/providers/xendit.ts';
import { xenditProvider } from '../src/providers/xendit.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, eventually, simulatorProxyEnv } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.xendit;
const ROTATED_TOKEN = 'xendit_rotated_callback_token_02';
/** Rp 150.000, and one the provider cannot take: a price with sen. */
const CATALOG = {
  products: [
    { id: 'aircon', name: 'Air Conditioner', price: '150000', currency: 'IDR' },
    { id: 'odd', name: 'Odd price', price: '150000.50', currency: 'IDR' },
  ],
  allowedOrigins: [SHOP_ORIGIN],
};

function xenditEnv(sim: RunningSimulator): Record<string, string> {
  return simulatorProxyEnv('xendit', {
    XENDIT_SECRET_KEY: CREDS.secretKey,
    // The old token and the next one, as during a rotation.
    XENDIT_CALLBACK_TOKEN: `${CREDS.callbackToken},${ROTATED_TOKEN}`,
    XENDIT_BASE_URL: `${sim.url}/xendit`,
  });
}

async function startXenditProxy(sim: RunningSimulator, staleAfterMs?: number): Promise<RunningProxy> {
  const config = loadConfig(xenditEnv(sim), () => JSON.stringify(CATALOG));
  return startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs });
}

/** The proxy's `/return` page, forwarding to the shop's `/thanks` with the link id: what Xendit redirects to. */
function returnPage(linkId: string): string {
  const url = new URL('http://proxy.test/return');
  url.searchParams.set('to', `${SHOP_ORIGIN}/thanks?pay_link_id=${linkId}`);
  return url.toString();
}


describe('proxy ↔ Xendit simulator', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let xendit: XenditControl;
  let webhookUrl: string;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, xendit: { ...CREDS } });
    // Long staleness: within a test only webhooks (or an explicit refresh) move a link.
    proxy = await startXenditProxy(sim, 60_000);
    xendit = sim.control.xendit!;
    webhookUrl = `${proxy.url}/v1/webhooks/xendit`;
  });
  beforeEach(() => {
    sim.control.reset();
    xendit.configureWebhooks({ url: webhookUrl });
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  const mint = async (body: Record<string, unknown> = { product: 'aircon' }) => {
    const res = await postJson(`${proxy.url}/v1/links`, body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as LinkView;
  };
  const read = async (id: string) => (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
  const invoiceOf = (view: LinkView) => {
    const invoice = xendit.links().find((i) => i.external_id === view.id);
    assert.ok(invoice, 'the simulator has the invoice');
    return invoice;
  };
  const deliveries = () => sim.control.deliveries().filter((d) => d.provider === 'xendit');

  it('mints an invoice in whole rupiah with our reference, expiry and return URL', async () => {
    const started = Date.now();
    const view = await mint({ product: 'aircon', returnUrl: `${SHOP_ORIGIN}/thanks` });
    assert.equal(view.provider, 'xendit');
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.amount, { value: 15_000_000, currency: 'IDR' });
    const invoice = invoiceOf(view);
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
  });

  it('refuses a price with sen before Xendit sees it', async () => {
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'odd' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'amount_not_representable');
    assert.equal(xendit.links().length, 0);
  });

  it('paid through the control: the callback reaches the proxy, which re-reads the invoice', async () => {
    const view = await mint();
    const paid = await xendit.pay(invoiceOf(view).id);
    const [delivery] = deliveries();
    assert.equal(delivery?.url, webhookUrl);
    assert.equal(delivery?.status, 200, delivery?.error ?? '');
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 15_000_000);
    assert.equal(after.paidAt, paid.paid_at);
  });

  it('paid by a buyer on the hosted page: back on the return URL, the link reads paid', async () => {
    const view = await mint({ product: 'aircon', returnUrl: `${SHOP_ORIGIN}/thanks` });
    const html = await (await fetch(view.url)).text();
    const action = /<form method="post" action="([^"]+\/pay\/DANA)">/.exec(html)?.[1];
    assert.ok(action, 'a pay button');
    const pay = await fetch(new URL(action, sim.url), { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(pay.headers.get('location'), returnPage(view.id));
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('a cancelled link reads cancelled, and stays so when Xendit reports EXPIRED', async () => {
    const view = await mint();
    const invoice = invoiceOf(view);
    // The core has no cancel route yet; this is what one does: cancel through the adapter, join the state in.
    const settings = (loadConfig(xenditEnv(sim), () => JSON.stringify(CATALOG)).providers.xendit!.settings) as XenditConfig;
    const adapter = xenditProvider.createAdapter(settings, { fetch, now: Date.now });
    const state = await adapter.cancel(invoice.id);
    assert.equal(state.status, 'cancelled');
    assert.equal(state.providerStatus, 'EXPIRED');
    await proxy.proxy.links.applyWebhook('xendit', { kind: 'link', dedupeKey: 'admin-cancel', event: 'admin.cancel', providerLinkId: invoice.id, state });
    // Xendit's EXPIRED callback for our expire! arrives too; the proxy re-reads EXPIRED and keeps cancelled.
    await eventually(async () => assert.equal(deliveries()[0]?.status, 200));
    assert.equal(deliveries()[0]?.event, 'invoice.expired');
    assert.equal((await read(view.id)).status, 'cancelled');
    // Cancelling again is no error: "Could not find and update PENDING invoice" on an EXPIRED one is success.
    assert.equal((await adapter.cancel(invoice.id)).status, 'cancelled');
    await proxy.proxy.links.refresh(view.id);
    assert.equal((await read(view.id)).status, 'cancelled');
  });

  it('an expired link reads expired once the simulator clock passes its expiry; a late payment still wins', async () => {
    const view = await mint();
    await sim.control.advanceClock(61 * 60_000);
    assert.equal(invoiceOf(view).status, 'EXPIRED');
    assert.equal(deliveries()[0]?.event, 'invoice.expired');
    assert.equal(deliveries()[0]?.status, 200);
    assert.equal((await read(view.id)).status, 'expired');
    // A QRIS code paid after expiry (providers.md §7): the late PAID callback wins over expired.
    await xendit.setStatus(invoiceOf(view).id, 'PAID');
    assert.equal(deliveries()[1]?.event, 'invoice.paid');
    const late = await read(view.id);
    assert.equal(late.status, 'paid');
    assert.equal(late.amountPaid, 15_000_000);
  });

  it('with callbacks off, paying still reaches paid through the refresh', async () => {
    const view = await mint();
    xendit.configureWebhooks({ enabled: false });
    await xendit.pay(invoiceOf(view).id);
    assert.equal(deliveries().length, 0);
    assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
    const refreshed = await proxy.proxy.links.refresh(view.id);
    assert.equal(refreshed?.status, 'paid');
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('with callbacks off, a read after staleAfterMs refreshes by itself', async () => {
    const eager = await startXenditProxy(sim, 0);
    try {
      const res = await postJson(`${eager.url}/v1/links`, { product: 'aircon' });
      const view = (await res.json()) as LinkView;
      xendit.configureWebhooks({ enabled: false });
      await xendit.pay(invoiceOf(view).id);
      const after = await eventually(async () => {
        const current = (await (await fetch(`${eager.url}/v1/links/${view.id}`)).json()) as LinkView;
        assert.equal(current.status, 'paid');
        return current;
      });
      assert.equal(after.amountPaid, 15_000_000);
    } finally {
      await eager.close();
    }
  });

  it('a callback with a token the proxy does not know is refused; after the rotation it is taken', async () => {
    const view = await mint();
    xendit.configureWebhooks({ token: 'not_a_token_this_proxy_knows' });
    await xendit.pay(invoiceOf(view).id);
    assert.equal(deliveries()[0]?.status, 401);
    assert.equal((await read(view.id)).status, 'pending');
    xendit.configureWebhooks({ token: ROTATED_TOKEN });
    const [resent] = await xendit.resendCallbacks(invoiceOf(view).id);
    assert.equal(resent?.status, 200);
    assert.equal((await read(view.id)).status, 'paid');
  });

  it('duplicate and out-of-order deliveries end in the same state', async () => {
    // Duplicates: every callback twice, byte for byte.
    xendit.configureWebhooks({ duplicate: true });
    const once = await mint();
    await xendit.pay(invoiceOf(once).id);
    assert.deepEqual(deliveries().map((d) => d.status), [200, 200]);
    const duplicated = await read(once.id);
    xendit.configureWebhooks({ duplicate: false });

    // Out of order: the invoice expired, then a late payment landed (QRIS after expiry, providers.md §7); the
    // callbacks arrive PAID first, then EXPIRED — and, for a second link, in the original order.
    const outcomes: LinkView[] = [];
    for (const reverse of [true, false]) {
      const view = await mint();
      const id = invoiceOf(view).id;
      await xendit.setStatus(id, 'EXPIRED', { webhook: false });
      await xendit.setStatus(id, 'PAID', { webhook: false });
      const sent = await xendit.resendCallbacks(id, { reverse });
      assert.deepEqual(sent.map((d) => [d.event, d.status]), reverse
        ? [['invoice.paid', 200], ['invoice.expired', 200]]
        : [['invoice.expired', 200], ['invoice.paid', 200]]);
      // And everything once more: all duplicates now.
      await xendit.resendCallbacks(id, { reverse: !reverse });
      outcomes.push(await read(view.id));
    }
    for (const view of [duplicated, ...outcomes]) {
      assert.equal(view.status, 'paid');
      assert.equal(view.amountPaid, 15_000_000);
      assert.equal(view.seq, duplicated.seq, 'the same state gives the same seq');
    }
  });
});

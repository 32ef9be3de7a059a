/**
 * The PayEngine adapter against the PayEngine simulator, end to end over HTTP: the proxy mints through the
 * simulated REST API, the simulator's signed webhooks reach the proxy, and the proxy's refresh reads the
 * simulator when webhooks are lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createPayEngineAdapter } from '../src/providers/payengine.ts';
import { Secret } from '../src/secret.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { postJson, SHOP_ORIGIN } from './helpers.ts';

const PE = DEMO_CREDENTIALS.payengine;
const DAY_MS = 24 * 3600 * 1000;
/** Nothing listens on the discard port: deliveries there fail, and the simulator records what it tried to send. */
const DEAD_URL = 'http://127.0.0.1:9/webhooks';

describe('proxy ↔ PayEngine simulator', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let webhookUrl: string;
  const control = () => sim.control.payengine!;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, payengine: { ...PE } });
    const config = loadConfig(
      {
        HOST: '127.0.0.1',
        PAY_LINK_PUBLIC_URL: 'http://proxy.test',
        PAY_LINK_CONFIG: 'catalog.json',
        PAYENGINE_SECRET_KEY: PE.secretKey,
        PAYENGINE_MERCHANT_ID: PE.merchantId,
        PAYENGINE_WEBHOOK_SECRET: `rotated-out-secret,${PE.webhookSecret}`,
        PAYENGINE_BASE_URL: `${sim.url}/payengine`,
        PAY_LINK_PROVIDER_TIMEOUT_MS: '3000',
        LOG_LEVEL: 'silent',
        // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
        PAY_LINK_DATABASE_URL: 'sqlite::memory:',
        PAY_LINK_RATE_MINT_PER_MINUTE: '0',
        PAY_LINK_RATE_READ_PER_MINUTE: '0',
      },
      () =>
        JSON.stringify({
          products: [
            { id: 'mug', name: 'Coffee mug', price: '49.00', currency: 'USD' },
            { id: 'yen', name: 'Priced in yen', price: '500', currency: 'JPY' },
          ],
          allowedOrigins: [SHOP_ORIGIN],
        }),
    );
    // A long staleness window: status changes here come from webhooks unless a test refreshes explicitly.
    proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs: 60_000 });
    webhookUrl = `${proxy.url}/v1/webhooks/payengine`;
    control().configureWebhooks({ url: webhookUrl });
  });
  after(async () => {
    // The simulator first: it aborts deliveries still in flight to the proxy, which then closes at once.
    await sim.close();
    await proxy.close();
  });

  const mint = async (product = 'mug') => {
    const res = await postJson(`${proxy.url}/v1/links`, { product });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as LinkView;
  };
  const read = async (id: string) => (await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView;
  /** The simulator's link for a proxy link, found by the reference the adapter put in internal_transaction_id. */
  const simLink = (id: string) => {
    const link = control().links().find((l) => l.internal_transaction_id === id);
    assert.ok(link, `the simulator has a link for ${id}`);
    return link;
  };
  const deliveriesFor = (linkId: string) =>
    sim.control.deliveries().filter((d) => d.provider === 'payengine' && JSON.parse(d.body).data?.payment_link_id === linkId);
  /** PAYMENTLINK_CREATED is sent after the create answer, so it may still be on its way. */
  const deliveryOf = async (linkId: string, event: string) => {
    for (let waited = 0; waited < 3000; waited += 20) {
      const found = deliveriesFor(linkId).find((d) => d.event === event);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`no ${event} delivery for ${linkId}`);
  };

  it('mints a link the simulator holds in dollars, and reads it pending', async () => {
    const view = await mint();
    assert.equal(view.status, 'pending');
    assert.deepEqual(view.amount, { value: 4900, currency: 'USD' });
    const link = simLink(view.id);
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
  });

  it('refuses an amount PayEngine cannot take exactly, before calling it', async () => {
    const before = control().links().length;
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'yen' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'amount_not_representable');
    assert.equal(control().links().length, before);
  });

  it('pay → signed webhooks reach the proxy → the link reads paid', async () => {
    const view = await mint();
    const link = simLink(view.id);
    await control().pay(link.payment_link_id, 'CC_DC');
    const sent = deliveriesFor(link.payment_link_id).map((d) => [d.event, d.status]);
    assert.deepEqual(sent.slice(-2), [['PAYMENT_SALE', 200], ['PAYMENTLINK_UPDATED', 200]]);
    const after = await read(view.id);
    assert.equal(after.status, 'paid');
    assert.equal(after.amountPaid, 4900);
    assert.ok(after.paidAt);
  });

  it('a link cancelled at PayEngine reads cancelled (PAYMENTLINK_CANCELLED carries only the id: the proxy re-reads)', async () => {
    const view = await mint();
    const link = simLink(view.id);
    await control().setStatus(link.payment_link_id, 'CANCELLED');
    assert.deepEqual(deliveriesFor(link.payment_link_id).at(-1)?.status, 200);
    assert.equal((await read(view.id)).status, 'cancelled');
  });

  it('with webhooks off, paying still reaches paid through the proxy’s refresh', async () => {
    const view = await mint();
    const link = simLink(view.id);
    control().configureWebhooks({ enabled: false });
    try {
      await control().pay(link.payment_link_id);
      assert.equal((await read(view.id)).status, 'pending', 'nothing told the proxy yet');
      const refreshed = await proxy.proxy.links.refresh(view.id);
      assert.equal(refreshed?.status, 'paid');
      assert.equal((await read(view.id)).amountPaid, 4900);
    } finally {
      control().configureWebhooks({ enabled: true });
    }
  });

  it('duplicate and out-of-order deliveries end in the same state as one in-order delivery', async () => {
    const inOrder = await mint();
    control().configureWebhooks({ duplicate: true });
    try {
      await control().pay(simLink(inOrder.id).payment_link_id);
    } finally {
      control().configureWebhooks({ duplicate: false });
    }
    const expected = await read(inOrder.id);
    assert.equal(expected.status, 'paid');

    // Capture a second link's deliveries without delivering them, then hand them over in reverse, twice.
    control().configureWebhooks({ url: DEAD_URL });
    let captured;
    let scrambled;
    try {
      scrambled = await mint();
      await deliveryOf(simLink(scrambled.id).payment_link_id, 'PAYMENTLINK_CREATED');
      await control().pay(simLink(scrambled.id).payment_link_id);
      captured = deliveriesFor(simLink(scrambled.id).payment_link_id);
    } finally {
      control().configureWebhooks({ url: webhookUrl });
    }
    assert.deepEqual(captured.map((d) => d.event), ['PAYMENTLINK_CREATED', 'PAYMENT_SALE', 'PAYMENTLINK_UPDATED']);
    assert.ok(captured.every((d) => d.status === null));
    const outcomes: string[] = [];
    for (const d of [...captured].reverse().concat(captured)) {
      const res = await fetch(webhookUrl, { method: 'POST', headers: d.headers, body: d.body });
      assert.equal(res.status, 200);
      outcomes.push(((await res.json()) as { outcome: string }).outcome);
    }
    assert.deepEqual(outcomes, ['applied', 'applied', 'applied', 'duplicate', 'duplicate', 'duplicate']);
    const final = await read(scrambled.id);
    assert.deepEqual(
      { status: final.status, amountPaid: final.amountPaid, seq: final.seq },
      { status: expected.status, amountPaid: expected.amountPaid, seq: expected.seq },
    );
  });

  it('refuses a delivery signed with another secret or replayed after five minutes', async () => {
    const view = await mint();
    const created = await deliveryOf(simLink(view.id).payment_link_id, 'PAYMENTLINK_CREATED');
    const forged = await fetch(webhookUrl, {
      method: 'POST',
      headers: { ...created.headers, 'X-PF-Signature': created.headers['X-PF-Signature']!.replace(/s=[0-9a-f]/, 's=x') },
      body: created.body,
    });
    assert.equal(forged.status, 401);
    const t = Math.floor(Date.now() / 1000) - 6 * 60;
    const { createHmac } = await import('node:crypto');
    const stale = `t=${t},s=${createHmac('sha256', PE.webhookSecret).update(`${t}.${created.body}`).digest('hex')}`;
    const replay = await fetch(webhookUrl, { method: 'POST', headers: { ...created.headers, 'X-PF-Signature': stale }, body: created.body });
    assert.equal(replay.status, 401);
  });

  it('the adapter’s cancel, extendExpiry, list and findByReference work against the simulator', async () => {
    const adapter = createPayEngineAdapter(
      {
        secretKey: new Secret(PE.secretKey),
        merchantId: PE.merchantId,
        webhookSecrets: [new Secret(PE.webhookSecret)],
        baseUrl: `${sim.url}/payengine`,
        endDateFormat: 'yyyymmdd',
        timeoutMs: 3000,
      },
      { fetch },
    );
    const view = await mint();
    const providerId = simLink(view.id).payment_link_id;
    const found = await adapter.findByReference!(view.id);
    assert.equal(found?.providerLinkId, providerId);
    assert.equal((await adapter.list!({ count: 1 }))[0]?.providerLinkId, providerId, 'newest first');
    const extended = await adapter.extendExpiry!(providerId, new Date(Date.UTC(2031, 0, 15, 12)));
    assert.equal(simLink(view.id).end_date, '20310115');
    assert.equal(extended.expiresAt, '2031-01-16T00:00:00.000Z');
    const cancelled = await adapter.cancel(providerId);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(simLink(view.id).payment_link_status, 'CANCELLED');
    await assert.rejects(adapter.cancel(providerId), { code: 'provider_rejected' });
    await assert.rejects(adapter.retrieve('no-such-link'), { code: 'not_found' });
  });

  // Last: it moves the simulator's clock days ahead.
  it('a link whose end date passed reads expired; a payment landing after that still wins', async () => {
    const view = await mint();
    const link = simLink(view.id);
    await sim.control.advanceClock(3 * DAY_MS);
    assert.equal(control().links().find((l) => l.payment_link_id === link.payment_link_id)?.payment_link_status, 'INACTIVE');
    const refreshed = await proxy.proxy.links.refresh(view.id);
    assert.equal(refreshed?.status, 'expired');
    assert.equal((await read(view.id)).status, 'expired');
    await control().setStatus(link.payment_link_id, 'COMPLETED');
    assert.equal((await read(view.id)).status, 'paid');
  });
});

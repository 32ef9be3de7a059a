/**
 * A hint event (Xendit's callback: its token signs nothing, so the proxy re-reads the invoice) is marked seen
 * only once the read shows what it claims. A read can lag the provider's own callback; the hostile run found the
 * callback's dedupe key recorded all the same, so Xendit's genuine redelivery was dropped as a duplicate and the
 * link turned paid only by a later re-read. Here the read lags (the proxy's fetch answers the first read of the
 * invoice as PENDING, as a lagging replica would), against the Xendit simulator over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator, type XenditControl } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, simulatorProxyEnv } from './helpers.ts';

const CREDS = DEMO_CREDENTIALS.xendit;
const CATALOG = { products: [{ id: 'aircon', name: 'Air Conditioner', price: '150000', currency: 'IDR' }], allowedOrigins: [SHOP_ORIGIN] };

describe('a Xendit callback the read does not yet show', () => {
  let sim: RunningSimulator;
  let proxy: RunningProxy;
  let xendit: XenditControl;
  /** How many invoice reads still answer PENDING whatever the simulator holds. */
  let lagging = 0;
  let reads = 0;

  before(async () => {
    sim = await startSimulator({ port: 0, log: false, xendit: { ...CREDS } });
    xendit = sim.control.xendit!;
    const env = simulatorProxyEnv('xendit', { XENDIT_SECRET_KEY: CREDS.secretKey, XENDIT_CALLBACK_TOKEN: CREDS.callbackToken, XENDIT_BASE_URL: `${sim.url}/xendit` });
    const config = loadConfig(env, () => JSON.stringify(CATALOG));
    const laggingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? 'GET') !== 'GET' || !/\/v2\/invoices\/[^/?]+$/.test(new URL(String(input)).pathname)) return res;
      reads++;
      if (lagging === 0) return res;
      lagging--;
      const body: Record<string, unknown> = { ...((await res.json()) as Record<string, unknown>), status: 'PENDING' };
      delete body.paid_at;
      delete body.paid_amount;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    // Long staleness: nothing but the callbacks (and the reads they trigger) moves the link.
    proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs: 60_000, fetch: laggingFetch });
  });
  beforeEach(() => {
    sim.control.reset();
    xendit.configureWebhooks({ url: `${proxy.url}/v1/webhooks/xendit` });
    lagging = 0;
    reads = 0;
  });
  after(async () => {
    await proxy.close();
    await sim.close();
  });

  const mint = async () => {
    const res = await postJson(`${proxy.url}/v1/links`, { product: 'aircon' });
    assert.equal(res.status, 201);
    const view = (await res.json()) as LinkView;
    return { view, invoiceId: xendit.links().at(-1)!.id };
  };
  const stored = (id: string) => proxy.proxy.links.list({ limit: 100 }).then((page) => page.links.find((l) => l.id === id)!);

  it('is not marked seen: its redelivery is applied, and the link reads paid with no other read', async () => {
    const { view, invoiceId } = await mint();
    lagging = 1;
    await xendit.pay(invoiceId);
    const first = sim.control.deliveries().at(-1)!;
    assert.equal(first.status, 200, 'acknowledged: the claim is kept by the proxy, not bounced to Xendit');
    assert.equal(reads, 1);
    let record = await stored(view.id);
    assert.equal(record.status, 'pending', 'the lagging read wins for now');
    assert.ok(record.recheckAt !== null, 'and the link is owed an early re-read');

    const [again] = await xendit.resendCallbacks(invoiceId);
    assert.equal(again!.status, 200);
    assert.equal(reads, 2, 'the redelivery was read, not dropped as a duplicate');
    record = await stored(view.id);
    assert.equal(record.status, 'paid');
    assert.equal(record.recheckAt, null);

    // Now it took effect: a third delivery of it is the duplicate.
    await xendit.resendCallbacks(invoiceId);
    assert.equal(reads, 2);
  });

  it('an unconfirmed claim is read again by the sweeper soon after, when no redelivery comes', async () => {
    const { view, invoiceId } = await mint();
    lagging = 1;
    await xendit.pay(invoiceId);
    const record = await stored(view.id);
    assert.equal(record.status, 'pending');
    assert.ok(record.recheckAt! - record.checkedAt <= 5_000, 'the first re-read within 5 s');
    // The sweeper at the owed time (its clock is real here: wait for the slot rather than move a clock).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, record.recheckAt! - Date.now()) + 10));
    await proxy.proxy.links.sweep();
    assert.equal((await stored(view.id)).status, 'paid');
  });
});

/**
 * 7. Merchant events (decision 0013), on each engine:
 * - provider webhook → the merchant's server holds the signed event: from the moment the simulator is told the
 *   buyer paid (it signs and sends Razorpay's webhook) to a receiver on loopback having verified
 *   `payment_link.paid` with the official `standardwebhooks` library. Baseline, in the same run: the same payment
 *   to the proxy's own SSE stream (the buyer's path), so the ratio is what telling the merchant adds.
 * - draining a burst: 1,000 links paid while the receiver answers 503, then the receiver recovers and the
 *   proxy's retries (one a second) find it back: the time from recovery until all 1,000 events are verified at the
 *   receiver, which includes up to a second's wait for the next retry.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { DEMO_CREDENTIALS, proxyEnvForSimulator, startSimulator } from '@pay-link/simulator';
import { loadConfig, startProxy } from '@pay-link/proxy';
import { newWebhookSecret } from '../packages/proxy/src/merchant-events/endpoints.ts';
import { withClient } from '../packages/proxy/test/postgres.ts';
import type { Engine } from './engines.ts';
import { msUntilStreamSaysPaid } from './sse.ts';
import { type BenchRow, fmt, quantile } from './table.ts';

const SAMPLES = 100;
const WARMUP = 10;
const BURST = 1_000;
const ORIGIN = 'http://shop.bench';

export async function benchMerchantEvents(engine: Engine): Promise<BenchRow[]> {
  const secret = newWebhookSecret();
  const verifier = new Webhook(secret);
  let down = false;
  const arrived = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) {
        res.writeHead(503).end();
        return;
      }
      try {
        const event = verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as { type: string; data: { linkId: string } };
        if (event.type === 'payment_link.paid' && !arrived.has(event.data.linkId)) {
          arrived.set(event.data.linkId, performance.now());
          waiters.get(event.data.linkId)?.();
        }
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const sim = await startSimulator({ port: 0, log: false, razorpay: { ...DEMO_CREDENTIALS.razorpay } });
  const env = {
    PORT: '1',
    HOST: '127.0.0.1',
    PAY_LINK_PUBLIC_URL: 'http://proxy.bench',
    PAY_LINK_CONFIG: 'catalog.json',
    PAY_LINK_DATABASE_URL: engine.databaseUrl,
    LOG_LEVEL: 'silent',
    PAY_LINK_RATE_MINT_PER_MINUTE: '0',
    PAY_LINK_RATE_READ_PER_MINUTE: '0',
    PAY_LINK_WEBHOOK_URL: receiverUrl,
    PAY_LINK_WEBHOOK_SECRET: secret,
    // Retries every second while the receiver is down (50 s in all, longer than the burst takes to queue), so the
    // drain measures delivery rather than the schedule's waits: at most one second of it is a retry's wait.
    PAY_LINK_WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 50 }, () => '1s').join(','),
    ...proxyEnvForSimulator(sim.url).razorpay,
  };
  const catalog = JSON.stringify({ products: [{ id: 'tea', name: 'Tea', price: '499.00', currency: 'INR' }], allowedOrigins: [ORIGIN] });
  const proxy = await startProxy({ ...loadConfig(env, () => catalog), port: 0 }, { staleAfterMs: 600_000 });
  const razorpay = sim.control.razorpay!;
  razorpay.configureWebhooks({ url: `${proxy.url}/v1/webhooks/razorpay` });
  const mint = async () => {
    const minted = await fetch(`${proxy.url}/v1/links`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: '{"product":"tea"}' });
    if (minted.status !== 201) throw new Error(`mint answered ${minted.status}`);
    const { id } = (await minted.json()) as { id: string };
    return { id, providerLinkId: razorpay.links().at(-1)!.id };
  };
  try {
    // Webhook → merchant.
    const toMerchant: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const { id, providerLinkId } = await mint();
      const got = new Promise<void>((resolve) => waiters.set(id, resolve));
      const started = performance.now();
      await razorpay.pay(providerLinkId);
      await got;
      waiters.delete(id);
      if (i >= WARMUP) toMerchant.push(arrived.get(id)! - started);
    }
    toMerchant.sort((a, b) => a - b);
    const toButton: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES / 2; i++) {
      const { id, providerLinkId } = await mint();
      const ms = await msUntilStreamSaysPaid(proxy.url, id, ORIGIN, () => razorpay.pay(providerLinkId).then(() => undefined));
      if (i >= WARMUP) toButton.push(ms);
    }
    toButton.sort((a, b) => a - b);

    // A burst of BURST paid links while the receiver is down, then drained.
    down = true;
    const burst: string[] = [];
    for (let i = 0; i < BURST; i++) {
      const { id, providerLinkId } = await mint();
      burst.push(id);
      await razorpay.pay(providerLinkId);
    }
    // A live Postgres has planner statistics for the outbox (autovacuum analyzes a table within a minute of such a
    // burst); this one was made seconds ago and has none, and without them the claim's order check scans every
    // pending row for each (about 50 ms a claim at 1,000 pending instead of 2 ms). Analyze, as autovacuum would.
    if (engine.databaseUrl.startsWith('postgres')) {
      await withClient(engine.databaseUrl, (client) => client.query('ANALYZE deliveries; ANALYZE events'));
    }
    const pending = burst.filter((id) => !arrived.has(id));
    const all = Promise.all(pending.map((id) => new Promise<void>((resolve) => (arrived.has(id) ? resolve() : waiters.set(id, resolve)))));
    const recovered = performance.now();
    down = false;
    await all;
    const drainMs = performance.now() - recovered;

    return [
      {
        bench: 'provider webhook → merchant event',
        measure: `${engine.name}, verified at the receiver, median / p95, n=${toMerchant.length}`,
        value: `${fmt(quantile(toMerchant, 0.5), 1)} / ${fmt(quantile(toMerchant, 0.95), 1)} ms`,
        baseline: `to the buyer's SSE stream: ${fmt(quantile(toButton, 0.5), 1)} / ${fmt(quantile(toButton, 0.95), 1)} ms`,
        ratio: `${fmt(quantile(toMerchant, 0.5) / quantile(toButton, 0.5), 2)}× the SSE median`,
        target: 'p95 < 100 ms',
        verdict: quantile(toMerchant, 0.95) < 100 ? 'met' : 'missed',
      },
      {
        bench: 'drain a burst of merchant events',
        measure: `${engine.name}, ${pending.length} paid events queued while the receiver answered 503`,
        value: `${fmt(drainMs / 1000, 2)} s (${fmt((pending.length / drainMs) * 1000, 0)} events/s)`,
        baseline: '',
        ratio: '',
        target: '1,000 in < 10 s',
        verdict: drainMs < 10_000 ? 'met' : 'missed',
      },
    ];
  } finally {
    await proxy.close();
    await sim.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

/**
 * 2. Mint overhead: `POST /v1/links` through the proxy to the simulator, against the same provider call made
 * directly to the simulator, paired and interleaved so drift hits both. Reports median and p99 of the difference.
 *
 * Each party where it is in production: the provider (the simulator) in a process of its own, as a real one is
 * elsewhere (bench/watchers-target.ts's `simulator`), and so is the merchant's server, which each mint's event is
 * posted to (bench/merchant-process.ts); the proxy runs in this process, so the profile of a missed target is its
 * own. The client is a kept-alive `node:http` agent, the same for both calls, so what the difference measures is
 * the proxy's work, not a client's garbage collected in the proxy's heap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type Agent, Agent as HttpAgent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadConfig, startProxy } from '@pay-link/proxy';
import { DEMO_CREDENTIALS } from '@pay-link/simulator';
import type { Engine } from './engines.ts';
import { startMerchant } from './merchant-process.ts';
import { profileOf, summarize } from './profile.ts';
import { type BenchRow, fmt, missedBy, quantile } from './table.ts';
import { freePort } from '../packages/proxy/test/postgres.ts';
import { proxyEnv, startTarget } from './watchers.ts';

/** Pairs measured: the p99 of 400 was their 4th-worst, which one noisy moment on a shared two-core box decided. */
const N = 1_000;
const WARMUP = 50;
/** Mints made under the profiler after the measured ones, for the note on a missed target (bench/profile.ts). */
const PROFILED = 200;
/** Issue 16: the median overhead on SQLite and on Postgres over loopback, and the p99 on SQLite. */
const TARGET = { sqlite: { median: 1, p99: 5 }, postgres: { median: 2.5 } };

/** One POST over the kept-alive agent: its status once the whole answer is in. */
function post(agent: Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

export async function benchMintOverhead(engine: Engine): Promise<BenchRow[]> {
  const simulator = startTarget('simulator');
  const merchant = await startMerchant();
  const dir = mkdtempSync(join(tmpdir(), 'pay-link-bench-'));
  const agent = new HttpAgent({ keepAlive: true });
  let running: Awaited<ReturnType<typeof startProxy>> | undefined;
  try {
    const simulatorUrl = `http://127.0.0.1:${(await simulator.ready).port}`;
    running = await startProxy(
      loadConfig({
        ...proxyEnv(simulatorUrl, dir),
        PORT: String(await freePort()),
        PAY_LINK_DATABASE_URL: engine.databaseUrl,
        PAY_LINK_WEBHOOK_URL: merchant.url,
        PAY_LINK_WEBHOOK_SECRET: merchant.secret,
      }),
    );
    const auth = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.razorpay.keyId}:${DEMO_CREDENTIALS.razorpay.keySecret}`).toString('base64')}`;
    const simulatorApi = `${simulatorUrl}/razorpay/v1/payment_links`;
    const proxyApi = `${running.url}/v1/links`;
    let n = 0;
    const direct = async () => {
      n += 1;
      const started = performance.now();
      const status = await post(
        agent,
        simulatorApi,
        { authorization: auth, 'content-type': 'application/json' },
        JSON.stringify({
          amount: 49900,
          currency: 'INR',
          accept_partial: false,
          reference_id: `bench_direct_${n}_${Date.now()}`,
          description: 'Masala chai tin, 250 g',
          expire_by: Math.floor(Date.now() / 1000) + 3600,
          notify: { sms: false, email: false },
          reminder_enable: false,
        }),
      );
      if (status !== 200) throw new Error(`direct create answered ${status}`);
      return performance.now() - started;
    };
    const proxied = async () => {
      const started = performance.now();
      const status = await post(agent, proxyApi, { 'content-type': 'application/json' }, '{"product":"chai-tin"}');
      if (status !== 201) throw new Error(`proxy mint answered ${status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await proxied();
    }
    const diffs: number[] = [];
    const directs: number[] = [];
    const proxies: number[] = [];
    // This process's collections while the pairs run (the client's and the proxy's heap), for the tail's note.
    const collections: { start: number; end: number; young: boolean }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        collections.push({ start: entry.startTime, end: entry.startTime + entry.duration, young: kind === 1 });
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const windows: { start: number; end: number }[] = [];
    for (let i = 0; i < N; i++) {
      // Alternate which goes first, so neither always gets the warmer caches.
      const start = performance.now();
      const [d, p] = i % 2 === 0 ? [await direct(), await proxied()] : (([p2, d2]) => [d2, p2])([await proxied(), await direct()]);
      windows.push({ start, end: performance.now() });
      directs.push(d!);
      proxies.push(p!);
      diffs.push(p! - d!);
    }
    // The observer is told after the collection: give it a turn before reading.
    await new Promise((resolve) => setImmediate(resolve));
    gcObserver.disconnect();
    const sort = (a: number[]) => [...a].sort((x, y) => x - y);
    const sd = sort(diffs);
    const median = quantile(sd, 0.5);
    const p99 = quantile(sd, 0.99);
    const tail = tailCollections(diffs, windows, collections);
    const target = engine.name.startsWith('SQLite') ? TARGET.sqlite : { ...TARGET.postgres, p99: undefined };
    // The profile is this process's: the client's share of a pair and the proxy's (the simulator runs elsewhere).
    let note: string | undefined;
    if (median > target.median || (target.p99 !== undefined && p99 > target.p99)) {
      const profile = await profileOf(`mint-${engine.name}`, async () => {
        for (let i = 0; i < PROFILED; i++) {
          await direct();
          await proxied();
        }
      });
      note =
        `CPU per (direct + proxied) pair, ${PROFILED} pairs profiled in this process (the client and the proxy; the simulator and the merchant's server run in their own): ${summarize(profile, PROFILED)}. ` +
        `The proxy adds a loopback HTTP exchange (the direct call is one: ${fmt(quantile(sort(directs), 0.5))} ms median, the simulator's work included), ` +
        'the store write with its merchant event (on SQLite its commit shared with writes asked for at once, decision 0016), and its own route; its provider call is already a kept-alive node:http request (decision 0020). ' +
        'What would close it: the mint route served ahead of Express, and fewer socket writes.';
    }
    return [
      {
        bench: `mint overhead, ${engine.name}`,
        measure: `median of (proxy − direct), n=${N}`,
        value: `${fmt(median)} ms`,
        baseline: `direct median ${fmt(quantile(sort(directs), 0.5))} ms`,
        ratio: `proxy median ${fmt(quantile(sort(proxies), 0.5))} ms`,
        target: `≤ ${target.median} ms`,
        verdict: median <= target.median ? 'met' : 'missed',
        shortfall: missedBy(median, target.median, 'ms'),
        note,
      },
      {
        bench: `mint overhead, ${engine.name}`,
        measure: `p99 of (proxy − direct), n=${N}`,
        value: `${fmt(p99)} ms`,
        baseline: `direct p99 ${fmt(quantile(sort(directs), 0.99))} ms`,
        ratio: `proxy p99 ${fmt(quantile(sort(proxies), 0.99))} ms`,
        target: target.p99 === undefined ? 'report' : `≤ ${target.p99} ms`,
        verdict: target.p99 === undefined ? 'info' : p99 <= target.p99 ? 'met' : 'missed',
        shortfall: target.p99 === undefined ? undefined : missedBy(p99, target.p99, 'ms'),
        note: note && `${note} ${tail} The p99 follows the direct call's own (${fmt(quantile(sort(directs), 0.99))} ms): both share two cores with the rest of the box.`,
      },
    ];
  } finally {
    await running?.close();
    agent.destroy();
    await simulator.stop();
    await merchant.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How much of the tail this process's garbage collections explain: the collections during the measured pairs,
 * their pauses, and how many of the worst 1 % of pairs had one inside them (decision 0021).
 */
function tailCollections(diffs: number[], windows: { start: number; end: number }[], collections: { start: number; end: number; young: boolean }[]): string {
  const during = collections.filter((c) => c.end >= windows[0]!.start && c.start <= windows.at(-1)!.end);
  const young = during.filter((c) => c.young);
  const pauses = young.map((c) => c.end - c.start).sort((a, b) => a - b);
  const worst = diffs
    .map((diff, i) => ({ diff, window: windows[i]! }))
    .sort((a, b) => b.diff - a.diff)
    .slice(0, Math.max(1, Math.round(diffs.length / 100)));
  const hit = worst.filter(({ window }) => during.some((c) => c.end >= window.start && c.start <= window.end)).length;
  return (
    `In this process, ${young.length} young collections ran during the ${diffs.length} pairs${pauses.length ? ` (pause median ${fmt(quantile(pauses, 0.5))} ms, worst ${fmt(pauses.at(-1)!)} ms)` : ''}` +
    `${during.length > young.length ? ` and ${during.length - young.length} others` : ''}; ${hit} of the ${worst.length} worst pairs had one inside them.`
  );
}

/**
 * The processes bench/watchers.ts starts, each a child of the bench so each RSS is its own: the proxy alone
 * (`proxy`; its provider is the simulator in another process, as a real provider is elsewhere), a bare node:http
 * server speaking the same SSE (`bare`, the baseline), and the provider simulator (`simulator`). Driven over IPC;
 * every `sample` answers the RSS, the peak RSS since the last sample, and the event-loop delay since the last sample.
 */
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type TargetKind = 'proxy' | 'bare' | 'simulator';

export type TargetCommand =
  | { type: 'prepare'; links: number }
  | { type: 'sample'; gc?: boolean }
  /** Simulator: where webhooks go. */
  | { type: 'webhooks'; url: string }
  /** Bare: one change to every stream. Simulator: pay these links (each payment sends its webhook). */
  | { type: 'fanout'; providerLinkIds?: string[] }
  /**
   * Proxy: one change (a partial payment) to each of these links applied at the store, as another instance
   * applies one: the store's compare-and-set write, then what the change feed does when it hears a change (read
   * the link, tell this instance's watchers), no webhook route. Bare: a `partially_paid` frame to every stream.
   */
  | { type: 'change'; ids?: string[] }
  | { type: 'exit' };

export interface TargetSample {
  rss: number;
  heapUsed: number;
  /** Highest RSS seen (every 100 ms) since the previous sample. */
  peakRss: number;
  /** Event-loop delay since the previous sample, ms. */
  eld: { p50: number; p99: number; max: number };
  /** Streams the target holds open. */
  streams: number;
  /** Calls the proxy made to its provider so far (others make none). */
  providerCalls: number;
  /** CPU time this process has used so far, ms. */
  cpu: { user: number; system: number };
}

export type TargetReply =
  | { type: 'ready'; port: number }
  | { type: 'prepared'; ids: string[]; providerLinkIds: string[] }
  | ({ type: 'sample' } & TargetSample)
  | { type: 'configured' }
  | { type: 'fanned'; ms: number }
  | { type: 'changed'; ms: number }
  | { type: 'failed'; message: string };

interface Target {
  port: number;
  streams(): Promise<number>;
  providerCalls(): Promise<number>;
  prepare(count: number): Promise<{ ids: string[]; providerLinkIds: string[] }>;
  webhooks(url: string): void;
  fanout(providerLinkIds: string[]): Promise<void>;
  change(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

const ELD_RESOLUTION_MS = 10;
const CONCURRENCY = 16;

/** The proxy as `pay-link` runs it, configured from `BENCH_PROXY_ENV` (the bench points it at its simulator). */
async function startProxyTarget(): Promise<Target> {
  // BENCH_PROXY_MODULE: the proxy compiled to JavaScript (bench/watchers.ts builds it), run without a TypeScript loader.
  const { loadConfig, startProxy, openStore } = (await import(process.env.BENCH_PROXY_MODULE ?? '@pay-link/proxy')) as typeof import('@pay-link/proxy');
  const env = JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>;
  // The store is opened here and handed to the proxy, so `change` can write to it as another instance would.
  const config = loadConfig({ PAY_LINK_DATABASE_URL: 'sqlite::memory:', ...env, PORT: String(await freePort()) });
  const store = await openStore(config.databaseUrl.reveal());
  const running = await startProxy(config, { store });
  const { links, metrics } = running.proxy;
  return {
    port: (running.server.address() as AddressInfo).port,
    streams: async () => (await metrics.sseClients.get()).values[0]?.value ?? 0,
    async providerCalls() {
      const text = await metrics.registry.getSingleMetricAsString('paylink_provider_request_seconds');
      return [...text.matchAll(/^paylink_provider_request_seconds_count\{.*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    },
    async prepare(count) {
      const ids: string[] = [];
      const providerLinkIds: string[] = [];
      await pool(count, async () => {
        const { record } = await links.mint({ product: 'chai-tin' });
        ids.push(record.id);
        providerLinkIds.push(record.providerLinkId);
      });
      return { ids, providerLinkIds };
    },
    webhooks: () => {
      throw new Error('the proxy takes webhooks, it does not send them');
    },
    fanout: async () => {
      throw new Error('changes reach the proxy from its provider');
    },
    async change(ids) {
      let next = 0;
      await pool(ids.length, async () => {
        const id = ids[next++]!;
        // The writer's side: the store's compare-and-set, as links/refresh.ts joins a partial payment in.
        await store.updateLink(id, (current) =>
          current.status !== 'pending'
            ? current
            : { ...current, status: 'partially_paid', amountPaid: 100, paidSteps: [100], seq: current.seq + 1, checkedAt: Date.now() },
        );
        await store.publishChange(id);
        // The hearing side, as links/change-feed.ts does on a change from the store's feed: read the link and tell
        // this instance's watchers; the stream hub writes each one's frame.
        const record = await store.getLink(id);
        if (record) links.changes.emit('change', record);
      });
    },
    close: async () => {
      await running.close();
      await store.close();
    },
  };
}

/** The baseline: the same stream (headers, `retry:`, one status event, heartbeats, one change) and nothing else. */
async function startBareTarget(heartbeatMs: number): Promise<Target> {
  const open = new Set<ServerResponse>();
  const view = (id: string, status: string, seq: number) =>
    JSON.stringify({
      id,
      provider: 'razorpay',
      status,
      seq,
      amount: { value: 49900, currency: 'INR' },
      amountPaid: status === 'paid' ? 49900 : 0,
      url: 'http://localhost:4010/razorpay/i/DKLoVcWn',
      expiresAt: '2026-11-22T02:06:01.000Z',
      paidAt: status === 'paid' ? '2026-11-22T01:06:01.000Z' : null,
      description: 'Masala chai tin, 250 g',
      pollAfterMs: status === 'paid' ? 60_000 : 2_000,
    });
  const server = createServer((req, res) => {
    const id = /^\/v1\/links\/([^/]+)\/events$/.exec(req.url ?? '')?.[1];
    if (!id) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
    res.write('retry: 3000\n\n');
    res.write(`id: 0\nevent: status\ndata: ${view(id, 'pending', 0)}\n\n`);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    open.add(res);
    res.on('close', () => {
      clearInterval(heartbeat);
      open.delete(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams: async () => open.size,
    providerCalls: async () => 0,
    async prepare(count) {
      const ids = Array.from({ length: count }, (_, i) => `pl_bare${String(i).padStart(15, '0')}`);
      return { ids, providerLinkIds: [] };
    },
    webhooks: () => {
      throw new Error('the bare server sends no webhooks');
    },
    async change() {
      for (const res of open) {
        const id = /^\/v1\/links\/([^/]+)\//.exec(res.req.url ?? '')![1]!;
        res.write(`id: 1\nevent: status\ndata: ${view(id, 'partially_paid', 1)}\n\n`);
      }
    },
    async fanout() {
      for (const res of [...open]) {
        const id = /^\/v1\/links\/([^/]+)\//.exec(res.req.url ?? '')![1]!;
        res.end(`id: 2\nevent: status\ndata: ${view(id, 'paid', 2)}\n\n`);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The provider: the Razorpay simulator with the demo credentials, paying links on command. */
async function startSimulatorTarget(): Promise<Target> {
  const { DEMO_CREDENTIALS, startSimulator } = await import('@pay-link/simulator');
  const simulator = await startSimulator({ port: 0, host: '127.0.0.1', log: false, razorpay: { ...DEMO_CREDENTIALS.razorpay } });
  const razorpay = simulator.control.razorpay!;
  return {
    port: Number(new URL(simulator.url).port),
    streams: async () => 0,
    providerCalls: async () => 0,
    prepare: async () => {
      throw new Error('links are minted through the proxy');
    },
    webhooks: (url) => void razorpay.configureWebhooks({ url }),
    change: async () => {
      throw new Error('the simulator changes links by paying them (fanout)');
    },
    async fanout(providerLinkIds) {
      // What a buyer's payment does: the provider records it and sends its webhook (awaited) to the proxy.
      let next = 0;
      await pool(providerLinkIds.length, () => razorpay.pay(providerLinkIds[next++]!));
    },
    close: () => simulator.close(),
  };
}

/** Runs `task` `count` times, at most CONCURRENCY at once. */
async function pool(count: number, task: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/** The proxy's config takes a port, not 0: borrow a free one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function main(kind: TargetKind, heartbeatMs: number): Promise<void> {
  const send = (reply: TargetReply) => process.send!(reply);
  const target = kind === 'proxy' ? await startProxyTarget() : kind === 'bare' ? await startBareTarget(heartbeatMs) : await startSimulatorTarget();
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  let peakRss = process.memoryUsage.rss();
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100).unref();
  // The histogram records each timer interval, resolution included; the delay is what exceeds it.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);

  process.on('message', async (command: TargetCommand) => {
    try {
      switch (command.type) {
        case 'prepare':
          send({ type: 'prepared', ...(await target.prepare(command.links)) });
          break;
        case 'sample': {
          if (command.gc) (globalThis as { gc?: () => void }).gc?.();
          const rss = process.memoryUsage.rss();
          send({
            type: 'sample',
            rss,
            heapUsed: process.memoryUsage().heapUsed,
            peakRss: Math.max(peakRss, rss),
            eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) },
            streams: await target.streams(),
            providerCalls: await target.providerCalls(),
            cpu: ((usage) => ({ user: usage.user / 1000, system: usage.system / 1000 }))(process.cpuUsage()),
          });
          eld.reset();
          peakRss = rss;
          break;
        }
        case 'webhooks':
          target.webhooks(command.url);
          send({ type: 'configured' });
          break;
        case 'change': {
          const started = performance.now();
          await target.change(command.ids ?? []);
          send({ type: 'changed', ms: performance.now() - started });
          break;
        }
        case 'fanout': {
          const started = performance.now();
          await target.fanout(command.providerLinkIds ?? []);
          send({ type: 'fanned', ms: performance.now() - started });
          break;
        }
        case 'exit':
          await target.close();
          process.exit(0);
      }
    } catch (err) {
      send({ type: 'failed', message: (err as Error).message });
    }
  });
  send({ type: 'ready', port: target.port });
}

// argv: the kind, and the proxy's heartbeat period for the bare server to copy.
const [kind, heartbeatMs] = process.argv.slice(2);
if (kind === 'proxy' || kind === 'bare' || kind === 'simulator') void main(kind, Number(heartbeatMs));

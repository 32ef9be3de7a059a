/**
 * The load generator of bench/webhook-throughput.ts, in a process of its own so its CPU is not the proxy's: POSTs
 * every recorded delivery of `BENCH_DELIVERIES` (a JSON file) once to `BENCH_URL`, `BENCH_CONCURRENCY` at a time on
 * keep-alive connections, and prints `{ ms, statuses, outcomes }` (answers by status code, 0 for a request that
 * failed; and by the proxy's `outcome`).
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

export interface RecordedDelivery {
  headers: Record<string, string>;
  body: string;
}

const deliveries = JSON.parse(readFileSync(process.env.BENCH_DELIVERIES!, 'utf8')) as RecordedDelivery[];
const url = new URL(process.env.BENCH_URL!);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const statuses: Record<number, number> = {};
const outcomes: Record<string, number> = {};

function post(delivery: RecordedDelivery): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const outcome = (() => {
            try {
              return String((JSON.parse(body) as { outcome?: unknown }).outcome ?? 'none');
            } catch {
              return 'unreadable';
            }
          })();
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', () => resolve(0));
    req.end(delivery.body);
  });
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < deliveries.length) {
      const status = await post(deliveries[next++]!);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
process.stdout.write(JSON.stringify({ ms: performance.now() - started, statuses, outcomes }));
agent.destroy();

/**
 * The load generator of bench/webhook-throughput.ts, in a process of its own so its CPU is not the proxy's: POSTs
 * every recorded delivery of `BENCH_DELIVERIES` (a JSON file) once to `BENCH_URL`, `BENCH_CONCURRENCY` at a time on
 * keep-alive connections, and prints `{ ms, statuses, outcomes, box, cpuMs }` (answers by status code, 0 for a
 * request that failed; by the proxy's `outcome`; the share of the box's CPU busy while it sent, from Linux
 * `/proc/stat`, absent elsewhere; and its own CPU time meanwhile).
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

/** The box's CPU time so far, busy and in all (Linux `/proc/stat`, in ticks); undefined where there is none. */
function boxTicks(): { busy: number; all: number } | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    const ticks = fields.slice(0, 8).map(Number);
    const all = ticks.reduce((sum, t) => sum + t, 0);
    // Idle and waiting for I/O are the box not busy.
    return { busy: all - ticks[3]! - ticks[4]!, all };
  } catch {
    return undefined;
  }
}

let next = 0;
const boxBefore = boxTicks();
const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < deliveries.length) {
      const status = await post(deliveries[next++]!);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const boxAfter = boxTicks();
const box = boxBefore && boxAfter && boxAfter.all > boxBefore.all ? (boxAfter.busy - boxBefore.busy) / (boxAfter.all - boxBefore.all) : undefined;
process.stdout.write(JSON.stringify({ ms, statuses, outcomes, box, cpuMs: (cpu.user + cpu.system) / 1000 }));
agent.destroy();

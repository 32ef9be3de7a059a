/**
 * 3. Status read throughput: requests/s of `GET /v1/links/:id` (200 and 304) against a bare Express handler that
 * answers the same JSON with the same ETag, both loaded by autocannon in a separate process on loopback.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { startStack } from '../scripts/stack.ts';
import { type BenchRow, fmt } from './table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = 5;
const CONNECTIONS = 50;

function autocannon(url: string, headers: Record<string, string> = {}): Promise<{ rps: number; non2xx: number; p99: number }> {
  const args = ['-j', '-c', String(CONNECTIONS), '-d', String(SECONDS), ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/autocannon`, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const result = JSON.parse(out);
      resolve({ rps: result.requests.average, non2xx: result.non2xx, p99: result.latency.p99 });
    });
  });
}

export async function benchStatusThroughput(): Promise<BenchRow[]> {
  const stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, logLevel: 'silent', rateLimits: false });
  const bare = express();
  let server: ReturnType<typeof bare.listen> | undefined;
  try {
    const proxyUrl = stack.proxyUrl.replace('localhost', '127.0.0.1');
    const minted = (await (await fetch(`${proxyUrl}/v1/links`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"product":"chai-tin"}' })).json()) as { id: string };
    const statusUrl = `${proxyUrl}/v1/links/${minted.id}`;
    const first = await fetch(statusUrl);
    const body = await first.text();
    const etag = first.headers.get('etag')!;

    bare.set('etag', false);
    bare.get('/v1/links/:id', (req, res) => {
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      if (req.get('if-none-match') === etag) return void res.status(304).end();
      res.type('json').send(body);
    });
    server = bare.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/links/${minted.id}`;

    const rows: BenchRow[] = [];
    for (const [label, headers] of [
      ['200', {}],
      ['304', { 'if-none-match': etag }],
    ] as const) {
      const base = await autocannon(bareUrl, headers);
      const ours = await autocannon(statusUrl, headers);
      const ratio = ours.rps / base.rps;
      rows.push({
        bench: 'status reads',
        measure: `GET /v1/links/:id → ${label}, ${CONNECTIONS} conns, ${SECONDS}s`,
        value: `${Math.round(ours.rps)} req/s (p99 ${ours.p99} ms)`,
        baseline: `bare Express ${Math.round(base.rps)} req/s`,
        ratio: `${fmt(ratio)}`,
        target: '≥ 0.8 of bare Express',
        verdict: ratio >= 0.8 ? 'met' : 'missed',
      });
    }
    return rows;
  } finally {
    server?.close();
    await stack.close();
  }
}

/**
 * What minting leaves behind in a proxy's memory (issue 16: the watchers bench's RSS after 5,000 mints): a proxy
 * configured as bench/watchers.ts configures it, its simulator in a child process, N links minted, then after a
 * settle and a GC the RSS, the V8 heap by space, and (`--snapshot=<dir>`) heap snapshots before and after, for
 * DevTools' comparison view. `node --expose-gc --import tsx bench/mint-residue.ts [links] [--snapshot=dir]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { DEMO_CREDENTIALS } from '@pay-link/simulator';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5_000);
const snapshotDir = process.argv.find((a) => a.startsWith('--snapshot='))?.split('=')[1];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;

function sample(label: string): void {
  gc();
  const m = process.memoryUsage();
  const spaces = v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_used_size > 1 << 20)
    .map((s) => `${s.space_name} ${mb(s.space_used_size)}/${mb(s.space_size)}`)
    .join(', ');
  process.stdout.write(`${label}: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}; ${spaces}\n`);
}

const simulator = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'watchers-target.ts'), 'simulator', '15000'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const simulatorPort = await new Promise<number>((resolve) => simulator.once('message', (m: { port: number }) => resolve(m.port)));
const dir = mkdtempSync(join(tmpdir(), 'pay-link-residue-'));
const demo = JSON.parse(readFileSync(join(root, 'demo', 'shop.json'), 'utf8')) as { products: { provider?: string }[] };
writeFileSync(join(dir, 'shop.json'), JSON.stringify({ products: demo.products.filter((p) => p.provider === 'razorpay') }));
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = probe.address() as AddressInfo;
    probe.close(() => resolve(p));
  });
});
const { loadConfig, startProxy } = await import('@pay-link/proxy');
const running = await startProxy(
  loadConfig({
    PAY_LINK_DATABASE_URL: process.env.RESIDUE_DATABASE_URL ?? 'sqlite::memory:',
    HOST: '127.0.0.1',
    PORT: String(port),
    PAY_LINK_PUBLIC_URL: 'http://localhost:4000',
    PAY_LINK_CONFIG: join(dir, 'shop.json'),
    PAY_LINK_ALLOWED_ORIGINS: 'http://localhost:8080',
    PAY_LINK_TEST_MODE: 'true',
    PAY_LINK_RATE_MINT_PER_MINUTE: '0',
    PAY_LINK_RATE_READ_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
    PAY_LINK_PROVIDER: 'razorpay',
    RAZORPAY_KEY_ID: DEMO_CREDENTIALS.razorpay.keyId,
    RAZORPAY_KEY_SECRET: DEMO_CREDENTIALS.razorpay.keySecret,
    RAZORPAY_WEBHOOK_SECRET: DEMO_CREDENTIALS.razorpay.webhookSecret,
    RAZORPAY_BASE_URL: `http://127.0.0.1:${simulatorPort}/razorpay`,
    RAZORPAY_API: 'payment_links',
  }),
);
const { links } = running.proxy;
sample('idle');
if (snapshotDir) v8.writeHeapSnapshot(join(snapshotDir, 'before.heapsnapshot'));
let started = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (started < count) {
      started += 1;
      await links.mint({ product: 'chai-tin' });
    }
  }),
);
sample(`after ${count} mints`);
await new Promise((resolve) => setTimeout(resolve, 10_000));
sample('settled 10 s');
if (snapshotDir) v8.writeHeapSnapshot(join(snapshotDir, 'after.heapsnapshot'));
await running.close();
simulator.kill();
process.exit(0);

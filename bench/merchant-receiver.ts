/**
 * The merchant's server for bench/webhook-throughput.ts, in a process of its own as a merchant's is: the demo's
 * backend (scripts/merchant-backend.ts: raw body, verified with the official Standard Webhooks library, deduplicated
 * by `webhook-id`) on a port of its own. Its secret comes in `BENCH_MERCHANT_SECRET`; it prints its URL once
 * listening, and `{ accepted, refused }` (events accepted; POSTs answered other than 204) on each line read from
 * stdin, so the bench can tell that every paid link's event reached it verified.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createMerchantBackend } from '../scripts/merchant-backend.ts';

const merchant = createMerchantBackend({ secret: process.env.BENCH_MERCHANT_SECRET! });
const app = express();
app.use('/merchant', merchant.router);
const server = createServer(app).listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/merchant/webhooks\n`);
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', () => {
  const refused = merchant.deliveries().filter((d) => d.status !== 204).length;
  process.stdout.write(`${JSON.stringify({ accepted: merchant.events().filter((e) => e.type === 'payment_link.paid').length, refused })}\n`);
});
process.stdin.on('end', () => server.close(() => process.exit(0)));

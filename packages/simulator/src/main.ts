/**
 * `pnpm --filter @pay-link/simulator start`: runs the simulator with the demo credentials.
 *
 * Environment: PORT (default 4010), HOST (default 127.0.0.1), SIMULATOR_PUBLIC_URL (base for short_url links),
 * RAZORPAY_WEBHOOK_URL (where Razorpay webhooks go; none are sent without it).
 */
import { z } from 'zod';
import { DEMO_CREDENTIALS } from './demo-credentials.ts';
import { startSimulator } from './server.ts';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  RAZORPAY_WEBHOOK_URL: z.url().optional(),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  console.error(`simulator: invalid environment\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;

const simulator = await startSimulator({
  port: env.PORT,
  host: env.HOST,
  publicUrl: env.SIMULATOR_PUBLIC_URL,
  razorpay: { ...DEMO_CREDENTIALS.razorpay, webhookUrl: env.RAZORPAY_WEBHOOK_URL },
});
console.log(`pay-link simulator listening on ${simulator.url}`);
console.log(`  razorpay: ${simulator.url}/razorpay (key ${DEMO_CREDENTIALS.razorpay.keyId}); control: ${simulator.url}/_control`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`simulator: ${signal}, closing`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('simulator: close failed', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

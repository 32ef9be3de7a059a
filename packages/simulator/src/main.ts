/**
 * `pnpm --filter @pay-link/simulator start`: runs the simulator with the demo credentials.
 *
 * Environment: PORT (default 4010), HOST (default 127.0.0.1), SIMULATOR_PUBLIC_URL (base for short_url links),
 * <PROVIDER>_WEBHOOK_URL for each of RAZORPAY, XENDIT, PINELABS, PAYENGINE, EXIMPE (where that provider's webhooks
 * go; none are sent without it).
 */
import { z } from 'zod';
import { DEMO_CREDENTIALS } from './demo-credentials.ts';
import { startSimulator } from './server.ts';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  HOST: z.string().min(1).default('127.0.0.1'),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  RAZORPAY_WEBHOOK_URL: z.url().optional(),
  XENDIT_WEBHOOK_URL: z.url().optional(),
  PINELABS_WEBHOOK_URL: z.url().optional(),
  PAYENGINE_WEBHOOK_URL: z.url().optional(),
  EXIMPE_WEBHOOK_URL: z.url().optional(),
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
  xendit: { ...DEMO_CREDENTIALS.xendit, webhookUrl: env.XENDIT_WEBHOOK_URL },
  pinelabs: { ...DEMO_CREDENTIALS.pinelabs, webhookUrl: env.PINELABS_WEBHOOK_URL },
  payengine: { ...DEMO_CREDENTIALS.payengine, webhookUrl: env.PAYENGINE_WEBHOOK_URL },
  eximpe: { ...DEMO_CREDENTIALS.eximpe, webhookUrl: env.EXIMPE_WEBHOOK_URL },
});
console.log(`pay-link simulator listening on ${simulator.url}`);
for (const provider of ['razorpay', 'xendit', 'pinelabs', 'payengine', 'eximpe']) console.log(`  ${provider}: ${simulator.url}/${provider}`);
console.log(`  control: ${simulator.url}/_control`);

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

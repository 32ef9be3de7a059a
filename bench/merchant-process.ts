/**
 * The merchant's server for a bench, in a process of its own as a merchant's is (bench/merchant-receiver.ts): the
 * proxy's events go there, and its work (HTTP in, the Standard Webhooks check) is not counted as the proxy's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { newWebhookSecret } from '../packages/proxy/src/merchant-events/endpoints.ts';
import { type Stack, startStack } from '../scripts/stack.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const receiverFile = fileURLToPath(new URL('./merchant-receiver.ts', import.meta.url));

export interface MerchantProcess {
  /** Where the proxy sends events (`PAY_LINK_WEBHOOK_URL`), and the secret they are signed with. */
  url: string;
  secret: string;
  /** `payment_link.paid` events accepted so far, and POSTs answered other than 204. */
  counts(): Promise<{ accepted: number; refused: number }>;
  stop(): Promise<void>;
}

/** The merchant's server in a process of its own (bench/merchant-receiver.ts), with a secret made for this run. */
export async function startMerchant(): Promise<MerchantProcess> {
  const secret = newWebhookSecret();
  const child = spawn(process.execPath, ['--import', 'tsx', receiverFile], {
    cwd: root,
    env: { ...process.env, BENCH_MERCHANT_SECRET: secret },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  const lines: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  let buffered = '';
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (waiting) {
        const take = waiting;
        waiting = undefined;
        take(line);
      } else lines.push(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting = resolve;
      void exited.then(() => reject(new Error('the bench merchant exited')));
    });
  const url = await nextLine();
  return {
    url,
    secret,
    async counts() {
      child.stdin.write('counts\n');
      return JSON.parse(await nextLine()) as { accepted: number; refused: number };
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * A bench's demo stack on free ports, rate limits off, on `databaseUrl`, its events sent to a merchant's server in
 * a process of its own; `close` stops both.
 */
export async function startStackWithMerchant(databaseUrl: string): Promise<{ stack: Stack; merchant: MerchantProcess; close(): Promise<void> }> {
  const merchant = await startMerchant();
  const stack = await startStack({
    demoPort: 0,
    proxyPort: 0,
    simulatorPort: 0,
    logLevel: 'silent',
    rateLimits: false,
    databaseUrl,
    merchantEndpoint: { url: merchant.url, secret: merchant.secret },
  }).catch(async (err: unknown) => {
    await merchant.stop();
    throw err;
  });
  return {
    stack,
    merchant,
    async close() {
      await stack.close();
      await merchant.stop();
    },
  };
}

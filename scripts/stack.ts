/**
 * The demo stack in one process: the provider simulator, the proxy pointed at it, and a static server for the
 * demo pages on its own origin (as a merchant's site would be). Used by `pnpm start`, the end-to-end tests,
 * the screenshots and the benchmarks.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { loadConfig, startProxy, type RunningProxy } from '@pay-link/proxy';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '@pay-link/simulator';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoDir = join(root, 'demo');
/** The proxy origin written in the demo pages; replaced when the stack runs elsewhere. */
const DEMO_PROXY_ORIGIN = 'http://localhost:4000';

/** The demo proxy's admin token (`pay-link links …`). Public on purpose: it only works against this demo stack. */
export const DEMO_ADMIN_TOKEN = 'demo_admin_token_not_for_production_000001';

/** Signs the demo's invoice intents. Public on purpose: it only works against this demo stack. */
export const DEMO_INTENT_SECRET = 'demo_intent_secret_not_for_production_0001';

export interface StackOptions {
  /** 0 picks free ports (tests). */
  demoPort?: number;
  proxyPort?: number;
  simulatorPort?: number;
  logLevel?: string;
  /** Simulator request log lines. */
  simulatorLog?: boolean;
  /** Signs invoice intents for the pay page (`pay-link intent`); the demo's own when unset. */
  intentSecret?: string;
  /** The proxy's per-address rate limits (on by default, as in production); benchmarks turn them off. */
  rateLimits?: boolean;
  /** Razorpay's current Payment Links API (default) or the seed's legacy `/v1/invoices`. */
  razorpayApi?: 'payment_links' | 'invoices';
}

export interface Stack {
  simulator: RunningSimulator;
  demoUrl: string;
  proxyUrl: string;
  simulatorUrl: string;
  proxy: RunningProxy;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulatorPort = await portOrFree(options.simulatorPort ?? 4010);
  const proxyPort = await portOrFree(options.proxyPort ?? 4000);
  const demoPort = await portOrFree(options.demoPort ?? 8080);
  const proxyUrl = `http://localhost:${proxyPort}`;
  const demoUrl = `http://localhost:${demoPort}`;

  const webhook = (provider: string) => `http://127.0.0.1:${proxyPort}/v1/webhooks/${provider}`;
  const simulator = await startSimulator({
    port: simulatorPort,
    host: '127.0.0.1',
    publicUrl: `http://localhost:${simulatorPort}`,
    log: options.simulatorLog ?? false,
    razorpay: { ...DEMO_CREDENTIALS.razorpay, webhookUrl: webhook('razorpay') },
    xendit: { ...DEMO_CREDENTIALS.xendit, webhookUrl: webhook('xendit') },
    pinelabs: { ...DEMO_CREDENTIALS.pinelabs, webhookUrl: webhook('pinelabs') },
    payengine: { ...DEMO_CREDENTIALS.payengine, webhookUrl: webhook('payengine') },
    eximpe: { ...DEMO_CREDENTIALS.eximpe, webhookUrl: webhook('eximpe') },
  });
  const sim = `http://127.0.0.1:${simulatorPort}`;

  const config = loadConfig({
    PORT: String(proxyPort),
    HOST: '127.0.0.1',
    PAY_LINK_PUBLIC_URL: proxyUrl,
    PAY_LINK_CONFIG: join(demoDir, 'shop.json'),
    PAY_LINK_ALLOWED_ORIGINS: `${demoUrl},http://127.0.0.1:${demoPort}`,
    PAY_LINK_TEST_MODE: 'true',
    ...(options.rateLimits === false && { PAY_LINK_RATE_MINT_PER_MINUTE: '0', PAY_LINK_RATE_READ_PER_MINUTE: '0' }),
    LOG_LEVEL: options.logLevel ?? 'warn',
    PAY_LINK_PROVIDER: 'razorpay',
    PAY_LINK_INTENT_SECRET: options.intentSecret ?? DEMO_INTENT_SECRET,
    PAY_LINK_ADMIN_TOKEN: DEMO_ADMIN_TOKEN,
    // Every provider's production URL is the default; the demo points each one at the simulator.
    RAZORPAY_KEY_ID: DEMO_CREDENTIALS.razorpay.keyId,
    RAZORPAY_KEY_SECRET: DEMO_CREDENTIALS.razorpay.keySecret,
    RAZORPAY_WEBHOOK_SECRET: DEMO_CREDENTIALS.razorpay.webhookSecret,
    RAZORPAY_BASE_URL: `${sim}/razorpay`,
    RAZORPAY_API: options.razorpayApi ?? 'payment_links',
    XENDIT_SECRET_KEY: DEMO_CREDENTIALS.xendit.secretKey,
    XENDIT_CALLBACK_TOKEN: DEMO_CREDENTIALS.xendit.callbackToken,
    XENDIT_BASE_URL: `${sim}/xendit`,
    PINELABS_CLIENT_ID: DEMO_CREDENTIALS.pinelabs.clientId,
    PINELABS_CLIENT_SECRET: DEMO_CREDENTIALS.pinelabs.clientSecret,
    PINELABS_WEBHOOK_SECRET: DEMO_CREDENTIALS.pinelabs.webhookSecret,
    PINELABS_BASE_URL: `${sim}/pinelabs/api`,
    PAYENGINE_SECRET_KEY: DEMO_CREDENTIALS.payengine.secretKey,
    PAYENGINE_MERCHANT_ID: DEMO_CREDENTIALS.payengine.merchantId,
    PAYENGINE_WEBHOOK_SECRET: DEMO_CREDENTIALS.payengine.webhookSecret,
    PAYENGINE_BASE_URL: `${sim}/payengine`,
    EXIMPE_CLIENT_ID: DEMO_CREDENTIALS.eximpe.clientId,
    EXIMPE_CLIENT_SECRET: DEMO_CREDENTIALS.eximpe.clientSecret,
    EXIMPE_WEBHOOK_SECRET: DEMO_CREDENTIALS.eximpe.webhookSecret,
    EXIMPE_BASE_URL: `${sim}/eximpe`,
  });
  const proxy = await startProxy(config);
  const demo = await serveDemo(demoPort, proxyUrl);

  return {
    simulator,
    demoUrl,
    proxyUrl,
    simulatorUrl: `http://localhost:${simulatorPort}`,
    proxy,
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => {
          demo.close(() => resolve());
          demo.closeAllConnections();
        }),
        proxy.close(),
      ]);
      await simulator.close();
    },
  };
}

/**
 * The merchant's static site: plain files under demo/, with a strict CSP such as a careful merchant would send,
 * which the button must live with (its script from the proxy, its requests to the proxy, nothing inline).
 */
async function serveDemo(port: number, proxyUrl: string): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  const proxyOrigin = new URL(proxyUrl).origin;
  app.use((_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' ${proxyOrigin}`,
        `connect-src 'self' ${proxyOrigin}`,
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
    );
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    next();
  });
  app.get(/.*/, async (req, res, next) => {
    const path = req.path.endsWith('/') ? `${req.path}index.html` : req.path;
    const file = normalize(join(demoDir, path));
    if (!file.startsWith(demoDir) || extname(file) === '.json') return next();
    try {
      let body = await readFile(file, 'utf8');
      if (['.html', '.js'].includes(extname(file))) body = body.replaceAll(DEMO_PROXY_ORIGIN, proxyOrigin);
      res.type(extname(file)).setHeader('Cache-Control', 'no-cache');
      res.send(body);
    } catch {
      next();
    }
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** The port asked for; 0 means any free one. A busy fixed port is an error that names it. */
async function portOrFree(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} is in use; stop what uses it or set another port` : err.message)),
    );
    probe.listen(port, '127.0.0.1', () => {
      const { port: chosen } = probe.address() as { port: number };
      probe.close(() => resolve(chosen));
    });
  });
}

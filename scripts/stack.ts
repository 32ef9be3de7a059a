/**
 * The demo stack in one process: the provider simulator, the proxy pointed at it, and the merchant's site on its
 * own origin: the demo pages, and a small merchant backend that receives the proxy's signed events and fulfils
 * orders (`scripts/merchant-backend.ts`). Used by `pnpm start`, the end-to-end tests, the screenshots and the
 * benchmarks.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createInvoiceEmail, loadConfig, signIntent, startProxy, type RunningProxy } from '@pay-link/proxy';
import { DEMO_CREDENTIALS, type RunningSimulator, proxyEnvForAllProviders, startSimulator } from '@pay-link/simulator';
// Not re-exported by @pay-link/proxy's index: the CLI's `pay-link webhook-secret` prints one of these.
import { newWebhookSecret } from '../packages/proxy/src/merchant-events/endpoints.ts';
import { type MerchantBackend, createMerchantBackend } from './merchant-backend.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoDir = join(root, 'demo');
/** The proxy origin written in the demo pages; replaced when the stack runs elsewhere. */
const DEMO_PROXY_ORIGIN = 'http://localhost:4000';

/** The demo proxy's admin token (`pay-link links …`). Public on purpose: it only works against this demo stack. */
export const DEMO_ADMIN_TOKEN = 'demo_admin_token_not_for_production_000001';

/** Signs the demo's invoice intents. Public on purpose: it only works against this demo stack. */
export const DEMO_INTENT_SECRET = 'demo_intent_secret_not_for_production_0001';

const SAMPLE_INVOICE = 'INV-2026-0042';

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
  /**
   * The proxy's database (`PAY_LINK_DATABASE_URL`): a private in-memory SQLite database unless given (tests,
   * benchmarks); `pnpm start` keeps a file, so the demo's links survive its restart.
   */
  databaseUrl?: string;
  /** More origins allowed to mint besides the demo's (`PAY_LINK_ALLOWED_ORIGINS`): e.g. a test WordPress site. */
  allowedOrigins?: string[];
  /**
   * The merchant's endpoint for events when it runs elsewhere (a benchmark's merchant in a process of its own):
   * the proxy sends there instead of to the demo's backend, which then hears nothing.
   */
  merchantEndpoint?: { url: string; secret: string };
}

export interface Stack {
  simulator: RunningSimulator;
  demoUrl: string;
  proxyUrl: string;
  simulatorUrl: string;
  /** The sample invoice email served at `<demoUrl>/invoice-email.html`, signed when the stack started. */
  invoiceEmail: ReturnType<typeof sampleInvoiceEmail>;
  proxy: RunningProxy;
  /**
   * The merchant's backend on the demo origin: the proxy's events arrive at `<demoUrl>/merchant/webhooks`
   * (`PAY_LINK_WEBHOOK_URL`), signed with a secret made for this run; `<demoUrl>/merchant/orders/:linkId` says
   * whether the order was fulfilled.
   */
  merchant: MerchantBackend;
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

  // The merchant's site is up before the proxy, so the proxy's first delivery (an event a kept database still
  // holds from the last run) finds it listening. A new secret per run: the proxy signs each attempt when it makes it.
  const webhookSecret = newWebhookSecret();
  const merchant = createMerchantBackend({ secret: webhookSecret });
  const intentSecret = options.intentSecret ?? DEMO_INTENT_SECRET;
  // The simulator forgets its links when it stops; a proxy database that outlives it must not take a new run's
  // sample invoice for the last run's (its checkout no longer exists), so a kept database gets a reference per run.
  const reference = options.databaseUrl === undefined ? SAMPLE_INVOICE : `${SAMPLE_INVOICE}-${Date.now().toString(36).toUpperCase()}`;
  const invoiceEmail = sampleInvoiceEmail(proxyUrl, intentSecret, Date.now(), reference);
  const demo = await serveDemo(demoPort, proxyUrl, { signDemoIntents: intentSecret === DEMO_INTENT_SECRET, invoiceEmailHtml: invoiceEmail.html, merchant });
  const closeDemo = () =>
    new Promise<void>((resolve) => {
      demo.close(() => resolve());
      demo.closeAllConnections();
    });

  const env = {
    PORT: String(proxyPort),
    HOST: '127.0.0.1',
    PAY_LINK_PUBLIC_URL: proxyUrl,
    PAY_LINK_CONFIG: join(demoDir, 'shop.json'),
    PAY_LINK_ALLOWED_ORIGINS: [demoUrl, `http://127.0.0.1:${demoPort}`, ...(options.allowedOrigins ?? [])].join(','),
    PAY_LINK_TEST_MODE: 'true',
    // Who the buyer pays, on the pay, buy and receipt pages: the demo shop's name, on its brand colour.
    PAY_LINK_MERCHANT_NAME: 'Leaf & Kettle',
    PAY_LINK_MERCHANT_BRAND_COLOR: '#2f6b3a',
    PAY_LINK_MERCHANT_SUPPORT_EMAIL: 'hello@leaf-and-kettle.example',
    ...(options.rateLimits === false && { PAY_LINK_RATE_MINT_PER_MINUTE: '0', PAY_LINK_RATE_READ_PER_MINUTE: '0' }),
    LOG_LEVEL: options.logLevel ?? 'warn',
    PAY_LINK_DATABASE_URL: options.databaseUrl ?? 'sqlite::memory:',
    PAY_LINK_PROVIDER: 'razorpay',
    PAY_LINK_INTENT_SECRET: intentSecret,
    PAY_LINK_ADMIN_TOKEN: DEMO_ADMIN_TOKEN,
    // The merchant's endpoint for events (http only because this is test mode), on the default retry schedule.
    PAY_LINK_WEBHOOK_URL: options.merchantEndpoint?.url ?? `${demoUrl}/merchant/webhooks`,
    PAY_LINK_WEBHOOK_SECRET: options.merchantEndpoint?.secret ?? webhookSecret,
    // Every provider's production URL is the default; the demo points each one at the simulator.
    ...proxyEnvForAllProviders(sim),
    RAZORPAY_API: options.razorpayApi ?? 'payment_links',
  };
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(loadConfig(env));
  } catch (err) {
    await Promise.all([closeDemo(), simulator.close()]);
    throw err;
  }

  return {
    simulator,
    demoUrl,
    proxyUrl,
    simulatorUrl: `http://localhost:${simulatorPort}`,
    invoiceEmail,
    proxy,
    merchant,
    async close() {
      await Promise.all([closeDemo(), proxy.close()]);
      await simulator.close();
    },
  };
}

/**
 * The merchant's site: plain files under demo/, with a strict CSP such as a careful merchant would send, which the
 * button must live with (its script from the proxy, its requests to the proxy, nothing inline); and the merchant's
 * backend under `/merchant` (events in, order status out), on the same origin as the pages that read it.
 */
async function serveDemo(
  port: number,
  proxyUrl: string,
  options: { signDemoIntents?: boolean; invoiceEmailHtml?: string; merchant?: MerchantBackend } = {},
): Promise<Server> {
  const { signDemoIntents = false, invoiceEmailHtml, merchant } = options;
  const app = express();
  app.disable('x-powered-by');
  const proxyOrigin = new URL(proxyUrl).origin;
  // The sample invoice email, under the CSP of a careful mail client: no script at all, inline styles only.
  if (invoiceEmailHtml) {
    app.get('/invoice-email.html', (_req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(invoiceEmailHtml);
    });
  }
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
  // DEMO ONLY: signs invoice intents for the CMS page's snippet builder, since a browser must never hold the
  // intent secret. It signs with the public DEMO_INTENT_SECRET and exists only while the stack uses that secret; a
  // real merchant signs on their own server (`signIntent`) or with `pay-link intent`, never for any caller.
  if (signDemoIntents) app.post('/demo-api/intents', express.json({ limit: '2kb' }), signDemoIntent);
  if (merchant) app.use('/merchant', merchant.router);
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
  app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status < 500 ? err.status : 500;
    res.status(status).type('application/problem+json').json({ type: 'about:blank', title: status === 500 ? 'Internal error' : 'Bad request', status, code: status === 500 ? 'internal' : 'invalid_request' });
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** `POST /demo-api/intents {amount (minor units), currency, reference, description}` → 201 `{token}`, valid 7 days. */
function signDemoIntent(req: express.Request, res: express.Response): void {
  const { amount, currency, reference, description } = (req.body ?? {}) as Record<string, unknown>;
  const refuse = (detail: string) =>
    res.status(400).type('application/problem+json').json({ type: 'about:blank', title: 'Invalid request', status: 400, code: 'invalid_request', detail });
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return void refuse('amount: a positive whole number of minor units');
  if (typeof currency !== 'string' || typeof reference !== 'string' || typeof description !== 'string') {
    return void refuse('currency, reference and description are required strings');
  }
  try {
    const expiresAt = new Date(Date.now() + 7 * 86_400_000);
    res.status(201).json({ token: signIntent({ amount: { value: amount, currency }, reference, description, expiresAt }, DEMO_INTENT_SECRET) });
  } catch (err) {
    // signIntent checks the payload with zod: name the field it refused, in words a form can show.
    const FIELDS: Record<string, string> = { a: 'amount', c: 'currency', r: 'reference', d: 'description' };
    const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    if (!issue) throw err;
    refuse(`${FIELDS[String(issue.path[0])] ?? 'intent'}: ${issue.message}`);
  }
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

/**
 * The invoice email a merchant would send for the demo's tea tasting (`pay-link invoice-email` writes the same
 * kind), signed at stack start with the stack's intent secret so its pay link always works.
 */
export function sampleInvoiceEmail(proxyUrl: string, intentSecret: string, now = Date.now(), reference = SAMPLE_INVOICE) {
  return createInvoiceEmail(
    {
      amount: { value: 1250000, currency: 'INR' },
      reference,
      description: 'Tea tasting for 12, 14 December',
      customer: { name: 'Asha Rao', email: 'asha@example.com' },
      // The email lists these, and so do the pay page and the receipt.
      lineItems: [
        { name: 'Guided tasting, per guest', quantity: 12, amount: 85000 },
        { name: 'Tea flight and snacks', quantity: 1, amount: 230000 },
      ],
      expiresAt: new Date(now + 14 * 86_400_000),
    },
    {
      secret: intentSecret,
      publicUrl: proxyUrl,
      merchant: 'Leaf & Kettle',
      issuedAt: new Date(now),
      locale: 'en-IN',
      timeZone: 'Asia/Kolkata',
    },
  );
}

/**
 * Builds the simulator app — one Express app, one router per provider under `/<provider>`, the test control
 * API under `/_control` — and starts it on a port.
 */
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { createClock } from './clock.ts';
import { type CoreControl, createControlRouter, createCoreControl } from './control.ts';
import { createFaultInjector } from './faults.ts';
import type { ProviderContext, SimulatedProvider } from './provider.ts';
import type { RazorpayControl } from './providers/razorpay/control.ts';
import { createRazorpayProvider, type RazorpayOptions } from './providers/razorpay.ts';
import type { PinelabsControl } from './providers/pinelabs/control.ts';
import { createPinelabsProvider, type PinelabsOptions } from './providers/pinelabs.ts';
import type { PayEngineControl } from './providers/payengine/control.ts';
import { createPayEngineProvider, type PayEngineOptions } from './providers/payengine.ts';
import type { XenditControl } from './providers/xendit/control.ts';
import { createXenditProvider, type XenditOptions } from './providers/xendit.ts';
import type { EximPeControl } from './providers/eximpe/control.ts';
import { createEximPeProvider, type EximPeOptions } from './providers/eximpe.ts';
import { logRequests } from './request-log.ts';
import { createWebhookSender } from './webhooks.ts';

export interface SimulatorOptions {
  /**
   * Base URL the browser uses to reach the simulator, for `short_url` links, e.g. `http://localhost:4010`.
   * Defaults to the listening URL (`startSimulator`), or to the origin of the create request (`createSimulator`).
   */
  publicUrl?: string;
  /** Enables the Razorpay simulator under `/razorpay`; without it that path answers 404. */
  razorpay?: RazorpayOptions;
  /** Enables the Pine Labs simulator under `/pinelabs` (API base `/pinelabs/api`); without it that path answers 404. */
  pinelabs?: PinelabsOptions;
  /** Enables the PayEngine simulator under `/payengine`; without it that path answers 404. */
  payengine?: PayEngineOptions;
  /** Enables the Xendit simulator under `/xendit`; without it that path answers 404. */
  xendit?: XenditOptions;
  /** Enables the EximPe simulator under `/eximpe` (API base `/eximpe`, paths `/pg/…/`); without it that path answers 404. */
  eximpe?: EximPeOptions;
  /** false silences request logging; default: log one line per request to stdout. */
  log?: boolean;
}

export interface SimulatorControl extends CoreControl {
  /** Present when `options.eximpe` was given. */
  eximpe: EximPeControl | undefined;
  /** Present when `options.razorpay` was given. */
  razorpay: RazorpayControl | undefined;
  /** Present when `options.pinelabs` was given. */
  pinelabs: PinelabsControl | undefined;
  /** Present when `options.payengine` was given. */
  payengine: PayEngineControl | undefined;
  /** Present when `options.xendit` was given. */
  xendit: XenditControl | undefined;
}

export interface Simulator {
  app: Express;
  control: SimulatorControl;
  /** Stops timers and aborts webhook deliveries still in flight. Does not close any server: see `startSimulator`. */
  close(): Promise<void>;
}

export interface RunningSimulator {
  /** The listening URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return buildSimulator(options, () => undefined);
}

export async function startSimulator(
  options: SimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { port = 4010, host = '127.0.0.1', ...rest } = options;
  let url: string | undefined;
  const simulator = buildSimulator(rest, () => url);
  const server = createServer(withAppPrototypes(simulator.app), simulator.app).listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await simulator.close();
    throw error;
  }
  url = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    control: simulator.control,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await simulator.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

/**
 * The server's request and response constructors: Node's own, making objects with the app's prototypes, so
 * Express's per-request `Object.setPrototypeOf` changes nothing. Re-prototyped, each request's objects outlived
 * V8's young collections and made every scavenge slow, as a real provider's answers are not (the proxy's decision
 * 0021, whose measurements include this simulator's: the direct call's p99 in the mint bench, 3.9–4.5 → 2.4–2.8 ms).
 */
function withAppPrototypes(app: Express) {
  function AppRequest(this: IncomingMessage, ...args: ConstructorParameters<typeof IncomingMessage>) {
    Reflect.apply(IncomingMessage, this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, ...args: ConstructorParameters<typeof ServerResponse>) {
    Reflect.apply(ServerResponse, this, args);
  }
  AppResponse.prototype = app.response;
  return { IncomingMessage: AppRequest as unknown as typeof IncomingMessage, ServerResponse: AppResponse as unknown as typeof ServerResponse };
}

function buildSimulator(options: SimulatorOptions, listeningUrl: () => string | undefined): Simulator {
  const clock = createClock();
  const webhooks = createWebhookSender();
  const faults = createFaultInjector();
  const configuredUrl = options.publicUrl?.replace(/\/+$/, '');
  const context: ProviderContext = {
    clock,
    webhooks,
    faults,
    publicUrl: (req: Request) => configuredUrl ?? listeningUrl() ?? `${req.protocol}://${req.get('host')}`,
  };

  const razorpay = options.razorpay ? createRazorpayProvider(options.razorpay, context) : undefined;
  const providers = new Map<string, SimulatedProvider>();
  if (razorpay) providers.set(razorpay.name, razorpay);
  const pinelabs = options.pinelabs ? createPinelabsProvider(options.pinelabs, context) : undefined;
  if (pinelabs) providers.set(pinelabs.name, pinelabs);
  const payengine = options.payengine ? createPayEngineProvider(options.payengine, context) : undefined;
  if (payengine) providers.set(payengine.name, payengine);
  const xendit = options.xendit ? createXenditProvider(options.xendit, context) : undefined;
  if (xendit) providers.set(xendit.name, xendit);
  const eximpe = options.eximpe ? createEximPeProvider(options.eximpe, context) : undefined;
  if (eximpe) providers.set(eximpe.name, eximpe);

  const control: SimulatorControl = {
    ...createCoreControl({ clock, webhooks, faults, providers }),
    eximpe: eximpe?.control,
    razorpay: razorpay?.control,
    pinelabs: pinelabs?.control,
    payengine: payengine?.control,
    xendit: xendit?.control,
  };

  const app = express();
  app.disable('x-powered-by');
  if (options.log !== false) app.use(logRequests());
  app.get('/', (_req, res) => {
    res.json({ name: '@pay-link/simulator', providers: [...providers.keys()], control: '/_control' });
  });
  // Browsers ask for one on every page; an empty answer keeps consoles clean.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/_control', createControlRouter(control, providers));
  for (const [name, provider] of providers) app.use(`/${name}`, provider.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Last resort, so a bug never answers with Express's HTML stack trace.
  app.use(((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    console.error('[simulator] request failed:', error);
    res.status(500).json({ error: 'simulator error' });
  }) satisfies ErrorRequestHandler);

  let closing: Promise<void> | undefined;
  return {
    app,
    control,
    close() {
      closing ??= (async () => {
        for (const provider of providers.values()) provider.close();
        await webhooks.close();
      })();
      return closing;
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

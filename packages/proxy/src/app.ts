/**
 * `createApp(config, deps)` builds the proxy as an Express app, separate from `listen`, so tests drive it on an
 * ephemeral port. Middleware in a visible order: security headers (added as each head is written), logging, CORS,
 * routes, problems.
 */
import express, { type Express } from 'express';
import type { ProxyConfig } from './config.ts';
import { cors } from './cors.ts';
import { type LinkService, createLinkService } from './links/service.ts';
import { type Logger, createLogger } from './logger.ts';
import { type Metrics, createMetrics } from './metrics.ts';
import { createProviderCallHandler } from './provider-calls.ts';
import { errorHandler, notFoundHandler } from './problems.ts';
import { createLimiters } from './rate-limit.ts';
import { createAdapters } from './providers/adapters.ts';
import type { ProviderAdapter } from './providers/types.ts';
import { adminRouter } from './routes/admin.ts';
import { assetsRouter } from './routes/assets.ts';
import { buyPageRouter } from './routes/buy-page.ts';
import { configRouter } from './routes/config.ts';
import { eventsRouter } from './routes/events.ts';
import { healthRouter } from './routes/health.ts';
import { linksRouter, readLimiter, statusReadsBeforeExpress } from './routes/links.ts';
import { openApiRouter } from './routes/openapi.ts';
import { payPageRouter } from './routes/pay-page.ts';
import { receiptPageRouter } from './routes/receipt-page.ts';
import { qrRouter } from './routes/qr.ts';
import { returnPageRouter } from './routes/return-page.ts';
import { webhooksBeforeExpress, webhooksRouter } from './routes/webhooks.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { beforeExpress, serveBeforeExpress } from './sse/before-express.ts';
import { type Dispatcher, createDispatcher } from './merchant-events/dispatcher.ts';
import { merchantEvents } from './merchant-events/events.ts';
import type { Store } from './store/types.ts';
import { VERSION } from './version.ts';

export interface AppDeps {
  /** Provider calls and merchant events through this `fetch` (tests); by default they go over node:http (wire.ts). */
  fetch?: typeof fetch;
  now?: () => number;
  logger?: Logger;
  store?: Store;
  /** Overrides the adapters built from config (tests). */
  adapters?: Partial<Record<string, ProviderAdapter>>;
  staleAfterMs?: number;
  defaultMetrics?: boolean;
  /** How often the merchant events outbox is looked at without a kick (default 1 s). */
  eventsPollMs?: number;
}

/** What `app.use('/v1', …)` would match: /v1 itself or below it, any case. */
const V1_PATH = /^\/v1(?:\/|$)/i;

export interface PayLinkApp {
  app: Express;
  links: LinkService;
  metrics: Metrics;
  logger: Logger;
  /** Delivers merchant events to the configured endpoints. */
  dispatcher: Dispatcher;
  /** Marks the app as draining: `/readyz` answers 503 so a load balancer stops sending new requests. */
  drain(): void;
}

/** `deps.store` is required here: opening one is async (`startProxy` does it, from `PAY_LINK_DATABASE_URL`). */
export function createApp(config: ProxyConfig, deps: AppDeps & { store: Store }): PayLinkApp {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics({ defaultMetrics: deps.defaultMetrics });
  // Providers and merchant events go over node:http unless a fetch is injected (wire.ts).
  const adapters: Partial<Record<string, ProviderAdapter>> = {
    ...createAdapters(config, { fetch: deps.fetch, now, onCall: createProviderCallHandler(metrics, logger), log: logger }),
    ...deps.adapters,
  };
  const dispatcher = createDispatcher({
    store: deps.store,
    endpoints: config.webhooks,
    now,
    log: logger,
    fetch: deps.fetch,
    timeoutMs: config.webhookTimeoutMs,
    retryScheduleMs: config.webhookRetryScheduleMs,
    testMode: config.testMode,
    pollMs: deps.eventsPollMs,
    onOutcome: (outcome) => metrics.eventDeliveries.inc({ outcome }),
    onFailing: (endpoint, failing) => metrics.endpointFailing.set({ endpoint }, failing ? 1 : 0),
  });
  metrics.watchOutbox(dispatcher.stats, now);
  const links = createLinkService({
    config,
    store: deps.store,
    adapters,
    now,
    log: logger,
    staleAfterMs: deps.staleAfterMs,
    // Each write's events are offered to this instance's dispatcher (store/types.ts `DeliveryHandOff`).
    events: merchantEvents({ endpoints: config.webhooks, testMode: config.testMode, now, handOff: dispatcher.handOff }),
  });
  dispatcher.start();
  // Per client address; shared by every instance when the store is Postgres, in memory on SQLite.
  const limiters = createLimiters(deps.store, now);
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  // helmet's headers, on every response but a 304 (see security-headers.ts for why, and why not a middleware).
  addSecurityHeaders(app, {
    // Exactly this (no helmet defaults merged in): the API answers JSON; its HTML pages set their own policy.
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
    // The pay page opens the provider's checkout in a popup and watches it; `same-origin` would sever that.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  });
  // No request log layer at all when its lines would be dropped (LOG_LEVEL above info): each layer costs every request.
  if (logger.isLevelEnabled('info')) {
    app.use((req, res, next) => {
      const started = performance.now();
      res.on('finish', () => {
        logger.info(
          { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
          'request',
        );
      });
      next();
    });
  }
  // Before the /v1 CORS: the admin API is for servers and the CLI, never a browser page.
  app.use('/v1/admin', adminRouter(config, links, logger, limiters, now, { store: deps.store, dispatcher }));
  // Checked in place, not mounted at /v1: a mount rewrites req.url on the way in and out of every request.
  const corsV1 = cors(config.allowedOrigins);
  app.use((req, res, next) => (V1_PATH.test(req.path) ? corsV1(req, res, next) : next()));
  // The hottest routes first, on the app's own router rather than a nested one: every router and layer a request
  // walks past costs a status read (bench/RESULTS.md).
  qrRouter(config, links, limiters, app.router); // ahead of the links' own limit: see routes/qr.ts
  linksRouter(config, links, metrics, limiters, app.router);
  app.use(configRouter(config));
  const early = beforeExpress(app, { allowedOrigins: config.allowedOrigins, logger });
  const events = eventsRouter(links, { early, readLimit: readLimiter(config, limiters), onClients: (count) => metrics.sseClients.set(count) });
  app.use(events.router);
  const webhookDeps = [
    adapters,
    links,
    now,
    {
      verificationFailed: (provider: string, reason: string) => {
        metrics.webhookFailures.inc({ provider, reason });
        // One line per refused signature; a flood already refused by its spent bucket is only counted.
        if (reason !== 'rate_limited') logger.warn({ provider, reason }, 'webhook refused');
      },
      applied: (provider: string, outcome: string) => metrics.webhooks.inc({ provider, outcome }),
    },
    limiters('webhook_failures', { perMinute: config.rateLimits.webhookFailuresPerMinute, burst: config.rateLimits.webhookFailuresPerMinute }),
  ] as const;
  serveBeforeExpress(app, statusReadsBeforeExpress(config, links, metrics, limiters, early), events.serve, webhooksBeforeExpress(early, ...webhookDeps));
  // Watched links get no polls, and expiring ones may get no reads: a timer re-reads the stale ones among them.
  const sweeper = setInterval(() => void links.sweep().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'sweep failed')), Math.max(1_000, deps.staleAfterMs ?? 5_000));
  sweeper.unref();
  app.use(payPageRouter(config, links));
  app.use(receiptPageRouter(config, links));
  app.use(buyPageRouter(config, links, now));
  app.use(webhooksRouter(...webhookDeps));
  app.use(healthRouter(metrics.registry, () => !draining, { adapters, checkProviders: config.readyCheckProviders, timeoutMs: config.providerTimeoutMs }));
  app.use(assetsRouter(config.widgetDir, VERSION));
  app.use(returnPageRouter(config.allowedOrigins));
  app.use(openApiRouter());
  app.use(notFoundHandler);
  app.use(errorHandler((err, req) => logger.error({ err, method: req.method, path: req.path }, 'unhandled error')));

  return {
    app,
    links,
    metrics,
    logger,
    dispatcher,
    /** Marks the app as draining: `/readyz` answers 503 so a load balancer stops sending new requests. */
    drain(): void {
      draining = true;
      clearInterval(sweeper);
      void dispatcher.stop();
      events.closeAll();
    },
  };
}

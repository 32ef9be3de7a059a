/**
 * Serving the hottest requests ahead of Express's router — event streams (routes/events.ts) and status reads
 * (routes/links.ts) — with what the app's layers before those routes do, done by hand and shared here: helmet's
 * headers (through the app's own `writeHead`, security-headers.ts), the `/v1` CORS headers of a GET (cors.ts), the
 * client address as Express works it out (trust proxy) for the rate limits, the request log line (app.ts), and
 * Express's own problem answer for anything that fails. Why: Express sets up every request it routes (router
 * closures, `res.locals`, and re-prototyped request and response objects, which V8 gives a hidden class each) —
 * a third of a status read's time, and half of what an open stream holds (bench/RESULTS.md).
 *
 * A handler takes only the plain form of its path (exactly as the widget asks) and leaves everything else (another
 * method, letter case or encoding) to Express and the same route, so no request is answered differently.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../logger.ts';
import { errorHandler } from '../problems.ts';
import { clientKey } from '../rate-limit.ts';

/** Serves `req` and answers true, or answers false and leaves it to Express. */
export type EarlyHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What cors.ts exposes to an allowed origin (test/events.test.ts compares the two answers). */
const EXPOSED_HEADERS = 'ETag, Idempotent-Replayed, Retry-After';

export interface BeforeExpress {
  /** The app's `writeHead`: adds helmet's headers (not to a 304), then writes the head. */
  writeHead(res: ServerResponse, status: number, headers?: Record<string, string>): void;
  /** The `/v1` CORS headers of a GET, and the request log line when the app logs requests. */
  begin(req: IncomingMessage, res: ServerResponse): void;
  /** The rate limit key Express's `req.ip` gives this request. */
  clientKey(req: IncomingMessage): string;
  /** Answers `err` as the app's error handler does (a problem, or a logged 500), on Express's own objects. */
  fail(req: IncomingMessage, res: ServerResponse, err: unknown): void;
}

export function beforeExpress(app: Express, options: { allowedOrigins: readonly string[]; logger: Logger }): BeforeExpress {
  const { logger } = options;
  const allowed = new Set(options.allowedOrigins);
  const writeHead = (app.response as unknown as ServerResponse).writeHead;
  const answerError = errorHandler((err, req) => logger.error({ err, method: req.method, path: req.path }, 'unhandled error'));
  const logRequests = logger.isLevelEnabled('info');
  return {
    writeHead(res, status, headers) {
      writeHead.call(res, status, headers);
    },
    begin(req, res) {
      if (logRequests) logRequest(logger, req, res);
      res.setHeader('Vary', 'Origin');
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      }
    },
    clientKey(req) {
      // Without X-Forwarded-For, `req.ip` is the socket's address whatever `trust proxy` says (proxy-addr trusts
      // nothing past the last hop): the same answer without building a view of the request (~15 µs a webhook).
      if (req.headers['x-forwarded-for'] === undefined) return clientKey(req);
      // `req.ip` is a getter of the app's request prototype; a view of this request lends it what it reads.
      return clientKey(Object.create(app.request, { headers: { value: req.headers }, socket: { value: req.socket }, connection: { value: req.socket } }));
    },
    fail(req, res, err) {
      if (res.headersSent) return void res.destroy();
      // What app.handle does before routing, so the error handler finds what it expects.
      const request = Object.setPrototypeOf(req, app.request) as typeof app.request;
      const response = Object.setPrototypeOf(res, app.response) as typeof app.response;
      request.res = response;
      response.req = request;
      response.locals = Object.create(null);
      answerError(err, request, response, () => res.destroy());
    },
  };
}

/** app.ts's request log line, for the requests served before its middleware. */
function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  res.on('finish', () => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    logger.info({ method: req.method, path: query < 0 ? url : url.slice(0, query), status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
  });
}

/**
 * Puts `handlers` ahead of the app's router: the requests they take never reach Express's per-request set-up.
 * Wherever the app is the request listener (`startProxy`, `app.listen`), they are served the same way.
 */
export function serveBeforeExpress(app: Express, ...handlers: EarlyHandler[]): void {
  // `handle` is what the app function calls per request (express/lib/application.js); its types leave it out.
  type Handle = (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;
  const target = app as unknown as { handle: Handle };
  const handle = target.handle.bind(app);
  target.handle = (req, res, next) => {
    for (const serve of handlers) if (serve(req, res)) return;
    handle(req, res, next);
  };
}

/**
 * Starts the proxy: parse config (refusing bad values by name), listen, and shut down gracefully on SIGINT or
 * SIGTERM: stop taking connections, let requests in flight finish, then exit.
 */
import type { AddressInfo, Socket } from 'node:net';
import { type Server, createServer } from 'node:http';
import { createApp, type AppDeps, type PayLinkApp } from './app.ts';
import { ConfigError, type ProxyConfig, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Problem } from './problems.ts';
import { openStore } from './store/open.ts';
import { StoreError } from './store/sql.ts';
import { isEntryPoint } from './entry.ts';
import { requestClasses } from './express-objects.ts';

export interface RunningProxy {
  url: string;
  server: Server;
  proxy: PayLinkApp;
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Opens the store (`deps.store`, else `PAY_LINK_DATABASE_URL`, migrating it; a database it cannot use throws a
 * `StoreError`), builds the app and listens. `close()` drains, stops listening and closes the store it opened.
 */
export async function startProxy(config: ProxyConfig, deps: AppDeps = {}): Promise<RunningProxy> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const store = deps.store ?? (await openStore(config.databaseUrl.reveal(), { now: deps.now, log: logger }));
  const proxy = createApp(config, { ...deps, logger, store });
  // A request whose headers or body trickle in is cut after `requestTimeoutMs` (Node's defaults are 60 s for
  // headers and 300 s for the whole request, checked every 30 s). It covers receiving the request only: an SSE
  // stream's request is complete at once, so streams are unaffected.
  const server = createServer(
    {
      // Each request made with the app's prototypes, so Express need not re-prototype it (express-objects.ts).
      ...requestClasses(proxy.app),
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
    },
    proxy.app,
  );
  server.on('clientError', answerClientError);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    server,
    proxy,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.drain();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
      })
        .then(() => proxy.dispatcher.stop())
        .then(() => (deps.store ? undefined : store.close())),
  };
}

/**
 * What Node would answer a request it cannot finish reading (too slow, malformed), as problem+json with a stable
 * code instead of a bare status line; nothing if a response has already begun.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (socket.writable && socket.bytesWritten === 0) {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const problem = timedOut
      ? new Problem(408, 'request_timeout', 'The request took too long to arrive')
      : new Problem(400, 'invalid_request', 'The request could not be read');
    const body = JSON.stringify(problem.toJSON());
    socket.end(
      `HTTP/1.1 ${problem.status} ${timedOut ? 'Request Timeout' : 'Bad Request'}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
    // A client that does not read the answer must not hold the socket open.
    setTimeout(() => socket.destroy(), 1_000).unref();
    return;
  }
  socket.destroy();
}

export async function main(): Promise<void> {
  let config: ProxyConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pay-link proxy: refusing to start: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  let running: RunningProxy;
  try {
    running = await startProxy(config, { defaultMetrics: true });
  } catch (err) {
    if (err instanceof StoreError) {
      process.stderr.write(`pay-link proxy: refusing to start: PAY_LINK_DATABASE_URL: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  running.proxy.logger.info({ url: running.url, publicUrl: config.publicUrl, providers: Object.keys(config.providers) }, 'pay-link proxy listening');
  const stop = (signal: string) => {
    running.proxy.logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (isEntryPoint(import.meta.url)) void main();

/**
 * Starts the proxy: parse config (refusing bad values by name), listen, and shut down gracefully on SIGINT or
 * SIGTERM: stop taking connections, let requests in flight finish, then exit.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppDeps, type PayLinkApp } from './app.ts';
import { ConfigError, type ProxyConfig, loadConfig } from './config.ts';

export interface RunningProxy {
  url: string;
  server: Server;
  proxy: PayLinkApp;
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

export async function startProxy(config: ProxyConfig, deps: AppDeps = {}): Promise<RunningProxy> {
  const proxy = createApp(config, deps);
  const server = proxy.app.listen(config.port, config.host);
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
      }),
  };
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
  const running = await startProxy(config, { defaultMetrics: true });
  running.proxy.logger.info({ url: running.url, publicUrl: config.publicUrl, providers: Object.keys(config.providers) }, 'pay-link proxy listening');
  const stop = (signal: string) => {
    running.proxy.logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) void main();

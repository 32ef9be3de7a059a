/**
 * `pnpm start`: the simulator, the proxy and the demo shop, no credentials needed. Prints the URL to open.
 * Ports: DEMO_PORT (8080), PROXY_PORT (4000), SIMULATOR_PORT (4010).
 */
import { startStack } from './stack.ts';

const port = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    process.stderr.write(`${name}: expected a port number, got "${value}"\n`);
    process.exit(78);
  }
  return n;
};

try {
  const stack = await startStack({
    demoPort: port('DEMO_PORT', 8080),
    proxyPort: port('PROXY_PORT', 4000),
    simulatorPort: port('SIMULATOR_PORT', 4010),
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    simulatorLog: false,
    // Kept between runs (beside the repository's root), so the demo's links survive a restart.
    databaseUrl: process.env.PAY_LINK_DATABASE_URL || 'sqlite:data/pay-link.sqlite',
  });
  process.stdout.write(
    [
      '',
      '  pay-link demo is running (simulated providers, no credentials, no real money)',
      '',
      `  ➜  Open the shop:   ${stack.demoUrl}/`,
      `     A CMS page:      ${stack.demoUrl}/cms.html  (classic script, snippet builder)`,
      `     Invoice email:   ${stack.demoUrl}/invoice-email.html  (→ the proxy's pay page)`,
      `     Merchant server: ${stack.demoUrl}/merchant/webhooks  (receives the signed payment events, docs/webhooks.md)`,
      `     Proxy:           ${stack.proxyUrl}  (widget at ${stack.proxyUrl}/pay-link-button.js, API at /v1/openapi.json)`,
      `     Simulator:       ${stack.simulatorUrl}`,
      '',
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void stack.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`pay-link demo could not start: ${(err as Error).message}\n`);
  process.exit(1);
}

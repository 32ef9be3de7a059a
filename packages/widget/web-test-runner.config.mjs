// @ts-check
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const require = createRequire(import.meta.url);
// msw ships the service-worker script; serve it at the site root so its scope is "/"
const mswWorkerPath = require.resolve('msw/mockServiceWorker.js');

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  // Lit logs a dev-mode warning in every test page; drop it
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  browserStartTimeout: 60000,
  testsFinishTimeout: 120000,
  testFramework: { config: { timeout: 8000 } },
  plugins: [
    // fixed target (not 'auto'): 'auto' = esnext on current Chrome, which leaves TC39 decorators unlowered
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    {
      name: 'msw-worker',
      serve(context) {
        if (context.path === '/mockServiceWorker.js') {
          return { body: readFileSync(mswWorkerPath, 'utf8'), type: 'js' };
        }
      },
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
};

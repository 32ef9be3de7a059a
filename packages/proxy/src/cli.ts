#!/usr/bin/env -S npx tsx
/**
 * The `pay-link` command. Each command group is a module under `cli/`; this file only dispatches, prints, and
 * turns failures into exit codes (`cli/usage.ts` holds the help text).
 *
 *   pay-link serve                 start the proxy (configured by environment variables, see README)
 *   pay-link intent …              sign an intent for an invoice and print the token and its pay-page URL
 *   pay-link invoice-email …       sign an intent and write the invoice email (HTML, text or .eml) linking to it
 *   pay-link links …               list, cancel, extend or resend links through a running proxy's admin API
 *   pay-link webhook-secret        print a new whsec_… secret for a merchant webhook endpoint
 *   pay-link events …              list, show or resend merchant events through the admin API
 *   pay-link webhooks …            list, test or enable the merchant webhook endpoints through the admin API
 *   pay-link doctor [--json]       check that every configured provider is reachable and takes the credentials
 *
 * Exit codes: 0 done; 1 the proxy refused (a problem, printed as `<title>: <detail> (<code>)`), could not be
 * reached, or a report found trouble (`doctor`, `webhooks test`); 2 a usage or configuration error; 78 (`doctor`
 * only) a configuration the server would refuse.
 */
import { ConfigError } from './config.ts';
import { CliError } from './cli/cli-error.ts';
import { runDoctor } from './cli/doctor.ts';
import { runEvents } from './cli/events.ts';
import { runIntent } from './cli/intent.ts';
import { runInvoiceEmail } from './cli/invoice-email.ts';
import { runLinks } from './cli/links.ts';
import { USAGE } from './cli/usage.ts';
import { runWebhookSecret, runWebhooks } from './cli/webhooks.ts';
import { isEntryPoint } from './entry.ts';

export { type AdminClientOptions } from './cli/admin-client.ts';
export { CliError, type CommandReport } from './cli/cli-error.ts';
export { type DoctorOptions, type DoctorReport, runDoctor } from './cli/doctor.ts';
export { formatEvent, formatEvents, runEvents } from './cli/events.ts';
export { runIntent } from './cli/intent.ts';
export { type InvoiceEmailOptions, runInvoiceEmail } from './cli/invoice-email.ts';
export { formatLinks, runLinks } from './cli/links.ts';
export { formatWebhooks, runWebhookSecret, runWebhooks } from './cli/webhooks.ts';

function fail(message: string): never {
  process.stderr.write(`pay-link: ${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'intent':
        process.stdout.write(`${runIntent(rest)}\n`);
        return;
      case 'invoice-email':
        process.stdout.write(`${runInvoiceEmail(rest)}\n`);
        return;
      case 'links':
        process.stdout.write(`${await runLinks(rest)}\n`);
        return;
      case 'webhook-secret': {
        const { secret, hint } = runWebhookSecret(rest);
        process.stdout.write(`${secret}\n`);
        process.stderr.write(`${hint}\n`);
        return;
      }
      case 'events':
        process.stdout.write(`${await runEvents(rest)}\n`);
        return;
      case 'webhooks': {
        const report = await runWebhooks(rest);
        process.stdout.write(`${report.output}\n`);
        process.exit(report.exitCode);
      }
      case 'serve':
        await import('./server.ts').then((m) => m.main());
        return;
      case 'doctor': {
        const report = await runDoctor(rest);
        process.stdout.write(`${report.output}\n`);
        process.exit(report.exitCode);
      }
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        return;
      default:
        fail(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`pay-link: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof ConfigError && command === 'doctor') {
      process.stderr.write(`pay-link doctor: the configuration is not valid: ${err.message}\n`);
      process.exit(78); // EX_CONFIG, as the server exits on the same configuration
    }
    if (err instanceof ConfigError) fail(err.message);
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${(err as Error).message}\n\n${USAGE}`);
    throw err;
  }
}

if (isEntryPoint(import.meta.url)) void main(process.argv.slice(2));

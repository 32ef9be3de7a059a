#!/usr/bin/env -S npx tsx
/**
 * The `pay-link` command.
 *
 *   pay-link serve                 start the proxy (configured by environment variables, see README)
 *   pay-link intent …              sign an intent for an invoice and print the token and its pay-page URL
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadSigningConfig } from './config.ts';
import { signIntent } from './links/intent.ts';
import { parseMajorString } from './money.ts';

const USAGE = `Usage:
  pay-link serve
  pay-link intent --amount 2500.00 --currency INR --reference INV-2026-001 --description "Invoice INV-2026-001"
                  [--expires-in 7d] [--name "Asha Rao"] [--email asha@example.com] [--contact +919800000000] [--json]

Environment: PAY_LINK_INTENT_SECRET (signs), PAY_LINK_PUBLIC_URL (where the pay page is served).
`;

function fail(message: string): never {
  process.stderr.write(`pay-link: ${message}\n`);
  process.exit(2);
}

/** "30m", "12h", "7d" → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([mhd])$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

export function runIntent(args: string[], env: Record<string, string | undefined> = process.env, now = Date.now()): string {
  const { values } = parseArgs({
    args,
    options: {
      amount: { type: 'string' },
      currency: { type: 'string', default: 'INR' },
      reference: { type: 'string' },
      description: { type: 'string' },
      'expires-in': { type: 'string', default: '30d' },
      name: { type: 'string' },
      email: { type: 'string' },
      contact: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  for (const required of ['amount', 'reference'] as const) if (!values[required]) fail(`--${required} is required\n\n${USAGE}`);
  const currency = values.currency.toUpperCase();
  const value = parseMajorString(values.amount!, currency);
  if (value === undefined || value <= 0) fail(`--amount: expected a positive decimal amount in ${currency} such as 2500.00, got "${values.amount}"`);
  const ttl = parseDuration(values['expires-in']);
  if (ttl === undefined) fail(`--expires-in: expected a duration such as 30m, 12h or 7d, got "${values['expires-in']}"`);
  const { secret, publicUrl } = loadSigningConfig(env);
  const customer = values.name || values.email || values.contact
    ? { ...(values.name && { name: values.name }), ...(values.email && { email: values.email }), ...(values.contact && { contact: values.contact }) }
    : undefined;
  let token: string;
  try {
    token = signIntent(
      {
        amount: { value, currency },
        reference: values.reference!,
        description: values.description ?? `Invoice ${values.reference}`,
        customer,
        expiresAt: new Date(now + ttl),
      },
      secret.reveal(),
    );
  } catch (err) {
    const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    fail(issue ? `invalid ${String(issue.path[0])}: ${issue.message}` : (err as Error).message);
  }
  const payUrl = `${publicUrl}/pay/${token}`;
  return values.json ? JSON.stringify({ token, payUrl, expiresAt: new Date(now + ttl).toISOString() }) : `${token}\n${payUrl}`;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'intent':
        process.stdout.write(`${runIntent(rest)}\n`);
        return;
      case 'serve':
        await import('./server.ts').then((m) => m.main());
        return;
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        return;
      default:
        fail(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${(err as Error).message}\n\n${USAGE}`);
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main(process.argv.slice(2));

/** `pay-link intent …`, and the flags and signing it shares with `pay-link invoice-email …`. */
import { parseArgs } from 'node:util';
import { loadSigningConfig } from '../config.ts';
import { parseDuration } from '../duration.ts';
import { InvoiceEmailError } from '../invoice-email.ts';
import { type Intent, signIntent } from '../links/intent.ts';
import { parseMajorString } from '../money.ts';
import { CliError } from './cli-error.ts';
import { USAGE } from './usage.ts';

/** The flags `intent` and `invoice-email` share: what the signed intent says. */
export const INTENT_OPTIONS = {
  amount: { type: 'string' },
  currency: { type: 'string', default: 'INR' },
  reference: { type: 'string' },
  description: { type: 'string' },
  'expires-in': { type: 'string', default: '30d' },
  name: { type: 'string' },
  email: { type: 'string' },
  contact: { type: 'string' },
} as const;

export interface IntentFlags {
  amount?: string;
  currency: string;
  reference?: string;
  description?: string;
  'expires-in': string;
  name?: string;
  email?: string;
  contact?: string;
}

/** The intent the flags describe; `amount` may come from elsewhere (the invoice lines). Throws a usage `CliError`. */
export function intentFromFlags(values: IntentFlags, now: number, amount?: number): Intent {
  const usage = (message: string): never => {
    throw new CliError(message, 2);
  };
  if (!values.amount && amount === undefined) usage(`--amount is required\n\n${USAGE}`);
  if (!values.reference) usage(`--reference is required\n\n${USAGE}`);
  const currency = values.currency.toUpperCase();
  const value = values.amount === undefined ? amount! : parseMajorString(values.amount, currency);
  if (value === undefined || value <= 0) usage(`--amount: expected a positive decimal amount in ${currency} such as 2500.00, got "${values.amount}"`);
  const ttl = parseDuration(values['expires-in']);
  if (ttl === undefined) usage(`--expires-in: expected a duration such as 30m, 12h or 7d, got "${values['expires-in']}"`);
  const customer = values.name || values.email || values.contact
    ? { ...(values.name && { name: values.name }), ...(values.email && { email: values.email }), ...(values.contact && { contact: values.contact }) }
    : undefined;
  return {
    amount: { value: value!, currency },
    reference: values.reference!,
    description: values.description ?? `Invoice ${values.reference}`,
    customer,
    expiresAt: new Date(now + ttl!),
  };
}

/** Runs `sign`, turning a refused field (zod) into a usage error that names it. */
export function signing<T>(sign: () => T): T {
  try {
    return sign();
  } catch (err) {
    if (err instanceof InvoiceEmailError) throw new CliError(err.message, 2);
    const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    throw new CliError(issue ? `invalid ${String(issue.path[0])}: ${issue.message}` : (err as Error).message, 2);
  }
}

export function runIntent(args: string[], env: Record<string, string | undefined> = process.env, now = Date.now()): string {
  const { values } = parseArgs({ args, options: { ...INTENT_OPTIONS, json: { type: 'boolean', default: false } }, strict: true });
  const intent = intentFromFlags(values, now);
  const { secret, publicUrl } = loadSigningConfig(env);
  const token = signing(() => signIntent(intent, secret.reveal()));
  const payUrl = `${publicUrl}/pay/${token}`;
  return values.json ? JSON.stringify({ token, payUrl, expiresAt: intent.expiresAt.toISOString() }) : `${token}\n${payUrl}`;
}

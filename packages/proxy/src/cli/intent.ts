/** `pay-link intent …`, and the flags and signing it shares with `pay-link invoice-email …`. */
import { parseArgs } from 'node:util';
import { loadSigningConfig } from '../config.ts';
import { InvoiceEmailError } from '../invoice-email.ts';
import { type Intent, buildIntent, signIntent } from '../links/intent.ts';
import { toMajorString } from '../money.ts';
import { Problem } from '../problems.ts';
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
  /** `--item "name:quantity:amount"`, repeatable: the intent's line items (`pay-link intent` only). */
  item?: string[];
}

/** The request's field names as the flags that set them, for a usage error that names the flag. */
const FLAGS: Record<string, string> = {
  amount: '--amount',
  currency: '--currency',
  reference: '--reference',
  description: '--description',
  expiresIn: '--expires-in',
  'customer.name': '--name',
  'customer.email': '--email',
  'customer.contact': '--contact',
  customer: '--name/--email/--contact',
  lineItems: '--item',
};

function flagOf(field: string): string {
  const item = /^lineItems\.(\d+)(?:\.(\w+))?/.exec(field);
  if (item) return `--item ${Number(item[1]) + 1}${item[2] ? ` (${item[2]})` : ''}`;
  return FLAGS[field] ?? field;
}

/** `"Tea tasting for 12:1:12500.00"` → its parts; the name may hold colons, the last two fields may not. */
function parseItem(text: string): { name: string; quantity: number; amount: string } {
  const match = /^(.*):(\d{1,9}):([^:]+)$/.exec(text);
  if (!match || !match[1]!.trim()) {
    throw new CliError(`--item: expected "name:quantity:amount" such as "Tea tasting for 12:1:12500.00", got "${text}"`, 2);
  }
  return { name: match[1]!.trim(), quantity: Number(match[2]), amount: match[3]! };
}

/**
 * The intent the flags describe, built by the same `buildIntent` as `POST /v1/admin/intents`, so the two cannot
 * drift. `amount` may come from elsewhere (the invoice lines, in minor units); without `--amount`, `--item`s add
 * up to it. Throws a usage `CliError` naming the flag.
 */
export function intentFromFlags(values: IntentFlags, now: number, amount?: number): Intent {
  const usage = (message: string): never => {
    throw new CliError(message, 2);
  };
  if (!values.amount && amount === undefined && !values.item?.length) usage(`--amount is required\n\n${USAGE}`);
  if (!values.reference) usage(`--reference is required\n\n${USAGE}`);
  const currency = values.currency.toUpperCase();
  const customer = values.name || values.email || values.contact
    ? { ...(values.name && { name: values.name }), ...(values.email && { email: values.email }), ...(values.contact && { contact: values.contact }) }
    : undefined;
  const lineItems = values.item?.map(parseItem);
  try {
    return buildIntent(
      {
        amount: values.amount ?? (amount === undefined ? undefined : toMajorString({ value: amount, currency })),
        currency,
        reference: values.reference!,
        description: values.description ?? `Invoice ${values.reference}`,
        expiresIn: values['expires-in'],
        ...(customer && { customer }),
        ...(lineItems?.length && { lineItems }),
      },
      now,
    );
  } catch (err) {
    if (!(err instanceof Problem) || !err.errors) throw err;
    const got = (field: string): string => {
      const value = field === 'amount' ? values.amount : field === 'expiresIn' ? values['expires-in'] : undefined;
      return value === undefined ? '' : `, got "${value}"`;
    };
    return usage(err.errors.map((e) => `${flagOf(e.field)}: ${e.message}${got(e.field)}`).join('\n'));
  }
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
  const { values } = parseArgs({
    args,
    options: { ...INTENT_OPTIONS, item: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const intent = intentFromFlags(values, now);
  const { secret, publicUrl } = loadSigningConfig(env);
  const token = signing(() => signIntent(intent, secret.reveal()));
  const payUrl = `${publicUrl}/pay/${token}`;
  return values.json ? JSON.stringify({ token, payUrl, expiresAt: intent.expiresAt.toISOString() }) : `${token}\n${payUrl}`;
}

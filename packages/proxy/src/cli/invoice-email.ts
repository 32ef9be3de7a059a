/** `pay-link invoice-email …`: an invoice email linking to the pay page of a signed intent. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSigningConfig } from '../config.ts';
import { createInvoiceEmail, toMimeMessage } from '../invoice-email.ts';
import { parseMajorString } from '../money.ts';
import { CliError } from './cli-error.ts';
import { INTENT_OPTIONS, intentFromFlags, signing } from './intent.ts';

export interface InvoiceEmailOptions {
  env?: Record<string, string | undefined>;
  now?: number;
  /** Where `--out` goes; the file system by default. */
  writeFile?: (path: string, content: string) => void;
}

/**
 * `pay-link invoice-email …`: signs an intent like `pay-link intent` and writes the invoice email linking to its
 * pay page. `--out` picks the form by extension: `.eml` (a MIME message, text and HTML), `.txt`, else HTML.
 * Without `--out` the HTML goes to stdout. Returns what to print; throws `CliError` for usage errors.
 *
 * @example
 * runInvoiceEmail(['--reference', 'INV-7', '--line', 'Tasting for 12=10200.00', '--line', 'Snacks=2300.00',
 *   '--merchant', 'Leaf & Kettle', '--out', 'invoice.eml'], { env: { PAY_LINK_INTENT_SECRET: '…' } })
 */
export function runInvoiceEmail(args: string[], options: InvoiceEmailOptions = {}): string {
  const now = options.now ?? Date.now();
  const { values } = parseArgs({
    args,
    options: {
      ...INTENT_OPTIONS,
      line: { type: 'string', multiple: true },
      merchant: { type: 'string' },
      due: { type: 'string' },
      locale: { type: 'string', default: 'en' },
      'time-zone': { type: 'string', default: 'UTC' },
      from: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const usage = (message: string): never => {
    throw new CliError(message, 2);
  };
  const currency = values.currency.toUpperCase();
  const lines = (values.line ?? []).map((line) => {
    const at = line.lastIndexOf('=');
    const amount = at > 0 ? parseMajorString(line.slice(at + 1), currency) : undefined;
    if (amount === undefined || !line.slice(0, at).trim()) usage(`--line: expected "description=amount" such as "Tasting for 12=10200.00", got "${line}"`);
    return { description: line.slice(0, at).trim(), amount: amount! };
  });
  const intent = intentFromFlags(values, now, lines.length ? lines.reduce((sum, line) => sum + line.amount, 0) : undefined);
  try {
    new Intl.DateTimeFormat(values.locale, { timeZone: values['time-zone'] });
  } catch {
    usage(`--locale or --time-zone not known: "${values.locale}", "${values['time-zone']}"`);
  }
  let dueAt: Date | undefined;
  if (values.due !== undefined) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(values.due);
    const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
    if (!match || new Date(day).toISOString().slice(0, 10) !== values.due) usage(`--due: expected a date such as 2026-12-31, got "${values.due}"`);
    if (day > intent.expiresAt.getTime()) {
      usage(`--due ${values.due} is after the pay link expires (${intent.expiresAt.toISOString().slice(0, 10)}); raise --expires-in`);
    }
    // Noon UTC is the same calendar day in every time zone from UTC-11 to UTC+11.
    dueAt = new Date(Math.min(day + 12 * 3_600_000, intent.expiresAt.getTime()));
  }
  const { secret, publicUrl } = loadSigningConfig(options.env);
  const email = signing(() =>
    createInvoiceEmail(intent, {
      secret: secret.reveal(),
      publicUrl,
      lines,
      merchant: values.merchant,
      issuedAt: new Date(now),
      dueAt,
      locale: values.locale,
      timeZone: values['time-zone'],
    }),
  );
  if (values.out === undefined) return email.html;
  const format = values.out.endsWith('.eml') ? 'eml' : values.out.endsWith('.txt') ? 'text' : 'html';
  const content =
    format === 'eml'
      ? signing(() => toMimeMessage(email, { from: values.from, to: intent.customer, date: new Date(now) }))
      : format === 'text'
        ? email.text
        : email.html;
  (options.writeFile ?? ((path, text) => writeFileSync(path, text)))(values.out, content);
  return `Wrote ${values.out} (${format}): ${email.subject}\n${email.payUrl}`;
}

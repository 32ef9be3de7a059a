#!/usr/bin/env -S npx tsx
/**
 * The `pay-link` command.
 *
 *   pay-link serve                 start the proxy (configured by environment variables, see README)
 *   pay-link intent …              sign an intent for an invoice and print the token and its pay-page URL
 *   pay-link invoice-email …       sign an intent and write the invoice email (HTML, text or .eml) linking to it
 *   pay-link links …               list, cancel, extend or resend links through a running proxy's admin API
 *   pay-link doctor [--json]       check that every configured provider is reachable and takes the credentials
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadAdminClientConfig, loadConfig, loadSigningConfig } from './config.ts';
import type { Money, ProblemBody } from './contract.ts';
import { InvoiceEmailError, createInvoiceEmail, toMimeMessage } from './invoice-email.ts';
import { type Intent, signIntent } from './links/intent.ts';
import { parseMajorString, toMajorString } from './money.ts';
import { parseDuration } from './duration.ts';
import type { AdminLinkView, NotifyResult } from './routes/admin.ts';
import { type ProviderCheckResult, checkProviders, describeVerdict } from './provider-check.ts';
import { createAdapters } from './providers/adapters.ts';
import { isEntryPoint } from './entry.ts';

const USAGE = `Usage:
  pay-link serve
  pay-link intent --amount 2500.00 --currency INR --reference INV-2026-001 --description "Invoice INV-2026-001"
                  [--expires-in 7d] [--name "Asha Rao"] [--email asha@example.com] [--contact +919800000000] [--json]
  pay-link invoice-email --reference INV-2026-001 (--amount 2500.00 | --line "Consulting, May=2000.00" --line "Travel=500.00" …)
                  [--currency INR] [--description "…"] [--merchant "Leaf & Kettle"] [--name …] [--email …] [--contact …]
                  [--expires-in 30d] [--due 2026-06-30] [--locale en-IN] [--time-zone Asia/Kolkata]
                  [--out invoice.html|invoice.txt|invoice.eml] [--from "Leaf & Kettle <billing@example.com>"]
  pay-link links list [--status paid] [--provider razorpay] [--from 2026-05-01T00:00:00Z] [--to …] [--limit 50] [--cursor …] [--json]
  pay-link links cancel <link id> [--json]
  pay-link links extend <link id> --expires-in 7d [--json]
  pay-link links notify <link id> --channel email|sms [--json]
  pay-link doctor [--json]       (exit 0: every provider ok; 1: one is not; 78: the configuration is not valid)

Environment: PAY_LINK_INTENT_SECRET (signs), PAY_LINK_PUBLIC_URL (where the pay page is served);
for "links": PAY_LINK_ADMIN_TOKEN, and PAY_LINK_ADMIN_URL where the proxy is (default PAY_LINK_PUBLIC_URL,
then http://localhost:4000).
`;

function fail(message: string): never {
  process.stderr.write(`pay-link: ${message}\n`);
  process.exit(2);
}


/** The flags `intent` and `invoice-email` share: what the signed intent says. */
const INTENT_OPTIONS = {
  amount: { type: 'string' },
  currency: { type: 'string', default: 'INR' },
  reference: { type: 'string' },
  description: { type: 'string' },
  'expires-in': { type: 'string', default: '30d' },
  name: { type: 'string' },
  email: { type: 'string' },
  contact: { type: 'string' },
} as const;

interface IntentFlags {
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
function intentFromFlags(values: IntentFlags, now: number, amount?: number): Intent {
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
function signing<T>(sign: () => T): T {
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

/** A failure the CLI reports as `pay-link: <message>` with an exit code: 1 when the proxy refused, 2 for usage. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export interface AdminClientOptions {
  /** Read through `loadAdminClientConfig`; the process environment by default. */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  now?: number;
}

/**
 * `pay-link links <list|cancel|extend|notify> …`: the merchant operations, through a running proxy's admin API.
 * Returns what to print; throws `CliError` (a problem from the proxy, an unreachable proxy, a usage error).
 *
 * @example
 * await runLinks(['cancel', 'pl_…'], { env: { PAY_LINK_ADMIN_URL: 'http://127.0.0.1:4000', PAY_LINK_ADMIN_TOKEN: '…' } })
 */
export async function runLinks(args: string[], options: AdminClientOptions = {}): Promise<string> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      status: { type: 'string' },
      provider: { type: 'string' },
      limit: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      cursor: { type: 'string' },
      'expires-in': { type: 'string' },
      channel: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const usage = (message: string): never => {
    throw new CliError(`${message}\n\n${USAGE}`, 2);
  };
  const onlyFor = (allowed: string[]) => {
    for (const flag of ['status', 'provider', 'limit', 'expires-in', 'channel'] as const) {
      if (values[flag] !== undefined && !allowed.includes(flag)) usage(`links ${sub} takes no --${flag}`);
    }
  };
  const oneId = (): string => {
    if (positionals.length !== 1) usage(`links ${sub} takes one link id`);
    return encodeURIComponent(positionals[0]!);
  };
  const admin = adminClient(options);

  switch (sub) {
    case 'list': {
      const filters = ['status', 'provider', 'from', 'to', 'limit', 'cursor'] as const;
      onlyFor([...filters]);
      if (positionals.length > 0) usage('links list takes no link id');
      const query = new URLSearchParams();
      for (const key of filters) if (values[key] !== undefined) query.set(key, values[key]);
      const { links, nextCursor } = await admin<{ links: AdminLinkView[]; nextCursor?: string }>('GET', `/links${query.size > 0 ? `?${query}` : ''}`);
      if (values.json) return JSON.stringify(links, null, 2);
      if (links.length === 0) return 'No links.';
      return nextCursor ? `${formatLinks(links)}\nMore: add --cursor ${nextCursor}` : formatLinks(links);
    }
    case 'cancel': {
      onlyFor([]);
      const link = await admin<AdminLinkView>('POST', `/links/${oneId()}/cancel`);
      return values.json ? JSON.stringify(link, null, 2) : `Cancelled ${link.id}.\n${formatLinks([link])}`;
    }
    case 'extend': {
      onlyFor(['expires-in']);
      const id = oneId();
      if (values['expires-in'] === undefined) usage('links extend needs --expires-in, such as 7d');
      const ttl = parseDuration(values['expires-in']!);
      if (ttl === undefined) usage(`--expires-in: expected a duration such as 30m, 12h or 7d, got "${values['expires-in']}"`);
      const expiresAt = new Date((options.now ?? Date.now()) + ttl!).toISOString();
      const link = await admin<AdminLinkView>('POST', `/links/${id}/extend`, { expiresAt });
      return values.json ? JSON.stringify(link, null, 2) : `Extended ${link.id} to ${link.expiresAt}.\n${formatLinks([link])}`;
    }
    case 'notify': {
      onlyFor(['channel']);
      const id = oneId();
      if (values.channel !== 'email' && values.channel !== 'sms') usage('links notify needs --channel email or --channel sms');
      const result = await admin<NotifyResult>('POST', `/links/${id}/notify`, { channel: values.channel });
      return values.json
        ? JSON.stringify(result, null, 2)
        : `Asked ${result.link.provider} to send ${result.link.id} to its customer by ${result.channel}.`;
    }
    default:
      return usage(sub === undefined ? 'links needs a subcommand' : `unknown links subcommand "${sub}"`);
  }
}

/** Calls the admin API; a problem answer becomes `<title>: <detail> (<code>)`. */
function adminClient(options: AdminClientOptions) {
  const { url, token } = loadAdminClientConfig(options.env);
  const fetchImpl = options.fetch ?? fetch;
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const target = `${url}/v1/admin${path}`;
    let res: Response;
    try {
      res = await fetchImpl(target, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token.reveal()}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new CliError(`cannot reach the proxy at ${url}${cause ? ` (${cause})` : ''}; set PAY_LINK_ADMIN_URL`, 1);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const problem = json as Partial<ProblemBody> | undefined;
      if (problem?.title && problem.code) {
        throw new CliError(`${problem.title}${problem.detail ? `: ${problem.detail}` : ''} (${problem.code})`, 1);
      }
      throw new CliError(`${method} ${target} answered HTTP ${res.status}; is PAY_LINK_ADMIN_URL a pay-link proxy?`, 1);
    }
    if (json === undefined) throw new CliError(`${method} ${target} answered something other than JSON`, 1);
    return json as T;
  };
}

/** A plain-text table, one link a row. */
export function formatLinks(links: readonly AdminLinkView[]): string {
  const money = (m: Money) => `${m.currency} ${toMajorString(m)}`;
  const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')}Z` : '-');
  const what = (link: AdminLinkView) => {
    const source = link.source;
    if (source.kind === 'product') return `product ${source.product}${source.quantity > 1 ? ` x${source.quantity}` : ''}`;
    if (source.kind === 'intent') return `invoice ${source.reference}`;
    return 'open amount';
  };
  const rows = [
    ['ID', 'STATUS', 'AMOUNT', 'PAID', 'PROVIDER', 'FOR', 'EXPIRES', 'CREATED'],
    ...links.map((link) => [
      link.id,
      link.status,
      money(link.amount),
      toMajorString({ value: link.amountPaid, currency: link.amount.currency }),
      link.provider,
      what(link),
      when(link.expiresAt),
      when(link.createdAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

export interface DoctorOptions {
  /** Read through `loadConfig`, like the server; the process environment by default. */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface DoctorReport {
  /** What to print: a line per provider, or the JSON report with `--json`. */
  output: string;
  /** 0 when every provider is ok, else 1. */
  exitCode: 0 | 1;
}

/**
 * `pay-link doctor [--json]`: loads the proxy's configuration as the server does, builds its adapters and checks
 * each provider with a harmless authenticated read (provider-check.ts). Throws `ConfigError` for a configuration
 * the server would refuse (the CLI exits 78 then, as the server does). Prints no secret: names, verdicts, problem
 * codes, HTTP statuses and durations only.
 *
 * @example
 * const { output, exitCode } = await runDoctor(['--json'], { env: process.env });
 */
export async function runDoctor(args: string[], options: DoctorOptions = {}): Promise<DoctorReport> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
  const config = loadConfig(options.env ?? process.env);
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const results = await checkProviders(createAdapters(config, { fetch: fetchImpl, now: Date.now }), { timeoutMs: config.providerTimeoutMs });
  const configured = (name: string) => config.providers[name as keyof typeof config.providers]!;
  const providers = results.map(({ provider, ...rest }) => {
    const { module, settings } = configured(provider);
    return { provider, mode: module.isTestMode(settings as never) ? 'test' : 'live', ...rest };
  });
  const ok = results.every((r) => r.verdict === 'ok');
  if (values.json) return { output: JSON.stringify({ ok, providers }, null, 2), exitCode: ok ? 0 : 1 };

  const width = Math.max(...providers.map((p) => p.provider.length));
  const lines = providers.map((p) => `${p.provider.padEnd(width)}  ${p.mode}  ${describeVerdict(p.verdict)}  (${p.ms} ms)${failureDetail(p)}`);
  const failed = providers.filter((p) => p.verdict !== 'ok');
  const hints = failed.map((p) => {
    const module = configured(p.provider).module;
    const names = Object.keys(module.env.shape);
    const baseUrl = names.find((n) => n.endsWith('_BASE_URL')) ?? 'its base URL';
    const credentials = module.required.filter((n) => !/WEBHOOK|CALLBACK/.test(n)).join(', ');
    if (p.verdict === 'credentials_refused') {
      // Pine Labs' token endpoint counts any 4xx as a refusal (pinelabs.token.ts), a 404 from a wrong path included.
      const wrongPath = p.httpStatus === 404 ? ` A 404 usually means ${baseUrl} is not the API's address.` : '';
      return `${p.provider}: the provider refused the credentials: check ${credentials}, and that they are ${p.mode} credentials for ${baseUrl}.${wrongPath}`;
    }
    if (p.verdict === 'unreachable') {
      return `${p.provider}: no answer, or a server error: check ${baseUrl}, DNS and the outbound firewall, or the provider's status page.`;
    }
    return `${p.provider}: an answer the proxy cannot use: check that ${baseUrl} is the provider's API, and the account settings (${credentials}).`;
  });
  const summary = ok
    ? `All ${providers.length} provider${providers.length === 1 ? '' : 's'} ok.`
    : `${failed.length} of ${providers.length} provider${providers.length === 1 ? '' : 's'} not ok.`;
  return { output: [...lines, '', ...(hints.length > 0 ? [...hints, ''] : []), summary].join('\n'), exitCode: ok ? 0 : 1 };
}

/** `: provider_auth_failed, HTTP 401` for a failed check; nothing for a passing one. */
function failureDetail(result: ProviderCheckResult): string {
  if (result.verdict === 'ok') return '';
  return `: ${[result.code, result.httpStatus !== undefined && `HTTP ${result.httpStatus}`].filter(Boolean).join(', ')}`;
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

#!/usr/bin/env -S npx tsx
/**
 * The `pay-link` command.
 *
 *   pay-link serve                 start the proxy (configured by environment variables, see README)
 *   pay-link intent …              sign an intent for an invoice and print the token and its pay-page URL
 *   pay-link links …               list, cancel, extend or resend links through a running proxy's admin API
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadAdminClientConfig, loadSigningConfig } from './config.ts';
import type { Money, ProblemBody } from './contract.ts';
import { signIntent } from './links/intent.ts';
import { parseMajorString, toMajorString } from './money.ts';
import { parseDuration } from './duration.ts';
import type { AdminLinkView, NotifyResult } from './routes/admin.ts';

const USAGE = `Usage:
  pay-link serve
  pay-link intent --amount 2500.00 --currency INR --reference INV-2026-001 --description "Invoice INV-2026-001"
                  [--expires-in 7d] [--name "Asha Rao"] [--email asha@example.com] [--contact +919800000000] [--json]
  pay-link links list [--status paid] [--provider razorpay] [--limit 50] [--json]
  pay-link links cancel <link id> [--json]
  pay-link links extend <link id> --expires-in 7d [--json]
  pay-link links notify <link id> --channel email|sms [--json]

Environment: PAY_LINK_INTENT_SECRET (signs), PAY_LINK_PUBLIC_URL (where the pay page is served);
for "links": PAY_LINK_ADMIN_TOKEN, and PAY_LINK_ADMIN_URL where the proxy is (default PAY_LINK_PUBLIC_URL,
then http://localhost:4000).
`;

function fail(message: string): never {
  process.stderr.write(`pay-link: ${message}\n`);
  process.exit(2);
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
      onlyFor(['status', 'provider', 'limit']);
      if (positionals.length > 0) usage('links list takes no link id');
      const query = new URLSearchParams();
      for (const key of ['status', 'provider', 'limit'] as const) if (values[key] !== undefined) query.set(key, values[key]);
      const { links } = await admin<{ links: AdminLinkView[] }>('GET', `/links${query.size > 0 ? `?${query}` : ''}`);
      if (values.json) return JSON.stringify(links, null, 2);
      return links.length === 0 ? 'No links.' : formatLinks(links);
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

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'intent':
        process.stdout.write(`${runIntent(rest)}\n`);
        return;
      case 'links':
        process.stdout.write(`${await runLinks(rest)}\n`);
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
    if (err instanceof CliError) {
      process.stderr.write(`pay-link: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof ConfigError) fail(err.message);
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) fail(`${(err as Error).message}\n\n${USAGE}`);
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main(process.argv.slice(2));

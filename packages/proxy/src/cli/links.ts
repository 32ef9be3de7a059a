/** `pay-link links …`: list, cancel, extend and resend payment links through a running proxy's admin API. */
import { parseArgs } from 'node:util';
import type { Money } from '../contract.ts';
import { parseDuration } from '../duration.ts';
import { toMajorString } from '../money.ts';
import type { AdminLinkView, NotifyResult } from '../contract.ts';
import { type AdminClientOptions, adminClient } from './admin-client.ts';
import { CliError } from './cli-error.ts';
import { formatTable, formatTime } from './table.ts';
import { USAGE } from './usage.ts';

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

/** A plain-text table, one link a row. */
export function formatLinks(links: readonly AdminLinkView[]): string {
  const money = (m: Money) => `${m.currency} ${toMajorString(m)}`;
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
      formatTime(link.expiresAt),
      formatTime(link.createdAt),
    ]),
  ];
  return formatTable(rows);
}

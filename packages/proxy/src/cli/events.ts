/**
 * `pay-link events …`: the merchant events outbox (decision 0013) through a running proxy's admin API: what was
 * sent to the merchant's endpoints, how each attempt went, and a resend under the same `webhook-id`.
 */
import { parseArgs } from 'node:util';
import type { AdminEventPage, AdminEventView } from '../contract.ts';
import { type AdminClientOptions, adminClient } from './admin-client.ts';
import { CliError } from './cli-error.ts';
import { formatTable, formatTime } from './table.ts';
import { USAGE } from './usage.ts';

const FILTERS = ['link', 'type', 'state', 'limit', 'cursor'] as const;

/**
 * `pay-link events <list|show|resend> …`. Returns what to print; throws `CliError` (a problem from the proxy, an
 * unreachable proxy, a usage error). Filters are checked by the proxy, which names a bad one in its 400.
 *
 * @example
 * await runEvents(['list', '--type', 'payment_link.paid', '--state', 'failed'], { env: process.env })
 * await runEvents(['resend', 'evt_…', '--endpoint', 'https://shop.example/hooks/pay-link'], { env: process.env })
 */
export async function runEvents(args: string[], options: AdminClientOptions = {}): Promise<string> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      link: { type: 'string' },
      type: { type: 'string' },
      state: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const usage = (message: string): never => {
    throw new CliError(`${message}\n\n${USAGE}`, 2);
  };
  const onlyFor = (allowed: readonly string[]) => {
    for (const flag of [...FILTERS, 'endpoint'] as const) {
      if (values[flag] !== undefined && !allowed.includes(flag)) usage(`events ${sub} takes no --${flag}`);
    }
  };
  const oneId = (): string => {
    if (positionals.length !== 1) usage(`events ${sub} takes one event id (evt_…)`);
    return encodeURIComponent(positionals[0]!);
  };
  const print = (answer: unknown, text: () => string) => (values.json ? JSON.stringify(answer, null, 2) : text());

  switch (sub) {
    case 'list': {
      onlyFor(FILTERS);
      if (positionals.length > 0) usage('events list takes no event id');
      const query = new URLSearchParams();
      for (const key of FILTERS) if (values[key] !== undefined) query.set(key, values[key]);
      const page = await adminClient(options)<AdminEventPage>('GET', `/events${query.size > 0 ? `?${query}` : ''}`);
      return print(page, () => {
        if (page.events.length === 0) return 'No events.';
        const table = formatEvents(page.events);
        return page.nextCursor ? `${table}\nMore: add --cursor ${page.nextCursor}` : table;
      });
    }
    case 'show': {
      onlyFor([]);
      const event = await adminClient(options)<AdminEventView>('GET', `/events/${oneId()}`);
      return print(event, () => formatEvent(event));
    }
    case 'resend': {
      onlyFor(['endpoint']);
      const id = oneId();
      const wanted = values.endpoint;
      const event = await adminClient(options)<AdminEventView>('POST', `/events/${id}/resend`, wanted === undefined ? undefined : { endpoint: wanted });
      return print(event, () => {
        const due = event.deliveries.filter((d) => d.state === 'pending' && (wanted === undefined || d.endpoint === wanted || d.url === wanted));
        const targets = due.map((d) => d.url ?? d.endpoint).join(', ') || 'its endpoints';
        return `Resending ${event.id} (${event.type}) to ${targets}, under the same webhook-id.\nFollow it with: pay-link events show ${event.id}`;
      });
    }
    default:
      return usage(sub === undefined ? 'events needs a subcommand' : `unknown events subcommand "${sub}"`);
  }
}

/** The last attempt's answer: its HTTP status, or why there was none. */
function lastAnswer(delivery: AdminEventView['deliveries'][number]): string {
  const last = delivery.history.at(-1);
  if (!last) return '-';
  return last.statusCode !== null ? String(last.statusCode) : (last.error ?? '-');
}

/**
 * A plain-text table, one row per event and endpoint (an event with several endpoints has a row for each, its
 * own columns on the first only). The endpoint column shows only when events went to more than one endpoint.
 */
export function formatEvents(events: readonly AdminEventView[]): string {
  const endpoints = new Set(events.flatMap((event) => event.deliveries.map((d) => d.endpoint)));
  const perEndpoint = endpoints.size > 1;
  const rows = [['ID', 'CREATED', 'TYPE', 'LINK', ...(perEndpoint ? ['ENDPOINT'] : []), 'STATE', 'ATTEMPTS', 'LAST']];
  for (const event of events) {
    const own = [event.id, formatTime(event.createdAt, true), event.type, event.linkId];
    const deliveries = event.deliveries.length > 0 ? event.deliveries : [undefined];
    deliveries.forEach((d, i) => {
      rows.push([
        ...(i === 0 ? own : own.map(() => '')),
        ...(perEndpoint ? [d?.endpoint ?? '-'] : []),
        d?.state ?? 'no endpoint',
        d ? String(d.attempts) : '-',
        d ? lastAnswer(d) : '-',
      ]);
    });
  }
  return formatTable(rows);
}

/** One event: what it is, the exact body delivered, and every attempt of each endpoint's delivery. */
export function formatEvent(event: AdminEventView): string {
  const lines = [
    `${event.id}  ${event.type}`,
    `link     ${event.linkId}`,
    `created  ${formatTime(event.createdAt, true)}`,
    '',
    'payload',
    ...JSON.stringify(event.payload, null, 2)
      .split('\n')
      .map((line) => `  ${line}`),
  ];
  if (event.deliveries.length === 0) lines.push('', `No deliveries: no endpoint took ${event.type} when the event was made.`);
  for (const d of event.deliveries) {
    const when = [
      d.nextAttemptAt && `next attempt ${formatTime(d.nextAttemptAt, true)}`,
      d.deliveredAt && `delivered ${formatTime(d.deliveredAt, true)}`,
    ].filter(Boolean);
    lines.push('', `to ${d.endpoint}${d.url ? ` (${d.url})` : ''}: ${d.state}, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${when.length > 0 ? `, ${when.join(', ')}` : ''}`);
    if (d.history.length === 0) continue;
    const rows = [
      ['#', 'AT', 'STATUS', 'DURATION', 'ERROR'],
      ...d.history.map((a) => [String(a.attempt), formatTime(a.at, true), a.statusCode === null ? '-' : String(a.statusCode), `${a.durationMs} ms`, a.error ?? '']),
    ];
    lines.push(...formatTable(rows).split('\n').map((line) => `  ${line}`.trimEnd()));
  }
  return lines.join('\n');
}

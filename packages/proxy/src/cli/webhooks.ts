/**
 * `pay-link webhook-secret` and `pay-link webhooks …`: a new secret for a merchant endpoint, and the configured
 * endpoints through a running proxy's admin API (their state, a signed test event, enabling one after a 410).
 */
import { parseArgs } from 'node:util';
import { type AdminWebhookEndpoint, type AdminWebhookList, DEFAULT_EVENT_TYPES, type EnabledWebhook, type WebhookTestReport } from '../contract.ts';
import { newWebhookSecret } from '../merchant-events/endpoints.ts';
import { type AdminClientOptions, adminClient } from './admin-client.ts';
import { CliError, type CommandReport } from './cli-error.ts';
import { formatTable, formatTime } from './table.ts';
import { USAGE } from './usage.ts';

/**
 * `pay-link webhook-secret`: a new Standard Webhooks secret (`whsec_` + 32 random bytes in base64), and a hint for
 * where it goes. The CLI prints the secret alone on stdout (so `$(pay-link webhook-secret)` is the secret) and the
 * hint on stderr.
 */
export function runWebhookSecret(args: string[]): { secret: string; hint: string } {
  parseArgs({ args, options: {}, strict: true });
  return {
    secret: newWebhookSecret(),
    hint: 'Set it as PAY_LINK_WEBHOOK_SECRET on the proxy (while rotating, list the new one first: new,old), and give the same value to your receiver\'s Standard Webhooks library.',
  };
}

/**
 * `pay-link webhooks <list|test|enable> …`. Returns what to print and the exit code: `test` exits 1 when an
 * endpoint did not answer 2xx. Throws `CliError` (a problem from the proxy, an unreachable proxy, a usage error).
 *
 * @example
 * const { output, exitCode } = await runWebhooks(['test', '--endpoint', 'ep_…'], { env: process.env });
 */
export async function runWebhooks(args: string[], options: AdminClientOptions = {}): Promise<CommandReport> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { endpoint: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const usage = (message: string): never => {
    throw new CliError(`${message}\n\n${USAGE}`, 2);
  };
  const takes = (flags: { endpointFlag: boolean; ids: number }) => {
    if (values.endpoint !== undefined && !flags.endpointFlag) usage(`webhooks ${sub} takes no --endpoint`);
    if (flags.ids === 0 && positionals.length > 0) usage(`webhooks ${sub} takes no endpoint id${flags.endpointFlag ? ': name one with --endpoint' : ''}`);
    if (flags.ids === 1 && positionals.length !== 1) usage(`webhooks ${sub} takes one endpoint id (ep_…, from pay-link webhooks list)`);
  };
  const done = (answer: unknown, text: () => string, exitCode: 0 | 1 = 0): CommandReport => ({ output: values.json ? JSON.stringify(answer, null, 2) : text(), exitCode });

  switch (sub) {
    case 'list': {
      takes({ endpointFlag: false, ids: 0 });
      const answer = await adminClient(options)<AdminWebhookList>('GET', '/webhooks');
      return done(answer, () => formatWebhooks(answer.endpoints));
    }
    case 'test': {
      takes({ endpointFlag: true, ids: 0 });
      const answer = await adminClient(options)<WebhookTestReport>('POST', '/webhooks/test', values.endpoint === undefined ? undefined : { endpoint: values.endpoint });
      const ok = answer.results.filter((r) => r.ok).length;
      const n = answer.results.length;
      return done(
        answer,
        () => {
          const rows = [
            ['RESULT', 'ENDPOINT', 'URL', 'ANSWER', 'TIME'],
            ...answer.results.map((r) => [r.ok ? 'ok' : 'FAIL', r.endpoint, r.url, r.statusCode === null ? (r.error ?? 'no answer') : `HTTP ${r.statusCode}`, `${r.durationMs} ms`]),
          ];
          return `${formatTable(rows)}\n\n${ok} of ${n} endpoint${n === 1 ? '' : 's'} answered the signed test event with 2xx.`;
        },
        ok === n ? 0 : 1,
      );
    }
    case 'enable': {
      takes({ endpointFlag: false, ids: 1 });
      const answer = await adminClient(options)<EnabledWebhook>('POST', `/webhooks/${encodeURIComponent(positionals[0]!)}/enable`);
      return done(answer, () => `Enabled ${answer.id}: its waiting events go now, in order.`);
    }
    default:
      return usage(sub === undefined ? 'webhooks needs a subcommand' : `unknown webhooks subcommand "${sub}"`);
  }
}

/** A plain-text table, one endpoint a row, and how to enable a disabled one. */
export function formatWebhooks(endpoints: readonly AdminWebhookEndpoint[]): string {
  if (endpoints.length === 0) {
    return 'No webhook endpoints are configured: set PAY_LINK_WEBHOOK_URL and PAY_LINK_WEBHOOK_SECRET (pay-link webhook-secret prints one), or webhooks in the config file.';
  }
  const isDefault = (events: readonly string[]) => events.length === DEFAULT_EVENT_TYPES.length && DEFAULT_EVENT_TYPES.every((t) => events.includes(t));
  const state = (e: AdminWebhookEndpoint) => {
    if (!e.enabled) return `disabled ${formatTime(e.disabledAt)}${e.disabledReason ? ` (${e.disabledReason})` : ''}`;
    return e.failing ? `failing since ${formatTime(e.failingSince)}` : 'enabled';
  };
  const rows = [
    ['ID', 'URL', 'EVENTS', 'STATE', 'LAST SUCCESS'],
    ...endpoints.map((e) => [e.id, e.url, isDefault(e.events) ? 'default (all but created)' : e.events.join(','), state(e), formatTime(e.lastSuccessAt)]),
  ];
  const disabled = endpoints.filter((e) => !e.enabled);
  return disabled.length > 0 ? `${formatTable(rows)}\n\nEnable one again with: pay-link webhooks enable ${disabled[0]!.id}` : formatTable(rows);
}

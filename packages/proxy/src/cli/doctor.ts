/** `pay-link doctor`: is every configured provider reachable, and does it take the credentials? */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { type ProviderCheckResult, checkProviders, describeVerdict } from '../provider-check.ts';
import { createAdapters } from '../providers/adapters.ts';

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
    return { provider, mode: configured(provider).testMode ? 'test' : 'live', ...rest };
  });
  const ok = results.every((r) => r.verdict === 'ok');
  if (values.json) return { output: JSON.stringify({ ok, providers }, null, 2), exitCode: ok ? 0 : 1 };

  const width = Math.max(...providers.map((p) => p.provider.length));
  const lines = providers.map((p) => `${p.provider.padEnd(width)}  ${p.mode}  ${describeVerdict(p.verdict)}  (${p.ms} ms)${failureDetail(p)}`);
  const failed = providers.filter((p) => p.verdict !== 'ok');
  const hints = failed.map((p) => {
    const module = configured(p.provider).module;
    const names = module.variables;
    const baseUrl = names.find((n) => n.endsWith('_BASE_URL')) ?? 'its base URL';
    const credentials = module.required.filter((n) => !/WEBHOOK|CALLBACK/.test(n)).join(', ');
    if (p.verdict === 'credentials_refused') {
      // Pine Labs' token endpoint counts any 4xx as a refusal (pinelabs/token.ts), a 404 from a wrong path included.
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

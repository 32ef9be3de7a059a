/** The HTTP client of the commands that go through a running proxy's admin API (`links`, `events`, `webhooks`). */
import { loadAdminClientConfig } from '../config.ts';
import type { ProblemBody } from '../contract.ts';
import { CliError } from './cli-error.ts';

export interface AdminClientOptions {
  /** Read through `loadAdminClientConfig`; the process environment by default. */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  now?: number;
}

/** Calls `/v1/admin<path>` and answers the parsed JSON body. */
export type AdminCall = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/**
 * An admin API caller with the URL and token of `PAY_LINK_ADMIN_URL` / `PAY_LINK_ADMIN_TOKEN`. A problem answer
 * becomes a `CliError` (exit 1) reading `<title>: <detail> (<code>)`; an unreachable proxy, or an answer that is
 * not the proxy's, one saying so. A body is sent as JSON only when given.
 *
 * @example
 * const admin = adminClient({ env: process.env });
 * const { links } = await admin<{ links: AdminLinkView[] }>('GET', '/links?status=paid');
 */
export function adminClient(options: AdminClientOptions): AdminCall {
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

/** Operator routes: liveness, readiness, Prometheus metrics. */
import { type Response, Router } from 'express';
import type { Registry } from 'prom-client';
import type { ProblemCode } from '../contract.ts';
import { type ProviderCheckResult, type ProviderVerdict, createProviderReadiness, describeVerdict } from '../provider-check.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter } from '../providers/types.ts';

export interface ReadinessOptions {
  /** The proxy's adapters, checked by `/readyz` when `checkProviders` is on. */
  adapters?: Partial<Record<string, ProviderAdapter>>;
  /**
   * `/readyz` also requires every provider to take the credentials (`PAY_LINK_READY_CHECK_PROVIDERS`). Default
   * off: readiness is then only "not draining", and no probe ever calls a provider.
   */
  checkProviders?: boolean;
  /** Per provider check; the proxy passes its provider call timeout. Default 10 s. */
  timeoutMs?: number;
  /** How long one check's result answers probes. Default 30 s. */
  ttlMs?: number;
}

/** Which problem a failed readiness answers, by the worst verdict among the providers: the one to fix first. */
const VERDICT_PROBLEMS: readonly [ProviderVerdict, ProblemCode][] = [
  ['credentials_refused', 'provider_auth_failed'],
  ['unexpected_answer', 'provider_bad_response'],
  ['unreachable', 'provider_unavailable'],
];

export function healthRouter(registry: Registry, isReady: () => boolean, options: ReadinessOptions = {}): Router {
  const router = Router();
  const providers = options.checkProviders
    ? createProviderReadiness(options.adapters ?? {}, { timeoutMs: options.timeoutMs, ttlMs: options.ttlMs })
    : undefined;
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (!isReady()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const failed = providers ? (await providers.results()).filter((r) => r.verdict !== 'ok') : [];
    if (failed.length === 0) {
      res.json({ status: 'ready' });
      return;
    }
    sendNotReady(res, failed);
  });
  // Browsers ask for one on every page the proxy serves (pay page, return page); an empty answer keeps consoles clean.
  router.get('/favicon.ico', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.status(204).end();
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}

/**
 * 503 problem+json naming each failed provider, its verdict and the problem code behind it (never a provider
 * body or a credential), with the same facts as `providers[]` for machines.
 */
function sendNotReady(res: Response, failed: ProviderCheckResult[]): void {
  const code = VERDICT_PROBLEMS.find(([verdict]) => failed.some((r) => r.verdict === verdict))![1];
  const detail = `Not ready: ${failed
    .map((r) => `${r.provider} ${describeVerdict(r.verdict)} (${[r.code, r.httpStatus && `HTTP ${r.httpStatus}`].filter(Boolean).join(', ')})`)
    .join('; ')}`;
  const body = {
    ...new Problem(503, code, detail).toJSON('/readyz'),
    providers: failed.map(({ provider, verdict, code, httpStatus }) => ({ provider, verdict, code, ...(httpStatus !== undefined && { httpStatus }) })),
  };
  res.status(503).setHeader('Cache-Control', 'no-store').type('application/problem+json').send(JSON.stringify(body));
}

/** Prometheus metrics, one registry per app so tests and several apps in one process do not collide. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProviderCallRecord } from './providers/http.ts';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'paylink_process_' });
  const mints = new Counter({
    name: 'paylink_mints_total',
    help: 'Mint requests by provider and outcome (created, replayed, or the problem code)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const providerCalls = new Histogram({
    name: 'paylink_provider_request_seconds',
    help: 'Latency of calls to payment providers',
    labelNames: ['provider', 'method', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const providerErrors = new Counter({
    name: 'paylink_provider_errors_total',
    help: 'Failed calls to payment providers by provider and kind',
    labelNames: ['provider', 'kind'],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'paylink_webhooks_total',
    help: 'Verified webhooks by provider and outcome',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const webhookFailures = new Counter({
    name: 'paylink_webhook_verification_failures_total',
    help: 'Webhooks refused by signature verification, by reason',
    labelNames: ['provider', 'reason'],
    registers: [registry],
  });
  const statusReads = new Counter({
    name: 'paylink_status_reads_total',
    help: 'Status reads by answer (200 or 304)',
    labelNames: ['code'],
    registers: [registry],
  });
  const sseClients = new Gauge({
    name: 'paylink_sse_clients',
    help: 'Open Server-Sent Events streams',
    registers: [registry],
  });
  return {
    registry,
    sseClients,
    mints,
    webhooks,
    webhookFailures,
    statusReads,
    providerCall(call: ProviderCallRecord): void {
      providerCalls.observe({ provider: call.provider, method: call.method, status: String(call.status) }, call.ms / 1000);
      if (typeof call.status !== 'number') providerErrors.inc({ provider: call.provider, kind: call.status });
      else if (call.status >= 500) providerErrors.inc({ provider: call.provider, kind: '5xx' });
      else if (call.status === 429) providerErrors.inc({ provider: call.provider, kind: 'rate_limited' });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

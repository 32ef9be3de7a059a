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
  let outboxStats: (() => Promise<{ pending: number; oldestCreatedAt: number | null }>) | undefined;
  let outboxNow: () => number = Date.now;
  const eventDeliveries = new Counter({
    name: 'paylink_merchant_event_deliveries_total',
    help: 'Merchant event delivery attempts by outcome (delivered, retry, given_up, gone)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'paylink_merchant_event_queue_depth',
    help: 'Merchant event deliveries not yet delivered or given up',
    registers: [registry],
    async collect() {
      const stats = await outboxStats?.().catch(() => undefined);
      this.set(stats?.pending ?? 0);
    },
  });
  new Gauge({
    name: 'paylink_merchant_event_oldest_undelivered_seconds',
    help: 'Age of the oldest merchant event not yet delivered (0 when none)',
    registers: [registry],
    async collect() {
      const stats = await outboxStats?.().catch(() => undefined);
      this.set(stats?.oldestCreatedAt == null ? 0 : Math.max(0, (outboxNow() - stats.oldestCreatedAt) / 1000));
    },
  });
  const endpointFailing = new Gauge({
    name: 'paylink_merchant_webhook_endpoint_failing',
    help: '1 while a merchant webhook endpoint has failed for a day without a success',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  return {
    registry,
    eventDeliveries,
    endpointFailing,
    /** Where the outbox gauges read from (the dispatcher's `stats`). */
    watchOutbox(stats: () => Promise<{ pending: number; oldestCreatedAt: number | null }>, now: () => number): void {
      outboxStats = stats;
      outboxNow = now;
    },
    sseClients,
    mints,
    webhooks,
    webhookFailures,
    statusReads,
    providerCall(call: ProviderCallRecord): void {
      providerCalls.observe({ provider: call.provider, method: call.method, status: String(call.status) }, call.ms / 1000);
      const kind = providerErrorKind(call);
      if (kind !== undefined) providerErrors.inc({ provider: call.provider, kind });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The `kind` label of `paylink_provider_errors_total`. */
export type ProviderErrorKind = 'timeout' | 'network_error' | '5xx' | 'rate_limited' | 'too_large' | 'bad_json' | 'bad_shape';

/**
 * The metrics label for a failed call, or undefined when it does not count as a provider error. The first four
 * values are those the counter had before failures were classified; a 4xx other than 429 stays uncounted,
 * because refusals such as Razorpay's "reference already attempted" or a 404 for a removed link are answers the
 * proxy expects and acts on, not the provider failing.
 */
export function providerErrorKind(call: ProviderCallRecord): ProviderErrorKind | undefined {
  switch (call.errorClass) {
    case undefined:
      return undefined;
    case 'timeout':
      return 'timeout';
    case 'dns':
    case 'refused':
    case 'reset':
    case 'network':
      return 'network_error';
    case 'http_5xx':
      return '5xx';
    case 'http_4xx':
      return call.status === 429 ? 'rate_limited' : undefined;
    case 'too_large':
    case 'bad_json':
    case 'bad_shape':
      return call.errorClass;
  }
}

/**
 * What operators see of each provider call: every attempt is measured, and every failed one is logged at `warn`
 * with what a support ticket needs (provider, method, path, why it failed, the provider's request id and error
 * code, how long it took). Never a header, a body or a credential: the record carries none, and the log line is
 * built field by field from it, so nothing added to the record later reaches a log by accident.
 */
import type { Logger } from './logger.ts';
import type { ProviderCallRecord } from './providers/http.ts';

/**
 * The `onCall` handler adapters report to: metrics for every call, a `warn` line for each failure, and a `debug`
 * line for a success (a healthy proxy logs nothing per call at the usual levels).
 *
 * @example
 * createAdapter(settings, { fetch, onCall: createProviderCallHandler(metrics, logger) });
 */
export function createProviderCallHandler(
  metrics: { providerCall(call: ProviderCallRecord): void },
  logger: Logger,
): (call: ProviderCallRecord) => void {
  return (call) => {
    metrics.providerCall(call);
    const fields = {
      provider: call.provider,
      method: call.method,
      path: call.path,
      status: call.status,
      ms: Math.round(call.ms),
      ...(call.errorClass !== undefined && { errorClass: call.errorClass }),
      ...(call.requestId !== undefined && { requestId: call.requestId }),
      ...(call.providerCode !== undefined && { providerCode: call.providerCode }),
    };
    if (call.errorClass !== undefined) logger.warn(fields, 'provider call failed');
    else logger.debug(fields, 'provider call');
  };
}

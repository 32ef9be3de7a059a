/**
 * Structured logs (pino). Secrets never reach a log line: credentials are `Secret` objects that serialize as
 * `[redacted]`, and these paths are redacted as a second line of defence for anything that slips through.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-razorpay-signature"]',
  'headers["x-callback-token"]',
  'headers["x-client-secret"]',
  'keySecret',
  '*.keySecret',
  'webhookSecrets',
  '*.webhookSecrets',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'customer',
  '*.customer',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'pay-link-proxy' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

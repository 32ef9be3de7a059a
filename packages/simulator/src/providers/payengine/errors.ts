/**
 * PayEngine's error bodies (providers.md §3.7): `{error: true, message}` in general, `{success: false, message}`
 * for cancel (cancel-payment-link page). The exact texts are UNCONFIRMED; the ones here name the field at fault.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { PayEngineCancelResult, PayEngineErrorBody } from './wire.ts';

export class PayEngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Cancel answers failures as `{success: false, message}`. */
    readonly shape: 'error' | 'success' = 'error',
  ) {
    super(message);
    this.name = 'PayEngineError';
  }

  body(): PayEngineErrorBody | PayEngineCancelResult {
    return this.shape === 'success' ? { success: false, message: this.message } : { error: true, message: this.message };
  }
}

export function sendPayEngineError(res: Response, error: PayEngineError): void {
  res.status(error.status).json(error.body());
}

/** The body of an injected fault, shaped like PayEngine's own errors. */
export function payengineFaultBody(status: number): PayEngineErrorBody {
  if (status === 401) return { error: true, message: 'Unauthorized' };
  if (status === 404) return { error: true, message: 'Not found' };
  if (status === 429) return { error: true, message: 'Too many requests' };
  if (status >= 500) return { error: true, message: 'Internal server error' };
  return { error: true, message: 'Bad request' };
}

export const handlePayEngineErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof PayEngineError) return sendPayEngineError(res, error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendPayEngineError(res, new PayEngineError(status, error instanceof Error ? error.message : 'Bad request'));
  }
  console.error('[simulator] payengine handler failed:', error);
  res.status(500).json(payengineFaultBody(500));
};

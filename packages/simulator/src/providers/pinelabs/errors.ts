/**
 * Pine Labs' error envelope (providers.md §4.7, developer.pinelabsonline.com/docs/developer-tools-error-codes):
 * `{"code": "<CODE>", "message": "<text>", "additional_error_details": {…}}`. 4xx is the caller's fault, 5xx
 * means retry later.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { PinelabsErrorBody } from './wire.ts';

export class PinelabsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PinelabsError';
  }
}

/** A 400 INVALID_REQUEST naming the field at fault. */
export function invalidRequest(field: string, message: string): PinelabsError {
  return new PinelabsError(400, 'INVALID_REQUEST', message, { field });
}

export function toPinelabsErrorBody(error: PinelabsError): PinelabsErrorBody {
  return {
    code: error.code,
    message: error.message,
    additional_error_details: { source: 'merchant', step: 'payment_link', ...error.details },
  };
}

export function sendPinelabsError(res: Response, error: PinelabsError): void {
  res.status(error.status).json(toPinelabsErrorBody(error));
}

/** The body of an injected fault, shaped like what Pine Labs answers with that status. */
export function pinelabsFaultBody(status: number): PinelabsErrorBody {
  if (status >= 500) return toPinelabsErrorBody(new PinelabsError(status, 'INTERNAL_ERROR', 'Something went wrong, please retry later'));
  if (status === 429) return toPinelabsErrorBody(new PinelabsError(status, 'PAYMENT_RATE_LIMIT', 'Too many requests'));
  if (status === 401) return toPinelabsErrorBody(new PinelabsError(status, 'UNAUTHORIZED', 'Unauthorized access'));
  if (status === 404) return toPinelabsErrorBody(new PinelabsError(status, 'NOT_FOUND', 'Resource not found'));
  return toPinelabsErrorBody(new PinelabsError(status, 'INVALID_REQUEST', 'Invalid request'));
}

export const handlePinelabsErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof PinelabsError) return sendPinelabsError(res, error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendPinelabsError(res, new PinelabsError(status, 'INVALID_REQUEST', error instanceof Error ? error.message : 'Invalid request'));
  }
  console.error('[simulator] pinelabs handler failed:', error);
  res.status(500).json(pinelabsFaultBody(500));
};

/**
 * EximPe's error body. No official error page exists (§1.7, UNCONFIRMED); the shape is the one the 3P playground
 * parses and prints as a sample (`create_session.js`): `{"success": false, "error": {"code": "ERR_ORDER_002",
 * "message": "Validation error", "details": {…}}}`. The code values below are this simulator's own.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { EximPeErrorBody } from './wire.ts';

export type EximPeErrorCode =
  | 'AUTHENTICATION_FAILED'
  | 'VALIDATION_ERROR'
  | 'NOT_FOUND'
  | 'INVALID_STATE'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR';

export class EximPeError extends Error {
  constructor(
    readonly status: number,
    readonly code: EximPeErrorCode,
    message: string,
    readonly details?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'EximPeError';
  }
}

/** A 400 naming the offending fields, DRF style (`"buyer.email": ["Enter a valid email address."]`). */
export function validationError(details: Record<string, string[]>): EximPeError {
  return new EximPeError(400, 'VALIDATION_ERROR', 'Validation error', details);
}

export function toEximPeErrorBody(error: EximPeError): EximPeErrorBody {
  return { success: false, error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } };
}

export function sendEximPeError(res: Response, error: EximPeError): void {
  res.status(error.status).json(toEximPeErrorBody(error));
}

/** The body of an injected fault, shaped like EximPe's own errors. */
export function eximpeFaultBody(status: number): EximPeErrorBody {
  if (status >= 500) return toEximPeErrorBody(new EximPeError(status, 'SERVER_ERROR', 'Internal server error'));
  if (status === 429) return toEximPeErrorBody(new EximPeError(status, 'RATE_LIMITED', 'Request was throttled'));
  if (status === 401 || status === 403) return toEximPeErrorBody(new EximPeError(status, 'AUTHENTICATION_FAILED', 'Invalid client credentials'));
  if (status === 404) return toEximPeErrorBody(new EximPeError(status, 'NOT_FOUND', 'Not found.'));
  return toEximPeErrorBody(new EximPeError(status, 'VALIDATION_ERROR', 'Bad request'));
}

/** Anything thrown by a REST handler becomes the envelope; an unexpected error becomes a SERVER_ERROR. */
export const handleEximPeErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof EximPeError) return sendEximPeError(res, error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendEximPeError(res, new EximPeError(status, 'VALIDATION_ERROR', error instanceof Error ? error.message : 'Bad request'));
  }
  console.error('[simulator] eximpe handler failed:', error);
  res.status(500).json(eximpeFaultBody(500));
};

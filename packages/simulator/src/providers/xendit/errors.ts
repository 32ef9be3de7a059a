/**
 * Xendit's error body, `{"error_code": "...", "message": "..."}`, with the codes the SDK's error models list per
 * HTTP status (shared/providers.md §2.7). The SDK's `XenditSdkError` reads `error_code` and `message` from it.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { XenditErrorBody } from './wire.ts';

export class XenditError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'XenditError';
  }

  toJSON(): XenditErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

/**
 * A validation failure. Invoices' 400 code is UNCONFIRMED (§9): the Payment Requests API answers
 * `API_VALIDATION_ERROR` with Joi-style messages (`"amount" must be a number`), and so does this simulator.
 */
export function validationError(message: string): XenditError {
  return new XenditError(400, 'API_VALIDATION_ERROR', message);
}

export function invoiceNotFound(): XenditError {
  return new XenditError(404, 'INVOICE_NOT_FOUND_ERROR', 'Invoice not found');
}

export function sendXenditError(res: Response, error: XenditError): void {
  res.status(error.status).json(error.toJSON());
}

/** The body of an injected fault, shaped like what Xendit answers with that status. */
export function xenditFaultBody(status: number): XenditErrorBody {
  if (status >= 500) return { error_code: 'SERVER_ERROR', message: 'An unexpected error occurred, our team has been notified' };
  if (status === 429) return { error_code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests' };
  if (status === 401) return { error_code: 'INVALID_API_KEY', message: 'API key is invalid' };
  if (status === 403) return { error_code: 'ACCESS_SUSPENDED', message: 'Access to this API has been suspended' };
  if (status === 404) return { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Invoice not found' };
  return { error_code: 'API_VALIDATION_ERROR', message: 'Bad request' };
}

/** Anything thrown by a REST handler becomes Xendit's body; unexpected errors become a SERVER_ERROR. */
export const handleXenditErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof XenditError) return sendXenditError(res, error);
  // body-parser's own failures (invalid JSON, payload too large) carry a 4xx `status`.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = (error as { type?: unknown }).type === 'entity.parse.failed' ? 'Request body is not valid JSON' : 'Bad request';
    return sendXenditError(res, new XenditError(status, 'API_VALIDATION_ERROR', message));
  }
  console.error('[simulator] xendit handler failed:', error);
  res.status(500).json(xenditFaultBody(500));
};

/**
 * Razorpay's error envelope (markdown-docs errors.md):
 * `{"error":{"code","description","field","source","step","reason","metadata"}}`.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { RazorpayErrorBody } from './wire.ts';

export class RazorpayError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly field: string | null = null,
    readonly code: RazorpayErrorBody['error']['code'] = 'BAD_REQUEST_ERROR',
  ) {
    super(description);
    this.name = 'RazorpayError';
  }
}

/** A 400 naming the offending field, the shape of every validation failure. */
export function invalidField(field: string, description: string): RazorpayError {
  return new RazorpayError(400, description, field);
}

export function toRazorpayErrorBody(error: RazorpayError): RazorpayErrorBody {
  return {
    error: {
      code: error.code,
      description: error.description,
      field: error.field,
      source: null,
      step: null,
      reason: null,
      metadata: {},
    },
  };
}

export function sendRazorpayError(res: Response, error: RazorpayError): void {
  res.status(error.status).json(toRazorpayErrorBody(error));
}

/** The body of an injected fault, shaped like what Razorpay answers with that status. */
export function razorpayFaultBody(status: number): RazorpayErrorBody {
  if (status >= 500) {
    return toRazorpayErrorBody(
      new RazorpayError(status, 'The server encountered an error. The incident has been reported to admins.', null, 'SERVER_ERROR'),
    );
  }
  if (status === 429) return toRazorpayErrorBody(new RazorpayError(status, 'Too many requests'));
  if (status === 401) return toRazorpayErrorBody(new RazorpayError(status, 'Authentication failed'));
  if (status === 404) return toRazorpayErrorBody(new RazorpayError(status, 'The requested URL was not found on the server.'));
  return toRazorpayErrorBody(new RazorpayError(status, 'Bad request'));
}

/** Turns anything thrown by a REST handler into the envelope; unexpected errors become a SERVER_ERROR. */
export const handleRazorpayErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof RazorpayError) return sendRazorpayError(res, error);
  // body-parser's own failures (payload too large, aborted upload) carry a 4xx `status`.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return sendRazorpayError(res, new RazorpayError(status, error instanceof Error ? error.message : 'Bad request'));
  }
  console.error('[simulator] razorpay handler failed:', error);
  res.status(500).json(razorpayFaultBody(500));
};

/**
 * RFC 9457 problem details. Every error the proxy answers is a `Problem`: a stable machine `code`, a short
 * human `title`, an optional `detail` written by us (never a provider's body, never a stack), and, for a 400,
 * the fields at fault.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ProblemBody, ProblemCode } from './contract.ts';

const TITLES: Record<ProblemCode, string> = {
  invalid_request: 'The request is not valid',
  invalid_json: 'The request body is not valid JSON',
  unsupported_media_type: 'The request body must be application/json',
  payload_too_large: 'The request body is too large',
  request_timeout: 'The request took too long to arrive',
  not_found: 'Not found',
  unknown_product: 'No such product',
  unknown_provider: 'No such provider',
  provider_not_configured: 'That provider is not configured on this proxy',
  provider_not_allowed: 'That provider cannot be chosen for this purchase',
  method_not_allowed: 'Method not allowed',
  invalid_signature: 'The webhook signature does not verify',
  origin_not_allowed: 'This page is not allowed to use this proxy',
  return_url_not_allowed: 'The return URL is not on an allowed origin',
  amount_not_allowed: 'This amount cannot be paid here',
  intent_invalid: 'This payment request is not valid',
  intent_expired: 'This payment request has expired',
  amount_not_representable: 'The provider cannot take this amount exactly',
  rate_limited: 'Too many requests',
  provider_unavailable: 'The payment provider is not reachable right now',
  provider_timeout: 'The payment provider did not answer in time',
  provider_rejected: 'The payment provider refused the request',
  provider_auth_failed: 'The proxy could not authenticate with the payment provider',
  provider_bad_response: 'The payment provider sent an answer the proxy could not read',
  idempotency_key_reused: 'This Idempotency-Key was used for a different request',
  idempotency_in_flight: 'A request with this Idempotency-Key is still in progress',
  not_implemented: 'Not supported by this provider',
  unauthorized: 'A valid admin token is required',
  link_not_cancellable: 'This payment link cannot be cancelled',
  link_closed: 'This payment link is already closed',
  intents_not_configured: 'This proxy has no intent secret to sign with',
  webhooks_not_configured: 'This proxy has no merchant webhook endpoint',
  internal_error: 'Something went wrong on our side',
};

/** Codes after which the same request may succeed later without any change. */
const RETRYABLE: ReadonlySet<ProblemCode> = new Set([
  'rate_limited',
  'idempotency_in_flight',
  'provider_unavailable',
  'provider_timeout',
  'internal_error',
]);

export class Problem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail?: string;
  readonly errors?: { field: string; message: string }[];
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: ProblemCode,
    detail?: string,
    extra: { errors?: { field: string; message: string }[]; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(detail ?? TITLES[code], { cause: extra.cause });
    this.name = 'Problem';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = extra.errors;
    this.retryAfter = extra.retryAfter;
  }

  toJSON(instance?: string): ProblemBody {
    return {
      type: `https://pay-link.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(instance !== undefined && { instance }),
      ...(this.errors !== undefined && { errors: this.errors }),
      retryable: RETRYABLE.has(this.code),
    };
  }
}

export function sendProblem(res: Response, problem: Problem, instance?: string): void {
  if (problem.retryAfter !== undefined) res.setHeader('Retry-After', String(problem.retryAfter));
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.toJSON(instance)));
}

/** Zod issues → a 400 naming each field as a dotted path. */
export function invalidRequest(issues: readonly { path: PropertyKey[]; message: string }[]): Problem {
  const errors = issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new Problem(400, 'invalid_request', detail, { errors });
}

/**
 * `value` (a body or a query) parsed by `schema`, or a 400 naming each field at fault, an unknown field (a typo
 * such as `expiresAT`) by its own name too. The admin API's routes parse with it.
 */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest(
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'not a field of this request' })) : [issue],
    ),
  );
}

/** The 404 for a payment link id that is malformed or not stored: one answer, so the two cannot be told apart. */
export function noSuchLink(): Problem {
  return new Problem(404, 'not_found', 'There is no payment link with this id');
}

/** Refuses (415) a body that is not `application/json`, before any parser runs. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    next(new Problem(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json'));
    return;
  }
  next();
};

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new Problem(404, 'not_found', `Nothing at ${req.method} ${req.path}`));
};

/**
 * The last middleware. Body-parser errors become 400/413/415; a `Problem` is answered as is; anything else is
 * logged and answered as a bare 500 problem with no detail, so no stack or provider text ever leaves.
 */
export function errorHandler(log: (err: unknown, req: { method: string; path: string }) => void): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    sendProblem(res, toProblem(err, (e) => log(e, req)));
  };
}

function toProblem(err: unknown, log: (err: unknown) => void): Problem {
  if (err instanceof Problem) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new Problem(400, 'invalid_json');
  if (type === 'entity.too.large') return new Problem(413, 'payload_too_large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new Problem(415, 'unsupported_media_type', 'Send UTF-8 JSON');
  }
  // Other client errors raised by Express itself (e.g. a path parameter that is not valid percent-encoding).
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new Problem(status === 404 ? 404 : 400, status === 404 ? 'not_found' : 'invalid_request', 'The request could not be read');
  }
  log(err);
  return new Problem(500, 'internal_error');
}

/**
 * CORS for the browser-facing `/v1` routes: an allowlist of merchant origins, nothing else. A disallowed origin
 * gets no CORS headers (the browser then blocks the read) and cannot mint at all (see `requireAllowedOrigin`).
 */
import type { RequestHandler } from 'express';
import { Problem } from './problems.ts';

const ALLOWED_HEADERS = 'Content-Type, Idempotency-Key, If-None-Match, Last-Event-ID';
const EXPOSED_HEADERS = 'ETag, Idempotent-Replayed, Retry-After';

export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (req.method === 'OPTIONS') {
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

/** Minting from a browser needs an allowed Origin; server-to-server calls (no Origin header) are let through. */
export function requireAllowedOrigin(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      next(new Problem(403, 'origin_not_allowed', `Add ${origin.slice(0, 200)} to PAY_LINK_ALLOWED_ORIGINS to embed the button there`));
      return;
    }
    next();
  };
}

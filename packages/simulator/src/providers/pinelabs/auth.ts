/**
 * Pine Labs' token flow (providers.md §4.2): `POST /api/auth/v1/token` with a JSON body
 * `{client_id, client_secret, grant_type: "client_credentials"}` answers `{access_token, expires_at}`; every
 * other call needs `Authorization: Bearer <access_token>` plus the `Request-ID` (1–50 chars) and
 * `Request-Timestamp` (ISO 8601) headers of the API reference. Tokens expire by the simulator clock, so a test
 * that advances time sees the 401 a stale cached token gets.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { PinelabsError, invalidRequest } from './errors.ts';
import type { PinelabsTokenAnswer } from './wire.ts';

const TokenRequest = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  grant_type: z.literal('client_credentials'),
});

export interface PinelabsTokenIssuer {
  /** Answers a token request body, or throws the error Pine Labs would. */
  issue(body: unknown): PinelabsTokenAnswer;
  /** Checks `Authorization`, `Request-ID` and `Request-Timestamp`. */
  requireAuth: RequestHandler;
  /** Tokens issued so far (for tests). */
  issued(): number;
  reset(): void;
}

export function createPinelabsTokenIssuer(options: { clientId: string; clientSecret: string; tokenTtlSeconds: number; clock: Clock }): PinelabsTokenIssuer {
  const tokens = new Map<string, number>();
  let issued = 0;
  const matches = (presented: string, expected: string) => {
    const a = Buffer.from(presented);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  return {
    issue(body) {
      const parsed = TokenRequest.safeParse(body);
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'body');
        // The token reference documents 200, 405, 422 and 500 only.
        throw new PinelabsError(422, 'INVALID_REQUEST', `${field} is missing or invalid`, { field });
      }
      if (!matches(parsed.data.client_id, options.clientId) || !matches(parsed.data.client_secret, options.clientSecret)) {
        throw new PinelabsError(401, 'UNAUTHORIZED', 'Invalid client credentials');
      }
      const token = `sim.${randomBytes(24).toString('base64url')}`;
      const expiresAt = options.clock.now() + options.tokenTtlSeconds * 1000;
      tokens.set(token, expiresAt);
      issued += 1;
      return { access_token: token, expires_at: new Date(expiresAt).toISOString() };
    },
    requireAuth(req, _res, next) {
      const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
      const expiresAt = match ? tokens.get(match[1]!) : undefined;
      if (expiresAt === undefined || expiresAt <= options.clock.now()) {
        if (match && expiresAt !== undefined) tokens.delete(match[1]!);
        throw new PinelabsError(401, 'UNAUTHORIZED', 'Unauthorized access: the access token is missing, invalid or expired');
      }
      const requestId = req.get('request-id') ?? '';
      if (requestId.length < 1 || requestId.length > 50) throw invalidRequest('Request-ID', 'Request-ID header must be 1 to 50 characters');
      const timestamp = req.get('request-timestamp') ?? '';
      if (!/^\d{4}-\d\d-\d\dT/.test(timestamp) || !Number.isFinite(Date.parse(timestamp))) {
        throw invalidRequest('Request-Timestamp', 'Request-Timestamp header must be an ISO 8601 UTC timestamp');
      }
      next();
    },
    issued: () => issued,
    reset() {
      tokens.clear();
      issued = 0;
    },
  };
}

/**
 * `X-Client-ID` + `X-Client-Secret` on every call, no token exchange (§1.2). `X-API-Version` is marked required
 * in the reference but the 3P playground never sends it, which suggests an account default (§1.1): a missing
 * header is accepted, a malformed one refused. `X-Merchant-ID` (PSP sub-merchants) is accepted as is.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { EximPeError } from './errors.ts';

export function requireEximPeAuth(clientId: string, clientSecret: string): RequestHandler {
  const expected = Buffer.from(`${clientId}\n${clientSecret}`, 'utf8');
  return (req, _res, next) => {
    const presented = Buffer.from(`${req.get('x-client-id') ?? ''}\n${req.get('x-client-secret') ?? ''}`, 'utf8');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new EximPeError(401, 'AUTHENTICATION_FAILED', 'Invalid client credentials');
    }
    const version = req.get('x-api-version');
    if (version !== undefined && !/^\d+\.\d+\.\d+$/.test(version)) {
      throw new EximPeError(400, 'VALIDATION_ERROR', `Unsupported API version "${version.slice(0, 20)}"`);
    }
    next();
  };
}

/**
 * `Authorization: Basic <API secret key>`: the constant word `Basic`, one space, then the key exactly as the
 * console showed it — not base64 of `user:pass` (docs.payengine.co/payengine-api-reference/authentication).
 * `Bearer` is reserved for the JWT access tokens of the embedded UIs, so a key sent as Bearer gets PayEngine's
 * observed `401 {"error":true,"message":"jwt malformed"}` (providers.md §3.2, 3P).
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PayEngineError } from './errors.ts';

export function requirePayEngineAuth(secretKey: string): RequestHandler {
  const expected = Buffer.from(secretKey, 'utf8');
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    if (/^Bearer /.test(header)) throw new PayEngineError(401, 'jwt malformed');
    const presented = header.startsWith('Basic ') ? Buffer.from(header.slice('Basic '.length), 'utf8') : Buffer.alloc(0);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new PayEngineError(401, 'Unauthorized');
    }
    next();
  };
}

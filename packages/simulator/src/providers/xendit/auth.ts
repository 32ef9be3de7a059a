/**
 * HTTP Basic with the secret key as username and an empty password: `Basic base64("<secret key>:")`
 * (shared/providers.md §2.2; xendit-node `invoice/apis/Invoice.ts` sends exactly `btoa(secretKey + ":")`).
 * Anything else, a password included, is refused with the 401 the SDK models (`INVALID_API_KEY`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { XenditError } from './errors.ts';

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/;

export function requireXenditAuth(secretKey: string): RequestHandler {
  const expected = Buffer.from(`${secretKey}:`, 'utf8');
  return (req, _res, next) => {
    const match = BASIC.exec(req.get('authorization') ?? '');
    const presented = match?.[1] ? Buffer.from(match[1], 'base64') : Buffer.alloc(0);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new XenditError(401, 'INVALID_API_KEY', 'API key is invalid');
    }
    next();
  };
}

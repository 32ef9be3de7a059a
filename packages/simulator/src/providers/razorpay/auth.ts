/**
 * HTTP Basic auth with `key_id:key_secret`. The scheme is matched strictly: `BASIC …`, `basic …` or a quoted
 * token are rejected, as Razorpay does (markdown-docs api/authentication.md).
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RazorpayError } from './errors.ts';

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/;

export function requireRazorpayAuth(keyId: string, keySecret: string): RequestHandler {
  const expected = Buffer.from(`${keyId}:${keySecret}`, 'utf8');
  return (req, _res, next) => {
    const match = BASIC.exec(req.get('authorization') ?? '');
    const presented = match?.[1] ? Buffer.from(match[1], 'base64') : Buffer.alloc(0);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new RazorpayError(401, 'Authentication failed');
    }
    next();
  };
}

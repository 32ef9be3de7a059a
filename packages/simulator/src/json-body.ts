/**
 * Request bodies for the providers' REST APIs: JSON only, read raw (100 kB at most) so each provider answers a
 * bad body in its own error shape. Razorpay misreads form-encoded bodies ("amount should be a whole number",
 * saeloun/miru-web#2217), so a body with any other Content-Type is refused outright, where the mistake is easy to
 * see. An empty body is fine: razorpay-node sends `cancel` and `notify_by` without one, Pine Labs' cancel and
 * notify send none.
 */
import express, { type RequestHandler } from 'express';

const readRawBody = express.raw({ type: () => true, limit: '100kb' });

/** `notJson`: the error for another Content-Type; `malformed`: for a body that does not parse. */
export function jsonBody(refuse: { notJson: () => Error; malformed: () => Error }): RequestHandler[] {
  const parse: RequestHandler = (req, _res, next) => {
    const raw: unknown = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) {
      req.body = undefined;
      return next();
    }
    if (!req.is('application/json')) throw refuse.notJson();
    try {
      req.body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw refuse.malformed();
    }
    next();
  };
  return [readRawBody, parse];
}

/**
 * Request bodies for the REST API: JSON only. Razorpay misreads form-encoded bodies ("amount should be a whole
 * number", saeloun/miru-web#2217), so a body with any other Content-Type is refused outright here, where the
 * mistake is easy to see. An empty body is fine: razorpay-node sends `cancel` and `notify_by` without one.
 */
import express, { type RequestHandler } from 'express';
import { RazorpayError } from './errors.ts';

const readRawBody = express.raw({ type: () => true, limit: '100kb' });

const parseJson: RequestHandler = (req, _res, next) => {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    req.body = undefined;
    return next();
  }
  if (!req.is('application/json')) {
    throw new RazorpayError(400, 'Content-Type must be application/json');
  }
  try {
    req.body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RazorpayError(400, 'The request body is not valid JSON');
  }
  next();
};

export const razorpayJsonBody: RequestHandler[] = [readRawBody, parseJson];

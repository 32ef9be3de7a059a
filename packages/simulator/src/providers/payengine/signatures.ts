/**
 * `X-PF-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(endpoint secret, "<t>.<raw body>")>`
 * (docs.payengine.co/payengine-developer-docs/webhooks/check-signature). Sign exactly the string that is sent.
 */
import { createHmac } from 'node:crypto';

export function signPayEngineWebhook(rawBody: string, webhookSecret: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', webhookSecret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},s=${signature}`;
}

/** `X-Webhook-Signature`: hex HMAC-SHA256 over the exact body sent (§1.6). Sign exactly the string that is sent. */
import { createHmac } from 'node:crypto';

export function signEximPeWebhook(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

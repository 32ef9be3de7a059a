/**
 * Razorpay's two HMAC-SHA256 signatures, both hex-encoded.
 */
import { createHmac } from 'node:crypto';

/**
 * `razorpay_signature` on the callback redirect: HMAC over `plink_id|reference_id|status|payment_id`, keyed with
 * the API key_secret — not the webhook secret (markdown-docs payments/payment-links/apis.md; razorpay-node
 * `validatePaymentVerification`).
 */
export function signRazorpayPaymentLinkCallback(
  fields: { paymentLinkId: string; referenceId: string; status: string; paymentId: string },
  keySecret: string,
): string {
  const message = [fields.paymentLinkId, fields.referenceId, fields.status, fields.paymentId].join('|');
  return createHmac('sha256', keySecret).update(message).digest('hex');
}

/**
 * `X-Razorpay-Signature` on a webhook: HMAC over the raw body bytes, keyed with the webhook secret
 * (markdown-docs webhooks/validate-test.md). Sign exactly the string that is sent.
 */
export function signRazorpayWebhook(rawBody: string, webhookSecret: string): string {
  return createHmac('sha256', webhookSecret).update(rawBody).digest('hex');
}

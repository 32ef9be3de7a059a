/**
 * What a buyer is told about a problem the proxy answered. Every problem `code` of the proxy's contract is one of
 * five situations, and each language words the five once: the mapping is here, so a new code in the contract fails
 * the typecheck until it is placed. The proxy's own `detail` (often a validator's wording, such as "quantity: Too big:
 * expected number to be <=100") is for the site's developer and goes to the console, never to the buyer.
 *
 * Not part of the core bundles: it travels in each translation file (`translations/<lang>.js`), English included;
 * the element loads English's on demand the first time it shows a problem on a page with no add-on for its language.
 */
import type { ProblemCode } from '@pay-link/proxy/contract';

/** One sentence per situation, in one language. */
export interface ProblemMessages {
  /** The page, the catalog or the proxy is set up wrongly, or the provider refused: the merchant's to fix. */
  unavailable: string;
  /** A passing failure at the proxy or the provider: trying again later may work (the element offers Retry). */
  busy: string;
  /** The payment link no longer exists or is closed. */
  gone: string;
  /** The invoice's signed payment request is not valid. */
  invalid: string;
  /** The invoice's signed payment request has expired. */
  expired: string;
}

/** Which situation each code is, from the buyer's side. */
export const PROBLEM_SITUATIONS: Record<ProblemCode, keyof ProblemMessages> = {
  invalid_request: 'unavailable',
  invalid_json: 'unavailable',
  unsupported_media_type: 'unavailable',
  payload_too_large: 'unavailable',
  request_timeout: 'busy',
  not_found: 'gone',
  unknown_product: 'unavailable',
  unknown_provider: 'unavailable',
  provider_not_configured: 'unavailable',
  provider_not_allowed: 'unavailable',
  method_not_allowed: 'unavailable',
  invalid_signature: 'unavailable',
  origin_not_allowed: 'unavailable',
  return_url_not_allowed: 'unavailable',
  amount_not_allowed: 'unavailable',
  intent_invalid: 'invalid',
  intent_expired: 'expired',
  amount_not_representable: 'unavailable',
  rate_limited: 'busy',
  provider_unavailable: 'busy',
  provider_timeout: 'busy',
  provider_rejected: 'unavailable',
  provider_auth_failed: 'unavailable',
  provider_bad_response: 'busy',
  idempotency_key_reused: 'unavailable',
  idempotency_in_flight: 'busy',
  not_implemented: 'unavailable',
  unauthorized: 'unavailable',
  link_not_cancellable: 'gone',
  link_closed: 'gone',
  intents_not_configured: 'unavailable',
  webhooks_not_configured: 'unavailable',
  internal_error: 'busy',
};

/**
 * A message for every problem code, from a language's five sentences.
 *
 * @example
 * problems: problemMessages({ unavailable: '…', busy: '…', gone: '…', invalid: '…', expired: '…' }),
 */
export function problemMessages(messages: ProblemMessages): Record<ProblemCode, string> {
  const out = {} as Record<ProblemCode, string>;
  for (const code in PROBLEM_SITUATIONS) out[code as ProblemCode] = messages[PROBLEM_SITUATIONS[code as ProblemCode]];
  return out;
}

/**
 * Merchant-signed intents: a compact token that fixes what a buyer pays for an invoice, signed with the proxy's
 * intent secret (HMAC-SHA256). The merchant's backend (or the `pay-link intent` command) signs; the proxy
 * verifies before minting. The browser can carry the token but cannot change it.
 *
 * Format: `pli1.<payload>.<signature>`, both base64url; the payload is JSON with short keys. Tokens expire.
 */
import { z } from 'zod';
import { Customer, CurrencyCode, type Money } from '../contract.ts';
import { Problem } from '../problems.ts';
import { hmacSha256, safeEqual } from '../secret.ts';

const PREFIX = 'pli1';

export interface Intent {
  amount: Money;
  /** The merchant's reference (invoice number): one live link per reference. */
  reference: string;
  description: string;
  customer?: Customer;
  /** Expiry of the token itself. */
  expiresAt: Date;
}

const Payload = z.object({
  a: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  c: CurrencyCode,
  r: z.string().regex(/^[A-Za-z0-9._/#-]{1,40}$/, 'a reference of 1 to 40 letters, digits or ._/#-'),
  d: z.string().min(1).max(500),
  u: Customer.optional(),
  e: z.number().int().positive(),
});

/**
 * Signs an intent. For Node backends: `signIntent({amount:{value:150000,currency:'INR'}, reference:'INV-1',
 * description:'Invoice INV-1', expiresAt}, process.env.PAY_LINK_INTENT_SECRET)`.
 */
export function signIntent(intent: Intent, secret: string): string {
  const payload = Payload.parse({
    a: intent.amount.value,
    c: intent.amount.currency,
    r: intent.reference,
    d: intent.description,
    ...(intent.customer && { u: intent.customer }),
    e: Math.floor(intent.expiresAt.getTime() / 1000),
  });
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${PREFIX}.${body}.${hmacSha256(secret, `${PREFIX}.${body}`, 'base64url')}`;
}

/** Verifies a token against every active secret (rotation) and its expiry. Throws a 400/410 `Problem`. */
export function verifyIntent(token: string, secrets: readonly string[], nowMs: number): Intent {
  const [prefix, body, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !body || !signature || rest.length > 0) {
    throw new Problem(400, 'intent_invalid', 'This payment request is not valid', { errors: [{ field: 'intent', message: 'malformed token' }] });
  }
  let ok = false;
  for (const secret of secrets) ok = safeEqual(hmacSha256(secret, `${prefix}.${body}`, 'base64url'), signature) || ok;
  if (!ok) {
    throw new Problem(400, 'intent_invalid', 'This payment request is not valid', { errors: [{ field: 'intent', message: 'bad signature' }] });
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) {
    throw new Problem(400, 'intent_invalid', 'This payment request is not valid', { errors: [{ field: 'intent', message: 'unreadable payload' }] });
  }
  const p = parsed.data;
  if (p.e * 1000 <= nowMs) throw new Problem(410, 'intent_expired', 'This payment request has expired; ask the merchant for a new one');
  return {
    amount: { value: p.a, currency: p.c },
    reference: p.r,
    description: p.d,
    ...(p.u && { customer: p.u }),
    expiresAt: new Date(p.e * 1000),
  };
}

/**
 * Merchant-signed intents: a compact token that fixes what a buyer pays for an invoice, signed with the proxy's
 * intent secret (HMAC-SHA256). The merchant's backend (or the `pay-link intent` command) signs; the proxy
 * verifies before minting. The browser can carry the token but cannot change it.
 *
 * Format: `pli1.<payload>.<signature>`, both base64url; the payload is JSON with short keys. Tokens expire.
 *
 * `buildIntent` turns a request to sign (`POST /v1/admin/intents`' body, or the `pay-link intent` flags made into
 * one) into an intent, with every rule checked once, here, for both.
 */
import { z } from 'zod';
import { Customer, CurrencyCode, LINE_ITEMS_MAX, LineItem, type Money } from '../contract.ts';
import type { IntentRequest } from '../contract/admin.ts';
import { parseDuration } from '../duration.ts';
import { parseMajorString, toMajorString } from '../money.ts';
import { Problem, invalidRequest } from '../problems.ts';
import { hmacSha256, safeEqual } from '../secret.ts';

const PREFIX = 'pli1';

export interface Intent {
  amount: Money;
  /** The merchant's reference (invoice number): one live link per reference. */
  reference: string;
  description: string;
  customer?: Customer;
  /** What the amount is for, shown on the intent's pages; quantity × amount of the items adds up to `amount`. */
  lineItems?: LineItem[];
  /** Expiry of the token itself. */
  expiresAt: Date;
}

const Payload = z
  .object({
    a: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    c: CurrencyCode,
    r: z.string().regex(/^[A-Za-z0-9._/#-]{1,40}$/, 'a reference of 1 to 40 letters, digits or ._/#-'),
    d: z.string().min(1).max(500),
    u: Customer.optional(),
    /** Line items as `[name, quantity, amount]`: a token goes in a URL, so no key names per item. */
    l: z.array(z.tuple([LineItem.shape.name, LineItem.shape.quantity, LineItem.shape.amount])).min(1).max(LINE_ITEMS_MAX).optional(),
    e: z.number().int().positive(),
  })
  .superRefine((p, ctx) => {
    // zod runs this even when an item failed its own checks: that item's issue is the one to report.
    if (p.l === undefined || p.l.length === 0 || p.l.length > LINE_ITEMS_MAX || !p.l.every(([name, quantity, amount]) => LineItem.safeParse({ name, quantity, amount }).success)) return;
    // Exact in BigInt: quantity × amount may pass Number.MAX_SAFE_INTEGER, and a rounded sum could match.
    const sum = p.l.reduce((total, [, quantity, amount]) => total + BigInt(quantity) * BigInt(amount), 0n);
    if (sum !== BigInt(p.a)) {
      const shown = sum <= BigInt(Number.MAX_SAFE_INTEGER) ? `${toMajorString({ value: Number(sum), currency: p.c })} ${p.c}` : 'more';
      ctx.addIssue({ code: 'custom', path: ['l'], message: `the items add up to ${shown}, not the amount ${toMajorString({ value: p.a, currency: p.c })} ${p.c}` });
    }
  });
type Payload = z.infer<typeof Payload>;

/** The payload's short keys, back to the intent's (and the sign request's) field names. */
const FIELDS: Record<string, string> = { a: 'amount', c: 'currency', r: 'reference', d: 'description', u: 'customer', l: 'lineItems', e: 'expiresIn' };
const LINE_ITEM_FIELDS = ['name', 'quantity', 'amount'];

/** A payload issue's path in the sign request's terms: `['l', 2, 1]` → `['lineItems', 2, 'quantity']`. */
function requestPath(path: readonly PropertyKey[]): PropertyKey[] {
  const [key, ...rest] = path;
  const field = FIELDS[String(key)] ?? '(body)';
  if (field === 'lineItems' && rest.length >= 2) return [field, rest[0]!, LINE_ITEM_FIELDS[Number(rest[1])] ?? rest[1]!, ...rest.slice(2)];
  return [field, ...rest];
}

function toPayload(intent: Intent): unknown {
  return {
    a: intent.amount.value,
    c: intent.amount.currency,
    r: intent.reference,
    d: intent.description,
    ...(intent.customer && { u: intent.customer }),
    ...(intent.lineItems && { l: intent.lineItems.map((item) => [item.name, item.quantity, item.amount]) }),
    e: Math.floor(intent.expiresAt.getTime() / 1000),
  };
}

/**
 * What a request to sign describes, as an intent: amounts (decimal strings in major units of `currency`)
 * converted exactly, `expiresIn` counted from `now`, and every rule of the token checked, so signing it cannot
 * fail. `amount` may be left out when line items are given: it is then their sum (the CLI allows that; the admin
 * API's body requires it). Throws a 400 `invalid_request` `Problem` naming each field at fault.
 *
 * @example
 * buildIntent({ amount: '250.00', currency: 'INR', reference: 'INV-7', description: 'Invoice INV-7', expiresIn: '7d',
 *   lineItems: [{ name: 'Tea tasting', quantity: 2, amount: '125.00' }] }, Date.now())
 */
export function buildIntent(request: Omit<IntentRequest, 'amount'> & { amount?: string }, now: number): Intent {
  const { currency } = request;
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const lineItems = request.lineItems?.map((item, i) => {
    const amount = parseMajorString(item.amount, currency);
    if (amount === undefined || amount <= 0) issues.push({ path: ['lineItems', i, 'amount'], message: `a positive decimal amount in ${currency} such as "125.00"` });
    return { name: item.name, quantity: item.quantity, amount: amount ?? 0 };
  });
  let value: number | undefined;
  if (request.amount !== undefined) {
    value = parseMajorString(request.amount, currency);
    if (value === undefined || value <= 0) issues.push({ path: ['amount'], message: `a positive decimal amount in ${currency} such as "1500.00"` });
  } else if (lineItems) {
    value = lineItems.reduce((sum, item) => sum + item.quantity * item.amount, 0);
  } else {
    issues.push({ path: ['amount'], message: 'required' });
  }
  const ttl = parseDuration(request.expiresIn);
  if (ttl === undefined) issues.push({ path: ['expiresIn'], message: 'a duration such as 30m, 12h or 30d' });
  if (issues.length > 0) throw invalidRequest(issues);
  const intent: Intent = {
    amount: { value: value!, currency },
    reference: request.reference,
    description: request.description,
    ...(request.customer && { customer: request.customer }),
    ...(lineItems && { lineItems }),
    expiresAt: new Date(now + ttl!),
  };
  const checked = Payload.safeParse(toPayload(intent));
  if (!checked.success) throw invalidRequest(checked.error.issues.map((issue) => ({ path: requestPath(issue.path), message: issue.message })));
  return intent;
}

/**
 * Signs an intent. For Node backends: `signIntent({amount:{value:150000,currency:'INR'}, reference:'INV-1',
 * description:'Invoice INV-1', expiresAt}, process.env.PAY_LINK_INTENT_SECRET)`.
 */
export function signIntent(intent: Intent, secret: string): string {
  const payload: Payload = Payload.parse(toPayload(intent));
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
    ...(p.l && { lineItems: p.l.map(([name, quantity, amount]) => ({ name, quantity, amount })) }),
    expiresAt: new Date(p.e * 1000),
  };
}

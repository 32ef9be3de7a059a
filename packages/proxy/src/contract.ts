/**
 * The public HTTP contract of the proxy: what the widget (and any other client) sends and receives.
 *
 * One source for both the runtime validation (zod) and the types. The widget imports *types only* from this
 * file (`import type`), so nothing here reaches the browser bundle.
 */
import { z } from 'zod';

/** The normalized status of a payment link. `pending < partially_paid < paid`; the rest are terminal. */
export const LinkStatus = z.enum(['pending', 'partially_paid', 'paid', 'expired', 'cancelled', 'failed']);
export type LinkStatus = z.infer<typeof LinkStatus>;

/** Statuses after which a link never changes again, except that a late `paid` beats `expired`/`cancelled`. */
export const TERMINAL_STATUSES: readonly LinkStatus[] = ['paid', 'expired', 'cancelled', 'failed'];

/** ISO 4217 alphabetic code, upper case. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as INR');

/** Money is always an integer count of the currency's minor unit (paise, cents, rupiah). */
export const Money = z.object({
  value: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

export const ProviderName = z.enum(['razorpay', 'xendit', 'pinelabs', 'payengine', 'eximpe']);
export type ProviderName = z.infer<typeof ProviderName>;

export const Customer = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    email: z.email().max(254).optional(),
    contact: z
      .string()
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'a phone number')
      .optional(),
  })
  .strict();
export type Customer = z.infer<typeof Customer>;

/**
 * `POST /v1/links` body. Exactly one way to name the price:
 * - `product` (+ optional `quantity`): an item of the proxy's catalog;
 * - `intent`: a token the merchant signed;
 * - `amount` + `currency`: only within an open-amount range the proxy's config allows.
 * The browser never decides a price by itself.
 */
export const MintRequest = z
  .object({
    product: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'a catalog product id').optional(),
    quantity: z.number().int().min(1).max(100).optional(),
    intent: z.string().min(16).max(4096).optional(),
    amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    currency: CurrencyCode.optional(),
    provider: ProviderName.optional().describe(
      "Honoured only where the catalog opens a choice: one of the product's or open-amount range's `providers` in `GET /v1/config`. Any other is `422 provider_not_allowed`; an intent always mints with the default provider.",
    ),
    customer: Customer.optional(),
    /** Where the provider sends the buyer back after paying (checked against the allowed origins). */
    returnUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const ways = [body.product, body.intent, body.amount].filter((v) => v !== undefined).length;
    if (ways !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['product'],
        message: 'name exactly one of product, intent or amount',
      });
    }
    if (body.quantity !== undefined && body.product === undefined) {
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'quantity goes with product' });
    }
    if ((body.amount === undefined) !== (body.currency === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'amount and currency go together' });
    }
  });
export type MintRequest = z.infer<typeof MintRequest>;

/** What `POST /v1/links` and `GET /v1/links/:id` answer. Carries no personal data. */
export const LinkView = z.object({
  /** Opaque and unguessable: a capability for the status routes. */
  id: z.string(),
  provider: ProviderName,
  status: LinkStatus,
  /** Bumped on every status change; carried in the ETag and the SSE `id:`. */
  seq: z.number().int().nonnegative(),
  amount: Money,
  /** Minor units paid so far, in `amount.currency`. */
  amountPaid: z.number().int().nonnegative(),
  /** The provider's hosted checkout. */
  url: z.url(),
  expiresAt: z.iso.datetime().nullable(),
  paidAt: z.iso.datetime().nullable(),
  description: z.string().nullable(),
  /** Server-suggested delay before the next status read, in milliseconds. */
  pollAfterMs: z.number().int().positive(),
});
export type LinkView = z.infer<typeof LinkView>;

/**
 * The providers of a catalog entry: `provider` is what a mint without a `provider` uses; `providers` is every one
 * the buyer may name (it starts with `provider`), so a page may offer a choice where it has more than one entry.
 */
const EntryProviders = {
  provider: ProviderName.describe('The provider a mint of this entry uses when it names none.'),
  providers: z
    .array(ProviderName)
    .min(1)
    .describe('Every provider a mint of this entry may name, `provider` first: more than one opens a choice to the buyer.'),
};

/** `GET /v1/config`: public facts only. */
export const PublicConfig = z.object({
  testMode: z.boolean(),
  /** Every configured provider. Which of them a purchase may use is the entry's `providers`. */
  providers: z.array(ProviderName),
  products: z.array(
    z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), amount: Money, ...EntryProviders }),
  ),
  /** The open-amount ranges, bounds inclusive in the currency's minor units. */
  openAmounts: z.array(
    z.object({
      currency: CurrencyCode,
      min: z.number().int().positive(),
      max: z.number().int().positive(),
      ...EntryProviders,
    }),
  ),
});
export type PublicConfig = z.infer<typeof PublicConfig>;

/**
 * Merchant events (decision 0013): what the proxy tells the merchant's server, signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`). `payment_link.created` goes only to endpoints that
 * list it in their `events`; the others go to every endpoint that names no `events`.
 */
export const EVENT_TYPES = [
  'payment_link.created',
  'payment_link.paid',
  'payment_link.partially_paid',
  'payment_link.expired',
  'payment_link.cancelled',
  'payment_link.failed',
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;
/** What an endpoint that names no `events` receives: every type but `payment_link.created`. */
export const DEFAULT_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((t) => t !== 'payment_link.created');

/** What was bought: a catalog product and quantity, an intent (the merchant's invoice), or an open amount. */
export const Purchase = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('product'), product: z.string(), quantity: z.number().int().positive() }),
  z.object({ kind: z.literal('intent'), reference: z.string(), description: z.string().nullable() }),
  z.object({ kind: z.literal('amount'), amount: Money }),
]);
export type Purchase = z.infer<typeof Purchase>;

export const PaymentLinkEventData = z.object({
  /** Our link id: the one `POST /v1/links` answered and `GET /v1/links/:id` reads. */
  linkId: z.string(),
  /** The link's `seq` when the event was made: a later event of one link has a higher or equal `seq`. */
  seq: z.number().int().nonnegative(),
  status: LinkStatus,
  amount: Money,
  /** Minor units paid so far, in `amount.currency`. */
  amountPaid: z.number().int().nonnegative(),
  paidAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  provider: ProviderName,
  /** The provider's id of the link, to find it in the provider's dashboard. */
  providerLinkId: z.string(),
  purchase: Purchase,
  description: z.string().nullable(),
  testMode: z.boolean(),
  /** The customer fields the merchant put in the intent; absent for other purchases. */
  customer: Customer.optional(),
});
export type PaymentLinkEventData = z.infer<typeof PaymentLinkEventData>;

/** The body of every merchant event; its `id` is also the `webhook-id` header, the same on every attempt. */
export const PaymentLinkEvent = z.object({
  id: z.string(),
  type: EventType,
  /** When the change happened (ISO 8601, UTC). */
  timestamp: z.iso.datetime(),
  data: PaymentLinkEventData,
});
export type PaymentLinkEvent = z.infer<typeof PaymentLinkEvent>;

/** `POST /v1/admin/webhooks/test` sends this, signed like every event, and stores nothing. */
export const TestEvent = z.object({
  id: z.string(),
  type: z.literal('webhook.test'),
  timestamp: z.iso.datetime(),
  data: z.object({ message: z.string(), testMode: z.boolean() }),
});
export type TestEvent = z.infer<typeof TestEvent>;

/** RFC 9457 problem details, with a stable machine `code`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
  /** Field-level reasons for a 400: `field` is a dotted path into the request body. */
  errors?: { field: string; message: string }[];
  /** Whether retrying the same request later may succeed. */
  retryable?: boolean;
}

export const PROBLEM_CODES = [
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'request_timeout',
  'not_found',
  'unknown_product',
  'unknown_provider',
  'provider_not_configured',
  'provider_not_allowed',
  'method_not_allowed',
  'invalid_signature',
  'origin_not_allowed',
  'return_url_not_allowed',
  'amount_not_allowed',
  'intent_invalid',
  'intent_expired',
  'amount_not_representable',
  'rate_limited',
  'provider_unavailable',
  'provider_timeout',
  'provider_rejected',
  'provider_auth_failed',
  'provider_bad_response',
  'idempotency_key_reused',
  'idempotency_in_flight',
  'not_implemented',
  'unauthorized',
  'link_not_cancellable',
  'link_closed',
  'intents_not_configured',
  'webhooks_not_configured',
  'internal_error',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The admin API's answers and the id patterns: in `contract/`, named here too. */
export type * from './contract/admin.ts';
export { EVENT_ID } from './contract/ids.ts';

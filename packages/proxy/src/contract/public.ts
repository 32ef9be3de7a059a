/**
 * The public HTTP contract of the proxy: what the widget (and any other client) sends and receives.
 *
 * One source for the runtime validation (zod), the types and the OpenAPI document (`openapi.ts` generates its
 * components from these schemas). The widget imports *types only*, through `@pay-link/proxy/contract`
 * (`contract.ts`), so nothing here reaches the browser bundle.
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

/** The most line items one intent carries. */
export const LINE_ITEMS_MAX = 20;

/**
 * One line of what an intent (the merchant's invoice) is for, shown on its pages: `amount` is the price of one
 * unit in minor units of the intent's currency. An intent's items add up (quantity × amount) to its amount.
 */
export const LineItem = z
  .object({
    name: z.string().min(1).max(120),
    quantity: z.number().int().min(1).max(1000),
    amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type LineItem = z.infer<typeof LineItem>;

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
  /**
   * `false` when the provider's checkout cannot send the buyer back to `returnUrl` (PayEngine takes none): the widget
   * then never shows it in the shop's own tab (a new tab on phones). Absent: the checkout returns the buyer.
   */
  returnsBuyer: z.literal(false).optional(),
});
export type LinkView = z.infer<typeof LinkView>;

/**
 * `GET /v1/intents/:intent`: what a signed intent stands for, and the link it last minted. The pay page and the
 * widget (in intent mode) read it on load, before any click.
 */
export const IntentLookup = z
  .object({
    invoice: z.object({
      amount: Money,
      reference: z.string(),
      description: z.string(),
      expiresAt: z.iso.datetime(),
      lineItems: z.array(LineItem).optional().describe('What the amount is for, when the merchant listed it.'),
    }),
    link: LinkView.nullable().describe('The link this invoice last minted, if any.'),
  })
  .describe('What a signed intent stands for, and the link it last minted: the pay page shows it on load.');
export type IntentLookup = z.infer<typeof IntentLookup>;

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
export const ProblemCode = z.enum(PROBLEM_CODES).describe('A stable machine code; the `title` may be reworded, the code never.');

/** RFC 9457 problem details, with a stable machine `code`: every error the proxy answers has this shape. */
export const ProblemBody = z
  .object({
    type: z.url().describe('https://pay-link.dev/problems/<code with dashes>'),
    title: z.string().describe('A short human summary of the code (not of this occurrence).'),
    status: z.number().int().min(400).max(599).describe('The HTTP status, repeated.'),
    code: ProblemCode,
    detail: z.string().optional().describe('What went wrong this time, written by the proxy: never a provider body or a stack.'),
    instance: z.string().optional(),
    /** Field-level reasons for a 400: `field` is a dotted path into the request body. */
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('For a 400: the fields at fault. `field` is a dotted path into the body, or a header name.'),
    /** Whether retrying the same request later may succeed. */
    retryable: z.boolean().optional().describe('Whether the same request may succeed later without any change.'),
  })
  .describe('RFC 9457 problem details with a stable `code`; every error the proxy answers has this shape.');
export type ProblemBody = z.infer<typeof ProblemBody>;


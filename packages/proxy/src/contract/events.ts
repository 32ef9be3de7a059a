/**
 * Merchant events (decision 0013): what the proxy tells the merchant's server, signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`). `payment_link.created` goes only to endpoints that
 * list it in their `events`; the others go to every endpoint that names no `events`. Re-exported by
 * `contract.ts`; `openapi.ts` generates the document's `webhooks` bodies from these schemas.
 */
import { z } from 'zod';
import { Customer, LinkStatus, Money, ProviderName } from './public.ts';

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

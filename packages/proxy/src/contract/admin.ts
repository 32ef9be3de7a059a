/**
 * The admin API (`/v1/admin`): what the merchant's servers and the `pay-link links|intent|events|webhooks`
 * commands send (zod schemas, checked by the routes and turned into the OpenAPI request bodies and parameters)
 * and what they read (the answers, whose types the routes build with `satisfies`). `openapi.ts` generates the
 * document's components, request bodies and query parameters from these schemas. Re-exported by `contract.ts`,
 * so one import names the whole HTTP contract.
 */
import { z } from 'zod';
import type { PriceSource } from '../records.ts';
import { EventType, PaymentLinkEvent } from './events.ts';
import { EVENT_ID, LINK_ID } from './ids.ts';
import { Customer, CurrencyCode, LINE_ITEMS_MAX, LineItem, LinkStatus, LinkView, ProviderName } from './public.ts';

/** The previous page's `nextCursor`, as every listing takes it. */
const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'the nextCursor of the previous page');

export const DeliveryState = z
  .enum(['pending', 'delivered', 'failed'])
  .describe(
    '`pending` (due, being retried, or waiting for an earlier event of its link or for a disabled endpoint), `delivered` (answered 2xx), `failed` (given up after the last retry).',
  );
export type DeliveryState = z.infer<typeof DeliveryState>;

/** `GET /v1/admin/links` query. */
export const ListLinksQuery = z
  .object({
    status: LinkStatus.optional().describe('Only links in this status.'),
    provider: ProviderName.optional().describe('Only links of this provider.'),
    limit: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(1).max(500).default(50).describe('At most this many links.'),
    from: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-05-01T00:00:00Z' })
      .optional()
      .describe('Only links created at or after this time.'),
    to: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-06-01T00:00:00Z' })
      .optional()
      .describe('Only links created before this time.'),
    cursor: Cursor.optional().describe("The previous page's `nextCursor`."),
  })
  .strict();

/** `POST /v1/admin/links/:id/extend` body. */
export const ExtendRequest = z
  .object({
    expiresAt: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-05-01T12:00:00Z' })
      .describe('In the future, with an offset or `Z`.'),
  })
  .strict();
export type ExtendRequest = z.infer<typeof ExtendRequest>;

/** `POST /v1/admin/links/:id/notify` body. */
export const NotifyRequest = z.object({ channel: z.enum(['email', 'sms']) }).strict();
export type NotifyRequest = z.infer<typeof NotifyRequest>;

/** One line item of `POST /v1/admin/intents`: the unit price as a decimal string in the intent's currency. */
export const IntentLineItemRequest = z
  .object({
    name: LineItem.shape.name,
    quantity: LineItem.shape.quantity,
    amount: z.string({ error: 'a decimal string such as "125.00"' }).describe('The price of one unit, in major units of `currency`.'),
  })
  .strict();

/**
 * `POST /v1/admin/intents` body: what the merchant's server (or `pay-link intent`) asks to sign. Amounts are
 * decimal strings in major units of `currency`, converted exactly; the rules beyond this shape (a positive
 * amount, a duration, line items adding up) are `buildIntent`'s in `links/intent.ts`, shared with the CLI.
 */
export const IntentRequest = z
  .object({
    amount: z
      .string({ error: 'a decimal string such as "1500.00"' })
      .meta({ description: 'A decimal string in major units, parsed exactly: "1500.00".', examples: ['1500.00'] }),
    currency: CurrencyCode,
    reference: z.string().min(1).max(40).describe('The invoice number: one live link per reference.'),
    description: z.string().min(1).max(500),
    expiresIn: z.string().default('30d').describe('How long the token is valid: 30m, 12h, 30d.'),
    customer: Customer.optional(),
    lineItems: z
      .array(IntentLineItemRequest)
      .min(1)
      .max(LINE_ITEMS_MAX)
      .optional()
      .describe('What the intent is for, shown on its pages: quantity × amount of the items adds up to `amount`.'),
  })
  .strict();
export type IntentRequest = z.infer<typeof IntentRequest>;

/** `GET /v1/admin/events` query. */
export const ListEventsQuery = z
  .object({
    link: z.string().regex(LINK_ID, 'a payment link id (pl_…)').optional().describe('Only events of this payment link.'),
    type: EventType.optional().describe('Only events of this type.'),
    state: DeliveryState.optional().describe('Only events with a delivery in this state.'),
    limit: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(1).max(200).default(50).describe('At most this many events.'),
    cursor: Cursor.optional().describe("The previous page's `nextCursor`."),
  })
  .strict();

/** `POST /v1/admin/events/:id/resend` and `POST /v1/admin/webhooks/test` body: one endpoint, or (empty) all. */
export const EndpointChoice = z
  .object({ endpoint: z.string().min(1).max(2048).optional().describe('One configured endpoint, by its id (`ep_…`) or its URL.') })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// Answers

const dateTime = z.iso.datetime();

/** How the price was named when the link was minted (`records.ts` `PriceSource`, which the compiler holds to this). */
export const PriceSourceView = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('product'), product: z.string(), quantity: z.number().int().min(1) }),
    z.object({
      kind: z.literal('intent'),
      reference: z.string().describe("The merchant's reference (invoice number)."),
      attempt: z.number().int().min(1).optional().describe('Which link of this reference: 1, then 2, … after expiries.'),
    }),
    z.object({ kind: z.literal('amount') }),
  ])
  .describe('How the price was named when the link was minted.');
// Both directions: a kind or field added to the record's type and not here (or here only) fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const priceSourceMatches: Same<z.infer<typeof PriceSourceView>, PriceSource> = true;
void priceSourceMatches;

/** A link as the merchant sees it: the public view plus what support needs. Still no customer data. */
export const AdminLinkView = LinkView.extend({
  reference: z.string().describe('The reference sent to the provider (look the link up in its dashboard by it).'),
  providerLinkId: z.string().describe("The provider's own id of the link."),
  source: PriceSourceView,
  createdAt: dateTime,
}).describe('A link as the merchant sees it: the public view plus what support needs. Still no customer data.');
export type AdminLinkView = z.infer<typeof AdminLinkView>;

/** `GET /v1/admin/links` answers this, newest first. */
export const AdminLinkPage = z.object({
  links: z.array(AdminLinkView),
  nextCursor: z.string().optional().describe('Present when more links match: pass it as `cursor`.'),
});
export type AdminLinkPage = z.infer<typeof AdminLinkPage>;

/** `POST /v1/admin/links/:id/notify` answers this. */
export const NotifyResult = z.object({ link: AdminLinkView, channel: NotifyRequest.shape.channel });
export type NotifyResult = z.infer<typeof NotifyResult>;

/** `POST /v1/admin/intents` answers this. */
export const SignedIntent = z.object({
  token: z.string().describe('The intent token: `pli1.<payload>.<signature>`.'),
  payUrl: z.url().describe('The pay page for this invoice, to send in an email.'),
  expiresAt: dateTime,
});
export type SignedIntent = z.infer<typeof SignedIntent>;

const DeliveryAttempt = z.object({
  attempt: z.number().int().min(1),
  at: dateTime,
  statusCode: z.number().int().nullable().describe("The receiver's HTTP status; `null` when it did not answer."),
  durationMs: z.number().int().min(0),
  error: z.string().nullable().describe('`HTTP 503`, `no answer within … ms`, `connection refused`, …; `null` for a 2xx.'),
});

const EventDelivery = z.object({
  endpoint: z.string().describe('The endpoint id (`ep_…`, from `GET /v1/admin/webhooks`).'),
  url: z.string().nullable().describe("The endpoint's URL as the logs show it: without credentials, and a query shown as `?…` (some receivers carry a token there); `null` for an endpoint no longer configured."),
  state: DeliveryState,
  attempts: z.number().int().min(0),
  nextAttemptAt: dateTime.nullable().describe('When the next attempt is due, while pending.'),
  deliveredAt: dateTime.nullable(),
  history: z.array(DeliveryAttempt).describe('Every attempt, oldest first.'),
});

/** An event as the admin API shows it: the body delivered, and each endpoint's deliveries with their attempts. */
export const AdminEventView = z
  .object({
    id: z.string().regex(EVENT_ID).describe('The event id: its `webhook-id` on every attempt and resend.'),
    type: EventType,
    linkId: z.string().regex(LINK_ID),
    createdAt: dateTime,
    payload: PaymentLinkEvent.describe('The exact body delivered (frozen when the event was written), parsed.'),
    deliveries: z.array(EventDelivery).describe('One per endpoint subscribed to the type when the event was written.'),
  })
  .describe("A merchant event as the admin API shows it: the body delivered, and each endpoint's delivery with its attempts.");
export type AdminEventView = z.infer<typeof AdminEventView>;

/** `GET /v1/admin/events` answers this, newest first. */
export const AdminEventPage = z.object({
  events: z.array(AdminEventView),
  nextCursor: z.string().optional().describe('Present when more events match: pass it as `cursor`.'),
});
export type AdminEventPage = z.infer<typeof AdminEventPage>;

/** A configured endpoint as `GET /v1/admin/webhooks` shows it, with what the store knows of it. Never its secret. */
export const AdminWebhookEndpoint = z
  .object({
    id: z.string().describe('Stable across restarts and instances (a digest of the URL).'),
    url: z.url().describe("The endpoint's URL as the logs show it: without credentials, and a query shown as `?…` (some receivers carry a token there)."),
    events: z.array(EventType).describe('The event types it receives.'),
    enabled: z.boolean().describe('`false` once it answered 410 Gone, until enabled again.'),
    disabledAt: dateTime.nullable(),
    disabledReason: z.string().nullable(),
    failing: z.boolean().describe('Failing for a day without a success: reported, and still tried.'),
    failingSince: dateTime.nullable(),
    lastSuccessAt: dateTime.nullable(),
  })
  .describe('A configured merchant webhook endpoint and its delivery state. Never its secret.');
export type AdminWebhookEndpoint = z.infer<typeof AdminWebhookEndpoint>;

/** `GET /v1/admin/webhooks` answers this. */
export const AdminWebhookList = z.object({ endpoints: z.array(AdminWebhookEndpoint) });
export type AdminWebhookList = z.infer<typeof AdminWebhookList>;

/** One endpoint's answer to a signed `webhook.test` event. */
export const WebhookTestResult = z
  .object({
    endpoint: z.string(),
    url: z.url().describe("The endpoint's URL as the logs show it: without credentials, and a query shown as `?…` (some receivers carry a token there)."),
    ok: z.boolean().describe('Whether it answered 2xx.'),
    statusCode: z.number().int().nullable().describe('`null` when it did not answer.'),
    durationMs: z.number().int().min(0),
    error: z.string().nullable(),
  })
  .describe("One endpoint's answer to a signed `webhook.test` event.");
export type WebhookTestResult = z.infer<typeof WebhookTestResult>;

/** `POST /v1/admin/webhooks/test` answers this. */
export const WebhookTestReport = z.object({ results: z.array(WebhookTestResult) });
export type WebhookTestReport = z.infer<typeof WebhookTestReport>;

/** `POST /v1/admin/webhooks/:id/enable` answers this. */
export const EnabledWebhook = z.object({ id: z.string(), enabled: z.literal(true) });
export type EnabledWebhook = z.infer<typeof EnabledWebhook>;

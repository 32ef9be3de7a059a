/**
 * Which merchant events a link change makes (decision 0013), and their bodies. The store writes them in the
 * transaction of the change (`EventsOf`), so there is no change without its event and no event without its
 * change; a change applied twice (a redelivered webhook, two instances) lands once, and so does its event.
 *
 * - A link inserted: `payment_link.created`, for endpoints that ask for it; and, for a link adopted from its
 *   provider already paid (or closed), the event of that status.
 * - A status change to paid, partially paid, expired, cancelled or failed: that status's event. A partial
 *   payment that raises the amount paid is another `payment_link.partially_paid`. A late payment after an
 *   expiry is a `payment_link.paid` after the `payment_link.expired`.
 */
import { timeOrderedToken } from '../random-token.ts';
import type { EventType, PaymentLinkEvent, Purchase } from '../contract.ts';
import type { DeliveryHandOff, EventsOf, LinkRecord, NewEvent } from '../store/types.ts';
import type { WebhookEndpoint } from './endpoints.ts';

const STATUS_EVENTS: Partial<Record<LinkRecord['status'], EventType>> = {
  paid: 'payment_link.paid',
  partially_paid: 'payment_link.partially_paid',
  expired: 'payment_link.expired',
  cancelled: 'payment_link.cancelled',
  failed: 'payment_link.failed',
};

/** Positions per link version: room for several events from one write (created + paid). */
const POSITIONS_PER_VERSION = 8;

/**
 * A new event's id: `evt_`, its time `at` in eight characters that sort as time, and 16 random bytes. Events,
 * their deliveries and their attempts are keyed by it, so new ones share the ends of those indexes (decision 0016).
 */
export function newEventId(at: number): string {
  return `evt_${timeOrderedToken(at, 16)}`;
}

/** The event types a change from `before` to `after` makes, in order. */
export function eventTypesOf(before: LinkRecord | undefined, after: LinkRecord): EventType[] {
  const types: EventType[] = [];
  if (!before) {
    types.push('payment_link.created');
    const status = STATUS_EVENTS[after.status];
    if (status) types.push(status);
    return types;
  }
  if (after.status !== before.status) {
    const status = STATUS_EVENTS[after.status];
    if (status) types.push(status);
  } else if (after.status === 'partially_paid' && after.amountPaid > before.amountPaid) {
    types.push('payment_link.partially_paid');
  }
  return types;
}

export function purchaseOf(record: LinkRecord): Purchase {
  const source = record.source;
  if (source.kind === 'product') return { kind: 'product', product: source.product, quantity: source.quantity };
  if (source.kind === 'intent') return { kind: 'intent', reference: source.reference, description: record.description };
  return { kind: 'amount', amount: record.amount };
}

export function eventBody(id: string, type: EventType, at: number, record: LinkRecord, testMode: boolean): PaymentLinkEvent {
  return {
    id,
    type,
    timestamp: new Date(at).toISOString(),
    data: {
      linkId: record.id,
      seq: record.seq,
      status: record.status,
      amount: record.amount,
      amountPaid: record.amountPaid,
      paidAt: record.paidAt,
      expiresAt: record.expiresAt,
      provider: record.provider,
      providerLinkId: record.providerLinkId,
      purchase: purchaseOf(record),
      description: record.description,
      testMode,
      ...(record.customer ? { customer: record.customer } : {}),
    },
  };
}

/**
 * The `EventsOf` the core hands the store with every link write. An event goes to the endpoints subscribed to
 * its type; `payment_link.created` is written only when one is (it is the only one nobody gets by default).
 */
export function merchantEvents(options: {
  endpoints: readonly WebhookEndpoint[];
  testMode: boolean;
  now: () => number;
  /** This instance's dispatcher, offered the deliveries as they are written (`DeliveryHandOff`). */
  handOff?: DeliveryHandOff;
}): EventsOf {
  const { endpoints, testMode, now, handOff } = options;
  return (before, after) => {
    const at = now();
    const events: NewEvent[] = [];
    eventTypesOf(before, after).forEach((type, index) => {
      const to = endpoints.filter((e) => e.events.includes(type)).map((e) => e.id);
      if (type === 'payment_link.created' && to.length === 0) return;
      const id = newEventId(at);
      events.push({
        id,
        linkId: after.id,
        linkPosition: after.version * POSITIONS_PER_VERSION + index,
        type,
        payload: JSON.stringify(eventBody(id, type, at, after, testMode)),
        createdAt: at,
        endpoints: to,
        ...(handOff ? { handOff } : {}),
      });
    });
    return events;
  };
}

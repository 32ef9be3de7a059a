/**
 * The Pine Labs payment-link book: every link (and the order behind it) the simulator minted, and the rules for
 * moving between states (providers.md §4.3–§4.5). No HTTP and no webhooks: callers turn the transitions into
 * answers and order events.
 *
 * Lifecycle (developer.pinelabsonline.com/docs/pay-by-link-life-cycle): CREATED → CLICKED (the buyer opened the
 * page) → PAYMENT_INITIATED (a payment was attempted) → PROCESSED, or PARTIAL_PROCESSED while a part-payment
 * link still has something due; EXPIRED once `expire_by` passes; CANCELLED through the API.
 */
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import { PinelabsError, invalidRequest } from './errors.ts';
import type { PinelabsCreateLinkRequest } from './schemas.ts';
import type { PinelabsLinkStatus, PinelabsOrder, PinelabsPayment, PinelabsPaymentLink, PinelabsWebhookEventType } from './wire.ts';

/** Client-side limits of both official integrations, in paise (n8n VALIDATION_LIMITS, MCP Amount). */
export const MIN_AMOUNT = 100;
export const MAX_AMOUNT = 100_000_000;
/** "Must be set within a maximum of 180 days from the current date" (seed). */
const MAX_EXPIRY_MS = 180 * 24 * 60 * 60_000;
/** The default when `expire_by` is omitted is UNCONFIRMED (§4.4); the maximum is assumed. */
const DEFAULT_EXPIRY_MS = MAX_EXPIRY_MS;
export const SIMULATED_MERCHANT_ID = '111077';

export const PAYABLE_STATUSES: ReadonlySet<PinelabsLinkStatus> = new Set(['CREATED', 'CLICKED', 'PAYMENT_INITIATED', 'PARTIAL_PROCESSED']);

/** A transition that Pine Labs reports as an order event. */
export interface PinelabsOrderChange {
  link: PinelabsPaymentLink;
  order: PinelabsOrder;
  event: PinelabsWebhookEventType;
}

interface StoredLink {
  link: PinelabsPaymentLink;
  order: PinelabsOrder;
  /** The path segment of the short URL (`…/PLUTUS/3rh4jtd`). */
  code: string;
}

export type PinelabsLinkBook = ReturnType<typeof createPinelabsLinkBook>;

export function createPinelabsLinkBook(clock: Clock) {
  const links = new Map<string, StoredLink>();
  const idsByCode = new Map<string, string>();
  const idsByReference = new Map<string, string>();
  const idsByOrder = new Map<string, string>();

  const iso = () => new Date(clock.now()).toISOString();

  function stored(id: string): StoredLink {
    const entry = links.get(id);
    if (!entry) throw new PinelabsError(404, 'NOT_FOUND', 'Payment link not found', { field: 'payment_link_id' });
    return entry;
  }

  function touch(entry: StoredLink): void {
    const now = iso();
    entry.link.updated_at = now;
    entry.order.updated_at = now;
  }

  function change(entry: StoredLink, event: PinelabsWebhookEventType): PinelabsOrderChange {
    return { link: structuredClone(entry.link), order: structuredClone(entry.order), event };
  }

  function recordPayment(entry: StoredLink, amount: number): PinelabsOrderChange {
    const { link, order } = entry;
    const now = iso();
    const payment: PinelabsPayment = {
      id: `${order.order_id}-0${order.payments.length + 1}`,
      merchant_payment_reference: `${link.merchant_payment_link_reference}-${order.payments.length + 1}`,
      status: 'PROCESSED',
      payment_amount: { value: amount, currency: link.amount.currency },
      payment_method: 'UPI',
      created_at: now,
      updated_at: now,
    };
    order.payments.push(payment);
    link.amount_due = { ...link.amount_due, value: link.amount_due.value - amount };
    link.status = link.amount_due.value <= 0 ? 'PROCESSED' : 'PARTIAL_PROCESSED';
    order.status = link.status === 'PROCESSED' ? 'PROCESSED' : 'PARTIALLY_PROCESSED';
    touch(entry);
    // ORDER_PROCESSED is "when the payment is successfully received" (available-events page), part payments included.
    return change(entry, 'ORDER_PROCESSED');
  }

  function markCancelled(entry: StoredLink): PinelabsOrderChange {
    entry.link.status = 'CANCELLED';
    entry.order.status = 'CANCELLED';
    touch(entry);
    return change(entry, 'ORDER_CANCELLED');
  }

  return {
    /** Mints a link, or answers the existing one for a reference already used (seed: the idempotency key). */
    create(input: PinelabsCreateLinkRequest, urlBase: string): { link: PinelabsPaymentLink; created: boolean } {
      const existing = idsByReference.get(input.merchant_payment_link_reference);
      if (existing) return { link: structuredClone(stored(existing).link), created: false };
      const nowMs = clock.now();
      if (input.amount.value < MIN_AMOUNT) throw invalidRequest('amount.value', `amount.value must be at least ${MIN_AMOUNT}`);
      if (input.amount.value > MAX_AMOUNT) {
        throw new PinelabsError(422, 'AMOUNT_LIMIT_EXCEEDED', `amount.value must be at most ${MAX_AMOUNT}`, { field: 'amount.value' });
      }
      let expireBy = nowMs + DEFAULT_EXPIRY_MS;
      if (input.expire_by !== undefined) {
        expireBy = Date.parse(input.expire_by);
        if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(input.expire_by) || !Number.isFinite(expireBy)) {
          throw invalidRequest('expire_by', 'expire_by must be an ISO 8601 UTC timestamp');
        }
        if (expireBy <= nowMs) throw invalidRequest('expire_by', 'expire_by must be in the future');
        if (expireBy > nowMs + MAX_EXPIRY_MS) {
          throw invalidRequest('expire_by', 'expire_by must be within a maximum of 180 days from the current date');
        }
      }
      const created = new Date(nowMs).toISOString();
      const stamp = created.slice(2, 19).replace(/\D/g, '');
      const orderId = `v1-${stamp}-aa-${randomAlphanumeric(6)}`;
      const code = uniqueCode(idsByCode);
      const methods = input.allowed_payment_methods ?? ['CARD', 'UPI', 'NETBANKING', 'WALLET'];
      const link: PinelabsPaymentLink = {
        payment_link: `${urlBase}/PLUTUS/${code}`,
        payment_link_id: `pl-${orderId}`,
        status: 'CREATED',
        amount: { ...input.amount },
        amount_due: { ...input.amount },
        order_id: orderId,
        merchant_payment_link_reference: input.merchant_payment_link_reference,
        description: input.description ?? null,
        expire_by: new Date(expireBy).toISOString(),
        allowed_payment_methods: methods,
        pre_auth: input.pre_auth === 'true',
        is_mcc_transaction: input.is_mcc_transaction === 'true',
        part_payment: input.part_payment ?? false,
        callback_url: input.callback_url ?? null,
        failure_callback_url: input.failure_callback_url ?? null,
        customer: input.customer ?? null,
        product_details: input.product_details ?? [],
        cart_coupon_discount_amount: input.cart_coupon_discount_amount ?? null,
        merchant_metadata: input.merchant_metadata ?? {},
        created_at: created,
        updated_at: created,
      };
      const order: PinelabsOrder = {
        order_id: orderId,
        parent_order_id: null,
        // UNCONFIRMED: the order a link creates is assumed to carry the link's reference.
        merchant_order_reference: input.merchant_payment_link_reference,
        type: 'CHARGE',
        status: 'CREATED',
        merchant_id: SIMULATED_MERCHANT_ID,
        order_amount: { ...input.amount },
        pre_auth: link.pre_auth,
        allowed_payment_methods: methods,
        callback_url: link.callback_url,
        failure_callback_url: link.failure_callback_url,
        payments: [],
        created_at: created,
        updated_at: created,
      };
      links.set(link.payment_link_id, { link, order, code });
      idsByCode.set(code, link.payment_link_id);
      idsByReference.set(link.merchant_payment_link_reference, link.payment_link_id);
      idsByOrder.set(orderId, link.payment_link_id);
      return { link: structuredClone(link), created: true };
    },

    get: (id: string): PinelabsPaymentLink => structuredClone(stored(id).link),
    getByReference(reference: string): PinelabsPaymentLink {
      const id = idsByReference.get(reference);
      if (!id) throw new PinelabsError(404, 'NOT_FOUND', 'Payment link not found', { field: 'merchant_payment_link_reference' });
      return structuredClone(stored(id).link);
    },
    getOrder(orderId: string): PinelabsOrder {
      const id = idsByOrder.get(orderId);
      if (!id) throw new PinelabsError(404, 'NOT_FOUND', 'Order not found', { field: 'order_id' });
      return structuredClone(stored(id).order);
    },
    findIdByCode: (code: string): string | undefined => idsByCode.get(code),
    codeOf: (id: string): string => stored(id).code,
    all: (): PinelabsPaymentLink[] => [...links.values()].map((entry) => structuredClone(entry.link)),

    /** The buyer opened the hosted page. */
    markClicked(id: string): PinelabsPaymentLink {
      const entry = stored(id);
      if (entry.link.status === 'CREATED') {
        entry.link.status = 'CLICKED';
        touch(entry);
      }
      return structuredClone(entry.link);
    },

    /** "Only links with status CREATED can be cancelled" (official MCP tool description, §4.3). */
    cancel(id: string): PinelabsOrderChange {
      const entry = stored(id);
      if (entry.link.status !== 'CREATED') {
        throw new PinelabsError(422, 'INVALID_REQUEST', `Payment link in ${entry.link.status} status cannot be cancelled`, { field: 'status' });
      }
      return markCancelled(entry);
    },

    /** "Only works for active (CREATED) links" (official MCP, §4.3). */
    notify(id: string): PinelabsPaymentLink {
      const entry = stored(id);
      if (entry.link.status !== 'CREATED') {
        throw new PinelabsError(422, 'INVALID_REQUEST', `Notification cannot be sent for a payment link in ${entry.link.status} status`, { field: 'status' });
      }
      return structuredClone(entry.link);
    },

    /** Pays `amount` (default: all that is due). Less than is due needs `part_payment`. */
    pay(id: string, amount?: number): PinelabsOrderChange {
      const entry = stored(id);
      const { link } = entry;
      if (!PAYABLE_STATUSES.has(link.status)) {
        throw new PinelabsError(422, 'INVALID_REQUEST', `Payment link in ${link.status} status cannot be paid`, { field: 'status' });
      }
      const due = link.amount_due.value;
      const paying = amount ?? due;
      if (!Number.isSafeInteger(paying) || paying < 1 || paying > due) throw invalidRequest('amount', `amount must be an integer between 1 and ${due}`);
      if (paying < due && !link.part_payment) throw invalidRequest('amount', 'part payments are not enabled for this payment link');
      return recordPayment(entry, paying);
    },

    /** A declined attempt: the link moves to PAYMENT_INITIATED and stays payable. */
    failAttempt(id: string): PinelabsOrderChange {
      const entry = stored(id);
      const { link, order } = entry;
      if (!PAYABLE_STATUSES.has(link.status)) {
        throw new PinelabsError(422, 'INVALID_REQUEST', `Payment link in ${link.status} status cannot be paid`, { field: 'status' });
      }
      const now = iso();
      order.payments.push({
        id: `${order.order_id}-0${order.payments.length + 1}`,
        merchant_payment_reference: `${link.merchant_payment_link_reference}-${order.payments.length + 1}`,
        status: 'FAILED',
        payment_amount: { ...link.amount_due },
        payment_method: 'CARD',
        created_at: now,
        updated_at: now,
        error_detail: { code: 'PAYMENT_DECLINED', message: 'The issuer declined the payment' },
      });
      if (link.status !== 'PARTIAL_PROCESSED') link.status = 'PAYMENT_INITIATED';
      if (order.status === 'CREATED') order.status = 'PENDING';
      touch(entry);
      return change(entry, 'PAYMENT_FAILED');
    },

    /**
     * Test control: records a payment even on a link that is no longer payable (a payment landing just after
     * expiry, providers.md §7). `partial` pays half of what is due and must leave something due.
     */
    forcePayment(id: string, partial: boolean): PinelabsOrderChange {
      const entry = stored(id);
      const due = entry.link.amount_due.value;
      if (due <= 0) throw invalidRequest('payment_link_id', 'nothing is due on this payment link');
      const amount = partial ? Math.floor(due / 2) : due;
      if (partial && amount < 1) throw invalidRequest('payment_link_id', 'too little is due for a part payment');
      return recordPayment(entry, amount);
    },

    forceCancel: (id: string): PinelabsOrderChange => markCancelled(stored(id)),

    forceExpire(id: string): PinelabsPaymentLink {
      const entry = stored(id);
      entry.link.status = 'EXPIRED';
      touch(entry);
      return structuredClone(entry.link);
    },

    forceStatus(id: string, status: 'CLICKED' | 'PAYMENT_INITIATED'): PinelabsPaymentLink {
      const entry = stored(id);
      entry.link.status = status;
      touch(entry);
      return structuredClone(entry.link);
    },

    /** Expires every payable link whose `expire_by` has passed; returns those that changed. */
    expireDue(): PinelabsPaymentLink[] {
      const now = clock.now();
      const expired: PinelabsPaymentLink[] = [];
      for (const entry of links.values()) {
        if (PAYABLE_STATUSES.has(entry.link.status) && Date.parse(entry.link.expire_by) <= now) {
          entry.link.status = 'EXPIRED';
          touch(entry);
          expired.push(structuredClone(entry.link));
        }
      }
      return expired;
    },

    reset(): void {
      links.clear();
      idsByCode.clear();
      idsByReference.clear();
      idsByOrder.clear();
    },
  };
}

/** What the checkout's "Pay partially" button pays: half of what is due, at least ₹1.00, never all of it. */
export function suggestedPartialAmount(link: PinelabsPaymentLink): number {
  const due = link.amount_due.value;
  return Math.min(due - 1, Math.max(MIN_AMOUNT, Math.ceil(due / 2)));
}

function uniqueCode(taken: ReadonlyMap<string, string>): string {
  for (;;) {
    const code = randomAlphanumeric(7).toLowerCase();
    if (!taken.has(code)) return code;
  }
}

/**
 * The Razorpay payment-link book: every link the simulator has minted and the rules for moving between states
 * (shared/providers.md §5.5). No HTTP and no webhooks here — callers turn the transitions this returns into
 * responses and events.
 */
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import { invalidField, RazorpayError } from './errors.ts';
import type { RazorpayCreateLinkRequest, RazorpayListLinksQuery, RazorpayUpdateLinkRequest } from './schemas.ts';
import type { RazorpayLinkPayment, RazorpayLinkStatus, RazorpayOrder, RazorpayPayment, RazorpayPaymentLink } from './wire.ts';

/** "timestamp must be atleast 15 minutes in future" (create-standard.md error list). */
const MIN_EXPIRY_LEAD_SECONDS = 15 * 60;
/** Default validity and upper bound: "cannot exceed more than six months from the date of creation". */
const MAX_EXPIRY_MONTHS = 6;
/** The docs' minimum is INR 1.00; applied to every currency as 100 minor units. */
export const MIN_AMOUNT = 100;
/** Three-decimal currencies must end in 0 (create-standard.md, `amount`). */
export const THREE_DECIMAL_CURRENCIES = new Set(['KWD', 'BHD', 'OMR']);

export const PAYABLE_STATUSES: ReadonlySet<RazorpayLinkStatus> = new Set(['created', 'partially_paid']);

export interface RazorpayPaymentResult {
  link: RazorpayPaymentLink;
  payment: RazorpayPayment;
  order: RazorpayOrder;
}

interface StoredLink {
  link: RazorpayPaymentLink;
  /** The path segment of `short_url`. */
  code: string;
  order: RazorpayOrder | null;
}

export type RazorpayLinkBook = ReturnType<typeof createRazorpayLinkBook>;

export function createRazorpayLinkBook(clock: Clock) {
  const links = new Map<string, StoredLink>();
  const idsByCode = new Map<string, string>();

  function stored(id: string): StoredLink {
    const entry = links.get(id);
    if (!entry) throw new RazorpayError(404, 'The id provided does not exist', 'id');
    return entry;
  }

  function assertReferenceFree(referenceId: string | undefined, exceptId?: string): void {
    if (!referenceId) return;
    for (const { link } of links.values()) {
      if (link.reference_id === referenceId && link.id !== exceptId) {
        throw invalidField('reference_id', 'payment link creation with reference ID already attempted');
      }
    }
  }

  function assertExpiryWindow(expireBy: number, createdAt: number): void {
    if (expireBy < clock.nowSeconds() + MIN_EXPIRY_LEAD_SECONDS) {
      throw invalidField('expire_by', 'timestamp must be atleast 15 minutes in future');
    }
    if (expireBy > addMonths(createdAt, MAX_EXPIRY_MONTHS)) {
      throw invalidField('expire_by', 'expire_by cannot exceed more than six months from the date of creation');
    }
  }

  function touch(link: RazorpayPaymentLink): void {
    link.updated_at = clock.nowSeconds();
  }

  function recordPayment(entry: StoredLink, amount: number): RazorpayPaymentResult {
    const { link } = entry;
    const now = clock.nowSeconds();
    const order: RazorpayOrder = entry.order ?? {
      id: `order_${randomAlphanumeric(14)}`,
      entity: 'order',
      amount: link.amount,
      amount_paid: 0,
      amount_due: link.amount,
      currency: link.currency,
      receipt: link.reference_id,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes: { ...link.notes },
      created_at: now,
      product_type: 'payment_link_v2',
      product_id: link.id,
    };
    entry.order = order;
    const paymentId = `pay_${randomAlphanumeric(14)}`;
    const listed: RazorpayLinkPayment = {
      amount,
      created_at: now,
      method: 'upi',
      payment_id: paymentId,
      plink_id: link.id,
      status: 'captured',
      updated_at: now,
    };
    link.payments = [...(link.payments ?? []), listed];
    link.amount_paid += amount;
    link.status = link.amount_paid >= link.amount ? 'paid' : 'partially_paid';
    touch(link);
    order.amount_paid = link.amount_paid;
    order.amount_due = link.amount - link.amount_paid;
    order.attempts += 1;
    order.status = link.status === 'paid' ? 'paid' : 'attempted';
    const payment: RazorpayPayment = {
      id: paymentId,
      entity: 'payment',
      amount,
      currency: link.currency,
      status: 'captured',
      order_id: order.id,
      invoice_id: null,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: true,
      description: `#${link.id.replace(/^plink_/, '')}`,
      vpa: 'success@razorpay',
      email: link.customer.email ?? '',
      contact: link.customer.contact ?? '',
      notes: {},
      error_code: null,
      error_description: null,
      created_at: now,
    };
    return { link: snapshot(link), payment, order: structuredClone(order) };
  }

  return {
    create(input: RazorpayCreateLinkRequest, shortUrlBase: string): RazorpayPaymentLink {
      const now = clock.nowSeconds();
      validateCreate(input);
      if (input.expire_by !== undefined) assertExpiryWindow(input.expire_by, now);
      assertReferenceFree(input.reference_id);
      const code = uniqueCode(idsByCode);
      const link: RazorpayPaymentLink = {
        accept_partial: input.accept_partial,
        amount: input.amount,
        amount_paid: 0,
        callback_method: input.callback_method ?? '',
        callback_url: input.callback_url ?? '',
        cancelled_at: 0,
        created_at: now,
        currency: input.currency,
        customer: { ...input.customer },
        description: input.description,
        expire_by: input.expire_by ?? addMonths(now, MAX_EXPIRY_MONTHS),
        expired_at: 0,
        first_min_partial_amount: input.first_min_partial_amount ?? 0,
        id: `plink_${randomAlphanumeric(14)}`,
        notes: input.notes ?? {},
        notify: { sms: false, email: false, ...input.notify },
        payments: null,
        reference_id: input.reference_id ?? '',
        reminder_enable: input.reminder_enable,
        reminders: {},
        short_url: `${shortUrlBase}/i/${code}`,
        status: 'created',
        updated_at: now,
        upi_link: input.upi_link,
        user_id: '',
        whatsapp_link: false,
      };
      links.set(link.id, { link, code, order: null });
      idsByCode.set(code, link.id);
      return snapshot(link);
    },

    get(id: string): RazorpayPaymentLink {
      return snapshot(stored(id).link);
    },

    findIdByCode(code: string): string | undefined {
      return idsByCode.get(code);
    },

    codeOf(id: string): string {
      return stored(id).code;
    },

    /** Newest first, like Razorpay's collection endpoints. */
    list(query: RazorpayListLinksQuery): RazorpayPaymentLink[] {
      return [...links.values()]
        .map((entry) => entry.link)
        .filter(
          (link) =>
            (query.reference_id === undefined || link.reference_id === query.reference_id) &&
            (query.payment_id === undefined || (link.payments ?? []).some((p) => p.payment_id === query.payment_id)) &&
            (query.from === undefined || link.created_at >= query.from) &&
            (query.to === undefined || link.created_at <= query.to),
        )
        .reverse()
        .slice(query.skip, query.skip + query.count)
        .map(snapshot);
    },

    all(): RazorpayPaymentLink[] {
      return [...links.values()].map((entry) => snapshot(entry.link));
    },

    update(id: string, patch: RazorpayUpdateLinkRequest): RazorpayPaymentLink {
      const { link } = stored(id);
      if (!PAYABLE_STATUSES.has(link.status)) {
        throw new RazorpayError(400, 'update can only be made in created or partially paid state');
      }
      if (patch.expire_by !== undefined) assertExpiryWindow(patch.expire_by, link.created_at);
      assertReferenceFree(patch.reference_id, link.id);
      if (patch.expire_by !== undefined) link.expire_by = patch.expire_by;
      if (patch.reference_id !== undefined) link.reference_id = patch.reference_id;
      if (patch.notes !== undefined) link.notes = patch.notes;
      if (patch.accept_partial !== undefined) link.accept_partial = patch.accept_partial;
      if (patch.reminder_enable !== undefined) link.reminder_enable = patch.reminder_enable;
      touch(link);
      return snapshot(link);
    },

    /** Cancelling is allowed only from `created` (states.md; a partially paid link is treated as not cancellable). */
    cancel(id: string): RazorpayPaymentLink {
      const { link } = stored(id);
      assertCancellable(link.status);
      return markCancelled(link);
    },

    /** Pays `amount` (default: everything still due). Partial payments need `accept_partial`. */
    pay(id: string, amount?: number): RazorpayPaymentResult {
      const entry = stored(id);
      const { link } = entry;
      if (!PAYABLE_STATUSES.has(link.status)) {
        throw new RazorpayError(400, `payment link is ${link.status} and cannot be paid`, 'id');
      }
      const due = link.amount - link.amount_paid;
      const paying = amount ?? due;
      if (!Number.isSafeInteger(paying) || paying < 1 || paying > due) {
        throw invalidField('amount', `amount must be an integer between 1 and ${due}`);
      }
      if (paying < due) {
        if (!link.accept_partial) throw invalidField('amount', 'partial payments are not enabled for this link');
        if (link.amount_paid === 0 && paying < link.first_min_partial_amount) {
          throw invalidField('amount', `the first partial payment must be at least ${link.first_min_partial_amount}`);
        }
      }
      return recordPayment(entry, paying);
    },

    /**
     * Test control: records a payment even on a link that is no longer payable, as happens when a payment lands
     * just after expiry (providers.md §7). `partial` pays `suggestedPartialAmount` and must leave something due.
     */
    forcePayment(id: string, partial: boolean): RazorpayPaymentResult {
      const entry = stored(id);
      const due = entry.link.amount - entry.link.amount_paid;
      if (due <= 0) throw new RazorpayError(400, 'nothing is due on this link', 'id');
      const amount = partial ? suggestedPartialAmount(entry.link) : due;
      if (partial && amount >= due) throw new RazorpayError(400, 'too little is due for a partial payment', 'id');
      return recordPayment(entry, amount);
    },

    forceCancel(id: string): RazorpayPaymentLink {
      return markCancelled(stored(id).link);
    },

    forceExpire(id: string): RazorpayPaymentLink {
      const { link } = stored(id);
      return markExpired(link, clock.nowSeconds());
    },

    /** Expires every payable link whose `expire_by` has passed; returns the links that changed. */
    expireDue(): RazorpayPaymentLink[] {
      const now = clock.nowSeconds();
      const expired: RazorpayPaymentLink[] = [];
      for (const { link } of links.values()) {
        if (PAYABLE_STATUSES.has(link.status) && link.expire_by <= now) expired.push(markExpired(link, link.expire_by));
      }
      return expired;
    },

    reset(): void {
      links.clear();
      idsByCode.clear();
    },
  };

  function markCancelled(link: RazorpayPaymentLink): RazorpayPaymentLink {
    link.status = 'cancelled';
    link.cancelled_at = clock.nowSeconds();
    touch(link);
    return snapshot(link);
  }

  function markExpired(link: RazorpayPaymentLink, expiredAt: number): RazorpayPaymentLink {
    link.status = 'expired';
    link.expired_at = expiredAt;
    touch(link);
    return snapshot(link);
  }
}

/**
 * What the checkout's "Pay partially" button pays: `first_min_partial_amount` or half of what is due, whichever
 * is larger, capped at what is due.
 */
export function suggestedPartialAmount(link: RazorpayPaymentLink): number {
  const due = link.amount - link.amount_paid;
  return Math.min(due, Math.max(link.first_min_partial_amount, Math.ceil(due / 2)));
}

function assertCancellable(status: RazorpayLinkStatus): void {
  switch (status) {
    case 'created':
      return;
    case 'paid':
    case 'partially_paid':
      throw new RazorpayError(400, 'cannot cancel or expire an already paid/partially paid link');
    case 'expired':
      throw new RazorpayError(400, 'cannot cancel or expire an expired link');
    case 'cancelled':
      throw new RazorpayError(400, 'cannot cancel or expire a cancelled link');
    default: {
      const unreachable: never = status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/** Create-time rules that span several fields; the shape itself is checked by the zod schema. */
function validateCreate(input: RazorpayCreateLinkRequest): void {
  if (input.amount < MIN_AMOUNT) {
    throw invalidField('amount', `The amount must be atleast ${input.currency} 1.00`);
  }
  if (THREE_DECIMAL_CURRENCIES.has(input.currency) && input.amount % 10 !== 0) {
    throw invalidField('amount', `The amount for ${input.currency} must end with 0`);
  }
  if (input.first_min_partial_amount !== undefined) {
    if (!input.accept_partial) {
      throw invalidField('first_min_partial_amount', 'first_min_partial_amount can be passed only when accept_partial is true');
    }
    if (input.first_min_partial_amount < MIN_AMOUNT) {
      throw invalidField('first_min_partial_amount', `The first min partial amount must be atleast ${input.currency} 1.00`);
    }
    if (input.first_min_partial_amount > input.amount) {
      throw invalidField('first_min_partial_amount', 'first_min_partial_amount cannot be greater than amount');
    }
  }
  if (input.upi_link) {
    // Keys minted by the simulator are test keys, and UPI links are live-mode only (create-standard.md errors).
    throw invalidField('upi_link', 'UPI Payment Links is not supported in Test Mode');
  }
  if (input.callback_url !== undefined && input.callback_method === undefined) {
    throw invalidField('callback_method', 'The callback method field is required when callback url is present.');
  }
  if (input.callback_method !== undefined && input.callback_url === undefined) {
    throw invalidField('callback_url', 'The callback url field is required when callback method is present.');
  }
}

/** A fresh short-URL code; `length` 8 here, 7 for legacy links (their samples' `rzp.io/i/2wxV8Xs`), so the two never collide. */
export function uniqueCode(taken: ReadonlyMap<string, string>, length = 8): string {
  for (;;) {
    const code = randomAlphanumeric(length);
    if (!taken.has(code)) return code;
  }
}

/** Calendar months, in UTC. */
function addMonths(epochSeconds: number, months: number): number {
  const date = new Date(epochSeconds * 1000);
  date.setUTCMonth(date.getUTCMonth() + months);
  return Math.floor(date.getTime() / 1000);
}

function snapshot(link: RazorpayPaymentLink): RazorpayPaymentLink {
  return structuredClone(link);
}

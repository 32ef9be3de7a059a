/**
 * The book of legacy payment links — invoices with `type=link` (the seed; shared/providers.md §5.4) — and the
 * rules for moving between their states. No HTTP and no webhooks here, like `links.ts`, whose limits it shares.
 *
 * - Created `issued` (there is no `draft` parameter in the seed); payable while `issued` or `partially_paid`.
 * - `receipt` must be unique ("Must be a unique number for each Payment Link", seed).
 * - Cancel only from `issued` (seed), else "Operation not allowed for Invoice in <status> status."
 *   (api/payments/invoices/cancel.md). Updates: everything the seed names while `issued`, only `notes` after
 *   (api/payments/invoices/update.md).
 * - An unknown id is a 400 "The id provided does not exist" (invoices/fetch-with-id.md "Errors"), not the
 *   current API's 404.
 * - No `expire_by` means no expiry (the entity sample has `expire_by: null`). A given one must be in the future;
 *   the legacy docs state no minimum lead or maximum (assumption: the current API's 15 min / 6 months are not
 *   applied).
 */
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import { invalidField, RazorpayError } from './errors.ts';
import type { RazorpayCreateInvoiceLinkRequest, RazorpayListInvoicesQuery, RazorpayUpdateInvoiceLinkRequest } from './invoice-schemas.ts';
import type { RazorpayInvoice, RazorpayInvoiceOrder, RazorpayInvoicePayment, RazorpayInvoiceStatus } from './invoice-wire.ts';
import { MIN_AMOUNT, THREE_DECIMAL_CURRENCIES, uniqueCode } from './links.ts';

export const PAYABLE_INVOICE_STATUSES: ReadonlySet<RazorpayInvoiceStatus> = new Set(['issued', 'partially_paid']);

/** Legacy short URLs are seven characters (`https://rzp.io/i/2wxV8Xs` in entity.md); current ones use eight. */
const LEGACY_CODE_LENGTH = 7;

export interface RazorpayInvoicePaymentResult {
  invoice: RazorpayInvoice;
  payment: RazorpayInvoicePayment;
  order: RazorpayInvoiceOrder;
}

interface StoredInvoice {
  invoice: RazorpayInvoice;
  code: string;
  order: RazorpayInvoiceOrder;
  payments: Array<{ id: string; amount: number }>;
}

export type RazorpayInvoiceBook = ReturnType<typeof createRazorpayInvoiceBook>;

export function createRazorpayInvoiceBook(clock: Clock) {
  const invoices = new Map<string, StoredInvoice>();
  const idsByCode = new Map<string, string>();

  function stored(id: string): StoredInvoice {
    const entry = invoices.get(id);
    if (!entry) throw new RazorpayError(400, 'The id provided does not exist', 'id');
    return entry;
  }

  function assertReceiptFree(receipt: string | undefined, exceptId?: string): void {
    if (receipt === undefined) return;
    for (const { invoice } of invoices.values()) {
      if (invoice.receipt === receipt && invoice.id !== exceptId) throw invalidField('receipt', 'The receipt has already been taken.');
    }
  }

  function assertFuture(expireBy: number): void {
    if (expireBy <= clock.nowSeconds()) throw invalidField('expire_by', 'The expire by must be a timestamp in the future.');
  }

  function recordPayment(entry: StoredInvoice, amount: number): RazorpayInvoicePaymentResult {
    const { invoice, order } = entry;
    const now = clock.nowSeconds();
    const paymentId = `pay_${randomAlphanumeric(14)}`;
    entry.payments.push({ id: paymentId, amount });
    invoice.amount_paid += amount;
    invoice.amount_due = invoice.amount - invoice.amount_paid;
    invoice.payment_id = paymentId;
    invoice.status = invoice.amount_due <= 0 ? 'paid' : 'partially_paid';
    if (invoice.status === 'paid') invoice.paid_at = now;
    order.amount_paid = invoice.amount_paid;
    order.amount_due = invoice.amount_due;
    order.attempts += 1;
    order.status = invoice.status === 'paid' ? 'paid' : 'attempted';
    const payment: RazorpayInvoicePayment = {
      id: paymentId,
      entity: 'payment',
      amount,
      currency: invoice.currency,
      status: 'captured',
      order_id: order.id,
      invoice_id: invoice.id,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: true,
      // As in the `invoice.paid` sample: "Invoice #inv_DEWHZlfIcdVIXL".
      description: `Invoice #${invoice.id}`,
      vpa: 'success@razorpay',
      email: invoice.customer_details.email ?? '',
      contact: invoice.customer_details.contact ?? '',
      notes: {},
      error_code: null,
      error_description: null,
      created_at: now,
    };
    return { invoice: snapshot(invoice), payment, order: structuredClone(order) };
  }

  function markCancelled(invoice: RazorpayInvoice): RazorpayInvoice {
    invoice.status = 'cancelled';
    invoice.cancelled_at = clock.nowSeconds();
    return snapshot(invoice);
  }

  function markExpired(invoice: RazorpayInvoice, expiredAt: number): RazorpayInvoice {
    invoice.status = 'expired';
    invoice.expired_at = expiredAt;
    return snapshot(invoice);
  }

  return {
    create(input: RazorpayCreateInvoiceLinkRequest, shortUrlBase: string): RazorpayInvoice {
      validateCreate(input);
      if (input.expire_by !== undefined) assertFuture(input.expire_by);
      assertReceiptFree(input.receipt);
      const now = clock.nowSeconds();
      const code = uniqueCode(idsByCode, LEGACY_CODE_LENGTH);
      const customer = input.customer ?? {};
      const id = `inv_${randomAlphanumeric(14)}`;
      const order: RazorpayInvoiceOrder = {
        id: `order_${randomAlphanumeric(14)}`,
        entity: 'order',
        amount: input.amount,
        amount_paid: 0,
        amount_due: input.amount,
        currency: input.currency,
        receipt: input.receipt ?? '',
        offer_id: null,
        status: 'created',
        attempts: 0,
        notes: { ...input.notes },
        created_at: now,
      };
      const invoice: RazorpayInvoice = {
        id,
        entity: 'invoice',
        receipt: input.receipt ?? null,
        invoice_number: input.receipt ?? null,
        customer_id: input.customer_id ?? null,
        customer_details: {
          id: input.customer_id ?? null,
          name: customer.name ?? null,
          email: customer.email ?? null,
          contact: customer.contact ?? null,
          gstin: null,
          billing_address: null,
          shipping_address: null,
          customer_name: customer.name ?? null,
          customer_email: customer.email ?? null,
          customer_contact: customer.contact ?? null,
        },
        order_id: order.id,
        line_items: [],
        payment_id: null,
        status: 'issued',
        expire_by: input.expire_by ?? null,
        issued_at: now,
        paid_at: null,
        cancelled_at: null,
        expired_at: null,
        // 1 = Razorpay notifies, which the simulator counts as sent at once; 0 = the merchant does (seed).
        sms_status: input.sms_notify ? 'sent' : 'pending',
        email_status: input.email_notify ? 'sent' : 'pending',
        date: now,
        terms: null,
        partial_payment: input.partial_payment,
        first_payment_min_amount: input.first_payment_min_amount ?? null,
        gross_amount: input.amount,
        tax_amount: 0,
        taxable_amount: input.amount,
        amount: input.amount,
        amount_paid: 0,
        amount_due: input.amount,
        currency: input.currency,
        currency_symbol: currencySymbol(input.currency),
        description: input.description,
        notes: input.notes ?? {},
        comment: null,
        short_url: `${shortUrlBase}/i/${code}`,
        view_less: input.view_less,
        billing_start: null,
        billing_end: null,
        type: 'link',
        group_taxes_discounts: false,
        created_at: now,
        idempotency_key: null,
      };
      invoices.set(id, { invoice, code, order, payments: [] });
      idsByCode.set(code, id);
      return snapshot(invoice);
    },

    get(id: string): RazorpayInvoice {
      return snapshot(stored(id).invoice);
    },

    findIdByCode(code: string): string | undefined {
      return idsByCode.get(code);
    },

    /** The amount of one payment on this invoice, for the checkout's result page. */
    paymentAmount(id: string, paymentId: string): number | undefined {
      return invoices.get(id)?.payments.find((p) => p.id === paymentId)?.amount;
    },

    /** Newest first, like Razorpay's collection endpoints. */
    list(query: RazorpayListInvoicesQuery): RazorpayInvoice[] {
      return [...invoices.values()]
        .filter(
          ({ invoice, payments }) =>
            (query.type === undefined || invoice.type === query.type) &&
            (query.receipt === undefined || invoice.receipt === query.receipt) &&
            (query.customer_id === undefined || invoice.customer_id === query.customer_id) &&
            (query.payment_id === undefined || payments.some((p) => p.id === query.payment_id)) &&
            (query.from === undefined || invoice.created_at >= query.from) &&
            (query.to === undefined || invoice.created_at <= query.to),
        )
        .reverse()
        .slice(query.skip, query.skip + query.count)
        .map(({ invoice }) => snapshot(invoice));
    },

    all(): RazorpayInvoice[] {
      return [...invoices.values()].map(({ invoice }) => snapshot(invoice));
    },

    update(id: string, patch: RazorpayUpdateInvoiceLinkRequest): RazorpayInvoice {
      const { invoice } = stored(id);
      const onlyNotes = patch.partial_payment === undefined && patch.receipt === undefined && patch.expire_by === undefined;
      if (invoice.status !== 'issued' && !onlyNotes) {
        throw new RazorpayError(400, `Operation not allowed for Invoice in ${invoice.status} status.`);
      }
      if (patch.expire_by !== undefined) assertFuture(patch.expire_by);
      assertReceiptFree(patch.receipt, invoice.id);
      if (patch.expire_by !== undefined) invoice.expire_by = patch.expire_by;
      if (patch.receipt !== undefined) {
        invoice.receipt = patch.receipt;
        invoice.invoice_number = patch.receipt;
      }
      if (patch.partial_payment !== undefined) invoice.partial_payment = patch.partial_payment;
      if (patch.notes !== undefined) invoice.notes = patch.notes;
      return snapshot(invoice);
    },

    /** "This method can only be called on a Payment Link that is in issued state." (seed) */
    cancel(id: string): RazorpayInvoice {
      const { invoice } = stored(id);
      if (invoice.status !== 'issued') {
        throw new RazorpayError(400, `Operation not allowed for Invoice in ${invoice.status} status.`);
      }
      return markCancelled(invoice);
    },

    /** Send or resend: the simulator only records that it was sent. */
    notify(id: string, medium: 'sms' | 'email'): void {
      const { invoice } = stored(id);
      if (medium === 'sms') invoice.sms_status = 'sent';
      else invoice.email_status = 'sent';
    },

    /** Pays `amount` (default: everything due). Partial payments need `partial_payment`. */
    pay(id: string, amount?: number): RazorpayInvoicePaymentResult {
      const entry = stored(id);
      const { invoice } = entry;
      if (!PAYABLE_INVOICE_STATUSES.has(invoice.status)) {
        throw new RazorpayError(400, `payment link is ${invoice.status} and cannot be paid`, 'id');
      }
      const due = invoice.amount_due;
      const paying = amount ?? due;
      if (!Number.isSafeInteger(paying) || paying < 1 || paying > due) {
        throw invalidField('amount', `amount must be an integer between 1 and ${due}`);
      }
      if (paying < due) {
        if (!invoice.partial_payment) throw invalidField('amount', 'partial payments are not enabled for this link');
        const minimum = invoice.first_payment_min_amount ?? 0;
        if (invoice.amount_paid === 0 && paying < minimum) {
          throw invalidField('amount', `the first partial payment must be at least ${minimum}`);
        }
      }
      return recordPayment(entry, paying);
    },

    /** Test control: records a payment even on a link no longer payable (a payment landing after expiry). */
    forcePayment(id: string, partial: boolean): RazorpayInvoicePaymentResult {
      const entry = stored(id);
      const due = entry.invoice.amount_due;
      if (due <= 0) throw new RazorpayError(400, 'nothing is due on this link', 'id');
      const amount = partial ? suggestedInvoicePartialAmount(entry.invoice) : due;
      if (partial && amount >= due) throw new RazorpayError(400, 'too little is due for a partial payment', 'id');
      return recordPayment(entry, amount);
    },

    forceCancel(id: string): RazorpayInvoice {
      return markCancelled(stored(id).invoice);
    },

    forceExpire(id: string): RazorpayInvoice {
      return markExpired(stored(id).invoice, clock.nowSeconds());
    },

    /** Expires every payable link whose `expire_by` has passed; returns the ones that changed. */
    expireDue(): RazorpayInvoice[] {
      const now = clock.nowSeconds();
      const expired: RazorpayInvoice[] = [];
      for (const { invoice } of invoices.values()) {
        if (PAYABLE_INVOICE_STATUSES.has(invoice.status) && invoice.expire_by !== null && invoice.expire_by <= now) {
          expired.push(markExpired(invoice, invoice.expire_by));
        }
      }
      return expired;
    },

    reset(): void {
      invoices.clear();
      idsByCode.clear();
    },
  };
}

/** What "Pay partially" pays: `first_payment_min_amount` or half of what is due, whichever is larger. */
export function suggestedInvoicePartialAmount(invoice: RazorpayInvoice): number {
  const due = invoice.amount_due;
  return Math.min(due, Math.max(invoice.first_payment_min_amount ?? 0, Math.ceil(due / 2)));
}

/** Create-time rules spanning several fields; the shape is checked by the zod schema. */
function validateCreate(input: RazorpayCreateInvoiceLinkRequest): void {
  if (input.type !== 'link') {
    // `invoice` and `ecod` are real Invoices API types, with line items; this simulator plays payment links only.
    throw invalidField('type', 'Must send type=link: only payment links are simulated');
  }
  if (input.amount < MIN_AMOUNT) throw invalidField('amount', `The amount must be atleast ${input.currency} 1.00`);
  if (THREE_DECIMAL_CURRENCIES.has(input.currency) && input.amount % 10 !== 0) {
    throw invalidField('amount', `The amount for ${input.currency} must end with 0`);
  }
  if (input.first_payment_min_amount !== undefined) {
    if (!input.partial_payment) {
      throw invalidField('first_payment_min_amount', 'first_payment_min_amount can be passed only when partial_payment is true');
    }
    if (input.first_payment_min_amount < MIN_AMOUNT || input.first_payment_min_amount > input.amount) {
      throw invalidField('first_payment_min_amount', `first_payment_min_amount must be between ${MIN_AMOUNT} and the amount`);
    }
  }
}

function currencySymbol(currency: string): string {
  try {
    const part = new Intl.NumberFormat('en-IN', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency');
    return part?.value ?? '';
  } catch {
    return '';
  }
}

function snapshot(invoice: RazorpayInvoice): RazorpayInvoice {
  return structuredClone(invoice);
}

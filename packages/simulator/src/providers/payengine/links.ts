/**
 * The PayEngine payment-link book: every link the simulator has minted and the rules for moving between states
 * (providers.md §3.5). No HTTP and no webhooks here: callers turn what this returns into responses and events.
 *
 * - ACTIVE: payable. INACTIVE: outside the `start_date`/`end_date` window ("Payment link will become INACTIVE
 *   after this date"; before the start presumably too). Both follow the simulator clock, in `sweep`.
 * - COMPLETED: a `one_time_only` link (the default) after its successful payment; a multi-use link stays ACTIVE.
 * - CANCELLED: via the cancel endpoint; only ACTIVE or INACTIVE links can be cancelled.
 * Partial payments do not exist for PayEngine links: the amount is fixed per payment method.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { randomAlphanumeric } from '../../ids.ts';
import { PayEngineError } from './errors.ts';
import { formatDollars, parseSimDate, type PayEngineCreateLinkRequest, type PayEngineListQuery, type PayEngineUpdateLinkRequest } from './schemas.ts';
import type { PayEngineLinkStatus, PayEnginePaymentLink, PayEnginePaymentMethod, PayEngineTransaction } from './wire.ts';

export const PAYABLE_STATUS: PayEngineLinkStatus = 'ACTIVE';

interface StoredLink {
  link: PayEnginePaymentLink;
  transactions: PayEngineTransaction[];
}

export interface PayEnginePaymentResult {
  link: PayEnginePaymentLink;
  transaction: PayEngineTransaction;
  /** Whether this payment moved the link to COMPLETED. */
  completed: boolean;
}

export type PayEngineLinkBook = ReturnType<typeof createPayEngineLinkBook>;

export function createPayEngineLinkBook(clock: Clock, merchantId: string) {
  const links = new Map<string, StoredLink>();
  const idsBySlug = new Map<string, string>();

  function stored(id: string): StoredLink {
    const entry = links.get(id);
    if (!entry) throw new PayEngineError(404, 'Payment link not found');
    return entry;
  }

  function assertMerchant(id: string): void {
    if (id !== merchantId) throw new PayEngineError(403, 'You do not have access to this merchant');
  }

  /** ACTIVE or INACTIVE by the window, for links not COMPLETED or CANCELLED. */
  function windowStatus(link: PayEnginePaymentLink): PayEngineLinkStatus {
    const now = clock.now();
    const start = link.start_date === null ? undefined : parseSimDate(link.start_date, 'start');
    const end = link.end_date === null ? undefined : parseSimDate(link.end_date, 'end');
    if (start !== undefined && now < start) return 'INACTIVE';
    if (end !== undefined && now >= end) return 'INACTIVE';
    return 'ACTIVE';
  }

  /** Dates may not end before they start, nor end in the past (a link that could never be paid). */
  function assertWindow(startDate: string | null, endDate: string | null, endIsNew = true): void {
    const start = startDate === null ? undefined : parseSimDate(startDate, 'start');
    const end = endDate === null ? undefined : parseSimDate(endDate, 'end');
    if (endIsNew && end !== undefined && end <= clock.now()) throw new PayEngineError(400, 'data.end_date must be in the future');
    if (start !== undefined && end !== undefined && end <= start) throw new PayEngineError(400, 'data.end_date must be after data.start_date');
  }

  function touch(link: PayEnginePaymentLink): void {
    link.updated_at = new Date(clock.now()).toISOString();
  }

  function chargeFor(link: PayEnginePaymentLink, method: PayEnginePaymentMethod): string {
    if (link.use_same_amount) return link.amount!;
    return method === 'CC_DC' ? link.cc_amount! : link.ach_amount!;
  }

  function record(entry: StoredLink, method: PayEnginePaymentMethod, status: 'PASS' | 'FAIL'): PayEngineTransaction {
    const transaction: PayEngineTransaction = {
      payment_id: randomUUID(),
      payment_link_id: entry.link.payment_link_id,
      method,
      amount: chargeFor(entry.link, method),
      status,
      created_at: new Date(clock.now()).toISOString(),
    };
    entry.transactions.push(transaction);
    return transaction;
  }

  function assertMethod(link: PayEnginePaymentLink, method: PayEnginePaymentMethod): void {
    if (!link.payment_methods.includes(method)) throw new PayEngineError(400, `payment method ${method} is not accepted by this payment link`);
  }

  return {
    create(input: PayEngineCreateLinkRequest, linkUrlBase: string): PayEnginePaymentLink {
      assertMerchant(input.merchant_id);
      const { data } = input;
      const startDate = data.start_date ?? null;
      const endDate = data.end_date ?? null;
      assertWindow(startDate, endDate);
      if (data.slug_id !== undefined && idsBySlug.has(data.slug_id.toLowerCase())) {
        // "This slug text has to be unique in PayEngine environment" (seed).
        throw new PayEngineError(400, 'data.slug_id is already in use');
      }
      const id = uniqueId(links);
      const slug = data.slug_id ?? id;
      const now = new Date(clock.now()).toISOString();
      const link: PayEnginePaymentLink = {
        payment_link_id: id,
        payment_link_url: `${linkUrlBase}/pay/${encodeURIComponent(slug)}`,
        qr_code_url: `${linkUrlBase}/pay/${encodeURIComponent(slug)}/qr`,
        payment_link_status: 'ACTIVE',
        merchant_id: input.merchant_id,
        start_date: startDate,
        end_date: endDate,
        payment_methods: [...new Set(data.payment_methods)],
        use_same_amount: data.use_same_amount,
        amount: data.use_same_amount && data.amount !== undefined ? formatDollars(data.amount) : null,
        cc_amount: !data.use_same_amount && data.cc_amount !== undefined ? formatDollars(data.cc_amount) : null,
        cc_amount_note: data.cc_amount_note ?? null,
        ach_amount: !data.use_same_amount && data.ach_amount !== undefined ? formatDollars(data.ach_amount) : null,
        ach_amount_note: data.ach_amount_note ?? null,
        save_card_consent: data.save_card_consent,
        one_time_only: data.one_time_only,
        currency_code: data.currency_code,
        sales_tax: data.sales_tax === undefined ? null : formatDollars(data.sales_tax),
        order_number: data.order_number ?? null,
        description: data.description ?? null,
        enable_captcha: data.enable_captcha,
        slug_id: slug,
        created_at: now,
        updated_at: now,
        metadata: data.metadata ?? {},
        internal_transaction_id: data.internal_transaction_id ?? null,
      };
      link.payment_link_status = windowStatus(link);
      links.set(id, { link, transactions: [] });
      idsBySlug.set(slug.toLowerCase(), id);
      return snapshot(link);
    },

    get(id: string): PayEnginePaymentLink {
      return snapshot(stored(id).link);
    },

    findIdBySlug(slug: string): string | undefined {
      return idsBySlug.get(slug.toLowerCase());
    },

    transactions(id: string): PayEngineTransaction[] {
      return structuredClone(stored(id).transactions);
    },

    /** Newest first ("sorted by creation date in descending order"), one page. */
    list(forMerchant: string, query: PayEngineListQuery): { data: PayEnginePaymentLink[]; total: number } {
      assertMerchant(forMerchant);
      const all = [...links.values()].map((entry) => entry.link).reverse();
      const from = (query.page - 1) * query.limit;
      return { data: all.slice(from, from + query.limit).map(snapshot), total: all.length };
    },

    all(): PayEnginePaymentLink[] {
      return [...links.values()].map((entry) => snapshot(entry.link));
    },

    /** PATCH: only links that can still be paid some day (ACTIVE or INACTIVE) change. */
    update(id: string, input: PayEngineUpdateLinkRequest): PayEnginePaymentLink {
      assertMerchant(input.merchant_id);
      const { link } = stored(id);
      if (link.payment_link_status === 'COMPLETED' || link.payment_link_status === 'CANCELLED') {
        throw new PayEngineError(400, `A ${link.payment_link_status.toLowerCase()} payment link cannot be updated`);
      }
      const { data } = input;
      const startDate = data.start_date ?? link.start_date;
      const endDate = data.end_date ?? link.end_date;
      assertWindow(startDate, endDate, data.end_date !== undefined);
      const sameAmount = data.use_same_amount ?? link.use_same_amount;
      const amount = data.amount !== undefined ? formatDollars(data.amount) : link.amount;
      const ccAmount = data.cc_amount !== undefined ? formatDollars(data.cc_amount) : link.cc_amount;
      const achAmount = data.ach_amount !== undefined ? formatDollars(data.ach_amount) : link.ach_amount;
      if (sameAmount && amount === null) throw new PayEngineError(400, 'data.amount is required when use_same_amount is true');
      if (!sameAmount && (ccAmount === null || achAmount === null)) {
        throw new PayEngineError(400, 'data.cc_amount and data.ach_amount are required when use_same_amount is false');
      }
      if (data.slug_id !== undefined && data.slug_id.toLowerCase() !== link.slug_id.toLowerCase()) {
        if (idsBySlug.has(data.slug_id.toLowerCase())) throw new PayEngineError(400, 'data.slug_id is already in use');
        idsBySlug.delete(link.slug_id.toLowerCase());
        idsBySlug.set(data.slug_id.toLowerCase(), id);
        const base = link.payment_link_url.slice(0, link.payment_link_url.lastIndexOf('/pay/'));
        link.slug_id = data.slug_id;
        link.payment_link_url = `${base}/pay/${encodeURIComponent(data.slug_id)}`;
        link.qr_code_url = `${link.payment_link_url}/qr`;
      }
      Object.assign(link, {
        start_date: startDate,
        end_date: endDate,
        use_same_amount: sameAmount,
        amount: sameAmount ? amount : null,
        cc_amount: sameAmount ? null : ccAmount,
        ach_amount: sameAmount ? null : achAmount,
        ...(data.payment_methods !== undefined && { payment_methods: [...new Set(data.payment_methods)] }),
        ...(data.cc_amount_note !== undefined && { cc_amount_note: data.cc_amount_note }),
        ...(data.ach_amount_note !== undefined && { ach_amount_note: data.ach_amount_note }),
        ...(data.one_time_only !== undefined && { one_time_only: data.one_time_only }),
        ...(data.currency_code !== undefined && { currency_code: data.currency_code }),
        ...(data.description !== undefined && { description: data.description }),
        ...(data.order_number !== undefined && { order_number: data.order_number }),
        ...(data.sales_tax !== undefined && { sales_tax: formatDollars(data.sales_tax) }),
        ...(data.save_card_consent !== undefined && { save_card_consent: data.save_card_consent }),
        ...(data.enable_captcha !== undefined && { enable_captcha: data.enable_captcha }),
        ...(data.internal_transaction_id !== undefined && { internal_transaction_id: data.internal_transaction_id }),
        ...(data.metadata !== undefined && { metadata: data.metadata }),
      });
      // A new window applies at once: an INACTIVE link whose end date moved out is ACTIVE again.
      link.payment_link_status = windowStatus(link);
      touch(link);
      return snapshot(link);
    },

    cancel(id: string): PayEnginePaymentLink {
      const { link } = stored(id);
      if (link.payment_link_status === 'CANCELLED') throw new PayEngineError(400, 'Payment link is already cancelled', 'success');
      if (link.payment_link_status === 'COMPLETED') throw new PayEngineError(400, 'A completed payment link cannot be cancelled', 'success');
      return markCancelled(link);
    },

    /** A successful payment by the buyer; only an ACTIVE link takes one. */
    pay(id: string, method: PayEnginePaymentMethod): PayEnginePaymentResult {
      const entry = stored(id);
      if (entry.link.payment_link_status !== PAYABLE_STATUS) {
        throw new PayEngineError(400, `Payment link is ${entry.link.payment_link_status} and cannot be paid`);
      }
      assertMethod(entry.link, method);
      return settle(entry, method);
    },

    /** A declined attempt: recorded, and the link stays as it was. */
    fail(id: string, method: PayEnginePaymentMethod): { link: PayEnginePaymentLink; transaction: PayEngineTransaction } {
      const entry = stored(id);
      if (entry.link.payment_link_status !== PAYABLE_STATUS) {
        throw new PayEngineError(400, `Payment link is ${entry.link.payment_link_status} and cannot be paid`);
      }
      assertMethod(entry.link, method);
      return { link: snapshot(entry.link), transaction: record(entry, method, 'FAIL') };
    },

    /** Test control: a payment whatever the state, as when a payment lands just after expiry (providers.md §7). */
    forcePayment(id: string): PayEnginePaymentResult {
      const entry = stored(id);
      if (entry.link.payment_link_status === 'COMPLETED') throw new PayEngineError(400, 'Payment link is already completed');
      return settle(entry, entry.link.payment_methods[0] ?? 'CC_DC', true);
    },

    forceCancel(id: string): PayEnginePaymentLink {
      return markCancelled(stored(id).link);
    },

    /** Test control: ends the window now (end_date = now), so the link is INACTIVE at once. */
    forceExpire(id: string): PayEnginePaymentLink {
      const { link } = stored(id);
      if (link.payment_link_status === 'COMPLETED' || link.payment_link_status === 'CANCELLED') {
        throw new PayEngineError(400, `Payment link is ${link.payment_link_status}`);
      }
      link.end_date = new Date(clock.now()).toISOString();
      link.payment_link_status = 'INACTIVE';
      touch(link);
      return snapshot(link);
    },

    /** Moves ACTIVE/INACTIVE links to what their window says now; returns the links that changed. */
    sweep(): PayEnginePaymentLink[] {
      const changed: PayEnginePaymentLink[] = [];
      for (const { link } of links.values()) {
        if (link.payment_link_status !== 'ACTIVE' && link.payment_link_status !== 'INACTIVE') continue;
        const next = windowStatus(link);
        if (next !== link.payment_link_status) {
          link.payment_link_status = next;
          touch(link);
          changed.push(snapshot(link));
        }
      }
      return changed;
    },

    reset(): void {
      links.clear();
      idsBySlug.clear();
    },
  };

  function settle(entry: StoredLink, method: PayEnginePaymentMethod, forced = false): PayEnginePaymentResult {
    const transaction = record(entry, method, 'PASS');
    const { link } = entry;
    const completed = link.one_time_only || forced;
    if (completed) link.payment_link_status = 'COMPLETED';
    touch(link);
    return { link: snapshot(link), transaction: structuredClone(transaction), completed };
  }

  function markCancelled(link: PayEnginePaymentLink): PayEnginePaymentLink {
    link.payment_link_status = 'CANCELLED';
    touch(link);
    return snapshot(link);
  }
}

/** Short lower-case ids, like the seed's `wlx57`. */
function uniqueId(taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    const id = randomAlphanumeric(10).toLowerCase();
    if (!taken.has(id)) return id;
  }
}

function snapshot(link: PayEnginePaymentLink): PayEnginePaymentLink {
  return structuredClone(link);
}

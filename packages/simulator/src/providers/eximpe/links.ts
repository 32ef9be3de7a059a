/**
 * The EximPe payment-link book: every link the simulator minted and the rules for moving between states. No
 * HTTP and no webhooks here; callers turn what this returns into responses and events.
 *
 * States (the UNCONFIRMED reading of §1.5, see wire.ts): ACTIVE → PAID (a captured payment), ACTIVE → INACTIVE
 * (deactivate), ACTIVE → EXPIRED (`expiry_date` passed, by the simulator clock). A failed attempt leaves the link
 * ACTIVE with `status_message` "Payment failed". No partial payments: EximPe documents none.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { EximPeError, validationError } from './errors.ts';
import type { EximPeCreateLinkRequest } from './schemas.ts';
import type { EximPeCreatedLink, EximPeLinkStatus, EximPeListedLink, EximPePaymentLink } from './wire.ts';

/** "If not provided, it defaults to 1 year" (seed). */
const DEFAULT_EXPIRY_MS = 365 * 24 * 60 * 60_000;

export interface EximPePayment {
  orderId: string;
  paymentId: string;
  status: 'captured' | 'failed';
  message: string;
  bankRefNum: string | null;
  completedAt: string | null;
}

interface StoredLink {
  link: EximPePaymentLink;
  /** Paise, to avoid re-parsing the decimal string. */
  amountPaise: number;
  returnUrl: string | undefined;
  orderId: string;
}

export type EximPeLinkBook = ReturnType<typeof createEximPeLinkBook>;

export function createEximPeLinkBook(clock: Clock) {
  const links = new Map<string, StoredLink>();

  function stored(id: string): StoredLink {
    const entry = links.get(id);
    if (!entry) throw new EximPeError(404, 'NOT_FOUND', 'Payment link not found');
    return entry;
  }

  function requireActive(entry: StoredLink, action: string): void {
    if (entry.link.status !== 'ACTIVE') {
      throw new EximPeError(400, 'INVALID_STATE', `Cannot ${action} a payment link that is ${entry.link.status.toLowerCase()}`);
    }
  }

  function payment(entry: StoredLink, status: 'captured' | 'failed'): EximPePayment {
    const now = iso(clock.now());
    return {
      orderId: entry.orderId,
      paymentId: entry.link.payment_id,
      status,
      message: status === 'captured' ? 'Payment successful' : 'Payment failed',
      bankRefNum: status === 'captured' ? `${entry.orderId}-${entry.link.payment_id}` : null,
      completedAt: status === 'captured' ? now : null,
    };
  }

  function capture(entry: StoredLink): EximPePayment {
    entry.link.status = 'PAID';
    entry.link.status_message = 'Payment captured successfully';
    entry.link.settlement = { status: 'ready_for_settlement', message: 'Ready for settlement', settlement_details: null };
    return payment(entry, 'captured');
  }

  return {
    create(input: EximPeCreateLinkRequest, payBase: string): EximPeCreatedLink {
      const now = clock.now();
      const expiry = input.expiry_date ?? now + DEFAULT_EXPIRY_MS;
      if (expiry <= now) throw validationError({ expiry_date: ['Expiry date must be in the future.'] });
      // Uniqueness of reference_id is UNCONFIRMED (§1.4); refusing a duplicate is the conservative reading.
      for (const { link } of links.values()) {
        if (link.reference_id === input.reference_id) {
          throw validationError({ reference_id: ['Payment link with this reference_id already exists.'] });
        }
      }
      const id = uniqueId('PR', links);
      const link: EximPePaymentLink = {
        payment_id: id,
        reference_id: input.reference_id,
        amount: rupees(input.amount),
        currency: 'INR',
        payment_link: `${payBase}/pay/${id}`,
        status: 'ACTIVE',
        status_message: null,
        created_at: iso(now),
        expiry_date: iso(expiry),
        buyer: {
          name: input.buyer.name ?? null,
          email: input.buyer.email ?? null,
          phone: input.buyer.phone ?? null,
          address: input.buyer.address ?? null,
          pan_number: input.buyer.pan_number ?? null,
          dob: input.buyer.dob ?? null,
        },
        product: {
          name: input.product.name,
          description: input.product.description ?? null,
          hs_code: input.product.hs_code ?? null,
          hs_code_description: input.product.hs_code_description ?? null,
          type_of_goods: input.product.type_of_goods ?? null,
        },
        invoice: { number: input.invoice.number, date: input.invoice.date ?? null, file: null },
        settlement: null,
      };
      links.set(id, { link, amountPaise: input.amount, returnUrl: input.return_url, orderId: `OD${digits(10)}` });
      return {
        link_id: id,
        payment_id: id,
        payment_link: link.payment_link,
        status: link.status,
        expiry_date: link.expiry_date,
        amount: link.amount,
        currency: link.currency,
      };
    },

    get(id: string): EximPePaymentLink {
      return structuredClone(stored(id).link);
    },

    has(id: string): boolean {
      return links.has(id);
    },

    amountPaise(id: string): number {
      return stored(id).amountPaise;
    },

    returnUrl(id: string): string | undefined {
      return stored(id).returnUrl;
    },

    /** Newest first, a page at a time (DRF page-number pagination); `undefined` for a page past the end. */
    page(page: number, pageSize: number): { count: number; results: EximPeListedLink[]; hasNext: boolean } | undefined {
      const all = [...links.values()].reverse();
      const start = (page - 1) * pageSize;
      if (page > 1 && start >= all.length) return undefined;
      return {
        count: all.length,
        hasNext: start + pageSize < all.length,
        results: all.slice(start, start + pageSize).map(({ link }) => ({
          payment_id: link.payment_id,
          payment_link: link.payment_link,
          reference_id: link.reference_id,
          status: link.status,
          amount: { amount: link.amount, total_amount: link.amount, currency: link.currency },
          buyer: { name: link.buyer.name, email: link.buyer.email, phone: link.buyer.phone },
          created_at: link.created_at,
        })),
      };
    },

    all(): EximPePaymentLink[] {
      return [...links.values()].map((entry) => structuredClone(entry.link));
    },

    deactivate(id: string): EximPePaymentLink {
      const entry = stored(id);
      requireActive(entry, 'deactivate');
      entry.link.status = 'INACTIVE';
      entry.link.status_message = 'Payment link deactivated';
      return structuredClone(entry.link);
    },

    /** "Update the expiry date of an active payment link" (extend-expiry reference). */
    extendExpiry(id: string, expiryMs: number): EximPePaymentLink {
      const entry = stored(id);
      requireActive(entry, 'extend');
      if (expiryMs <= clock.now()) throw validationError({ expiry_date: ['Expiry date must be in the future.'] });
      entry.link.expiry_date = iso(expiryMs);
      return structuredClone(entry.link);
    },

    share(id: string): void {
      requireActive(stored(id), 'share');
    },

    pay(id: string): { link: EximPePaymentLink; payment: EximPePayment } {
      const entry = stored(id);
      requireActive(entry, 'pay');
      const result = capture(entry);
      return { link: structuredClone(entry.link), payment: result };
    },

    /** A declined attempt: nothing changes but the message; the link stays payable. */
    fail(id: string): { link: EximPePaymentLink; payment: EximPePayment } {
      const entry = stored(id);
      requireActive(entry, 'pay');
      entry.link.status_message = 'Payment failed';
      return { link: structuredClone(entry.link), payment: payment(entry, 'failed') };
    },

    /** Test control: a payment captured whatever the state (one landing after expiry, §7). */
    forcePay(id: string): { link: EximPePaymentLink; payment: EximPePayment } {
      const entry = stored(id);
      if (entry.link.status === 'PAID') throw new EximPeError(400, 'INVALID_STATE', 'Payment link is already paid');
      const result = capture(entry);
      return { link: structuredClone(entry.link), payment: result };
    },

    forceStatus(id: string, status: Exclude<EximPeLinkStatus, 'PAID'>): EximPePaymentLink {
      const entry = stored(id);
      entry.link.status = status;
      entry.link.status_message = STATUS_MESSAGES[status];
      return structuredClone(entry.link);
    },

    /** Moves every ACTIVE link past its expiry to EXPIRED; returns how many changed. */
    expireDue(): number {
      const now = clock.now();
      let changed = 0;
      for (const { link } of links.values()) {
        if (link.status === 'ACTIVE' && Date.parse(link.expiry_date) <= now) {
          link.status = 'EXPIRED';
          link.status_message = STATUS_MESSAGES.EXPIRED;
          changed += 1;
        }
      }
      return changed;
    },

    reset(): void {
      links.clear();
    },
  };
}

const STATUS_MESSAGES: Record<Exclude<EximPeLinkStatus, 'PAID'>, string | null> = {
  ACTIVE: null,
  INACTIVE: 'Payment link deactivated',
  EXPIRED: 'Payment link expired',
};

export function newSequenceNumber(): string {
  return randomUUID();
}

/** Paise → `"1500.00"`. */
export function rupees(paise: number): string {
  return `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
}

/** ISO 8601 in whole seconds, UTC, as the docs write times ("2024-12-31T23:59:59Z"). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) out += String(randomInt(10));
  return out;
}

function uniqueId(prefix: string, taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    const id = `${prefix}${digits(10)}`;
    if (!taken.has(id)) return id;
  }
}

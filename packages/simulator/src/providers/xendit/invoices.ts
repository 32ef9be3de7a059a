/**
 * The Xendit invoice book: every invoice the simulator has created and the rules for moving between states
 * (shared/providers.md §2.5; the seed's lifecycle table). PENDING → PAID (→ SETTLED) or PENDING → EXPIRED, by
 * `invoice_duration` or a manual expire; an expired invoice "cannot be revived". No HTTP and no callbacks here:
 * callers turn the transitions this returns into responses and callbacks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { invoiceNotFound, XenditError } from './errors.ts';
import type { XenditCreateInvoiceRequest, XenditListInvoicesQuery } from './schemas.ts';
import type { XenditBank, XenditCurrency, XenditInvoice, XenditInvoiceStatus, XenditPaymentFields } from './wire.ts';

export const MERCHANT_NAME = 'Pay-link Simulator Store';
const MERCHANT_PICTURE = 'https://xnd-merchant-logos.s3.amazonaws.com/business/production/simulator.png';

/** How a simulated buyer pays: the seed's callback is a DANA e-wallet payment; a VA transfer is the other common way. */
export const XENDIT_PAYMENT_CHANNELS = {
  DANA: { payment_method: 'EWALLET', payment_channel: 'DANA', ewallet_type: 'DANA' },
  BCA: { payment_method: 'BANK_TRANSFER', payment_channel: 'BCA', bank_code: 'BCA' },
  CREDIT_CARD: { payment_method: 'CREDIT_CARD', payment_channel: 'CREDIT_CARD' },
} as const;
export type XenditPaymentChannel = keyof typeof XENDIT_PAYMENT_CHANNELS;

/** Channels open for a currency: Indonesian methods for IDR (the seed's lists), cards elsewhere. */
export function channelsFor(currency: XenditCurrency): XenditPaymentChannel[] {
  return currency === 'IDR' ? ['DANA', 'BCA'] : ['CREDIT_CARD'];
}

export type XenditInvoiceBook = ReturnType<typeof createXenditInvoiceBook>;

export function createXenditInvoiceBook(clock: Clock, userId: string) {
  const invoices = new Map<string, XenditInvoice>();

  function stored(id: string): XenditInvoice {
    const invoice = invoices.get(id);
    if (!invoice) throw invoiceNotFound();
    return invoice;
  }

  const iso = (ms: number) => new Date(ms).toISOString();
  const touch = (invoice: XenditInvoice) => {
    invoice.updated = iso(clock.now());
  };

  function recordPayment(invoice: XenditInvoice, channel: XenditPaymentChannel): XenditInvoice {
    const now = clock.now();
    const { payment_method, payment_channel, ...rest } = XENDIT_PAYMENT_CHANNELS[channel];
    const payment: XenditPaymentFields = {
      paid_amount: invoice.amount,
      paid_at: iso(now),
      payment_method,
      payment_channel,
      payment_id: payment_method === 'EWALLET' ? `ewc_${randomUUID()}` : randomHex(24),
      payment_method_id: `pm-${randomUUID()}`,
      ...rest,
      ...(payment_method === 'BANK_TRANSFER' && { payment_destination: String(8_808_000_000 + Math.floor(Math.random() * 1e8)) }),
    };
    Object.assign(invoice, payment, { status: 'PAID' satisfies XenditInvoiceStatus });
    touch(invoice);
    return snapshot(invoice);
  }

  function markExpired(invoice: XenditInvoice, atMs: number): XenditInvoice {
    invoice.status = 'EXPIRED';
    // Xendit moves expiry_date to the moment of a manual expire; for a natural expiry it is already that moment.
    invoice.expiry_date = iso(atMs);
    invoice.updated = iso(atMs);
    return snapshot(invoice);
  }

  return {
    create(input: XenditCreateInvoiceRequest, invoiceUrlBase: string): XenditInvoice {
      const now = clock.now();
      const id = uniqueId(invoices);
      // Xendit truncates IDR decimals (IDR 4550.50 becomes 4550, providers.md §2.4 [3P]).
      const amount = input.currency === 'IDR' ? Math.trunc(input.amount) : input.amount;
      const invoice: XenditInvoice = {
        id,
        external_id: input.external_id,
        user_id: userId,
        status: 'PENDING',
        merchant_name: MERCHANT_NAME,
        merchant_profile_picture_url: MERCHANT_PICTURE,
        amount,
        ...(input.description !== undefined && { description: input.description }),
        ...(input.payer_email !== undefined && { payer_email: input.payer_email }),
        expiry_date: iso(now + input.invoice_duration * 1000),
        invoice_url: `${invoiceUrlBase}/web/${id}`,
        ...availableMethods(input.currency, amount),
        should_exclude_credit_card: input.currency === 'IDR',
        should_send_email: input.should_send_email,
        ...(input.success_redirect_url !== undefined && { success_redirect_url: input.success_redirect_url }),
        ...(input.failure_redirect_url !== undefined && { failure_redirect_url: input.failure_redirect_url }),
        created: iso(now),
        updated: iso(now),
        currency: input.currency,
        ...(input.items !== undefined && { items: structuredClone(input.items) }),
        ...(input.customer !== undefined && { customer: structuredClone(input.customer) }),
        ...(input.metadata !== undefined && { metadata: structuredClone(input.metadata) }),
      };
      invoices.set(id, invoice);
      return snapshot(invoice);
    },

    get(id: string): XenditInvoice {
      return snapshot(stored(id));
    },

    find(id: string): XenditInvoice | undefined {
      const invoice = invoices.get(id);
      return invoice && snapshot(invoice);
    },

    /**
     * Newest first, the dashboard's order (the API's order is UNCONFIRMED). `last_invoice` pages: the invoices
     * after that one.
     */
    list(query: XenditListInvoicesQuery): XenditInvoice[] {
      const wanted = [...(query.statuses ?? []), ...(query['statuses[]'] ?? [])];
      const within = (value: string | undefined, after?: number, before?: number) => {
        if (after === undefined && before === undefined) return true;
        if (value === undefined) return false;
        const ms = Date.parse(value);
        return (after === undefined || ms >= after) && (before === undefined || ms <= before);
      };
      let newestFirst = [...invoices.values()].reverse();
      if (query.last_invoice !== undefined) {
        const index = newestFirst.findIndex((invoice) => invoice.id === query.last_invoice);
        newestFirst = index === -1 ? [] : newestFirst.slice(index + 1);
      }
      return newestFirst
        .filter(
          (invoice) =>
            (query.external_id === undefined || invoice.external_id === query.external_id) &&
            (wanted.length === 0 || wanted.includes(invoice.status)) &&
            within(invoice.created, query.created_after, query.created_before) &&
            within(invoice.paid_at, query.paid_after, query.paid_before) &&
            within(invoice.status === 'EXPIRED' ? invoice.expiry_date : undefined, query.expired_after, query.expired_before),
        )
        .slice(0, query.limit)
        .map(snapshot);
    },

    all(): XenditInvoice[] {
      return [...invoices.values()].map(snapshot);
    },

    /**
     * `POST /invoices/{id}/expire!`: only a PENDING invoice can be expired. Anything else answers "Could not find
     * and update PENDING invoice" (xendit/xendit-php#200); its HTTP status is UNCONFIRMED (§9), and 404 with
     * `INVOICE_NOT_FOUND_ERROR` is what the simulator answers (the SDK's only code for a missing invoice).
     */
    expire(id: string): XenditInvoice {
      const invoice = stored(id);
      if (invoice.status !== 'PENDING') {
        throw new XenditError(404, 'INVOICE_NOT_FOUND_ERROR', 'Could not find and update PENDING invoice');
      }
      return markExpired(invoice, clock.now());
    },

    /** A buyer paying on the hosted page: PENDING only (an expired `invoice_url` is no longer payable). */
    pay(id: string, channel: XenditPaymentChannel): XenditInvoice {
      const invoice = stored(id);
      if (invoice.status !== 'PENDING') {
        throw new XenditError(400, 'INVOICE_NOT_PAYABLE', `Invoice is ${invoice.status} and cannot be paid`);
      }
      return recordPayment(invoice, channel);
    },

    /**
     * Test control: a payment landing even on an EXPIRED invoice, as with a QRIS code paid after expiry
     * (providers.md §7). Refused only when the invoice is paid already.
     */
    forcePaid(id: string, channel: XenditPaymentChannel): XenditInvoice {
      const invoice = stored(id);
      if (invoice.status === 'PAID' || invoice.status === 'SETTLED') {
        throw new XenditError(400, 'INVOICE_ALREADY_PAID', 'Invoice is already paid');
      }
      return recordPayment(invoice, channel);
    },

    /** Test control: funds settled to the balance; PAID only ("not all invoices reach settled status"). */
    settle(id: string): XenditInvoice {
      const invoice = stored(id);
      if (invoice.status !== 'PAID') throw new XenditError(400, 'INVOICE_NOT_PAID', 'Only a PAID invoice can settle');
      invoice.status = 'SETTLED';
      touch(invoice);
      return snapshot(invoice);
    },

    /** Expires every PENDING invoice whose `expiry_date` has passed; returns the invoices that changed. */
    expireDue(): XenditInvoice[] {
      const now = clock.now();
      const expired: XenditInvoice[] = [];
      for (const invoice of invoices.values()) {
        const due = Date.parse(invoice.expiry_date);
        if (invoice.status === 'PENDING' && due <= now) expired.push(markExpired(invoice, due));
      }
      return expired;
    },

    reset(): void {
      invoices.clear();
    },
  };
}

/** The seed's payment-method lists for IDR, with the invoice's amount; empty arrays elsewhere (the SDK needs them). */
function availableMethods(currency: XenditCurrency, amount: number) {
  if (currency !== 'IDR') {
    return {
      available_banks: [],
      available_retail_outlets: [],
      available_ewallets: [],
      available_qr_codes: [],
      available_direct_debits: [],
      available_paylaters: [],
    };
  }
  const bank = (bank_code: string): XenditBank => ({
    bank_code,
    collection_type: 'POOL',
    transfer_amount: amount,
    bank_branch: 'Virtual Account',
    account_holder_name: MERCHANT_NAME.toUpperCase(),
    identity_amount: 0,
  });
  return {
    available_banks: ['BNI', 'MANDIRI', 'PERMATA', 'BRI', 'BCA'].map(bank),
    available_retail_outlets: [{ retail_outlet_name: 'ALFAMART' }, { retail_outlet_name: 'INDOMARET' }],
    available_ewallets: ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA', 'ASTRAPAY', 'NEXCASH', 'JENIUSPAY'].map((ewallet_type) => ({ ewallet_type })),
    available_qr_codes: [{ qr_code_type: 'QRIS' }],
    available_direct_debits: [{ direct_debit_type: 'DD_BRI' }, { direct_debit_type: 'DD_MANDIRI' }],
    available_paylaters: [],
  };
}

/** Invoice ids are 24 lowercase hex digits, like MongoDB ObjectIds (the seed's `6748105a77f16ebe0cc583a7`). */
export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

function uniqueId(taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    const id = randomHex(24);
    if (!taken.has(id)) return id;
  }
}

function snapshot(invoice: XenditInvoice): XenditInvoice {
  return structuredClone(invoice);
}

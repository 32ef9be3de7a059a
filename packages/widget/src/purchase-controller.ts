/**
 * The purchase an element makes, apart from how it looks: what identifies it (a fingerprint of what is bought),
 * where its link comes from on load (the return URL, this tab's session), what a mint asks for, and one
 * `AbortController` per purchase.
 *
 * A purchase's asynchronous steps (the mint, a silent re-mint after a proxy restart, the intent read) run under
 * the signal of the purchase they started for. When the purchase changes (an attribute changes what is bought, a
 * new click starts over), the old controller is aborted: its requests in flight are cancelled and their late
 * answers land nowhere, as Lit's own `Task` aborts its previous run. The element keeps what it renders (status,
 * view, error) and moves between those states; this module keeps the purchase.
 */
import type { LinkView, MintRequest, Money, ProviderName } from './proxy-client.ts';
import { clearRecord, fingerprint, loadRecord, mintPurchase, saveRecord } from './purchase-record.ts';

/** Query parameters on the return URL: the proxy appends the link id; we add which purchase it belongs to. */
const LINK_PARAM = 'pay_link_id';
const FOR_PARAM = 'pay_link_for';

/** Changing any of these makes it a different purchase. */
export const PURCHASE_PROPS = ['proxy', 'product', 'intent', 'amount', 'currency', 'quantity'] as const;

/** What the controller reads from its element: the attributes that say what is bought and for whom. */
export interface PurchaseHost {
  proxy: string;
  product?: string;
  intent?: string;
  amount?: number;
  currency?: string;
  quantity?: number;
  provider?: ProviderName;
  customerName?: string;
  customerEmail?: string;
  customerContact?: string;
  returnUrl?: string;
}

/** Where a resumed purchase starts: its link, whether the buyer just came back from its checkout, a paid amount kept for the visit. */
export interface Resumed {
  id?: string;
  returned?: boolean;
  paid?: Money;
}

export class PurchaseController {
  #run = new AbortController();

  readonly #host: PurchaseHost;

  constructor(host: PurchaseHost) {
    this.#host = host;
  }

  /** The current purchase's signal: aborted once it is over or replaced. */
  get signal(): AbortSignal {
    return this.#run.signal;
  }

  /** Starts a new run of the purchase (a reset, a click): aborts the one before, whose late answers go nowhere. */
  restart(): AbortSignal {
    this.#run.abort();
    return (this.#run = new AbortController()).signal;
  }

  /**
   * The purchase's fingerprint: its record's key in the session, and carried in the return URL. No quantity is a
   * quantity of 1 (what the proxy mints), so a page whose picker set `quantity="1"` finds it again after a reload.
   */
  get #print(): string {
    return fingerprint(PURCHASE_PROPS.map((name) => this.#host[name] ?? (name == 'quantity' ? 1 : null)));
  }

  /** The link this purchase already has: from the return URL (the buyer is back from the checkout), else this tab's session. */
  resume(): Resumed {
    const print = this.#print;
    const params = new URLSearchParams(location.search);
    const id = params.get(LINK_PARAM);
    const owner = params.get(FOR_PARAM);
    const record = loadRecord(print);
    if (record?.paid) return { id: record.linkId, paid: record.paid };
    if (id && (!owner || owner === print)) {
      if (record) saveRecord(print, { ...record, linkId: id });
      return { id, returned: true };
    }
    return { id: record?.linkId };
  }

  /**
   * Mints (or replays) this purchase's link under its key; `renew` false for a recovery, which must find the old
   * purchase and never start another (`purchase-record.ts`). Rejects with an AbortError once the purchase changed.
   */
  mint(renew?: boolean): Promise<LinkView> {
    return mintPurchase(this.#host.proxy, this.#request(), this.#print, renew, this.signal);
  }

  /** Is `id` the link this tab minted for the purchase (its record holds the key it was minted under)? */
  minted(id: string | undefined): boolean {
    return loadRecord(this.#print)?.linkId === id;
  }

  /**
   * The purchase ended or was refused: its record goes, so the next click is a new purchase with a new key. A paid
   * one leaves what shows it paid for the rest of the visit (its link id and amount: nothing personal), and no key.
   */
  end(paid?: LinkView): void {
    if (paid) saveRecord(this.#print, { linkId: paid.id, paid: paid.amount });
    else clearRecord(this.#print);
  }

  /** The buyer closed the checkout before it showed: forget the link, keep the key (a second click replays it). */
  drop(): void {
    saveRecord(this.#print, { idempotencyKey: loadRecord(this.#print)!.idempotencyKey });
  }

  #request(): MintRequest {
    const host = this.#host;
    const price: MintRequest = host.intent
      ? { intent: host.intent }
      : host.product
        ? { product: host.product, quantity: host.quantity }
        : { amount: host.amount, currency: host.currency };
    const customer = { name: host.customerName, email: host.customerEmail, contact: host.customerContact };
    const returnUrl = new URL(host.returnUrl || location.href, location.href);
    returnUrl.searchParams.delete(LINK_PARAM);
    returnUrl.searchParams.set(FOR_PARAM, this.#print);
    return {
      ...price,
      provider: host.provider,
      customer: customer.name || customer.email || customer.contact ? customer : undefined,
      returnUrl: returnUrl.href,
    };
  }
}

import { LitElement, html, isServer, nothing, type PropertyValues } from 'lit';
import { inAppBrowser, navigation, openCheckout, resolvePresentation, watchWindow, type Presentation } from './checkout-window.ts';
import {
  PayLinkBeforeOpenEvent,
  PayLinkBlockedEvent,
  PayLinkCancelledEvent,
  PayLinkCreatedEvent,
  PayLinkErrorEvent,
  PayLinkExpiredEvent,
  PayLinkOpenedEvent,
  PayLinkPaidEvent,
  PayLinkStatusEvent,
  type ButtonStatus,
  type PayLinkEvent,
  type PayLinkEventDetail,
} from './events.ts';
import { formatMoney, loadProblemMessages, resolveLang, translate, type Translation } from './localize.ts';
import { styles } from './pay-link-button.styles.ts';
import { isTerminal, ProxyError, readIntent, type ErrorCode, type LinkView, type Money, type ProviderName } from './proxy-client.ts';
import { loadChunk, SCRIPT_URL } from './chunks.ts';
import { PURCHASE_PROPS, PurchaseController } from './purchase-controller.ts';
import { StatusWatcher } from './status-watcher.ts';

export type { ButtonStatus, Presentation };
export type Theme = 'auto' | 'light' | 'dark';

/** The proxy the bundle was loaded from: its origin (the bundle's URL: `chunks.ts`). */
const DEFAULT_PROXY = (() => {
  try {
    return new URL(SCRIPT_URL).origin;
  } catch {
    return ''; // no DOM and no URL (server rendering)
  }
})();

/**
 * A button that buys one thing through a hosted payment link, and shows that payment's status live.
 *
 * @example
 * <script type="module" src="https://pay.example.com/pay-link-button.js"></script>
 * <pay-link-button product="consulting-q4"></pay-link-button>
 *
 * @tag pay-link-button
 * @summary Buy one thing through a hosted payment link and show its status live.
 *
 * @slot - The button label. Default: "Pay" and the amount once known.
 * @slot paid - Shown once paid. Default: "Paid ✓" and the amount.
 *
 * @fires {PayLinkBeforeOpenEvent} pay-link-before-open - Cancelable; in the click, before anything opens or is minted.
 * @fires {PayLinkCreatedEvent} pay-link-created - The link was minted (or replayed).
 * @fires {PayLinkOpenedEvent} pay-link-opened - The checkout was shown (window or redirect).
 * @fires {PayLinkBlockedEvent} pay-link-blocked - The popup was blocked or closed early; falling back to a same-tab redirect.
 * @fires {PayLinkStatusEvent} pay-link-status - Any status change.
 * @fires {PayLinkPaidEvent} pay-link-paid - Paid; once per link.
 * @fires {PayLinkExpiredEvent} pay-link-expired - The link expired.
 * @fires {PayLinkCancelledEvent} pay-link-cancelled - The link was cancelled.
 * @fires {PayLinkErrorEvent} pay-link-error - Minting or watching failed: `detail.error.code`, `detail.error.recoverable`.
 *
 * @csspart button - The main button.
 * @csspart label - Its label.
 * @csspart spinner - Shown while busy.
 * @csspart secondary - The "Check again" button.
 * @csspart status - The live status line (`role="status"`).
 * @csspart error - The error text inside it.
 * @csspart qr - The "Pay on your phone" action (desktop, while a link is pending; from the on-demand `extras.js`).
 * @csspart amount - The open-amount field's wrapper (on-demand `amount-input.js`).
 * @csspart amount-label - Its label.
 * @csspart amount-input - The amount `<input>`.
 * @csspart amount-hint - The allowed range.
 * @csspart amount-error - The message for an amount out of range (announced).
 *
 * @attr {boolean} hide-price - Keeps a product button's label as written, without the catalog's price.
 * @attr {boolean} amount-input - Shows the amount field even when `amount` is set (as its starting value).
 *
 * @cssprop [--pay-link-bg=#1d4ed8] - Button background (dark theme: #93c5fd).
 * @cssprop [--pay-link-fg=#ffffff] - Button text (dark theme: #0f172a).
 * @cssprop [--pay-link-text=#1f2937] - Status text (dark theme: #e5e7eb).
 * @cssprop [--pay-link-success=#166534] - Paid text (dark theme: #86efac).
 * @cssprop [--pay-link-error=#b91c1c] - Error text (dark theme: #fca5a5).
 * @cssprop [--pay-link-focus-ring=var(--pay-link-bg)] - Focus outline colour.
 * @cssprop [--pay-link-font=inherit] - Font shorthand.
 * @cssprop [--pay-link-radius=0.5rem] - Button corners.
 * @cssprop [--pay-link-padding=0.625rem 1.25rem] - Button padding.
 *
 * @cssstate idle - Nothing bought yet (also while a resumed link is read).
 * @cssstate minting - The link is being minted.
 * @cssstate pending - Waiting for the buyer to pay.
 * @cssstate partially_paid - Part of the amount is paid.
 * @cssstate paid - Paid in full.
 * @cssstate expired - The link expired unpaid.
 * @cssstate cancelled - The link was cancelled.
 * @cssstate failed - The payment failed.
 * @cssstate error - Minting or reading failed; `errorCode` says why.
 */
export class PayLinkButton extends LitElement {
  /** Version of this build; `define.ts` compares it when a second copy of the script registers. */
  static readonly version: string = '0.1.0';

  static override styles = styles;
  static override shadowRootOptions: ShadowRootInit = { mode: 'open', delegatesFocus: true };
  static override properties = {
    proxy: {},
    product: {},
    intent: {},
    amount: { type: Number },
    currency: {},
    quantity: { type: Number },
    provider: {},
    presentation: {},
    label: {},
    lang: { reflect: true },
    theme: { reflect: true },
    customerName: { attribute: 'customer-name' },
    customerEmail: { attribute: 'customer-email' },
    customerContact: { attribute: 'customer-contact' },
    returnUrl: { attribute: 'return-url' },
    current: { state: true },
    view: { state: true },
    problem: { state: true },
    notice: { state: true },
    windowOpen: { state: true },
    invoice: { state: true },
    checked: { state: true },
  };

  /** Base URL of the pay-link proxy. Default: the origin the script was loaded from. */
  declare proxy: string;
  /** Catalog product id to buy (the proxy decides its price). Default: none. */
  declare product: string | undefined;
  /** A merchant-signed intent token (invoices), read on load to show where the invoice stands. Default: none. */
  declare intent: string | undefined;
  /** Open amount in minor units, with `currency`; the proxy must allow it. Default: none. */
  declare amount: number | undefined;
  /** ISO 4217 code for `amount`. Default: none. */
  declare currency: string | undefined;
  /** How many of `product`. Default: none (the proxy's default, 1). */
  declare quantity: number | undefined;
  /** Payment provider, when the proxy has several. Default: the proxy's choice. */
  declare provider: ProviderName | undefined;
  /**
   * How the checkout is shown. Default: `auto` (popup on desktop, redirect on small touch screens). In-app browsers
   * (Instagram, Facebook, LINE, WeChat, TikTok) always redirect; where a redirect would strand the buyer (a provider
   * whose checkout cannot send them back, PayEngine), a new tab instead.
   */
  declare presentation: Presentation;
  /** Button text instead of "Pay ₹1,500"; the amount is still announced. Default: none. */
  declare label: string | undefined;
  /** Language of the element's text. Default: the nearest `lang`, else the browser's. */
  declare lang: string;
  /** Colour scheme. Default: `auto` (follows `prefers-color-scheme`). */
  declare theme: Theme;
  /** Buyer's name, passed to the provider. Default: none. */
  declare customerName: string | undefined;
  /** Buyer's email. Default: none. */
  declare customerEmail: string | undefined;
  /** Buyer's phone number. Default: none. */
  declare customerContact: string | undefined;
  /** Where the provider sends the buyer back. Default: this page. */
  declare returnUrl: string | undefined;

  protected declare current: ButtonStatus;
  protected declare view: LinkView | null;
  protected declare problem: ProxyError | null;
  protected declare notice: string | null;
  protected declare windowOpen: boolean;
  /** Intent mode: the invoice's amount once read; `undefined` while it is being read. */
  protected declare invoice: Money | null | undefined;
  /** "Check again": `false` while its read is in flight, `true` once it is over (until the status changes). */
  protected declare checked: boolean | undefined;

  /** What a Retry does after an error: read the link again (true), or mint again with the same key. */
  #retryRead = false;
  /** What is bought, its memory in the session, its mint; one AbortController per purchase (late answers go nowhere). */
  #purchase = new PurchaseController(this);
  /** Back from the checkout (a redirect): 1 until its status line has focus, then 2 until the first answer. */
  #returned: 1 | 2 | undefined;
  /** The link last re-minted for, then the link that gave: if that one is gone too, the error shows (no loop). */
  #recovered: string | undefined;
  /** The checkout window on show, and what stops watching it for `closed`. */
  #checkout: Window | undefined;
  #unwatch: (() => void) | undefined;
  /** The last window this element opened, shown or not: closed before it opens another (one checkout at a time). */
  #window: Window | null | undefined;
  #fired = new Set<string>();
  #watcher = new StatusWatcher(
    this,
    (view) => this.#onView(view),
    (error) => this.#onWatchError(error),
  );
  #internals: ElementInternals | undefined;

  constructor() {
    super();
    this.proxy = DEFAULT_PROXY;
    this.presentation = 'auto';
    this.theme = 'auto';
    this.#reset();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // no ElementInternals: the `status` attribute still carries the state
    }
    // The on-demand features (prices, amount field, pay on your phone): extras.ts, a chunk beside this bundle
    loadChunk('extras.js').then((m) => (m as typeof import('./extras.ts')).extend(this), () => {});
  }

  /** Where the purchase stands. Reflected as the `status` attribute and the custom state `:state(<status>)`. */
  get status(): ButtonStatus {
    return this.current;
  }

  /** The payment link as the proxy last described it, once there is one. */
  get link(): LinkView | null {
    return this.view;
  }

  /** The error's machine code while `status` is `error` (also `detail.error.code` of `pay-link-error`). */
  get errorCode(): ErrorCode | null {
    return this.problem?.code ?? null;
  }

  /**
   * Reads the link's status now: the "Check again" action, busy while the read is in flight and then saying
   * "Checked just now". Resolves once the read is over.
   */
  async checkAgain(): Promise<void> {
    if (this.current === 'error') {
      this.problem = null;
      this.current = this.view?.status ?? 'idle';
    }
    this.checked = false;
    await this.#watcher.refresh();
    if (this.checked === false) this.checked = true; // else the status changed meanwhile, which says enough
  }

  protected override willUpdate(changed: PropertyValues): void {
    // The first update always has `proxy` among the changes (the constructor sets it), so this also runs on load.
    if (!isServer && PURCHASE_PROPS.some((name) => changed.has(name))) {
      this.#reset();
      this.#resume();
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('current')) {
      this.setAttribute('status', this.current);
      try {
        const { states } = this.#internals!;
        states.clear();
        states.add(this.current);
      } catch {
        // no ElementInternals, custom states unsupported, or only with the old `--name` syntax
      }
    }
  }

  protected override render() {
    const t = this.#t();
    const status = this.current;
    const price = this.#price();
    const amount = price && this.#money(price.value, price.currency);
    const busy = this.#busy && 'true';
    const waiting = !isTerminal(status);
    const slotted = this.#hasLabelContent();
    const action = waiting ? t.reopen : status === 'expired' ? t.newLink : status === 'error' ? t.retry : null;
    // Only the default label shows the amount; every other one still gets it into the accessible name.
    const label = html`${action ?? html`<slot @slotchange=${() => this.requestUpdate()}></slot>${slotted ? nothing : this.label || t.pay(amount)}`}${
      (action || slotted || this.label) && amount ? html`<span class=sr-only>, ${amount}</span>` : nothing
    }`;
    // Templates are written without indentation: whitespace inside `html` reaches the bundle as it is.
    // No main button once paid, nor after an error that retrying cannot help (an unknown product, an expired intent).
    return html`<div class=actions>${
      status === 'paid' || this.problem?.recoverable === false
        ? nothing
        : html`<button part=button type=button aria-disabled=${busy || nothing} aria-busy=${busy || nothing} @click=${this.#onClick}>${
            busy ? html`<span part=spinner aria-hidden=true></span>` : nothing
          }<span part=label>${label}</span></button>`
    }${waiting ? html`<button part=secondary type=button aria-busy=${this.checked === false || nothing} @click=${this.checkAgain}>${t.checkAgain}</button>` : nothing}</div><div part=status role=status aria-live=polite tabindex=-1>${this.#message(t, amount ?? '')}</div>`;
  }

  #message(t: Translation, amount: string) {
    const view = this.view;
    switch (this.current) {
      case 'minting':
        return t.preparing;
      case 'pending':
      case 'partially_paid': {
        // Offline, nothing else is true for long: say that, and that it will update (it reads at once when back)
        if (!navigator.onLine) return t.offline;
        const { value, currency } = view!.amount;
        const text =
          this.current === 'pending'
            ? this.notice ?? (this.windowOpen ? t.waiting : t.waitingReturn)
            : t.partiallyPaid(this.#money(view!.amountPaid, currency), this.#money(value - view!.amountPaid, currency)) + (this.windowOpen ? ` ${t.waiting}` : '');
        return this.checked ? `${text} ${t.checked}` : text;
      }
      case 'paid':
        return html`<slot name=paid>${t.paid(amount)}</slot>`;
      case 'expired':
      case 'cancelled':
      case 'failed':
        return t[this.current];
      case 'error': {
        // The buyer's words for the code, never the proxy's detail (see #fail)
        const code = this.problem!.code;
        return html`<span part=error>${code === 'network_error' ? t.networkError : t.problems?.[code] ?? t.error}</span>`;
      }
      default:
        return this.#busy ? t.checking : this.notice ?? nothing;
    }
  }

  /** Minting, or reading a resumed link for the first time. */
  get #busy(): boolean {
    return this.current === 'minting' || (this.current === 'idle' && !this.view && (!!this.#watcher.linkId || this.invoice === undefined));
  }

  #onClick(): void {
    const status = this.current;
    // single flight: one purchase at a time per element (and none once paid, before the button goes)
    if (this.#busy || status === 'paid') return;
    if (!isTerminal(status)) this.#reopen();
    else if (status === 'error' && this.#retryRead) this.checkAgain();
    else void this.#buy(status !== 'idle' && status !== 'error'); // expired, cancelled, failed: a new link
  }

  /**
   * Click → (window opened now) → mint → show the checkout → watch. Everything before the first `await` runs
   * inside the click, which is what lets the popup through.
   */
  async #buy(fresh: boolean): Promise<void> {
    if (!this.#emit(PayLinkBeforeOpenEvent)) return;
    const purchase = this.#purchase;
    if (fresh) {
      purchase.end(); // the last link ended: this is a new purchase with a new key
      this.#reset();
    }
    const signal = purchase.restart();
    const t = this.#t();
    this.problem = null;
    this.notice = null;
    this.current = 'minting';
    const checkout = this.#prepareCheckout(t);

    let view: LinkView;
    try {
      view = await purchase.mint();
    } catch (err) {
      checkout?.close();
      if (signal.aborted) return;
      this.#fail(err instanceof ProxyError ? err : new ProxyError('bad_response', true));
      return this.#focusMain();
    }
    // A newer purchase took over, or the page removed the element meanwhile: show nothing for this one.
    if (signal.aborted || !this.isConnected) return checkout?.close();
    // The buyer closed "Preparing…" before the checkout arrived: never mind. Back to idle, and this tab stays. The
    // key stays (a second click replays this very link); the link id goes, so a reload does not show it waiting.
    if (checkout?.closed) {
      purchase.drop();
      this.#reset();
      this.notice = t.closed;
      return;
    }
    this.view = view;
    this.#emit(PayLinkCreatedEvent);
    this.#watcher.watch(this.proxy, view.id, view);
    if (isTerminal(view.status)) return checkout?.close(); // a replay of a link that has already ended
    this.#present(checkout, view.url);
  }

  /** The "Reopen checkout" action: focus the open window, or open it again (this is a click, so popups pass). */
  #reopen(): void {
    if (this.#checkout?.closed === false) return this.#checkout.focus();
    this.#present(this.#prepareCheckout(this.#t()), this.view!.url);
  }

  /**
   * Opens the blank checkout window, closing the one opened before (say, a cancelled checkout still on show): the
   * window, null if blocked, undefined for a redirect. Must run inside the click, before any await.
   */
  #prepareCheckout(t: Translation): Window | null | undefined {
    this.#window?.close();
    return (this.#window = openCheckout(resolvePresentation(this.presentation), t.preparing, resolveLang(this)));
  }

  /** Sends the prepared window to the checkout; without one (blocked, redirect) this tab goes. */
  #present(win: Window | null | undefined, url: string): void {
    // A provider whose checkout cannot send the buyer back (PayEngine, `returnsBuyer: false`) never takes this tab
    // where a redirect was chosen (a phone, `presentation="redirect"`): a new tab, which the click's user activation
    // still allows unless the mint took longer than the browser keeps it (then, as when blocked, this tab goes).
    // Not in an in-app browser, whose window.open gives nothing.
    if (win === undefined && this.view!.returnsBuyer === false && !inAppBrowser()) win = this.#window = open(url);
    else if (win?.closed === false) win.location.replace(url);
    if (win?.closed === false) {
      win.focus();
      this.#dropCheckout(); // an earlier window we watched
      this.#checkout = win;
      this.windowOpen = true;
      // Closed: re-check at once.
      this.#unwatch = watchWindow(win, () => {
        this.#dropCheckout();
        this.#watcher.refresh();
        void this.#focusMain();
      });
    } else {
      if (win !== undefined) {
        this.notice = this.#t().blocked;
        this.#emit(PayLinkBlockedEvent, { code: 'popup_blocked', recoverable: true });
      }
      navigation.assign(url); // the page unloads after this task, so the event below still reaches listeners
    }
    this.#emit(PayLinkOpenedEvent);
  }

  /** Stops watching the checkout window (it closed, the link ended, the purchase changed); leaves it open if it is. */
  #dropCheckout(): void {
    this.#unwatch?.();
    this.#checkout = undefined;
    this.windowOpen = false;
  }

  #onView(view: LinkView): void {
    this.view = view;
    this.problem = null;
    const status = view.status;
    if (status === this.current) return;
    const hadFocus = this.matches(':focus-within');
    this.current = status;
    this.checked = undefined;
    this.#emit(PayLinkStatusEvent);
    if (!isTerminal(status)) return void this.#comeBack();
    const paid = status === 'paid' ? view : undefined;
    this.#purchase.end(paid); // the purchase is over: the next click is a new one
    // Paid: the checkout window this element opened has done its work, whatever the provider's page says
    if (paid) this.#checkout?.close();
    this.#dropCheckout();
    const Ended = ({ paid: PayLinkPaidEvent, expired: PayLinkExpiredEvent, cancelled: PayLinkCancelledEvent } as Record<string, typeof PayLinkPaidEvent>)[status];
    const once = `${view.id} ${status}`;
    if (Ended && !this.#fired.has(once)) {
      this.#fired.add(once);
      this.#emit(Ended);
    }
    if (hadFocus) void this.#focusMain();
    this.#comeBack();
  }

  /**
   * Back from a redirect to the checkout: the page loads at its top, maybe far from this button. Focus goes to its
   * status line at once (which reads "Checking the payment status…"), so the live region then announces the result
   * once; at the first answer, the button scrolls into view (the page has laid out by then).
   */
  async #comeBack(): Promise<void> {
    const step = this.#returned;
    if (!step) return;
    this.#returned = step < 2 ? 2 : undefined;
    await this.updateComplete;
    if (step > 1) this.scrollIntoView({ block: 'center' });
    else this.renderRoot.querySelector<HTMLElement>('[part=status]')!.focus({ preventScroll: true });
  }

  #onWatchError(error: ProxyError): void {
    // While waiting, a failed read is a hiccup: polling backs off and tries again. Say so only before the
    // first answer, or when the link itself is gone.
    if (error.recoverable && this.view) return;
    const id = this.#watcher.linkId;
    // Gone, but minted here (the record holds its key): ask for the same purchase again, once
    if (error.code === 'not_found' && id !== this.#recovered && this.#purchase.minted(id)) {
      return void this.#recover(id!);
    }
    this.#fail(error, error.recoverable);
    if (!error.recoverable) {
      this.#purchase.end();
      this.#watcher.unwatch();
      this.view = null;
    }
  }

  /**
   * The proxy no longer knows a link this tab minted (it restarted with an in-memory store, say). Minting the same
   * purchase again under the same Idempotency-Key lets it find the purchase at the provider and answer with the
   * link as it stands (paid, say) under a new id, which is watched from then on. Silent: no window, no navigation,
   * no `pay-link-created` (the purchase is not new). Once per link; a failed re-mint shows its error, and keeps the
   * key when it may pass later, so Retry asks again for the same purchase.
   */
  async #recover(id: string): Promise<void> {
    const { signal } = this.#purchase;
    this.#recovered = id;
    try {
      const view = await this.#purchase.mint(false);
      if (signal.aborted) return;
      this.#recovered = view.id;
      this.#watcher.watch(this.proxy, view.id, view);
    } catch (err) {
      if (signal.aborted) return;
      this.#watcher.unwatch();
      this.view = null;
      this.#fail(err as ProxyError);
    }
  }

  /**
   * Shows an error; `retryRead`: a failed read of the link (its repeats are not events again), else a failed mint.
   * The buyer reads a short message for the code (from the translations); the proxy's detail, which names the
   * merchant's mistake (an unknown product, a quantity out of bounds, an origin not allowed), goes to the console
   * for the site's developer.
   */
  #fail(error: ProxyError, retryRead = false): void {
    const entering = this.current !== 'error';
    this.problem = error;
    this.#retryRead = retryRead;
    this.current = 'error';
    if (!retryRead || entering) {
      this.#emit(PayLinkErrorEvent, { code: error.code, recoverable: error.recoverable });
      if (error.status) console.warn('pay-link-button:', error.code, error.detail);
      if (!this.#t().problems) loadProblemMessages().then(() => this.requestUpdate(), () => {});
    }
  }

  /** Picks up a link this purchase already has: from the return URL, or from this tab's session. */
  #resume(): void {
    const { id, returned, paid } = this.#purchase.resume();
    this.#returned = returned ? 1 : undefined;
    void this.#comeBack();
    // Paid in this tab's visit: shown paid at once, from the session, with nothing to watch
    if (paid) this.#onView({ id, status: 'paid', amount: paid, amountPaid: paid.value } as LinkView);
    else if (id) this.#watcher.watch(this.proxy, id);
    else if (this.intent) void this.#lookUp(this.intent);
  }

  /**
   * Intent mode, on load: what the invoice costs and where its payment stands. A live link is watched (paid shows
   * at once); an ended one leaves the button idle, and a click mints a fresh link for the same invoice. A refused
   * intent (invalid, expired) is an error; an unreachable proxy is not, since a click may still work.
   */
  async #lookUp(intent: string): Promise<void> {
    const { signal } = this.#purchase;
    this.invoice = undefined;
    try {
      const { invoice, link } = await readIntent(this.proxy, intent, signal);
      if (signal.aborted) return;
      this.invoice = invoice?.amount ?? null;
      if (link && (link.status === 'paid' || !isTerminal(link.status))) this.#watcher.watch(this.proxy, link.id, link);
    } catch (err) {
      if (signal.aborted) return;
      this.invoice = null;
      if ((err as ProxyError).recoverable === false) this.#fail(err as ProxyError);
    }
  }

  #reset(): void {
    this.#purchase.restart();
    this.#watcher.unwatch();
    this.#dropCheckout();
    this.view = null;
    this.problem = null;
    this.notice = null;
    this.invoice = null;
    this.checked = undefined;
    this.current = 'idle';
  }

  /** Dispatches one of the element's events with the current detail; false if a listener cancelled it. */
  #emit(Type: new (detail: PayLinkEventDetail) => PayLinkEvent, error?: PayLinkEventDetail['error']): boolean {
    const view = this.view;
    return this.dispatchEvent(
      new Type({ linkId: view?.id ?? null, status: this.current, amount: this.#price(), provider: view?.provider ?? this.provider ?? null, ...(error && { error }) }),
    );
  }

  /** The link's amount, else the invoice's, else the declared open amount, else unknown (a product's price is the proxy's). */
  #price(): Money | null {
    return this.view?.amount ?? this.invoice ?? (this.amount && this.currency ? { value: this.amount, currency: this.currency } : null);
  }

  #t(): Translation {
    return translate(resolveLang(this));
  }

  #money(value: number, currency: string): string {
    return formatMoney(value, currency, resolveLang(this));
  }

  /** Light-DOM label content; whitespace alone does not count (it would hide the default label). */
  #hasLabelContent(): boolean {
    return [...this.childNodes].some((node) => (node instanceof Element ? !node.slot : node.nodeType === 3 /* text */ && !!node.textContent!.trim()));
  }

  /** After the next render, focus the main button, else the status line. */
  async #focusMain(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part=button], [part=status]')?.focus();
  }
}


/**
 * How the hosted checkout is shown.
 *
 * Popup blockers only allow `window.open` during the click, but the checkout URL exists only after the proxy
 * answers. So the window is opened *synchronously in the click* on a same-origin blank page saying "Preparing
 * secure checkout…", cut off from this page (`opener = null`), and sent to the provider once the link is minted.
 * If the browser blocked it, or the buyer closed it before the URL arrived, the element redirects this tab
 * instead and says so.
 */

/** `auto` = popup on desktop, same-tab redirect on small touch screens. */
export type Presentation = 'auto' | 'popup' | 'tab' | 'redirect';
export type ResolvedPresentation = Exclude<Presentation, 'auto'>;

/**
 * Same-tab navigation, kept in one overridable place: tests replace `assign` so they never leave the page, and an
 * embedder (say, a single-page app with its own router) may too.
 */
export const navigation = {
  assign(url: string): void {
    location.assign(url);
  },
};

/** Small touch screens get a redirect: a popup there is a full-screen tab the buyer has to find their way back from. */
export function resolvePresentation(presentation: Presentation): ResolvedPresentation {
  if (presentation !== 'auto') return presentation;
  return matchMedia('(pointer: coarse) and (max-width: 640px)').matches ? 'redirect' : 'popup';
}

const POPUP_WIDTH = 480;
const POPUP_HEIGHT = 720;
const CLOSED_POLL_MS = 500;

/** A checkout window this page opened, or the plan to redirect instead. */
export class CheckoutWindow {
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #win: Window | null;

  private constructor(
    readonly mode: ResolvedPresentation,
    win: Window | null,
  ) {
    this.#win = win;
  }

  /**
   * Opens the blank window now. Call it synchronously inside the click handler, before any `await`, or the
   * popup blocker wins. `redirect` opens nothing.
   */
  static prepare(mode: ResolvedPresentation, name: string, preparing: string, lang: string): CheckoutWindow {
    if (mode === 'redirect') return new CheckoutWindow(mode, null);
    const win = window.open('', name, mode === 'popup' ? popupFeatures() : '');
    if (win) {
      try {
        // `noopener` would make open() return null and leave us nothing to navigate; cut the link by hand.
        win.opener = null;
        paint(win.document, preparing, lang);
      } catch {
        // A window of that name already shows the (cross-origin) checkout: nothing to paint.
      }
    }
    return new CheckoutWindow(mode, win);
  }

  /** Whether the window is there and still open. */
  get isOpen(): boolean {
    return !!this.#win && !this.#win.closed;
  }

  /**
   * Sends the window to the checkout and calls `onClosed` once when the buyer closes it. Returns false when
   * there is no window to send (blocked, closed early or `redirect`): the caller redirects this tab.
   */
  show(url: string, onClosed: () => void): boolean {
    const win = this.#win;
    if (!win || win.closed) return false;
    win.location.replace(url);
    win.focus();
    // Cross-origin windows fire no events we can hear; `closed` stays readable.
    this.#timer = setInterval(() => {
      if (!win.closed) return;
      this.dispose();
      onClosed();
    }, CLOSED_POLL_MS);
    return true;
  }

  focus(): void {
    this.#win?.focus();
  }

  /** Closes the window (the mint failed, or the link had already ended). */
  close(): void {
    this.dispose();
    if (this.isOpen) this.#win!.close();
  }

  /** Stops watching for the window to close. */
  dispose(): void {
    clearInterval(this.#timer);
  }
}

function popupFeatures(): string {
  const left = Math.round(window.screenX + (window.outerWidth - POPUP_WIDTH) / 2);
  const top = Math.round(window.screenY + (window.outerHeight - POPUP_HEIGHT) / 3);
  return `popup,width=${POPUP_WIDTH},height=${POPUP_HEIGHT},left=${left},top=${top}`;
}

/**
 * DOM APIs only: no document.write, no script, and styles through the CSSOM, which a strict
 * `style-src` (inherited by this about:blank document) allows.
 */
function paint(doc: Document, text: string, lang: string): void {
  doc.title = text;
  doc.documentElement.lang = lang;
  const message = doc.createElement('p');
  message.textContent = text;
  message.style.cssText = 'font:1.125rem system-ui,sans-serif;text-align:center;margin-top:40vh';
  (doc.body ?? doc.documentElement).replaceChildren(message);
}

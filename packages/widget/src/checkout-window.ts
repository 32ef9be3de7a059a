/**
 * How the hosted checkout is shown.
 *
 * Popup blockers only allow `window.open` during the click, but the checkout URL exists only after the proxy
 * answers. So the window is opened *synchronously in the click* on a same-origin blank page saying "Preparing
 * secure checkout…", cut off from this page (`opener = null`), and sent to the provider once the link is minted.
 * If the browser blocked it, the element redirects this tab instead and says so; if the buyer closed it before the
 * URL arrived, that means "never mind": the purchase goes back to idle and this tab stays.
 *
 * Each checkout gets a new, unnamed window, and the element closes the one it opened before: a named window would
 * be found again by name once it shows the provider's (cross-origin) page, which this page, no longer its opener,
 * may not navigate (Chromium logs "Unsafe attempt to initiate navigation").
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
  return matchMedia('(pointer:coarse) and (max-width:640px)').matches ? 'redirect' : 'popup';
}

const POPUP_WIDTH = 480;
const POPUP_HEIGHT = 720;

/**
 * Opens the blank checkout window now and paints "Preparing…" in it: the window, null when the browser blocked it,
 * undefined for `redirect`. Call it synchronously inside the click handler, before any `await`, or the popup blocker wins.
 * The element then sends the window to the checkout (`location.replace`) and polls `closed`, since a
 * cross-origin window fires no events it can hear.
 */
export function openCheckout(mode: ResolvedPresentation, preparing: string, lang: string): Window | null | undefined {
  if (mode === 'redirect') return;
  // Fractions are fine: window features are read as integers up to the first non-digit
  const left = screenX + (outerWidth - POPUP_WIDTH) / 2;
  const top = screenY + (outerHeight - POPUP_HEIGHT) / 3;
  const win = open('', '', mode === 'popup' ? `popup,width=${POPUP_WIDTH},height=${POPUP_HEIGHT},left=${left},top=${top}` : '');
  try {
    // `noopener` would make open() return null and leave us nothing to navigate; cut the link by hand.
    win!.opener = null;
    // DOM APIs only: no document.write, no script, and styles through the CSSOM, which a strict `style-src`
    // (inherited by this about:blank document) allows.
    const doc = win!.document;
    const message = doc.createElement('p');
    doc.title = message.textContent = preparing;
    doc.documentElement.lang = lang;
    message.style.cssText = 'font:1.125rem system-ui,sans-serif;text-align:center;margin-top:40vh';
    (doc.body ?? doc.documentElement).replaceChildren(message);
  } catch {
    // Blocked (null): nothing to paint.
  }
  return win;
}

/**
 * How the hosted checkout is shown, and watching the window it is shown in.
 *
 * Popup blockers only allow `window.open` during the click, but the checkout URL exists only after the proxy
 * answers. So the window is opened *synchronously in the click* on a same-origin blank page saying "Preparing
 * secure checkout…", and sent to the provider once the link is minted. If the browser blocked it, the element
 * redirects this tab instead and says so; if the buyer closed it before the URL arrived, that means "never mind":
 * the purchase goes back to idle and this tab stays.
 *
 * The window keeps its `opener` (docs/decisions/0018-checkout-window-opener.md): Chromium lets a page close or
 * navigate a window showing another origin only while it is that window's opener, so cutting it (`opener = null`)
 * left a cancelled checkout open for good when the buyer bought again, with "Unsafe attempt to initiate
 * navigation" in the console. The page it shows is the provider's hosted checkout, at the URL the merchant's own
 * proxy answered with, so what could steer this tab is a party the purchase already trusts (docs/security.md).
 *
 * Each checkout gets a new, unnamed window, and the element closes the one it opened before (one checkout at a time).
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

/**
 * The in-app browsers of Instagram, Facebook (FBAN/FBAV), Messenger, LINE, WeChat (MicroMessenger) and TikTok
 * (musical_ly, BytedanceWebview): their `window.open` returns null, or opens a sheet the buyer cannot get back from.
 */
export const inAppBrowser = (): boolean => /instagram|fba[nv]|messenger|line\/|tiktok|musical_ly|bytedance/i.test(navigator.userAgent);

/**
 * Small touch screens get a redirect: a popup there is a full-screen tab the buyer has to find their way back from.
 * An in-app browser always does, whatever was asked: a popup there never shows, or flashes and strands the buyer.
 */
export function resolvePresentation(presentation: Presentation): ResolvedPresentation {
  return inAppBrowser() || (presentation === 'auto' && matchMedia('(pointer:coarse) and (max-width:640px)').matches) ? 'redirect' : presentation === 'auto' ? 'popup' : presentation;
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

/**
 * Calls `closed` once the buyer closes `win`: a cross-origin window fires no events its opener can hear, but
 * `closed` stays readable, so it is polled. Returns what stops watching.
 */
export function watchWindow(win: Window, closed: () => void): () => void {
  const poll = setInterval(() => win.closed && (clearInterval(poll), closed()), 500);
  return () => clearInterval(poll);
}

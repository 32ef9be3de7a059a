/**
 * The ESM entry (and the source of both bundles): the public API, and `<pay-link-button>` registered on load.
 * Every runtime export costs bytes in both bundles (the IIFE exposes them as `window.PayLinkButton`), so only what
 * a page needs is exported; types are free.
 */
import { definePayLinkButton } from './define.ts';

export { PayLinkButton, type ButtonStatus, type Theme } from './pay-link-button.ts';
export { definePayLinkButton } from './define.ts';
export * from './events.ts';
export { navigation, type Presentation } from './checkout-window.ts';
// `liveStatus`, the default source (SSE, polling as the fallback), stays reachable as `StatusWatcher.createSource`
export { StatusWatcher, type StatusSource, type StatusSink, type StatusSourceFactory } from './status-watcher.ts';
export { ProxyError, type ErrorCode, type LinkStatus, type LinkView, type Money, type ProviderName } from './proxy-client.ts';
export { registerTranslation, type Translation } from './localize.ts';

definePayLinkButton();

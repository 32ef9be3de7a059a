/**
 * The element's events: one `Event` subclass each (`instanceof` tells them apart), all bubbling and `composed` (they cross shadow roots), with a
 * typed `detail`. Listen on the element or any ancestor:
 *
 * @example
 * document.addEventListener('pay-link-paid', (e) => console.log(e.detail.linkId, e.detail.amount));
 *
 * A `pay-link-paid` event is a hint for the page, not proof of payment: confirm on your server (webhook or proxy).
 */
import type { ErrorCode, Money, ProviderName } from './proxy-client.ts';

/** The element's visible state: `idle`, `minting`, a link status, or `error`. */
export type ButtonStatus = 'idle' | 'minting' | 'pending' | 'partially_paid' | 'paid' | 'expired' | 'cancelled' | 'failed' | 'error';

/** What every pay-link event carries. Fields are `null` until the link exists. */
export interface PayLinkEventDetail {
  linkId: string | null;
  status: ButtonStatus;
  /** The link's amount in minor units, once known. */
  amount: Money | null;
  provider: ProviderName | null;
  /** Only on `pay-link-error` and `pay-link-blocked`. */
  error?: { code: ErrorCode | 'popup_blocked'; recoverable: boolean };
}

/** Base of all pay-link events. */
export abstract class PayLinkEvent extends Event {
  readonly detail: PayLinkEventDetail;
  constructor(type: keyof PayLinkEventMap, detail: PayLinkEventDetail, cancelable?: boolean) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.detail = detail;
  }
}

/** Makes the subclass for one event name (nine near-identical class bodies cost bytes in a 12 KB budget). */
function eventClass(type: keyof PayLinkEventMap, cancelable?: boolean) {
  return class extends PayLinkEvent {
    constructor(detail: PayLinkEventDetail) {
      super(type, detail, cancelable);
    }
  };
}

/**
 * Fired in the click, before any window opens or any link is minted. Call `preventDefault()` to stop the
 * purchase (for example until the buyer accepts your terms).
 */
export const PayLinkBeforeOpenEvent = eventClass('pay-link-before-open', true);
export type PayLinkBeforeOpenEvent = InstanceType<typeof PayLinkBeforeOpenEvent>;

/** The proxy minted (or replayed) the link; `detail.linkId` is set from here on. */
export const PayLinkCreatedEvent = eventClass('pay-link-created');
export type PayLinkCreatedEvent = InstanceType<typeof PayLinkCreatedEvent>;

/** The hosted checkout was shown (popup, tab or same-tab redirect). */
export const PayLinkOpenedEvent = eventClass('pay-link-opened');
export type PayLinkOpenedEvent = InstanceType<typeof PayLinkOpenedEvent>;

/** The checkout window was blocked or closed too early; the element falls back to a same-tab redirect. */
export const PayLinkBlockedEvent = eventClass('pay-link-blocked');
export type PayLinkBlockedEvent = InstanceType<typeof PayLinkBlockedEvent>;

/** The link's status changed (every change, including the terminal ones below). */
export const PayLinkStatusEvent = eventClass('pay-link-status');
export type PayLinkStatusEvent = InstanceType<typeof PayLinkStatusEvent>;

/** The proxy reports the link paid. Fired once per link. */
export const PayLinkPaidEvent = eventClass('pay-link-paid');
export type PayLinkPaidEvent = InstanceType<typeof PayLinkPaidEvent>;

/** The link expired before it was paid. */
export const PayLinkExpiredEvent = eventClass('pay-link-expired');
export type PayLinkExpiredEvent = InstanceType<typeof PayLinkExpiredEvent>;

/** The link was cancelled (by the merchant or the provider). */
export const PayLinkCancelledEvent = eventClass('pay-link-cancelled');
export type PayLinkCancelledEvent = InstanceType<typeof PayLinkCancelledEvent>;

/**
 * Minting or watching failed; `detail.error.code` is an `ErrorCode`: the proxy's problem code, or `network_error` /
 * `bad_response` when no readable answer came.
 */
export const PayLinkErrorEvent = eventClass('pay-link-error');
export type PayLinkErrorEvent = InstanceType<typeof PayLinkErrorEvent>;

/** Event name → class, for the global event maps (see `define.ts`). */
export interface PayLinkEventMap {
  'pay-link-before-open': PayLinkBeforeOpenEvent;
  'pay-link-created': PayLinkCreatedEvent;
  'pay-link-opened': PayLinkOpenedEvent;
  'pay-link-blocked': PayLinkBlockedEvent;
  'pay-link-status': PayLinkStatusEvent;
  'pay-link-paid': PayLinkPaidEvent;
  'pay-link-expired': PayLinkExpiredEvent;
  'pay-link-cancelled': PayLinkCancelledEvent;
  'pay-link-error': PayLinkErrorEvent;
}

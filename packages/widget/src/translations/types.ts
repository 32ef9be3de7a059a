/**
 * The shape of a translation: every string the element shows. Its own module, below both `localize.ts` and the
 * translation files, so that `localize.ts` → `translations/en.ts` → `localize.ts` is no longer an import circle.
 */
import type { ErrorCode } from '../proxy-client.ts';

/** Every string the element shows. Amounts arrive already formatted for the language. */
export interface Translation {
  /** BCP 47 code this translation is registered under. */
  $code: string;
  /** The default button label; `amount` is null until the price is known. */
  pay: (amount: string | null) => string;
  /** Shown (and the title) in the checkout window while the link is minted, and announced. */
  preparing: string;
  /** While the element reads the status of a link it resumed (after a redirect or a reload). */
  checking: string;
  /** While a checkout window is open. */
  waiting: string;
  /** While waiting with no checkout window of ours open (after a redirect, or on the invoice page). */
  waitingReturn: string;
  checkAgain: string;
  reopen: string;
  paid: (amount: string) => string;
  partiallyPaid: (paid: string, remaining: string) => string;
  expired: string;
  newLink: string;
  cancelled: string;
  failed: string;
  /** Fallback when the proxy gave no detail. */
  error: string;
  networkError: string;
  retry: string;
  /** The popup was blocked, so the checkout opens in this tab. */
  blocked: string;
  /** While waiting for a payment with the device offline; the status is read again the moment it reconnects. */
  offline: string;
  /** After "Check again" read the status (and it had not changed). */
  checked: string;
  /** The buyer closed the checkout window before the checkout appeared: the purchase is back to idle. */
  closed: string;
  /**
   * A buyer-safe message for every problem code of the proxy (`translations/problems.ts` builds it). Not in the core
   * bundles' English: it comes with each add-on, and `translations/en.js` is loaded on demand the first time one is
   * needed (`loadProblemMessages`). Until then, and for a code it lacks, `error` shows.
   */
  problems?: Partial<Record<ErrorCode, string>>;
}

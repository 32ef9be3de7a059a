import type { Translation } from './types.ts';
import { problemMessages } from './problems.ts';

const en: Translation = {
  $code: 'en',
  pay: (amount) => (amount ? `Pay ${amount}` : 'Pay'),
  preparing: 'Preparing secure checkout…',
  checking: 'Checking the payment status…',
  waiting: 'Complete the payment in the checkout window.',
  waitingReturn: 'Waiting for the payment to be confirmed…',
  checkAgain: 'Check again',
  reopen: 'Reopen checkout',
  paid: (amount) => `Paid ✓ ${amount}`,
  partiallyPaid: (paid, remaining) => `${paid} paid, ${remaining} remaining.`,
  expired: 'This payment link has expired.',
  newLink: 'Get a new link',
  cancelled: 'The payment was cancelled.',
  failed: 'The payment could not be completed.',
  error: 'Something went wrong.',
  networkError: 'Could not reach the payment service. Check your connection.',
  retry: 'Retry',
  blocked: 'The checkout window was blocked, so the checkout opens in this tab.',
  offline: 'You are offline.',
  checked: 'Checked just now.',
  closed: 'Checkout closed. Nothing was charged.',
};

export default en;

/**
 * English for every problem code. Not in the core bundles (only the default export is): it ships in
 * `translations/en.js`, which the element loads the first time it shows a problem (see `localize.ts`).
 */
export const problems = /* @__PURE__ */ problemMessages({
  unavailable: 'This cannot be paid for here right now. Please contact the seller.',
  busy: 'The payment service is busy. Please try again in a moment.',
  gone: 'This payment link is no longer available.',
  invalid: 'This payment request is not valid. Please ask the seller for a new one.',
  expired: 'This payment request has expired. Please ask the seller for a new one.',
});

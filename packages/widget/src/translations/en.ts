import type { Translation } from '../localize.ts';

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
};

export default en;

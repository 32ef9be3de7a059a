import type { RazorpayOptions } from './providers/razorpay.ts';

/**
 * Fixed, non-secret demo credentials used by `pnpm start` and the tests. They only ever unlock this simulator;
 * no real provider knows them.
 */
export const DEMO_CREDENTIALS = {
  razorpay: {
    keyId: 'rzp_test_simulator',
    keySecret: 'sim_razorpay_key_secret',
    webhookSecret: 'sim_razorpay_webhook_secret',
  },
} as const satisfies { razorpay: RazorpayOptions };

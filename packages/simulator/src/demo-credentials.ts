import type { EximPeOptions } from './providers/eximpe.ts';
import type { PayEngineOptions } from './providers/payengine.ts';
import type { PinelabsOptions } from './providers/pinelabs.ts';
import type { RazorpayOptions } from './providers/razorpay.ts';
import type { XenditOptions } from './providers/xendit.ts';

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
  payengine: {
    secretKey: 'sk_sandbox_simulator_payengine_secret_key',
    merchantId: '0b1e5c7a-9d2f-4c61-8e3a-5a1f0e7d2c94',
    webhookSecret: 'sim_payengine_webhook_secret',
  },
  xendit: {
    secretKey: 'xnd_development_simulator_secret_key',
    callbackToken: 'sim_xendit_callback_token',
  },
  pinelabs: {
    clientId: '6f1c2a9e-5b7d-4c3e-9a41-0d2e8b7c5f10',
    clientSecret: 'sim_pinelabs_client_secret',
    // The same key as the client secret: the official plugin verifies webhooks with the client secret.
    webhookSecret: 'sim_pinelabs_client_secret',
  },
  eximpe: {
    clientId: 'sim_eximpe_client_id',
    clientSecret: 'sim_eximpe_client_secret',
    // Its own key, so the demo exercises EXIMPE_WEBHOOK_SECRET; unset, both sides fall back to the client secret.
    webhookSecret: 'sim_eximpe_webhook_secret',
  },
} as const satisfies { razorpay: RazorpayOptions; payengine: PayEngineOptions; xendit: XenditOptions; pinelabs: PinelabsOptions; eximpe: EximPeOptions };

/**
 * The pay-link proxy's environment variables for each provider: the demo credentials, and the base URL of that
 * provider's API on a simulator at `simulatorUrl`. What the demo stack and the tests configure the proxy with.
 */
export function proxyEnvForSimulator(simulatorUrl: string) {
  const C = DEMO_CREDENTIALS;
  return {
    razorpay: {
      RAZORPAY_KEY_ID: C.razorpay.keyId,
      RAZORPAY_KEY_SECRET: C.razorpay.keySecret,
      RAZORPAY_WEBHOOK_SECRET: C.razorpay.webhookSecret,
      RAZORPAY_BASE_URL: `${simulatorUrl}/razorpay`,
    },
    xendit: {
      XENDIT_SECRET_KEY: C.xendit.secretKey,
      XENDIT_CALLBACK_TOKEN: C.xendit.callbackToken,
      XENDIT_BASE_URL: `${simulatorUrl}/xendit`,
    },
    pinelabs: {
      PINELABS_CLIENT_ID: C.pinelabs.clientId,
      PINELABS_CLIENT_SECRET: C.pinelabs.clientSecret,
      PINELABS_WEBHOOK_SECRET: C.pinelabs.webhookSecret,
      PINELABS_BASE_URL: `${simulatorUrl}/pinelabs/api`,
    },
    payengine: {
      PAYENGINE_SECRET_KEY: C.payengine.secretKey,
      PAYENGINE_MERCHANT_ID: C.payengine.merchantId,
      PAYENGINE_WEBHOOK_SECRET: C.payengine.webhookSecret,
      PAYENGINE_BASE_URL: `${simulatorUrl}/payengine`,
    },
    eximpe: {
      EXIMPE_CLIENT_ID: C.eximpe.clientId,
      EXIMPE_CLIENT_SECRET: C.eximpe.clientSecret,
      EXIMPE_WEBHOOK_SECRET: C.eximpe.webhookSecret,
      EXIMPE_BASE_URL: `${simulatorUrl}/eximpe`,
    },
  } satisfies Record<string, Record<string, string>>;
}

/** `proxyEnvForSimulator` for all five providers at once, as one environment. */
export function proxyEnvForAllProviders(simulatorUrl: string): Record<string, string> {
  return Object.assign({}, ...Object.values(proxyEnvForSimulator(simulatorUrl)));
}

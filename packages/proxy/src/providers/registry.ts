/** Every provider the proxy can speak. Adding one: its folder (`defineProvider` in its index.ts), then one line here. */
import type { ProviderPlugin } from './define.ts';
import { eximpeProvider } from './eximpe/index.ts';
import { payengineProvider } from './payengine/index.ts';
import { pinelabsProvider } from './pinelabs/index.ts';
import { razorpayProvider } from './razorpay/index.ts';
import { xenditProvider } from './xendit/index.ts';

export const PROVIDER_MODULES: readonly ProviderPlugin[] = [razorpayProvider, xenditProvider, payengineProvider, pinelabsProvider, eximpeProvider];

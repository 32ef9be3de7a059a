/** Every provider the proxy can speak. Adding one: its module file, then one line here. */
import { eximpeProvider } from './eximpe.ts';
import type { ProviderModule } from './module.ts';
import { payengineProvider } from './payengine.ts';
import { pinelabsProvider } from './pinelabs.ts';
import { razorpayProvider } from './razorpay.ts';
import { xenditProvider } from './xendit.ts';

export const PROVIDER_MODULES: readonly ProviderModule<never>[] = [razorpayProvider as ProviderModule<never>, xenditProvider as ProviderModule<never>, payengineProvider as ProviderModule<never>, pinelabsProvider as ProviderModule<never>, eximpeProvider as ProviderModule<never>];

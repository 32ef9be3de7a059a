/** Every provider the proxy can speak. Adding one: its module file, then one line here. */
import type { ProviderModule } from './module.ts';
import { razorpayProvider } from './razorpay.ts';

export const PROVIDER_MODULES: readonly ProviderModule<never>[] = [razorpayProvider as ProviderModule<never>];

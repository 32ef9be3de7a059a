/**
 * The five providers as the child-process tests drive them through the simulator: a catalog product sold through
 * each, the provider's link ids at the simulator, and the buyer paying there. Shared by kill-restart.test.ts and
 * merchant-events.kill.test.ts.
 */
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '@pay-link/simulator';
import type { ProviderName } from '../src/contract.ts';

export interface SimulatedProvider {
  provider: ProviderName;
  /** The catalog product sold through this provider. */
  product: string;
  price: { decimal: string; currency: string };
  /** The provider's link ids at the simulator. */
  providerIds: (sim: RunningSimulator) => string[];
  /** The buyer pays at the provider; resolves once its webhooks were attempted. */
  pay: (sim: RunningSimulator, providerLinkId: string) => Promise<unknown>;
}

export const SIMULATED_PROVIDERS: SimulatedProvider[] = [
  {
    provider: 'razorpay',
    product: 'rzp-item',
    price: { decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.razorpay!.pay(id),
  },
  {
    provider: 'xendit',
    product: 'xnd-item',
    price: { decimal: '150000', currency: 'IDR' },
    providerIds: (sim) => sim.control.xendit!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.xendit!.pay(id),
  },
  {
    provider: 'pinelabs',
    product: 'pine-item',
    price: { decimal: '2500.00', currency: 'INR' },
    providerIds: (sim) => sim.control.pinelabs!.links().map((l) => l.payment_link_id),
    pay: (sim, id) => sim.control.pinelabs!.pay(id),
  },
  {
    provider: 'payengine',
    product: 'pe-item',
    price: { decimal: '49.00', currency: 'USD' },
    providerIds: (sim) => sim.control.payengine!.links().map((l) => l.payment_link_id),
    pay: (sim, id) => sim.control.payengine!.pay(id),
  },
  {
    provider: 'eximpe',
    product: 'exim-item',
    price: { decimal: '1500.00', currency: 'INR' },
    providerIds: (sim) => sim.control.eximpe!.links().map((l) => l.payment_id),
    pay: (sim, id) => sim.control.eximpe!.pay(id),
  },
];

/** The simulator with all five providers, each sending its webhooks to the proxy at `proxyUrl`. */
export function startSimulatorFor(proxyUrl: string): Promise<RunningSimulator> {
  const webhookUrl = (provider: string) => `${proxyUrl}/v1/webhooks/${provider}`;
  const C = DEMO_CREDENTIALS;
  return startSimulator({
    port: 0,
    log: false,
    razorpay: { ...C.razorpay, webhookUrl: webhookUrl('razorpay') },
    xendit: { ...C.xendit, webhookUrl: webhookUrl('xendit') },
    pinelabs: { ...C.pinelabs, webhookUrl: webhookUrl('pinelabs') },
    payengine: { ...C.payengine, webhookUrl: webhookUrl('payengine') },
    eximpe: { ...C.eximpe, webhookUrl: webhookUrl('eximpe') },
  });
}

/** A catalog of one product per provider (SIMULATED_PROVIDERS), for pages at `origin`. */
export function simulatedCatalog(origin: string): string {
  return JSON.stringify({
    products: SIMULATED_PROVIDERS.map((c) => ({ id: c.product, name: `Item via ${c.provider}`, price: c.price.decimal, currency: c.price.currency, provider: c.provider })),
    allowedOrigins: [origin],
  });
}

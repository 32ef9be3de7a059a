/**
 * Price integrity: the browser names *what* is bought, the proxy decides *how much*. A mint request names a
 * catalog product (with a bounded quantity), a merchant-signed intent, or an amount inside an open range the
 * merchant configured. Anything else is refused.
 */
import type { Customer, MintRequest, Money, ProviderName } from '../contract.ts';
import type { ProxyConfig } from '../config.ts';
import { Problem } from '../problems.ts';
import { formatMoney } from '../money.ts';
import { verifyIntent } from './intent.ts';
import type { PriceSource } from '../store/types.ts';

export interface ResolvedPrice {
  amount: Money;
  provider: ProviderName;
  description: string;
  customer?: Customer;
  source: PriceSource;
}

export function resolvePrice(config: ProxyConfig, request: MintRequest, nowMs: number): ResolvedPrice {
  if (request.product !== undefined) {
    const product = config.products.find((p) => p.id === request.product);
    if (!product) throw new Problem(404, 'unknown_product', `There is no product "${request.product}" in this shop`);
    const quantity = request.quantity ?? 1;
    const value = product.amount.value * quantity;
    if (!Number.isSafeInteger(value)) throw new Problem(400, 'amount_not_allowed', 'That quantity is too large');
    return {
      amount: { value, currency: product.amount.currency },
      provider: pickProvider(config, request.provider, product.provider),
      description: quantity === 1 ? product.name : `${product.name} × ${quantity}`,
      customer: request.customer,
      source: { kind: 'product', product: product.id, quantity },
    };
  }
  if (request.amount !== undefined && request.currency !== undefined) {
    const range = config.openAmounts.find((r) => r.currency === request.currency);
    if (!range) {
      throw new Problem(400, 'amount_not_allowed', `This proxy does not take open amounts in ${request.currency}`, {
        errors: [{ field: 'amount', message: 'open amounts are not enabled for this currency' }],
      });
    }
    if (request.amount < range.min || request.amount > range.max) {
      const bounds = `${formatMoney({ value: range.min, currency: range.currency })} to ${formatMoney({ value: range.max, currency: range.currency })}`;
      throw new Problem(400, 'amount_not_allowed', `The amount must be from ${bounds}`, {
        errors: [{ field: 'amount', message: `must be from ${range.min} to ${range.max} minor units` }],
      });
    }
    return {
      amount: { value: request.amount, currency: request.currency },
      provider: pickProvider(config, request.provider, range.provider),
      description: 'Payment',
      customer: request.customer,
      source: { kind: 'amount' },
    };
  }
  if (request.intent !== undefined) {
    if (config.intentSecrets.length === 0) {
      throw new Problem(400, 'intent_invalid', 'This proxy does not take signed intents (PAY_LINK_INTENT_SECRET is not set)');
    }
    const intent = verifyIntent(request.intent, config.intentSecrets.map((s) => s.reveal()), nowMs);
    return {
      amount: intent.amount,
      provider: pickProvider(config, request.provider, config.defaultProvider),
      description: intent.description,
      // The merchant's customer details win over what the page sends.
      customer: intent.customer ?? request.customer,
      source: { kind: 'intent', reference: intent.reference },
    };
  }
  throw new Problem(400, 'invalid_request', 'Name a product, an intent or an amount', {
    errors: [{ field: 'product', message: 'name exactly one of product, intent or amount' }],
  });
}

/** The buyer may choose among configured providers only where the merchant did not fix one. */
function pickProvider(config: ProxyConfig, requested: ProviderName | undefined, fallback: ProviderName): ProviderName {
  if (requested === undefined || requested === fallback) return fallback;
  if (!config.providers[requested]) {
    throw new Problem(400, 'provider_not_configured', `"${requested}" is not configured on this proxy`, {
      errors: [{ field: 'provider', message: 'not configured on this proxy' }],
    });
  }
  return requested;
}

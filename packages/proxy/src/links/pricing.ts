/**
 * Price integrity: the browser names *what* is bought, the proxy decides *how much* and *with whom*. A mint
 * request names a catalog product (with a bounded quantity), a merchant-signed intent, or an amount inside an open
 * range the merchant configured. Anything else is refused.
 *
 * The provider is the merchant's too: a product's or range's own (else the default provider), unless the catalog
 * opens a choice with a `providers` list; an intent always mints with the default provider (see `pickProvider`).
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
  /** The customer fields the merchant signed into an intent: they go out in merchant events (decision 0013). */
  merchantCustomer?: Customer;
  source: PriceSource;
}

export function resolvePrice(config: ProxyConfig, request: MintRequest, nowMs: number): ResolvedPrice {
  if (request.product !== undefined) {
    const product = config.products.find((p) => p.id === request.product);
    if (!product) throw new Problem(404, 'unknown_product', `There is no product "${request.product}" in this shop`);
    const provider = pickProvider(request.provider, product, 'this product');
    const quantity = request.quantity ?? 1;
    const value = product.amount.value * quantity;
    if (!Number.isSafeInteger(value)) throw new Problem(400, 'amount_not_allowed', 'That quantity is too large');
    return {
      amount: { value, currency: product.amount.currency },
      provider,
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
      provider: pickProvider(request.provider, range, `${range.currency} amounts`),
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
      provider: pickProvider(request.provider, { provider: config.defaultProvider, providers: [config.defaultProvider] }, 'this payment request'),
      description: intent.description,
      // The merchant's customer details win over what the page sends.
      customer: intent.customer ?? request.customer,
      merchantCustomer: intent.customer,
      source: { kind: 'intent', reference: intent.reference },
    };
  }
  throw new Problem(400, 'invalid_request', 'Name a product, an intent or an amount', {
    errors: [{ field: 'product', message: 'name exactly one of product, intent or amount' }],
  });
}

/**
 * The merchant decides the provider. Without a `provider` in the request, the catalog entry's own (its
 * `provider`, else the default provider); with one, only a provider the entry's `providers` list opens to the
 * buyer (config.ts refuses a list naming an unconfigured provider or leaving out the entry's own). Intents have
 * no list: the signed token names no provider, and after a restart the proxy finds an intent's earlier links by
 * asking one provider (the default) for its references, so every link of a reference must be there.
 */
function pickProvider(
  requested: ProviderName | undefined,
  entry: { provider: ProviderName; providers: readonly ProviderName[] },
  what: string,
): ProviderName {
  if (requested === undefined || requested === entry.provider) return entry.provider;
  if (entry.providers.includes(requested)) return requested;
  throw new Problem(422, 'provider_not_allowed', `${what[0]!.toUpperCase()}${what.slice(1)} cannot be paid with "${requested}" here`, {
    errors: [{ field: 'provider', message: `not offered for ${what}; offered: ${entry.providers.join(', ')}` }],
  });
}

/**
 * The one place an amount is checked against what a provider can take, and turned into the provider's unit.
 * Inside pay-link every amount is integer minor units (`{value: 150000, currency: "INR"}`); each provider declares
 * its unit and its limits in data (`AmountPolicy`, on its definition), and every adapter converts through
 * `toProviderAmount` with that policy. What a provider cannot take exactly is refused with a 400 before any call,
 * never rounded:
 * - `amount_not_allowed`: a currency the provider does not take, or an amount outside its limits;
 * - `amount_not_representable`: not a positive whole number of minor units, more decimals than the provider
 *   takes in that currency, or a wire text longer than the provider's field.
 */
import type { Money } from '../contract.ts';
import { currencyExponent, toMajorNumber, toMajorString } from '../money.ts';
import { Problem } from '../problems.ts';

/** How a provider writes an amount on the wire (shared/providers.md §0, "Amount"). */
export type AmountUnit = 'minor' | 'major-string' | 'major-number';

/** The wire value of each unit: minor units and major numbers are JSON numbers, a major string is `"1500.00"`. */
export type WireAmount<U extends AmountUnit> = U extends 'major-string' ? string : number;

/** What a provider takes, declared once per provider. All bounds are in minor units. */
export interface AmountPolicy<U extends AmountUnit = AmountUnit> {
  /** The provider's name in buyer-facing messages ("Pine Labs"). */
  label: string;
  unit: U;
  /** The only currencies the provider takes; absent: the provider decides. Also what the core checks at mint. */
  currencies?: readonly string[];
  /** Only currencies with these ISO 4217 exponents (PayEngine writes dollars and cents). */
  exponents?: readonly number[];
  /**
   * Fewer decimals than ISO 4217 gives, where the provider takes fewer: by currency code first (Xendit takes
   * whole rupiah: `{IDR: 0}`), else by the currency's exponent (Razorpay: three-decimal amounts must end in 0,
   * `{3: 2}`).
   */
  decimals?: { currency?: Readonly<Record<string, number>>; exponent?: Readonly<Partial<Record<number, number>>> };
  /** Smallest amount the provider takes, inclusive. */
  min?: number;
  /** Largest amount the provider takes, inclusive. */
  max?: number;
  /** Longest text the provider's amount field holds (PayEngine: 12 characters of `[0-9.]`). */
  maxChars?: number;
}

/**
 * Checks `amount` against `policy` and answers it in the provider's unit. Throws a 400 `Problem` for what the
 * provider cannot take.
 *
 * @example
 * toProviderAmount({ label: 'EximPe', unit: 'major-string', currencies: ['INR'] }, { value: 150000, currency: 'INR' }); // "1500.00"
 */
export function toProviderAmount<U extends AmountUnit>(policy: AmountPolicy<U>, amount: Money): WireAmount<U>;
export function toProviderAmount(policy: AmountPolicy, amount: Money): string | number {
  const { label } = policy;
  const { value, currency } = amount;
  if (policy.currencies && !policy.currencies.includes(currency)) {
    throw new Problem(400, 'amount_not_allowed', `${label} does not take ${currency}`);
  }
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Problem(400, 'amount_not_representable', `${label} takes a positive whole number of minor units`);
  }
  const exponent = currencyExponent(currency);
  if (policy.exponents && !policy.exponents.includes(exponent)) {
    throw new Problem(400, 'amount_not_representable', `${label} amounts have ${policy.exponents.join(' or ')} decimals; ${currency} has ${exponent}`);
  }
  const decimals = policy.decimals?.currency?.[currency] ?? policy.decimals?.exponent?.[exponent];
  if (decimals !== undefined && decimals < exponent && value % 10 ** (exponent - decimals) !== 0) {
    const step = 10 ** (exponent - decimals);
    throw new Problem(400, 'amount_not_representable', `${label} takes ${currency} amounts only to ${decimals} decimals`, {
      errors: [{ field: 'amount', message: `${currency} amounts must be a multiple of ${step} minor units at ${label}` }],
    });
  }
  if ((policy.min !== undefined && value < policy.min) || (policy.max !== undefined && value > policy.max)) {
    throw new Problem(400, 'amount_not_allowed', `${label} takes ${currency} ${describeBounds(policy, currency)} per link`);
  }
  const wire = policy.unit === 'minor' ? value : policy.unit === 'major-number' ? toMajorNumber(amount) : toMajorString(amount);
  if (policy.maxChars !== undefined && String(wire).length > policy.maxChars) {
    throw new Problem(400, 'amount_not_representable', `${label} amounts are at most ${policy.maxChars} characters ("${wire}" is longer)`);
  }
  return wire;
}

function describeBounds(policy: AmountPolicy, currency: string): string {
  const major = (value: number) => toMajorString({ value, currency });
  if (policy.min !== undefined && policy.max !== undefined) return `${major(policy.min)} to ${major(policy.max)}`;
  return policy.min !== undefined ? `at least ${major(policy.min)}` : `at most ${major(policy.max ?? 0)}`;
}

/**
 * Money helpers. Inside pay-link money is always `{ value, currency }` with `value` an integer count of the
 * currency's minor unit. Only provider adapters (and the config file parser, for human-written prices) convert
 * to or from decimal major units, and they do it here: exactly, on strings, never through floating point.
 */
import type { Money } from './contract.ts';
import { currencyExponent } from './currency-exponent.ts';

/** ISO 4217 exponents (INR 2, JPY 0, KWD 3): one table, which the widget's bundle imports too. */
export { currencyExponent };

/** `{value: 150050, currency: 'INR'}` → `"1500.50"`; `{value: 5, currency: 'JPY'}` → `"5"`. */
export function toMajorString(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const digits = String(money.value).padStart(exponent + 1, '0');
  if (exponent === 0) return digits;
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Parses a decimal string in major units into minor units, exactly. Accepts `"1500"`, `"1500.5"`, `"1500.50"`;
 * refuses more decimals than the currency has (`"1.005"` INR), signs, exponents and anything not a plain decimal.
 * Returns `undefined` for what it refuses, so the caller can name the field.
 */
export function parseMajorString(text: string, currency: string): number | undefined {
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) {
    // Trailing zeros beyond the exponent are harmless ("12.500" INR); anything else would need rounding.
    if (/[^0]/.test(fraction.slice(exponent))) return undefined;
  }
  const minor = Number(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/** The amount as a number of major units, for providers that take a JSON number. Exact for safe integers. */
export function toMajorNumber(money: Money): number {
  return Number(toMajorString(money));
}

export function formatMoney(money: Money, locale = 'en'): string {
  const exponent = currencyExponent(money.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(Number(toMajorString(money)));
}

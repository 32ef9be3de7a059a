/**
 * Strings and money formatting. Translations are typed objects registered by language code; an element uses
 * its own `lang`, else the nearest ancestor's, else the document's, else the browser's, falling back from
 * `hi-IN` to `hi` to English.
 *
 * The bundles carry English; Hindi, Indonesian, Spanish, Malay, Thai and Vietnamese ship as add-on files next to them, to keep the
 * bundles small. Load one with a plain script tag, or register your own:
 *
 * @example
 * <script src="https://pay.example.com/translations/hi.js"></script>
 *
 * import { registerTranslation } from '@pay-link/widget';
 * registerTranslation({ ...en, $code: 'en-GB', paid: (amount) => `Paid in full: ${amount}` });
 */
import { loadChunk } from './chunks.ts';
import en from './translations/en.ts';
import type { Translation } from './translations/types.ts';
import { currencyExponent } from '@pay-link/proxy/currency-exponent';

export type { Translation };

declare global {
  /**
   * Translations shared by every copy of the bundle on the page. The add-on files (`translations/hi.js`, …)
   * push here, so they work as classic or module scripts, before or after the element's own script.
   */
  var payLinkTranslations: Translation[] | undefined;
}

const shared = (globalThis.payLinkTranslations ??= []);

/** Adds or replaces translations, keyed by their `$code`; the last one registered for a code wins. */
export function registerTranslation(...list: Translation[]): void {
  shared.push(...list);
}

/** The language an element speaks: its own `lang` or the nearest ancestor's, then the document's, the browser's. */
export function resolveLang(el: Element): string {
  return (
    el.closest('[lang]')?.getAttribute('lang') ||
    document.documentElement.lang ||
    navigator.language ||
    'en'
  );
}

/** The best translation for `lang`: exact, then its base language, then English. */
export function translate(lang: string): Translation {
  const code = lang.toLowerCase();
  // The last one registered for a code wins
  const find = (wanted: string) => shared.findLast((t) => t.$code.toLowerCase() === wanted);
  // English fills any gap, so an add-on from an older version never leaves a blank; so does English's add-on (its
  // problem messages), for a language with none of its own.
  return { ...en, ...find('en'), ...(find(code) ?? find(code.split('-')[0]!)) };
}

/**
 * Loads English's add-on (`translations/en.js`, next to the bundle: `chunks.ts`) for its problem messages; true once
 * registered. Only ever needed on a page that shows a problem and loaded no add-on with problem messages for its
 * language, so the core bundles carry none of that text. A failure (say, a CSP without the bundle's origin) leaves
 * the generic message.
 */
export const loadProblemMessages = (): Promise<unknown> => loadChunk('translations/en.js');

/**
 * The ISO 4217 minor-unit exponent (INR 2, JPY 0, KWD 3): the proxy's own table (`@pay-link/proxy/currency-exponent`,
 * a module with no imports, bundled in), since the proxy's minor units mean these. Not Intl's digits: those are CLDR
 * display digits (IDR is 0 there, 2 in ISO), which would show a Rp 150.000 invoice as Rp 15.000.000.
 */
export { currencyExponent };

/**
 * Formats an amount in minor units (paise, cents, sen) for `lang`: INR 150000 → ₹1,500.00, JPY 1500 → ¥1,500,
 * IDR 15000000 → Rp 150.000. Intl decides how it looks; the ISO exponent decides what the number means.
 */
export function formatMoney(minor: number, currency: string, lang: string): string {
  // A language Intl does not know falls back to English; a currency it does not know, to showing something true.
  for (const locale of [lang, 'en']) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** currencyExponent(currency));
    } catch {
      // next
    }
  }
  return `${currency} ${minor}`;
}

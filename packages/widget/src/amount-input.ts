/**
 * The amount a buyer chooses, for a button backed by an open-amount range of the proxy (donations, tips): a labelled
 * text field in the element, currency-aware, checked against the range before the click. Loaded on demand as
 * `amount-input.js` (by `extras.js`), never part of the core bundles.
 *
 * Money stays exact: the typed text is parsed as a decimal string into integer minor units with the ISO 4217
 * exponent (the proxy's table, what its minor units mean), never through floating point. How many decimals a buyer
 * may type is the currency's display precision (Intl), which can be fewer than the ISO exponent: INR and USD take
 * 2, IDR 0 (whole rupiah, all Xendit takes, though ISO counts sen), JPY 0.
 *
 * Valid text sets the element's `amount` (and `currency`) as the buyer types, so the label shows it and the click
 * mints it; invalid or empty text clears `amount`. The click is refused (`pay-link-before-open` cancelled) while
 * the text is not a valid amount in range: the message appears under the field, is announced (a polite live region
 * present from the start), and focus goes to the field. Once a purchase is under way (pending, paid) the field is
 * hidden: that purchase's amount is fixed.
 */
import type { PayLinkButton } from './pay-link-button.ts';
import { currencyExponent, formatMoney } from './localize.ts';
import { AMOUNT_STRINGS, pick } from './extra-strings.ts';

/** An open-amount range as `GET /v1/config` gives it: bounds inclusive, in minor units. */
export interface AmountRange {
  currency: string;
  min: number;
  max: number;
}

/** Decimals a buyer may type for `currency`: its display precision, never more than its ISO exponent. */
export function amountDecimals(currency: string): number {
  let display = 2;
  try {
    display = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // a code Intl does not know: the ISO exponent alone
  }
  return Math.min(display, currencyExponent(currency));
}

/** The decimal and grouping separators of `lang` ("." and "," in English, "," and "." in Indonesian). */
function separators(lang: string): { decimal: string; group: string } {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(lang);
  } catch {
    format = new Intl.NumberFormat('en');
  }
  const part = (n: number, type: string) => format.formatToParts(n).find((p) => p.type === type)?.value;
  return { decimal: part(1.5, 'decimal') ?? '.', group: part(1_000_000, 'group') ?? ',' };
}

/**
 * Parses what a buyer typed into minor units of `currency`: "1,250.50" (en) or "1.250,50" (id) INR → 125050;
 * "150.000" (id) or "150000" IDR → 15000000 (ISO exponent 2, whole rupiah typed). Group separators, spaces and the
 * currency's symbol or code are allowed; more decimals than the currency takes are not. `empty` or `format` when it
 * is not an amount.
 */
export function parseAmount(text: string, currency: string, lang: string): number | 'empty' | 'format' {
  const { decimal, group } = separators(lang);
  let s = text.replace(/[\s\u00a0\u202f]/g, '');
  for (const sign of [currency, currencySymbol(currency, lang)]) if (sign) s = s.split(sign).join('');
  if (s === '') return 'empty';
  s = s.split(group).join('');
  if (decimal !== '.') s = s.replace(decimal, '.');
  const match = /^(\d{1,15})(?:\.(\d*))?$/.exec(s);
  if (!match) return 'format';
  const fraction = match[2] ?? '';
  if (fraction.length > amountDecimals(currency)) return 'format';
  const exponent = currencyExponent(currency);
  const value = Number(match[1] + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(value) ? value : 'format';
}

/** Minor units as the field shows them: no grouping, the currency's typed decimals, `lang`'s decimal separator. */
export function formatAmountInput(minor: number, currency: string, lang: string): string {
  const decimals = amountDecimals(currency);
  const exponent = currencyExponent(currency);
  const digits = String(minor).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent, digits.length - exponent + decimals);
  return decimals ? `${whole}${separators(lang).decimal}${fraction}` : whole;
}

/** The currency's symbol in `lang` (₹, Rp, $), or its code. */
export function currencySymbol(currency: string, lang: string): string {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

/** Checks typed text against `range`: the amount in minor units, or the buyer's message saying what to type. */
export function checkAmount(text: string, range: AmountRange, lang: string): { value: number } | { message: string } {
  const t = pick(AMOUNT_STRINGS, lang);
  const min = formatMoney(range.min, range.currency, lang);
  const max = formatMoney(range.max, range.currency, lang);
  const value = parseAmount(text, range.currency, lang);
  if (value === 'empty') return { message: t.amountEmpty };
  if (value === 'format') return { message: t.amountFormat(formatAmountInput(range.min, range.currency, lang)) };
  if (value < range.min || value > range.max) return { message: t.amountOutOfRange(min, max) };
  return { value };
}

const STYLES = `
.pl-amount{display:flex;flex-direction:column;gap:.25rem;margin-bottom:.75rem}
.pl-amount[hidden]{display:none}
.pl-amount label{font-weight:600;font-size:.875em}
.pl-amount input{font:inherit;color:inherit;background:transparent;width:12ch;max-width:100%;box-sizing:border-box;padding:.5rem .625rem;border:1px solid currentColor;border-radius:var(--pay-link-radius,.5rem)}
.pl-amount input:focus-visible{outline:3px solid var(--pay-link-focus-ring,var(--pay-link-bg));outline-offset:2px}
.pl-amount input[aria-invalid=true]{border-color:var(--pay-link-error);border-width:2px}
.pl-amount .hint{font-size:.8125em;opacity:.85}
.pl-amount [part=amount-error]{font-size:.875em;color:var(--pay-link-error)}
.pl-amount [part=amount-error]:empty{display:none}`;

let sheet: CSSStyleSheet | undefined;

/** What `extras.ts` keeps of an attached input: re-check on a status or language change, or take it away. */
export interface AmountInput {
  /** Shows the field only while no purchase is under way; re-reads the language. */
  update(): void;
  remove(): void;
}

/** Ids inside the element's shadow root: one field per element, so fixed ids do not collide between elements. */
const ID = 'pay-link-amount';

/**
 * Adds the amount field to `el`'s shadow root, ahead of what the element renders (outside Lit's part, so its
 * renders leave it alone), styled by a constructed stylesheet (a strict CSP's `style-src` allows those).
 */
export function attachAmountInput(el: PayLinkButton, range: AmountRange): AmountInput {
  const root = el.renderRoot as ShadowRoot;
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(STYLES);
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];

  const field = document.createElement('div');
  field.className = 'pl-amount';
  field.setAttribute('part', 'amount');
  const label = document.createElement('label');
  label.htmlFor = `${ID}-input`;
  label.setAttribute('part', 'amount-label');
  const input = document.createElement('input');
  input.id = `${ID}-input`;
  input.setAttribute('part', 'amount-input');
  input.autocomplete = 'off';
  input.inputMode = amountDecimals(range.currency) ? 'decimal' : 'numeric';
  input.setAttribute('aria-describedby', `${ID}-hint ${ID}-error`);
  const hint = document.createElement('span');
  hint.id = `${ID}-hint`;
  hint.className = 'hint';
  hint.setAttribute('part', 'amount-hint');
  const error = document.createElement('span');
  error.id = `${ID}-error`;
  error.setAttribute('part', 'amount-error');
  error.setAttribute('aria-live', 'polite');
  field.append(label, input, hint, error);
  root.prepend(field);

  let lang = '';
  const langOf = () => el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';

  const showError = (message: string) => {
    input.setAttribute('aria-invalid', 'true');
    error.textContent = message;
  };
  const clearError = () => {
    input.removeAttribute('aria-invalid');
    error.textContent = '';
  };
  /** Sets the element's amount from the text (or clears it); the message only when `show`. */
  const commit = (show: boolean) => {
    const result = checkAmount(input.value, range, lang);
    if ('value' in result) {
      clearError();
      el.currency = range.currency;
      if (el.amount !== result.value) el.amount = result.value;
    } else {
      if (el.amount !== undefined) el.amount = undefined;
      if (show) showError(result.message);
      else if (input.getAttribute('aria-invalid')) showError(result.message); // keep it current while they fix it
    }
    return result;
  };

  const onInput = () => commit(false);
  const onChange = () => commit(true);
  // In the click, before anything opens: refuse it while the amount is not one the proxy takes
  const onBeforeOpen = (event: Event) => {
    if (field.hidden) return;
    const result = checkAmount(input.value, range, lang);
    if ('value' in result) return;
    event.preventDefault();
    // Emptied first, so the same message twice is announced twice
    error.textContent = '';
    queueMicrotask(() => showError(result.message));
    input.focus();
  };
  input.addEventListener('input', onInput);
  input.addEventListener('change', onChange);
  el.addEventListener('pay-link-before-open', onBeforeOpen);

  const update = () => {
    const now = langOf();
    if (now !== lang) {
      lang = now;
      const t = pick(AMOUNT_STRINGS, lang);
      label.textContent = t.amountLabel(currencySymbol(range.currency, lang));
      hint.textContent = t.amountRange(formatMoney(range.min, range.currency, lang), formatMoney(range.max, range.currency, lang));
      if (!input.value && el.amount) input.value = formatAmountInput(el.amount, range.currency, lang);
      if (input.getAttribute('aria-invalid')) commit(true);
    }
    const status = el.status;
    field.hidden = status === 'minting' || status === 'pending' || status === 'partially_paid' || status === 'paid';
  };
  update();
  // The element reflects its state as the `status` attribute: hide or show the field as it changes
  const observer = new MutationObserver(update);
  observer.observe(el, { attributes: true, attributeFilter: ['status', 'lang'] });

  return {
    update,
    remove() {
      observer.disconnect();
      field.remove();
      input.removeEventListener('input', onInput);
      input.removeEventListener('change', onChange);
      el.removeEventListener('pay-link-before-open', onBeforeOpen);
    },
  };
}

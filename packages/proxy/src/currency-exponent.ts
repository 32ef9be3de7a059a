/**
 * ISO 4217 minor-unit exponents, for the proxy (`money.ts`) and the widget's bundle alike (it imports this file
 * through `@pay-link/proxy/currency-exponent`, so the module stays free of imports and small).
 *
 * Source: the ISO 4217 list (SIX). Not Intl: its digits are CLDR display digits and differ (IDR, HUF, COP and PKR
 * are 0 there, 2 in ISO), which would show a Rp 150.000 invoice as Rp 15.000.000. Xendit still takes only whole
 * rupiah: its adapter refuses what it would have to round.
 */
const EXPONENT_0 = /^(BIF|CLP|DJF|GNF|ISK|JPY|KMF|KRW|PYG|RWF|UGX|UYI|VND|VUV|XAF|XOF|XPF)$/;
const EXPONENT_3 = /^(BHD|IQD|JOD|KWD|LYD|OMR|TND)$/;
const EXPONENT_4 = /^(CLF|UYW)$/;

/** The number of decimal places of a currency's minor unit (INR 2, JPY 0, KWD 3); 2 for any code not listed. */
export const currencyExponent = (currency: string): number =>
  EXPONENT_0.test(currency) ? 0 : EXPONENT_3.test(currency) ? 3 : EXPONENT_4.test(currency) ? 4 : 2;

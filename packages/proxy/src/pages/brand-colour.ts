/**
 * The merchant's brand colour (`PAY_LINK_MERCHANT_BRAND_COLOR`) and the text put on it. The pages set the
 * merchant's name on a band of that colour and colour the pay button with it, so the text on it must stay
 * readable: white or the pages' near-black, whichever contrasts more, and the start is refused when neither reaches
 * WCAG AA's 4.5:1 (a mid grey such as #808080 gives 3.9:1 and 4.3:1). Refusing beats adjusting: a colour changed
 * behind the merchant's back is not their brand colour any more, and the error says what to pick instead.
 */

/** Text on the band: white, or the pages' text colour in the light scheme. */
export const BRAND_TEXT_LIGHT = '#ffffff';
export const BRAND_TEXT_DARK = '#111827';
/** WCAG 2.x AA for normal-size text. */
export const MIN_CONTRAST = 4.5;

export interface BrandColour {
  /** `#rrggbb`, lower case. */
  background: string;
  /** `BRAND_TEXT_LIGHT` or `BRAND_TEXT_DARK`. */
  text: string;
  /** Contrast of `text` on `background`, e.g. 7.1. */
  contrast: number;
}

/** `#abc` or `#aabbcc` (any case) as `#aabbcc`; anything else `undefined`. */
export function normalizeHex(value: string): string | undefined {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return undefined;
  const hex = match[1]!.toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** WCAG 2.x relative luminance of `#rrggbb`. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/**
 * The text colour for a brand colour, or `undefined` when neither candidate reaches 4.5:1 on it.
 *
 * @example
 * brandColour('#2f6b3a') // { background: '#2f6b3a', text: '#ffffff', contrast: 6.5… }
 */
export function brandColour(background: string): BrandColour | undefined {
  const hex = normalizeHex(background);
  if (!hex) return undefined;
  const [best] = [BRAND_TEXT_LIGHT, BRAND_TEXT_DARK]
    .map((text) => ({ background: hex, text, contrast: contrastRatio(hex, text) }))
    .sort((a, b) => b.contrast - a.contrast);
  return best!.contrast >= MIN_CONTRAST ? best : undefined;
}

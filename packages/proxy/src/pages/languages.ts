/**
 * The languages the buyer's pages speak: the widget's seven, so the page and its button always say the same thing
 * in the same language. Which one a request gets: `?lang=`, then the browser's `Accept-Language` (by q-value),
 * then the merchant's default (`PAY_LINK_DEFAULT_LANG`, else English). See decision 0014, addendum.
 */

export const PAGE_LANGS = ['en', 'hi', 'id', 'ms', 'th', 'vi', 'es'] as const;
export type PageLang = (typeof PAGE_LANGS)[number];

export function isPageLang(value: unknown): value is PageLang {
  return typeof value === 'string' && (PAGE_LANGS as readonly string[]).includes(value);
}

/**
 * The language for one request. `?lang=` wins when it names one of the seven (`hi`, or a tag such as `hi-IN`);
 * otherwise the `Accept-Language` ranges are tried from the highest q-value down (equal q-values keep the
 * header's order; `q=0` means "not this one"); otherwise `fallback`.
 *
 * @example
 * chooseLang(undefined, 'th-TH,th;q=0.9,en;q=0.5', 'en') // 'th'
 */
export function chooseLang(query: unknown, acceptLanguage: string | undefined, fallback: PageLang): PageLang {
  const asked = typeof query === 'string' ? primary(query) : undefined;
  if (isPageLang(asked)) return asked;
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: primary(tag), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranges.map((range) => range.lang).find(isPageLang) ?? fallback;
}

/** `hi-IN` → `hi`; `*` and junk give something no language matches. */
function primary(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * `/pay.css`, the stylesheet of every buyer-facing page. Phone first: a card that fits from 320 px up
 * (`box-sizing: border-box`, no fixed widths, long descriptions and references wrap anywhere), label and value side
 * by side where they fit and stacked where they do not; a receipt id never breaks (its value moves below its label
 * instead), and paid-at puts UTC on its own line, moving below its label where the two lines would not fit beside it. Colours are named, not derived with opacity, so each pair can be checked:
 * every text colour is at least 4.5:1 on its background in both schemes (light: muted #4b5563 on #fff 7.6:1, paid
 * #166534 7.1:1, badge #fff on #92400e 7.1:1; dark: muted #9ca3af on #111827 7.0:1, paid #86efac 12.6:1, badge
 * #111827 on #fcd34d 12.3:1). The button's own colours come from the widget and meet the same bar.
 *
 * The merchant's brand colour (when set) is the band behind their name and the pay button's colour, with the text
 * colour chosen for it at start-up (`brand-colour.ts`: 4.5:1 or the start is refused), the same in both schemes.
 *
 * Printed (the receipt's "Save as PDF"): light colours whatever the scheme, no card chrome, no button, an A4
 * page with margins; the receipt's content is short enough for one page.
 */
import type { MerchantIdentity } from '../config.ts';

export const PAGE_CSS = `*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
:root{color-scheme:light dark;--page:#f3f4f6;--card:#fff;--text:#111827;--muted:#4b5563;--line:#d1d5db;--paid:#166534;--link:#1d4ed8;--badge-bg:#92400e;--badge-fg:#fff;
font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%}
@media (prefers-color-scheme:dark){:root{--page:#030712;--card:#111827;--text:#f3f4f6;--muted:#9ca3af;--line:#374151;--paid:#86efac;--link:#93c5fd;--badge-bg:#fcd34d;--badge-fg:#111827}}
body{margin:0;min-height:100vh;min-height:100dvh;display:grid;place-items:center;padding:1rem;background:var(--page);color:var(--text)}
main{width:100%;max-width:28rem;padding:1.5rem 1.25rem;background:var(--card);border:1px solid var(--line);border-radius:14px;overflow-wrap:anywhere}
h1{font-size:1.375rem;line-height:1.3;margin:.25rem 0 .5rem}
p{margin:0 0 .75rem}
a{color:var(--link)}
.merchant{display:flex;align-items:center;gap:.75rem;margin:-1.5rem -1.25rem 1.25rem;padding:.875rem 1.25rem;border-bottom:1px solid var(--line);border-radius:13px 13px 0 0;font-weight:600;font-size:1.0625rem}
.merchant img{display:block;height:2rem;width:auto;max-width:8rem;object-fit:contain}
.merchant.brand{background:var(--brand);color:var(--brand-text);border-bottom-color:var(--brand)}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;font-weight:600;color:var(--muted)}
.badge{background:var(--badge-bg);color:var(--badge-fg);border-radius:4px;padding:0 .35rem;letter-spacing:0;text-transform:none}
.description{color:var(--muted)}
.items{width:100%;border-collapse:collapse;margin:1rem 0 0}
.items caption{text-align:left;color:var(--muted);padding-bottom:.25rem}
.items th,.items td{padding:.375rem 0;border-top:1px solid var(--line);vertical-align:baseline}
.items th{text-align:left;font-weight:400}
.items td{text-align:right;white-space:nowrap;padding-left:1rem}
.items .each{display:block;font-size:.875rem;color:var(--muted)}
.facts{display:grid;gap:.375rem;margin:1rem 0 1.5rem}
.facts>div{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:1rem}
.facts dt{flex:0 0 5.5rem;color:var(--muted)}
.facts dd{flex:1 1 11rem;margin:0}
.facts code{font-size:.875rem;white-space:nowrap}
.facts time{white-space:pre-line}
.facts [data-row=paid-at] dd{flex-basis:15rem}
.receipt-link{margin:-.75rem 0 1.25rem}
.amount{font-weight:600;font-size:1.125rem}
.paid{color:var(--paid);font-weight:600}
.fine{font-size:.8125rem;color:var(--muted);margin:1.5rem 0 0}
.fine+.fine{margin-top:.5rem}
.print{font:inherit;font-weight:600;padding:.625rem 1.25rem;border-radius:.5rem;border:2px solid var(--link);background:var(--link);color:var(--card);cursor:pointer}
.print:focus-visible{outline:3px solid var(--link);outline-offset:2px}
pay-link-button{display:block}
pay-link-button:not(:defined){min-height:2.75rem}
@media print{
:root{color-scheme:light;--page:#fff;--card:#fff;--text:#111827;--muted:#374151;--line:#d1d5db;--paid:#166534;--link:#1d4ed8;--badge-bg:#92400e;--badge-fg:#fff}
@page{size:A4;margin:16mm}
body{display:block;min-height:0;padding:0;background:#fff}
main{max-width:none;border:0;border-radius:0;padding:0}
.merchant{margin:0 0 1.25rem;border-radius:6px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
pay-link-button,.print,.receipt-link{display:none!important}
a{color:inherit;text-decoration:none}
}
`;

/**
 * The stylesheet for this proxy's merchant: `PAGE_CSS`, then the brand colour and the text on it as custom
 * properties, on the band and on the pay button, in both schemes (the text colour was chosen for that colour).
 */
export function pageCss(merchant: MerchantIdentity | undefined): string {
  const brand = merchant?.brandColor;
  if (!brand) return PAGE_CSS;
  return `${PAGE_CSS}:root{--brand:${brand.background};--brand-text:${brand.text}}
pay-link-button{--pay-link-bg:var(--brand);--pay-link-fg:var(--brand-text);--pay-link-focus-ring:var(--link)}
`;
}

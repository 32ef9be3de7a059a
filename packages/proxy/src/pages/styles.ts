/**
 * `/pay.css`, the stylesheet of every buyer-facing page. Phone first: a card that fits from 320 px up
 * (`box-sizing: border-box`, no fixed widths, long descriptions and references wrap anywhere), label and value side
 * by side where they fit and stacked where they do not; a receipt id never breaks (its value moves below its label
 * instead), and paid-at puts UTC on its own line, moving below its label where the two lines would not fit beside it. Colours are named, not derived with opacity, so each pair can be checked:
 * every text colour is at least 4.5:1 on its background in both schemes (light: muted #4b5563 on #fff 7.6:1, paid
 * #166534 7.1:1, badge #fff on #92400e 7.1:1; dark: muted #9ca3af on #111827 7.0:1, paid #86efac 12.6:1, badge
 * #111827 on #fcd34d 12.3:1). The button's own colours come from the widget and meet the same bar.
 */
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
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;font-weight:600;color:var(--muted)}
.badge{background:var(--badge-bg);color:var(--badge-fg);border-radius:4px;padding:0 .35rem;letter-spacing:0;text-transform:none}
.description{color:var(--muted)}
.facts{display:grid;gap:.375rem;margin:1rem 0 1.5rem}
.facts>div{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:1rem}
.facts dt{flex:0 0 5.5rem;color:var(--muted)}
.facts dd{flex:1 1 11rem;margin:0}
.facts code{font-size:.875rem;white-space:nowrap}
.facts time{white-space:pre-line}
.facts [data-row=paid-at] dd{flex-basis:15rem}
.amount{font-weight:600;font-size:1.125rem}
.paid{color:var(--paid);font-weight:600}
.fine{font-size:.8125rem;color:var(--muted);margin:1.5rem 0 0}
pay-link-button{display:block}
pay-link-button:not(:defined){min-height:2.75rem}
`;

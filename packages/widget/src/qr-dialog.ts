/**
 * "Pay on your phone": a modal dialog showing the link's checkout URL as a QR code (drawn by the proxy,
 * `GET /v1/links/:id/qr.svg`), for a buyer on a desktop who pays with a phone (UPI apps scan it). Loaded on demand as
 * `qr-dialog.js` when the buyer asks for it; never part of the core bundles.
 *
 * A native `<dialog>` opened with `showModal()`: the rest of the page is inert, so focus stays inside it (Tab cycles
 * through its controls), Escape closes it, and it is labelled by its title and described by its hint. Focus goes back
 * to what opened it, or, if that is gone (the button changed state meanwhile), to the element given as `fallback`.
 * It lives in its own shadow root on `<body>`, not inside the element, so a page's `overflow` or `transform` on the
 * element's ancestors cannot clip it, and styles neither way leak.
 *
 * The SVG is read with `fetch` (CORS, as every request of the element: the merchant's CSP already lets it reach the
 * proxy through `connect-src`) and drawn inline, rebuilt from its `<path>`/`<rect>` shapes only, not shown through
 * `<img src>`: that would need the proxy in the page's `img-src` too, which a strict CSP (the demo's) leaves out.
 */
import { QR_ACTION, QR_STRINGS, pick } from './extra-strings.ts';

export interface QrDialogOptions {
  /** The SVG's URL (`{proxy}/v1/links/:id/qr.svg`). */
  src: string;
  lang: string;
  /** What opened it: focused again on close. */
  opener: HTMLElement;
  /** Focused on close when `opener` is no longer in the document. */
  fallback?: () => HTMLElement | null | undefined;
  /** Colour scheme of the dialog; the code itself is always dark on white. */
  theme?: 'auto' | 'light' | 'dark';
}

export interface QrDialog {
  readonly dialog: HTMLDialogElement;
  close(): void;
  /** Resolves once it is closed (by the buyer, Escape, or `close()`). */
  readonly closed: Promise<void>;
}

const STYLES = `
dialog{box-sizing:border-box;max-width:min(24rem,calc(100vw - 2rem));padding:1.5rem;border:0;border-radius:1rem;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937;background:#fff;box-shadow:0 1rem 3rem rgb(0 0 0/.3);text-align:center}
dialog::backdrop{background:rgb(15 23 42/.6)}
h2{margin:0 0 .5rem;font-size:1.25rem}
p{margin:0 0 1rem;font-size:.9375rem}
.code{display:block;width:15rem;height:15rem;max-width:100%;margin:0 auto 1rem;background:#fff}
.code svg{display:block;width:100%;height:100%}
.gone{color:#b91c1c}
.gone:empty{display:none}
button{font:inherit;font-weight:600;padding:.5rem 1.5rem;border-radius:.5rem;border:2px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
:host([data-theme=dark]) dialog{color:#e5e7eb;background:#1e293b}
:host([data-theme=dark]) button{border-color:#93c5fd;background:#93c5fd;color:#0f172a}
:host([data-theme=dark]) .gone{color:#fca5a5}
@media (prefers-color-scheme:dark){
:host([data-theme=auto]) dialog{color:#e5e7eb;background:#1e293b}
:host([data-theme=auto]) button{border-color:#93c5fd;background:#93c5fd;color:#0f172a}
:host([data-theme=auto]) .gone{color:#fca5a5}}`;

let sheet: CSSStyleSheet | undefined;

const SVG = 'http://www.w3.org/2000/svg';
/** The shapes a QR drawing is made of, and the only attributes they keep: no script, link, style or reference. */
const SHAPES: Record<string, string[]> = { path: ['d', 'fill', 'stroke', 'stroke-width', 'transform'], rect: ['x', 'y', 'width', 'height', 'fill'] };

/** Reads the proxy's QR SVG and rebuilds it from its shapes alone, for drawing inline. Rejects if it is not one. */
export async function readQrSvg(src: string): Promise<SVGSVGElement> {
  const res = await fetch(src, { credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const parsed = new DOMParser().parseFromString(await res.text(), 'image/svg+xml').documentElement;
  const viewBox = parsed.getAttribute('viewBox');
  if (parsed.namespaceURI !== SVG || parsed.localName !== 'svg' || !viewBox || !/^[\d .]+$/.test(viewBox)) throw new Error('not an SVG');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', viewBox);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('aria-hidden', 'true');
  for (const shape of parsed.querySelectorAll('path, rect')) {
    const copy = document.createElementNS(SVG, shape.localName);
    for (const name of SHAPES[shape.localName]!) {
      const value = shape.getAttribute(name);
      if (value !== null) copy.setAttribute(name, value);
    }
    svg.append(copy);
  }
  if (!svg.childElementCount) throw new Error('an empty SVG');
  return svg;
}

/** Opens the QR dialog now. */
export function openQrDialog(options: QrDialogOptions): QrDialog {
  const t = pick(QR_STRINGS, options.lang);
  const host = document.createElement('pay-link-qr');
  host.dataset.theme = options.theme ?? 'auto';
  const root = host.attachShadow({ mode: 'open' });
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(STYLES);
  root.adoptedStyleSheets = [sheet];

  const dialog = document.createElement('dialog');
  dialog.lang = options.lang;
  dialog.setAttribute('aria-labelledby', 'title');
  dialog.setAttribute('aria-describedby', 'hint');
  const title = document.createElement('h2');
  title.id = 'title';
  title.textContent = pick(QR_ACTION, options.lang);
  const hint = document.createElement('p');
  hint.id = 'hint';
  hint.textContent = t.qrHint;
  const frame = document.createElement('span');
  frame.className = 'code';
  frame.setAttribute('role', 'img');
  frame.setAttribute('aria-label', t.qrAlt);
  frame.setAttribute('aria-busy', 'true');
  const gone = document.createElement('p');
  gone.className = 'gone';
  gone.setAttribute('role', 'alert');
  readQrSvg(options.src).then(
    (svg) => frame.replaceChildren(svg),
    () => {
      frame.hidden = true;
      gone.textContent = t.qrUnavailable;
    },
  ).finally(() => frame.removeAttribute('aria-busy'));
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = t.close;
  close.addEventListener('click', () => dialog.close());
  dialog.append(title, hint, frame, gone, close);
  root.append(dialog);
  document.body.append(host);

  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  dialog.addEventListener('close', () => {
    host.remove();
    const back = options.opener.isConnected ? options.opener : options.fallback?.();
    back?.focus();
    done();
  });
  dialog.showModal();
  close.focus();
  return { dialog, closed, close: () => dialog.open && dialog.close() };
}

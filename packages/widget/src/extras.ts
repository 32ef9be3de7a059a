/**
 * The element's on-demand features, as one small chunk (`extras.js`, next to the bundles) that the element imports
 * once it is on a page: the price on product buttons (`price.ts`), the amount field for open amounts (which loads
 * `amount-input.js` only for a button that needs one) and, on a desktop, the "Pay on your phone" action while a
 * link is waiting (which loads `qr-dialog.js` only when pressed). Rarely needed, so kept out of the core bundles'
 * 12,000 B; what the core holds is only the import of this file.
 *
 * Everything here goes through the element's public surface (its properties, its `status` attribute, its events and
 * its open shadow root), so the core knows nothing of it: a page whose CSP refuses the chunk keeps a working button.
 */
import type { PayLinkButton } from './pay-link-button.ts';
import type { AmountInput, AmountRange } from './amount-input.ts';
import type { QrDialog } from './qr-dialog.ts';
import { readConfig } from './config-cache.ts';
import { QR_ACTION, pick } from './extra-strings.ts';
import { showPrice } from './price.ts';

/** The attributes whose change may change what these features show. */
const OBSERVED = ['label', 'hide-price', 'product', 'quantity', 'lang', 'status', 'currency', 'amount', 'amount-input', 'intent', 'proxy', 'theme'];

/**
 * Loads a sibling chunk, from where this one was loaded (the proxy's origin, or its versioned path). One overridable
 * place, as `navigation` is in the core: the widget's tests load the sources instead.
 */
export const chunks = {
  load(name: 'amount-input' | 'qr-dialog'): Promise<unknown> {
    return import(/* @vite-ignore */ new URL(`${name}.js`, import.meta.url).href);
  },
};
const load = <T>(name: 'amount-input' | 'qr-dialog') => chunks.load(name) as Promise<T>;

const extended = new WeakSet<PayLinkButton>();

/** The QR action drawn as the element's own secondary action ("Check again"), on its own row under the actions. */
const QR_ACTION_CSS = "[part=qr]{background:none;color:inherit;margin-top:.5rem}";
let sheet: CSSStyleSheet | undefined;

/** The language the element speaks (its own `lang`, an ancestor's, the document's, the browser's). */
const langOf = (el: Element) => el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language || 'en';

/**
 * Not a touch-first device (a phone, a tablet, an in-app browser): its primary pointer is not coarse. Phones pay
 * where they are; the QR is for the other device. A laptop with a touch screen still has a fine primary pointer.
 */
const onDesktop = () => !matchMedia('(pointer: coarse)').matches;

/** Whether `el` sells an amount the buyer chooses: a currency, and no amount fixed by the page (or `amount-input`). */
const choosesAmount = (el: PayLinkButton) => !el.product && !el.intent && !!el.currency && (el.amount === undefined || el.hasAttribute('amount-input'));

/** Adds the on-demand features to `el`; a second call for the same element does nothing. */
export async function extend(el: PayLinkButton): Promise<void> {
  if (extended.has(el)) return;
  extended.add(el);
  await el.updateComplete;
  const root = el.renderRoot as ShadowRoot;

  let amount: { range: AmountRange; input?: AmountInput } | undefined;
  let qrAction: HTMLButtonElement | undefined;
  let dialog: QrDialog | undefined;

  const syncAmount = async () => {
    if (!choosesAmount(el)) {
      amount?.input?.remove();
      amount = undefined;
      return;
    }
    const currency = el.currency!.toUpperCase();
    const config = await readConfig(el.proxy);
    const range = config?.openAmounts.find((r) => r.currency === currency);
    if (!range) return;
    if (amount?.range !== range) {
      amount?.input?.remove();
      amount = { range };
      const { attachAmountInput } = await load<typeof import('./amount-input.ts')>('amount-input');
      if (amount?.range === range) amount.input = attachAmountInput(el, range);
    }
    amount.input?.update();
  };

  const syncQr = () => {
    const status = el.status;
    const id = el.link?.id;
    const show = !!id && (status === 'pending' || status === 'partially_paid') && onDesktop();
    if (!show) {
      qrAction?.remove();
      qrAction = undefined;
      if (status === 'paid' || status === 'expired' || status === 'cancelled' || status === 'failed') dialog?.close();
      return;
    }
    const label = pick(QR_ACTION, langOf(el));
    if (!qrAction) {
      sheet ??= new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(QR_ACTION_CSS);
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      qrAction = document.createElement('button');
      qrAction.type = 'button';
      qrAction.setAttribute('part', 'qr');
      qrAction.addEventListener('click', () => void openQr());
      // After the element's actions row, among its own static nodes: Lit's renders never remove it
      const actions = root.querySelector('.actions');
      if (actions) actions.after(qrAction);
      else root.append(qrAction);
    }
    qrAction.textContent = label;
  };

  const openQr = async () => {
    const id = el.link?.id;
    const opener = qrAction;
    if (!id || !opener || dialog) return;
    opener.setAttribute('aria-busy', 'true');
    try {
      const { openQrDialog } = await load<typeof import('./qr-dialog.ts')>('qr-dialog');
      const src = `${el.proxy.replace(/\/+$/, '')}/v1/links/${encodeURIComponent(id)}/qr.svg`;
      dialog = openQrDialog({ src, lang: langOf(el), opener, theme: el.theme, fallback: () => root.querySelector<HTMLElement>('[part=button], [part=status]') });
      void dialog.closed.then(() => (dialog = undefined));
    } finally {
      opener.removeAttribute('aria-busy');
    }
  };

  let running = Promise.resolve();
  const sync = () => {
    // One run at a time, in order: a change during an await is seen by the next run
    running = running.then(async () => {
      await el.updateComplete;
      syncQr();
      await Promise.all([showPrice(el), syncAmount()]);
    }).catch(() => {});
  };
  new MutationObserver(sync).observe(el, { attributes: true, attributeFilter: OBSERVED });
  // The link id arrives with the status: `pay-link-status` and `pay-link-created` carry the change of link too
  el.addEventListener('pay-link-created', sync);
  el.addEventListener('pay-link-status', sync);
  sync();
  await running;
}

/**
 * The price on a product button before the click: "Buy now · ₹499.00", or "Pay ₹499.00" with no label of its own.
 * The proxy decides prices (`GET /v1/config`, read once per page by `config-cache.ts`); the element alone knows a
 * product's price only once a link is minted. Part of the on-demand `extras.js`, so the core bundles pay nothing
 * for it. The attribute `hide-price` keeps the button's label as it is.
 *
 * It works through the element's `label` property (not reflected, so the attribute stays what the merchant wrote),
 * set by a controller before each of the element's renders: the language, the quantity, a translation registered
 * late, a new label (by attribute or property) all show at the next render. Slotted label content wins over a
 * label, so such a button shows no price (the merchant wrote its text).
 */
import type { ReactiveController } from 'lit';
import type { PayLinkButton } from './pay-link-button.ts';
import type { Money } from './proxy-client.ts';
import { formatMoney, resolveLang, translate } from './localize.ts';
import { readConfig } from './config-cache.ts';

/** What the label reads with the price: the merchant's label, a middle dot, the amount; else the default "Pay …". */
export function priceLabel(label: string | null | undefined, amount: string, lang: string): string {
  return label ? `${label} · ${amount}` : translate(lang).pay(amount);
}

/** Per element: its product's unit price (null: none known), the merchant's own label, the label we last set. */
interface PriceState {
  price: Money | null;
  own: string | undefined;
  shown: string | undefined;
}
const states = new WeakMap<PayLinkButton, PriceState>();

/** Sets `el.label` for its price, or back to the merchant's own; runs before each render of the element. */
function applyPrice(el: PayLinkButton, state: PriceState): void {
  // A label that is not the one we set is the merchant's (a new attribute or property value)
  if (el.label !== state.shown) state.own = el.label;
  const { price } = state;
  const lang = resolveLang(el);
  // What the click will cost: the catalog's unit price times `quantity` (the proxy's default, 1)
  const next = price && el.product && !el.hasAttribute('hide-price') ? priceLabel(state.own, formatMoney(price.value * (el.quantity ?? 1), price.currency, lang), lang) : state.own;
  state.shown = next;
  el.label = next;
}

/**
 * Looks up the price of `el`'s product in the proxy's catalog and shows it in the label (or takes it away:
 * `hide-price`, no product, a product the catalog lacks, a catalog that could not be read). Resolves once rendered.
 */
export async function showPrice(el: PayLinkButton): Promise<void> {
  let state = states.get(el);
  if (!state) {
    const created: PriceState = (state = { price: null, own: el.label, shown: el.label });
    states.set(el, created);
    const controller: ReactiveController = { hostUpdate: () => applyPrice(el, created) };
    el.addController(controller);
  }
  const product = el.product;
  const config = product ? await readConfig(el.proxy) : null;
  // The element may have changed product while the config was read: that run shows it
  if (product !== el.product) return;
  state.price = config?.products.find((p) => p.id === product)?.amount ?? null;
  el.requestUpdate();
  await el.updateComplete;
}

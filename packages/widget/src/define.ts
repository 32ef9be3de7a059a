/**
 * Registration that survives the real world: the same script included twice (two CMS plugins, a theme and a
 * page), two versions on one page, or a server render with no DOM at all.
 */
import type { PayLinkEventMap } from './events.ts';
import { PayLinkButton } from './pay-link-button.ts';

/** The tag the bundles register. */
export const TAG_NAME = 'pay-link-button';

const registered = new WeakSet<CustomElementConstructor>();

/**
 * Defines the element as `tagName`. If the tag is taken, it does nothing when the registered copy has the same
 * version, and warns (never throws) when it has another: the first copy loaded keeps working.
 *
 * @example
 * definePayLinkButton();                    // what the bundles do on load
 * definePayLinkButton('acme-pay-button');   // a second, independent tag
 */
export function definePayLinkButton(tagName: string = TAG_NAME, element: typeof PayLinkButton = PayLinkButton): void {
  // Node/SSR without a DOM shim: nothing to register in
  if (!globalThis.customElements) return;
  const existing = customElements.get(tagName) as { version?: string } | undefined;
  if (existing) {
    if (existing.version !== element.version) {
      console.warn(`<${tagName}> ${existing.version} kept, ${element.version} not defined: load the script once`);
    }
    return;
  }
  // One constructor can back only one tag: give further tags their own subclass.
  const klass = registered.has(element) ? class extends element {} : element;
  customElements.define(tagName, klass);
  registered.add(klass);
}

declare global {
  interface HTMLElementTagNameMap {
    'pay-link-button': PayLinkButton;
  }
  // Typed listeners everywhere: element.addEventListener('pay-link-paid', (e) => e.detail.linkId)
  interface GlobalEventHandlersEventMap extends PayLinkEventMap {}
}

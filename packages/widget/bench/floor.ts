// Lit's floor: the smallest useful LitElement (styles, a template, a reactive property), bundled exactly as the
// widget is, so the widget's weight can be read as "Lit + ours".
import { LitElement, css, html } from 'lit';

export class LitFloor extends LitElement {
  static override properties = { label: { type: String } };
  static override styles = css`:host{display:block}`;
  declare label: string;
  constructor() {
    super();
    this.label = 'x';
  }
  override render() {
    return html`<button>${this.label}</button>`;
  }
}
customElements.define('lit-floor', LitFloor);

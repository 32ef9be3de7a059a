import { unsafeCSS } from 'lit';

/**
 * Theming: set any `--pay-link-*` property (plus the optional `--pay-link-focus-ring`) on the element (page styles beat these `:host` defaults), style the
 * parts (`pay-link-button::part(button)`), or pick `theme="light|dark"` (`auto` follows `prefers-color-scheme`).
 *
 * Before the script loads the element is unknown to the browser and shows its light DOM as plain text. Styling
 * that moment is the page's job, e.g. `pay-link-button:not(:defined) { visibility: hidden; }` or a
 * placeholder of the button's size; the element cannot style itself before it exists.
 *
 * `unsafeCSS` on a constant, not the `css` tag: the tag's code (with its long error message) would be the only
 * reason to bundle it, and a literal without interpolations is as safe either way.
 */
export const styles = unsafeCSS(`
  :host {
    --pay-link-bg: #1d4ed8;
    --pay-link-fg: #ffffff;
    --pay-link-text: #1f2937;
    --pay-link-success: #166534;
    --pay-link-error: #b91c1c;

    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    font: var(--pay-link-font, inherit);
    color: var(--pay-link-text);
  }
  :host([hidden]) {
    display: none;
  }
  :host([theme='dark']) {
    --pay-link-bg: #93c5fd;
    --pay-link-fg: #0f172a;
    --pay-link-text: #e5e7eb;
    --pay-link-success: #86efac;
    --pay-link-error: #fca5a5;
  }
  @media (prefers-color-scheme: dark) {
    /* auto, and anything else but light (no attribute, a typo) */
    :host(:not([theme='light'])) {
      --pay-link-bg: #93c5fd;
      --pay-link-fg: #0f172a;
      --pay-link-text: #e5e7eb;
      --pay-link-success: #86efac;
      --pay-link-error: #fca5a5;
    }
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    font: inherit;
    font-weight: 600;
    line-height: 1.25;
    padding: var(--pay-link-padding, 0.625rem 1.25rem);
    border-radius: var(--pay-link-radius, 0.5rem);
    border: 2px solid var(--pay-link-bg);
    background: var(--pay-link-bg);
    color: var(--pay-link-fg);
    cursor: pointer;
  }
  button:hover {
    filter: brightness(0.9);
  }
  button:focus-visible {
    outline: 3px solid var(--pay-link-focus-ring, var(--pay-link-bg));
    outline-offset: 2px;
  }
  /* Busy, not disabled: a disabled button drops keyboard focus mid-purchase. */
  [aria-busy] {
    cursor: progress;
    opacity: 0.85;
  }
  [part='secondary'] {
    background: none;
    color: inherit;
  }

  [part='spinner'] {
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part='spinner'] {
      animation: none;
      border-right-color: currentColor;
      opacity: 0.6;
    }
  }

  [part='status'] {
    font-size: 0.875em;
  }
  [part='status']:not(:empty) {
    margin-top: 0.5rem;
  }
  [part='status']:focus {
    outline: none;
  }
  :host([status='paid']) [part='status'] {
    font-size: 1em;
    font-weight: 600;
    color: var(--pay-link-success);
  }
  [part='error'] {
    color: var(--pay-link-error);
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`);

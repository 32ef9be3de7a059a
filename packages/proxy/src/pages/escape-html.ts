/**
 * Escaping for the server-rendered pages. Every piece of merchant or buyer text (a product name, an intent's
 * description or reference, an id) goes through `escapeHtml` before it reaches a page.
 */

/**
 * Text made safe for HTML element content and for quoted attribute values: `& < > " '` become numeric character
 * references, so nothing in it can open a tag, close an attribute or start an entity.
 *
 * @example
 * `<h1>${escapeHtml(product.name)}</h1>`; `<a href="${escapeHtml(url)}">`
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

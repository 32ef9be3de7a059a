/**
 * An intent's line items on its pages (the pay page, the receipt), as the invoice email lists them: each item's
 * name, "2 × ₹500.00" under it when there are several, and the line's amount on the right. The amount row below
 * them is the total, so there is no total row here.
 */
import type { LineItem } from '../contract.ts';
import { formatMoney } from '../money.ts';
import { escapeHtml } from './escape-html.ts';
import type { PageContext } from './layout.ts';

export function lineItemsTable(items: readonly LineItem[] | undefined, currency: string, context: PageContext): string {
  if (!items?.length) return '';
  const money = (value: number) => escapeHtml(formatMoney({ value, currency }, context.lang));
  const rows = items
    .map((item) => {
      const each = item.quantity === 1 ? '' : `<span class="each">${item.quantity} × ${money(item.amount)}</span>`;
      return `<tr><th scope="row">${escapeHtml(item.name)}${each}</th><td>${money(item.quantity * item.amount)}</td></tr>`;
    })
    .join('\n');
  return `<table class="items">
<caption>${escapeHtml(context.t.rows.items)}</caption>
<tbody>
${rows}
</tbody>
</table>\n`;
}

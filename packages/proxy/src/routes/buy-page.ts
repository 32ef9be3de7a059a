/**
 * `GET /buy/:product` — a page per catalog product, server-rendered like the pay page: what it is, what it costs,
 * the button, and the same live status rows and receipt. It is what a merchant can paste into a chat or print as a
 * QR code, and what a page without the widget can link to. `?quantity=` buys several, within the mint's bounds.
 *
 * Buyers land here from links, so every answer is a page: an unknown product is a 404 page, a quantity out of
 * bounds a 400 page that says what is allowed. The price shown is the one a mint will charge (`resolvePrice`,
 * the same function `POST /v1/links` uses). Back from a same-tab checkout (`?pay_link_id=`), the page renders that
 * link's state from the first paint, when the link is a purchase of this product and quantity. In the buyer's
 * language, with the merchant's name on top, like the pay page.
 */
import { type Request, Router } from 'express';
import type { ProxyConfig, Product } from '../config.ts';
import { MintRequest, type Money } from '../contract.ts';
import { resolvePrice } from '../links/pricing.ts';
import type { LinkService } from '../links/service.ts';
import { formatMoney } from '../money.ts';
import { escapeHtml } from '../pages/escape-html.ts';
import { type PageContext, type PageParts, messagePage, pageContext, sendPage, supportLine } from '../pages/layout.ts';
import { type PaymentState, eyebrow, factRow, liveFacts } from '../pages/payment-status.ts';
import { Problem } from '../problems.ts';
import { LINK_ID } from '../contract/ids.ts';

/** The bounds `POST /v1/links` takes for `quantity`, read from its schema so the two cannot drift apart. */
export const QUANTITY = MintRequest.shape.quantity.unwrap();

export function buyPageRouter(config: ProxyConfig, links: LinkService, now: () => number): Router {
  const router = Router();

  router.get('/buy/:product', async (req, res) => {
    const context = pageContext(req, res, config.merchant);
    const { t } = context;
    const product = config.products.find((p) => p.id === req.params.product);
    if (!product) {
      return sendPage(res, 404, messagePage(t.productMissing.title, t.productMissing.heading, [escapeHtml(t.productMissing.text)], context));
    }
    const quantity = parseQuantity(req.query.quantity);
    const total = quantity === undefined ? undefined : priceOf(config, product, quantity, now());
    if (quantity === undefined || total === undefined) return sendPage(res, 400, quantityPage(product, context));
    const returned = await returnedLink(links, req, product, quantity);
    sendPage(res, 200, productPage(config, product, quantity, total, returned, context));
  });

  return router;
}

/** `?quantity=`: absent is 1; else digits only, within the mint's bounds. Anything else is `undefined`. */
function parseQuantity(raw: unknown): number | undefined {
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw)) return undefined;
  const quantity = Number(raw);
  return QUANTITY.safeParse(quantity).success ? quantity : undefined;
}

/**
 * What a mint of `quantity` charges, by the mint's own rule; `undefined` when it would refuse (a unit price that
 * many times is more than an amount can hold).
 */
function priceOf(config: ProxyConfig, product: Product, quantity: number, nowMs: number): Money | undefined {
  try {
    return resolvePrice(config, { product: product.id, quantity }, nowMs).amount;
  } catch (err) {
    if (err instanceof Problem) return undefined;
    throw err;
  }
}

/**
 * The link a same-tab checkout came back with (`?pay_link_id=`, added by the proxy's return page), when it is a
 * purchase of this product and quantity; anything else (another product's link, an unknown id, a store that
 * cannot answer now) shows the page as for a first visit, and the button reads the link itself.
 */
async function returnedLink(links: LinkService, req: Request, product: Product, quantity: number): Promise<PaymentState | undefined> {
  const id = req.query.pay_link_id;
  if (typeof id !== 'string' || !LINK_ID.test(id)) return undefined;
  const record = await links.read(id).catch(() => undefined);
  const source = record?.source;
  return source?.kind === 'product' && source.product === product.id && source.quantity === quantity ? record : undefined;
}

function productPage(
  config: ProxyConfig,
  product: Product,
  quantity: number,
  total: Money,
  state: PaymentState | undefined,
  context: PageContext,
): PageParts {
  const { t, lang } = context;
  const unit = formatMoney(product.amount, lang);
  const amount = formatMoney(total, lang);
  const rows =
    quantity === 1
      ? [factRow('price', t.rows.price, escapeHtml(unit), { valueClass: 'amount' })]
      : [
          factRow('price', t.rows.price, escapeHtml(t.each(unit))),
          factRow('quantity', t.rows.quantity, String(quantity)),
          factRow('total', t.rows.total, escapeHtml(amount), { valueClass: 'amount' }),
        ];
  const what = quantity === 1 ? product.name : `${product.name} × ${quantity}`;
  const paidTitle = t.paidTitle(what, amount);
  return {
    title: state?.status === 'paid' ? paidTitle : t.buyTitle(what, amount),
    widget: true,
    lang,
    merchant: config.merchant,
    // No `label` on the button: before a link exists the element knows no price, and a label with the amount in it
    // would be read twice once it does ("Pay ₹998.00, ₹998.00"). The price is in the rows right above it.
    main: `
${eyebrow(t.eyebrow.buy, state, config.testMode, context)}
<h1>${escapeHtml(product.name)}</h1>
${product.description ? `<p class="description">${escapeHtml(product.description)}</p>\n` : ''}${liveFacts(rows.join('\n  '), state, { currency: total.currency, paidTitle }, context)}
<pay-link-button product="${escapeHtml(product.id)}" quantity="${quantity}" proxy="${escapeHtml(config.publicUrl)}" lang="${lang}"></pay-link-button>
<p class="fine">${escapeHtml(t.fineBuy)}</p>${supportLine(context)}`,
  };
}

function quantityPage(product: Product, context: PageContext): PageParts {
  const { t } = context;
  const one = `/buy/${encodeURIComponent(product.id)}${context.langQuery}`;
  return messagePage(
    t.quantity.title,
    t.quantity.heading,
    [escapeHtml(t.quantity.text(product.name, QUANTITY.minValue!, QUANTITY.maxValue!)), `<a href="${escapeHtml(one)}">${escapeHtml(t.quantity.buyOne)}</a>`],
    context,
  );
}

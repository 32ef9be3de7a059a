/**
 * The legacy Payment Links REST surface, `/v1/invoices` with `type=link` (the seed; methods from razorpay-node
 * lib/resources/invoices.js, providers.md §5.4). Mounted on the same `/v1` router as the current API, so it
 * shares its fault injection, auth, JSON body rules and error envelope.
 */
import type { Request, Router } from 'express';
import { RazorpayError } from './errors.ts';
import {
  RazorpayCreateInvoiceLinkRequest,
  RazorpayListInvoicesQuery,
  RazorpayUpdateInvoiceLinkRequest,
} from './invoice-schemas.ts';
import type { RazorpayInvoiceBook } from './invoices.ts';
import { parseRazorpayInput } from './schemas.ts';

export interface RazorpayInvoiceRestDeps {
  invoices: RazorpayInvoiceBook;
  /** Base of `short_url`: the public URL plus the provider's mount path. */
  shortUrlBase(req: Request): string;
}

export function mountRazorpayInvoiceRoutes(router: Router, deps: RazorpayInvoiceRestDeps): void {
  router.post('/invoices', (req, res) => {
    const input = parseRazorpayInput(RazorpayCreateInvoiceLinkRequest, req.body);
    res.json(deps.invoices.create(input, deps.shortUrlBase(req)));
  });

  // The Invoices API's collection wrapper (api/payments/invoices/fetch-all.md; razorpay-node types `all()`).
  router.get('/invoices', (req, res) => {
    const query = parseRazorpayInput(RazorpayListInvoicesQuery, { ...req.query });
    const items = deps.invoices.list(query);
    res.json({ entity: 'collection', count: items.length, items });
  });

  router.get('/invoices/:id', (req, res) => {
    res.json(deps.invoices.get(req.params.id));
  });

  router.patch('/invoices/:id', (req, res) => {
    deps.invoices.get(req.params.id);
    const patch = parseRazorpayInput(RazorpayUpdateInvoiceLinkRequest, req.body ?? {});
    res.json(deps.invoices.update(req.params.id, patch));
  });

  // No webhook: the legacy API has no `invoice.cancelled` event (payments/payment-links/legacy.md).
  router.post('/invoices/:id/cancel', (req, res) => {
    res.json(deps.invoices.cancel(req.params.id));
  });

  router.post('/invoices/:id/notify_by/:medium', (req, res) => {
    deps.invoices.get(req.params.id);
    const medium = req.params.medium;
    if (medium !== 'sms' && medium !== 'email') throw new RazorpayError(400, 'not a valid notification medium', 'medium');
    deps.invoices.notify(req.params.id, medium);
    res.json({ success: true });
  });
}

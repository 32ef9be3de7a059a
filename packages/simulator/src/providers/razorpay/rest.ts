/**
 * The REST surface, mounted at `/v1` (markdown-docs api/payments/payment-links.md; razorpay-node
 * lib/resources/paymentLink.js), plus the legacy `/v1/invoices` routes (`invoice-rest.ts`). Order: injected
 * faults, auth, body, routes, the 404 envelope, errors.
 */
import { Router, type Request } from 'express';
import { applyFaults, type FaultInjector } from '../../faults.ts';
import { jsonBody } from '../../json-body.ts';
import { requireRazorpayAuth } from './auth.ts';
import { handleRazorpayErrors, razorpayFaultBody, RazorpayError } from './errors.ts';
import { mountRazorpayInvoiceRoutes } from './invoice-rest.ts';
import type { RazorpayInvoiceBook } from './invoices.ts';
import type { RazorpayLinkBook } from './links.ts';
import { parseRazorpayInput, RazorpayCreateLinkRequest, RazorpayListLinksQuery, RazorpayUpdateLinkRequest } from './schemas.ts';
import type { RazorpayWebhookEmitter } from './webhook-events.ts';

const NOTIFICATION_MEDIA = new Set(['sms', 'email']);

export interface RazorpayRestDeps {
  keyId: string;
  keySecret: string;
  book: RazorpayLinkBook;
  /** Legacy links (`/v1/invoices` with `type=link`). */
  invoices: RazorpayInvoiceBook;
  webhooks: RazorpayWebhookEmitter;
  faults: FaultInjector;
  /** Applies due expiries (and sends their webhooks) so every read sees the current state. */
  settle(): void;
  /** Base of `short_url`: the public URL plus this router's mount path. */
  shortUrlBase(req: Request): string;
}

export function createRazorpayRestRouter(deps: RazorpayRestDeps): Router {
  const router = Router();
  router.use(applyFaults(deps.faults, 'razorpay', razorpayFaultBody));
  router.use(requireRazorpayAuth(deps.keyId, deps.keySecret));
  router.use(
    jsonBody({
      notJson: () => new RazorpayError(400, 'Content-Type must be application/json'),
      malformed: () => new RazorpayError(400, 'The request body is not valid JSON'),
    }),
  );
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.post('/payment_links', (req, res) => {
    const input = parseRazorpayInput(RazorpayCreateLinkRequest, req.body);
    res.json(deps.book.create(input, deps.shortUrlBase(req)));
  });

  // The wrapper key is believed to be `payment_links`; UNCONFIRMED, the docs strip the sample (providers.md §5.3).
  router.get('/payment_links', (req, res) => {
    const query = parseRazorpayInput(RazorpayListLinksQuery, { ...req.query });
    res.json({ payment_links: deps.book.list(query) });
  });

  router.get('/payment_links/:id', (req, res) => {
    res.json(deps.book.get(req.params.id));
  });

  router.patch('/payment_links/:id', (req, res) => {
    deps.book.get(req.params.id);
    const patch = parseRazorpayInput(RazorpayUpdateLinkRequest, req.body ?? {});
    res.json(deps.book.update(req.params.id, patch));
  });

  router.post('/payment_links/:id/cancel', (req, res) => {
    const link = deps.book.cancel(req.params.id);
    // Webhooks are asynchronous at Razorpay ("delivered in near real-time", best-practices.md), so the API
    // answers without waiting for the receiver; the delivery still shows up under /_control/deliveries.
    void deps.webhooks.emit('payment_link.cancelled', link);
    res.json(link);
  });

  router.post('/payment_links/:id/notify_by/:medium', (req, res) => {
    deps.book.get(req.params.id);
    if (!NOTIFICATION_MEDIA.has(req.params.medium)) {
      throw new RazorpayError(400, 'not a valid notification medium', 'medium');
    }
    res.json({ success: true });
  });

  mountRazorpayInvoiceRoutes(router, { invoices: deps.invoices, shortUrlBase: deps.shortUrlBase });

  router.use(() => {
    throw new RazorpayError(404, 'The requested URL was not found on the server.');
  });
  router.use(handleRazorpayErrors);
  return router;
}

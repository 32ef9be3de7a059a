/**
 * The Invoices REST surface (shared/providers.md §2.3; xendit-node `invoice/apis/Invoice.ts`):
 * `POST /v2/invoices` (the SDK adds a trailing slash), `GET /v2/invoices/:id`, `GET /v2/invoices` (a bare array),
 * `POST /invoices/:id/expire!` (unversioned). Order: injected faults, auth, body, routes, the 404 body, errors.
 */
import express, { Router, type Request } from 'express';
import { applyFaults, type FaultInjector } from '../../faults.ts';
import { requireXenditAuth } from './auth.ts';
import type { XenditCallbackEmitter } from './callbacks.ts';
import { handleXenditErrors, validationError, xenditFaultBody, XenditError } from './errors.ts';
import type { XenditInvoiceBook } from './invoices.ts';
import { parseXenditInput, XenditCreateInvoiceRequest, XenditListInvoicesQuery } from './schemas.ts';

export interface XenditRestDeps {
  secretKey: string;
  book: XenditInvoiceBook;
  callbacks: XenditCallbackEmitter;
  faults: FaultInjector;
  /** Applies due expiries (and sends their callbacks) so every read sees the current state. */
  settle(): void;
  /** Base of `invoice_url`: the public URL plus this provider's mount path. */
  invoiceUrlBase(req: Request): string;
}

export function createXenditRestRouter(deps: XenditRestDeps): Router {
  const router = Router();
  router.use(applyFaults(deps.faults, 'xendit', xenditFaultBody));
  router.use(requireXenditAuth(deps.secretKey));
  router.use(express.json({ limit: '100kb', type: () => true }));
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.post('/v2/invoices', (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') throw validationError('"value" must be of type object');
    const input = parseXenditInput(XenditCreateInvoiceRequest, req.body);
    res.json(deps.book.create(input, deps.invoiceUrlBase(req)));
  });

  router.get('/v2/invoices', (req, res) => {
    const query = parseXenditInput(XenditListInvoicesQuery, { ...req.query });
    res.json(deps.book.list(query));
  });

  router.get('/v2/invoices/:id', (req, res) => {
    res.json(deps.book.get(req.params.id));
  });

  // `!` is reserved in Express 5 paths, hence the escape; the URL on the wire is `/invoices/{id}/expire!`.
  router.post('/invoices/:id/expire\\!', async (req, res) => {
    const invoice = deps.book.expire(req.params.id);
    // Xendit sends the EXPIRED callback for a manual expire too (seed lifecycle table); asynchronously, so the
    // API answers without waiting for the receiver. The attempt still shows up under /_control/deliveries.
    void deps.callbacks.emit(invoice);
    res.json(invoice);
  });

  router.use(() => {
    throw new XenditError(404, 'NOT_FOUND', 'The requested resource was not found');
  });
  router.use(handleXenditErrors);
  return router;
}

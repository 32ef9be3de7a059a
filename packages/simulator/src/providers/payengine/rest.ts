/**
 * The REST surface, mounted at `/api` like PayEngine's own paths (providers.md §3.3). Order: injected faults,
 * auth, body, routes, the 404 body, errors.
 */
import { Router, type Request } from 'express';
import { applyFaults, type FaultInjector } from '../../faults.ts';
import { jsonBody } from '../../json-body.ts';
import { requirePayEngineAuth } from './auth.ts';
import { handlePayEngineErrors, payengineFaultBody, PayEngineError } from './errors.ts';
import type { PayEngineLinkBook } from './links.ts';
import { PayEngineCreateLinkRequest, PayEngineListQuery, PayEngineUpdateLinkRequest, parsePayEngineInput } from './schemas.ts';
import { buildPayEngineLinkEvent, type PayEngineWebhookEmitter } from './webhook-events.ts';

export interface PayEngineRestDeps {
  secretKey: string;
  book: PayEngineLinkBook;
  webhooks: PayEngineWebhookEmitter;
  faults: FaultInjector;
  /** Applies due window transitions so every read sees the current state. */
  settle(): void;
  /** Base of `payment_link_url`: the public URL plus the provider's mount path. */
  linkUrlBase(req: Request): string;
}


export function createPayEngineRestRouter(deps: PayEngineRestDeps): Router {
  const router = Router();
  router.use(applyFaults(deps.faults, 'payengine', payengineFaultBody));
  router.use(requirePayEngineAuth(deps.secretKey));
  router.use(
    jsonBody({
      notJson: () => new PayEngineError(400, 'Content-Type must be application/json'),
      malformed: () => new PayEngineError(400, 'The request body is not valid JSON'),
    }),
  );
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.post('/payment-link', (req, res) => {
    const input = parsePayEngineInput(PayEngineCreateLinkRequest, req.body);
    const link = deps.book.create(input, deps.linkUrlBase(req));
    // Webhooks are asynchronous: the API answers without waiting for the receiver.
    void deps.webhooks.emit(buildPayEngineLinkEvent('PAYMENTLINK_CREATED', link));
    res.json(link);
  });

  router.get('/payment-link/:id', (req, res) => {
    res.json(deps.book.get(req.params.id));
  });

  router.patch('/payment-link/:id', (req, res) => {
    deps.book.get(req.params.id);
    const input = parsePayEngineInput(PayEngineUpdateLinkRequest, req.body ?? {});
    const link = deps.book.update(req.params.id, input);
    void deps.webhooks.emit(buildPayEngineLinkEvent('PAYMENTLINK_UPDATED', link));
    res.json(link);
  });

  router.post('/payment-link/:id/cancel', (req, res) => {
    const link = deps.book.cancel(req.params.id);
    void deps.webhooks.emit(buildPayEngineLinkEvent('PAYMENTLINK_CANCELLED', link));
    res.json({ success: true, message: 'Payment link cancelled successfully' });
  });

  router.get('/merchant/:merchantId/payment-link', (req, res) => {
    const query = parsePayEngineInput(PayEngineListQuery, { ...req.query });
    const { data, total } = deps.book.list(req.params.merchantId, query);
    // "Pagination meta data is provided in the response" (list-payment-links); its field names are UNCONFIRMED.
    res.json({ data, meta: { page: query.page, limit: query.limit, total, total_pages: Math.ceil(total / query.limit) } });
  });

  router.use(() => {
    throw new PayEngineError(404, 'Not found');
  });
  router.use(handlePayEngineErrors);
  return router;
}

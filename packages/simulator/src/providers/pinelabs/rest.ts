/**
 * The REST surface, mounted at `/api` so a client's base URL is `<simulator>/pinelabs/api` in place of
 * `https://api.pluralpay.in/api` (providers.md §4.1, §4.3):
 *
 *   POST  /auth/v1/token                          token (no auth)
 *   POST  /pay/v1/paymentlink                     create; a used reference answers the existing link
 *   GET   /pay/v1/paymentlink/{id}                fetch
 *   GET   /pay/v1/paymentlink/ref/{reference}     fetch by merchant reference (official MCP routes.py)
 *   PUT   /pay/v1/paymentlink/{id}/cancel         cancel (CREATED only)
 *   PATCH /pay/v1/paymentlink/{id}/notify         resend (CREATED only)
 *   GET   /pay/v1/orders/{order_id}               the order behind a link
 *
 * Injected faults apply to `/pay/v1` only, never to the token endpoint, so "the next call fails" means the next
 * API call, whatever token traffic precedes it.
 */
import { Router, type Request } from 'express';
import { applyFaults, type FaultInjector } from '../../faults.ts';
import { jsonBody } from '../../json-body.ts';
import type { PinelabsTokenIssuer } from './auth.ts';
import { PinelabsError, handlePinelabsErrors, pinelabsFaultBody } from './errors.ts';
import type { PinelabsLinkBook } from './links.ts';
import { parsePinelabsCreate } from './schemas.ts';
import type { PinelabsWebhookEmitter } from './webhook-events.ts';

export interface PinelabsRestDeps {
  tokens: PinelabsTokenIssuer;
  book: PinelabsLinkBook;
  webhooks: PinelabsWebhookEmitter;
  faults: FaultInjector;
  /** Applies due expiries so every read sees the current state. */
  settle(): void;
  /** Base of the hosted-page URLs: the public URL plus the provider's mount path. */
  linkUrlBase(req: Request): string;
}


/** Answered in Pine Labs' error shape. */
const pinelabsJsonBody = jsonBody({
  notJson: () => new PinelabsError(415, 'INVALID_REQUEST', 'Content-Type must be application/json'),
  malformed: () => new PinelabsError(400, 'INVALID_REQUEST', 'The request body is not valid JSON'),
});

export function createPinelabsRestRouter(deps: PinelabsRestDeps): Router {
  const router = Router();

  router.post('/auth/v1/token', ...pinelabsJsonBody, (req, res) => {
    res.json(deps.tokens.issue(req.body));
  });
  router.all('/auth/v1/token', () => {
    throw new PinelabsError(405, 'INVALID_REQUEST', 'Method not allowed');
  });

  const pay = Router();
  pay.use(applyFaults(deps.faults, 'pinelabs', pinelabsFaultBody));
  pay.use(deps.tokens.requireAuth);
  pay.use(pinelabsJsonBody);
  pay.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  pay.post('/paymentlink', (req, res) => {
    const { link, created } = deps.book.create(parsePinelabsCreate(req.body), deps.linkUrlBase(req));
    // 201 "Payment link created successfully" (seed); a repeated reference answers the existing link with 200
    // (the seed says it is returned, not with which status).
    res.status(created ? 201 : 200).json(link);
  });
  pay.get('/paymentlink/ref/:reference', (req, res) => {
    res.json(deps.book.getByReference(req.params.reference));
  });
  pay.get('/paymentlink/:id', (req, res) => {
    res.json(deps.book.get(req.params.id));
  });
  pay.put('/paymentlink/:id/cancel', (req, res) => {
    const change = deps.book.cancel(req.params.id);
    // The order behind the link is cancelled with it [INFERENCE]; its event goes out asynchronously, as a real
    // provider's would, and is recorded under /_control/deliveries.
    void deps.webhooks.emit(change);
    res.json(change.link);
  });
  pay.patch('/paymentlink/:id/notify', (req, res) => {
    res.json(deps.book.notify(req.params.id));
  });
  pay.get('/orders/:orderId', (req, res) => {
    res.json({ data: deps.book.getOrder(req.params.orderId) });
  });
  pay.use(() => {
    throw new PinelabsError(404, 'NOT_FOUND', 'The requested resource was not found');
  });

  router.use('/pay/v1', pay);
  router.use(() => {
    throw new PinelabsError(404, 'NOT_FOUND', 'The requested resource was not found');
  });
  router.use(handlePinelabsErrors);
  return router;
}

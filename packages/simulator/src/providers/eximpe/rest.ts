/**
 * The REST surface, mounted at `/pg` (§1.3). Order: injected faults, auth, body, routes, the 404 envelope,
 * errors. Every documented path ends with a slash; as in Django (which the API resembles, §1.1) a path without
 * one is answered with a 301 to the slashed path, which a client that does not follow redirects sees as a failure.
 */
import { Router, type Request } from 'express';
import { applyFaults, type FaultInjector } from '../../faults.ts';
import { jsonBody } from '../../json-body.ts';
import { requireEximPeAuth } from './auth.ts';
import { EximPeError, eximpeFaultBody, handleEximPeErrors } from './errors.ts';
import type { EximPeLinkBook } from './links.ts';
import { EximPeCreateLinkRequest, EximPeExtendExpiryRequest, EximPeListQuery, EximPeShareRequest, parseEximPeInput } from './schemas.ts';
import type { EximPeAck, EximPeCreatedLink, EximPeEnvelope, EximPeLinkList, EximPePaymentLink } from './wire.ts';

export interface EximPeRestDeps {
  clientId: string;
  clientSecret: string;
  book: EximPeLinkBook;
  faults: FaultInjector;
  /** Applies due expiries so every read sees the current state. */
  settle(): void;
  /** Base of `payment_link`: the public URL plus the provider's mount path. */
  payBase(req: Request): string;
}


const ok = <T>(message: string, data: T): EximPeEnvelope<T> => ({ success: true, message, data });
const ack = (message: string): EximPeAck => ({ success: true, message });

export function createEximPeRestRouter(deps: EximPeRestDeps): Router {
  const router = Router({ strict: true });
  router.use(applyFaults(deps.faults, 'eximpe', eximpeFaultBody));
  router.use((req, res, next) => {
    if (req.path.endsWith('/')) return next();
    const query = req.originalUrl.slice(req.originalUrl.split('?')[0]!.length);
    res.redirect(301, `${req.baseUrl}${req.path}/${query}`);
  });
  router.use(requireEximPeAuth(deps.clientId, deps.clientSecret));
  router.use(
    jsonBody({
      notJson: () => new EximPeError(415, 'VALIDATION_ERROR', 'Unsupported media type; send application/json'),
      malformed: () => new EximPeError(400, 'VALIDATION_ERROR', 'JSON parse error'),
    }),
  );
  router.use((_req, _res, next) => {
    deps.settle();
    next();
  });

  router.post('/payment-links/', (req, res) => {
    const input = parseEximPeInput(EximPeCreateLinkRequest, req.body);
    res.status(201).json(ok<EximPeCreatedLink>('Payment link created successfully', deps.book.create(input, deps.payBase(req))));
  });

  router.get('/payment-links/', (req, res) => {
    const { page, page_size } = parseEximPeInput(EximPeListQuery, { ...req.query });
    const found = deps.book.page(page, page_size);
    if (!found) throw new EximPeError(404, 'NOT_FOUND', 'Invalid page.');
    const pageUrl = (n: number) => `${deps.payBase(req)}/pg/payment-links/?page=${n}&page_size=${page_size}`;
    res.json(
      ok<EximPeLinkList>('Payment links retrieved successfully', {
        count: found.count,
        next: found.hasNext ? pageUrl(page + 1) : null,
        previous: page > 1 ? pageUrl(page - 1) : null,
        results: found.results,
      }),
    );
  });

  router.get('/payment-links/:id/', (req, res) => {
    res.json(ok<EximPePaymentLink>('Payment link retrieved successfully', deps.book.get(req.params.id)));
  });

  router.post('/payment-links/:id/deactivate/', (req, res) => {
    deps.book.deactivate(req.params.id);
    res.json(ack('Payment link deactivated successfully'));
  });

  router.post('/payment-links/:id/extend_expiry/', (req, res) => {
    deps.book.get(req.params.id);
    const { expiry_date } = parseEximPeInput(EximPeExtendExpiryRequest, req.body);
    deps.book.extendExpiry(req.params.id, expiry_date);
    res.json(ack('Payment link expiry extended successfully'));
  });

  // Nothing is sent from a simulator; the call is validated and acknowledged.
  router.post('/payment-links/:id/share/', (req, res) => {
    deps.book.get(req.params.id);
    parseEximPeInput(EximPeShareRequest, req.body);
    deps.book.share(req.params.id);
    res.json(ack('Payment link shared successfully'));
  });

  router.use(() => {
    throw new EximPeError(404, 'NOT_FOUND', 'Not found.');
  });
  router.use(handleEximPeErrors);
  return router;
}

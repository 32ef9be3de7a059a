/**
 * `/v1/admin`: the merchant's operations on links (list, cancel, extend expiry, resend to the customer) and
 * intent signing, for the merchant's servers and the `pay-link links …` commands.
 *
 * - Off unless `PAY_LINK_ADMIN_TOKEN` is set: every route then answers 404 and says so.
 * - `Authorization: Bearer <token>`, compared in constant time against every configured token (rotation).
 * - No CORS, and a request carrying an `Origin` other than the proxy's own is refused: no merchant page, and no
 *   page an admin happens to have open, can drive these routes from a browser.
 * - `Cache-Control: no-store` on every answer; every action logged (action, link id, outcome), never the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { AdminLinkView, NotifyResult, SignedIntent } from '../contract.ts';
import { ExtendRequest, IntentRequest, ListLinksQuery, NotifyRequest } from '../contract/admin.ts';
import { LINK_ID } from '../contract/ids.ts';
import { buildIntent, signIntent } from '../links/intent.ts';
import type { LinkService } from '../links/service.ts';
import type { Logger } from '../logger.ts';
import { Problem, invalidRequest, noSuchLink, parseRequest, requireJson } from '../problems.ts';
import { type Limiters, clientKey } from '../rate-limit.ts';
import type { Dispatcher } from '../merchant-events/dispatcher.ts';
import type { LinkRecord, Store } from '../store/types.ts';
import { adminEventRoutes } from './admin-events.ts';

export function adminRouter(
  config: ProxyConfig,
  links: LinkService,
  logger: Logger,
  limiters: Limiters,
  now: () => number = Date.now,
  events?: { store: Store; dispatcher: Dispatcher },
): Router {
  const router = Router();
  const ownOrigin = new URL(config.publicUrl).origin;
  const tokenDigests = config.adminTokens.map((token) => digest(token.reveal()));
  const log = logger.child({ area: 'admin' });
  // Guessing tokens: every refused token spends one of the address's tokens; with none left, even a right
  // token waits (the guesser may hold one). Bursts of 10 allow a merchant's few typos.
  const perMinute = config.rateLimits.adminFailuresPerMinute;
  const failures = limiters('admin_failures', { perMinute, burst: Math.max(perMinute, 10) });

  router.use(async (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (tokenDigests.length === 0) {
      next(new Problem(404, 'not_found', 'The admin API is disabled on this proxy: set PAY_LINK_ADMIN_TOKEN to turn it on'));
      return;
    }
    const waitSeconds = await failures?.wait(clientKey(req));
    if (waitSeconds !== undefined) {
      log.warn({ action: 'refused', method: req.method, path: req.path, outcome: 'rate_limited' }, 'admin request refused');
      next(new Problem(429, 'rate_limited', 'Too many refused admin tokens from this address; try again shortly', { retryAfter: waitSeconds }));
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== ownOrigin) {
      log.warn({ action: 'refused', method: req.method, path: req.path, outcome: 'origin_not_allowed' }, 'admin request refused');
      next(new Problem(403, 'origin_not_allowed', 'The admin API is for servers and the pay-link CLI, not for browser pages'));
      return;
    }
    const presented = /^Bearer +([\x21-\x7e]+) *$/i.exec(req.get('authorization') ?? '')?.[1];
    // Every configured token is compared, without stopping at a match, over fixed-length digests: the timing
    // says neither which token matched nor how long any of them is.
    let ok = false;
    if (presented !== undefined) {
      const candidate = digest(presented);
      for (const expected of tokenDigests) ok = timingSafeEqual(candidate, expected) || ok;
    }
    if (!ok) {
      await failures?.take(clientKey(req));
      res.setHeader('WWW-Authenticate', presented === undefined ? 'Bearer realm="pay-link admin"' : 'Bearer realm="pay-link admin", error="invalid_token"');
      log.warn({ action: 'refused', method: req.method, path: req.path, outcome: 'unauthorized' }, 'admin request refused');
      next(new Problem(401, 'unauthorized', presented === undefined ? 'Send Authorization: Bearer <PAY_LINK_ADMIN_TOKEN>' : 'The admin token is not valid'));
      return;
    }
    next();
  });

  /** Runs an admin action and logs its outcome, success or problem. */
  const audited =
    (action: string, handler: RequestHandler): RequestHandler =>
    async (req, res, next) => {
      const id = typeof req.params.id === 'string' ? req.params.id : undefined;
      // The id in the path: a link's, an event's or an endpoint's.
      const target = id && { [req.path.startsWith('/links/') ? 'linkId' : req.path.startsWith('/events/') ? 'eventId' : 'endpoint']: id };
      try {
        await handler(req, res, next);
        log.info({ action, ...target, ...res.locals.audit, outcome: 'ok' }, 'admin action');
      } catch (err) {
        const outcome = err instanceof Problem ? err.code : 'internal_error';
        log.warn({ action, ...target, outcome }, 'admin action failed');
        throw err;
      }
    };

  const view = (record: LinkRecord): AdminLinkView => ({
    ...links.view(record),
    reference: record.reference,
    providerLinkId: record.providerLinkId,
    source: record.source,
    createdAt: new Date(record.createdAt).toISOString(),
  });
  const json = [requireJson, express.json({ limit: '16kb', strict: true })];

  router.get(
    '/links',
    audited('list', async (req, res) => {
      const { from, to, ...query } = parseRequest(ListLinksQuery, req.query);
      const page = await links.list({
        ...query,
        createdFrom: from === undefined ? undefined : Date.parse(from),
        createdBefore: to === undefined ? undefined : Date.parse(to),
      });
      res.json({ links: page.links.map(view), ...(page.nextCursor && { nextCursor: page.nextCursor }) });
    }),
  );

  router.post(
    '/links/:id/cancel',
    audited('cancel', async (req, res) => {
      const record = await links.cancel(linkId(req.params.id));
      res.json(view(record));
    }),
  );

  router.post(
    '/links/:id/extend',
    ...json,
    audited('extend', async (req, res) => {
      const id = linkId(req.params.id);
      const expiresAt = new Date(parseRequest(ExtendRequest, req.body).expiresAt);
      if (expiresAt.getTime() <= now()) throw invalidRequest([{ path: ['expiresAt'], message: 'must be in the future' }]);
      res.json(view(await links.extendExpiry(id, expiresAt)));
    }),
  );

  router.post(
    '/links/:id/notify',
    ...json,
    audited('notify', async (req, res) => {
      const id = linkId(req.params.id);
      const { channel } = parseRequest(NotifyRequest, req.body);
      const record = await links.notify(id, channel);
      res.json({ link: view(record), channel } satisfies NotifyResult);
    }),
  );

  router.post(
    '/intents',
    ...json,
    audited('sign_intent', async (req, res) => {
      // The same rules as `pay-link intent`: one builder (links/intent.ts), so the two cannot drift.
      const intent = buildIntent(parseRequest(IntentRequest, req.body), now());
      const secret = config.intentSecrets[0];
      if (!secret) throw new Problem(400, 'intents_not_configured', 'Set PAY_LINK_INTENT_SECRET on the proxy to sign intents');
      const token = signIntent(intent, secret.reveal());
      res.locals.audit = { reference: intent.reference, amount: intent.amount };
      res.status(201).json({ token, payUrl: `${config.publicUrl}/pay/${token}`, expiresAt: intent.expiresAt.toISOString() } satisfies SignedIntent);
    }),
  );

  if (events) adminEventRoutes(router, { ...events, audited, now, endpoints: config.webhooks });

  // Nothing under /v1/admin falls through to the browser-facing routes.
  router.use((req, _res, next) => next(new Problem(404, 'not_found', `Nothing at ${req.method} /v1/admin${req.path}`)));

  return router;
}

function linkId(id: unknown): string {
  if (typeof id !== 'string' || !LINK_ID.test(id)) throw noSuchLink();
  return id;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}


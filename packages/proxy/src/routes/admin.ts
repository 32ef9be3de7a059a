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
import { z } from 'zod';
import { parseDuration } from '../duration.ts';
import type { ProxyConfig } from '../config.ts';
import { type AdminLinkView, Customer, CurrencyCode, LinkStatus, type NotifyResult, ProviderName, type SignedIntent } from '../contract.ts';
import { signIntent } from '../links/intent.ts';
import type { LinkService } from '../links/service.ts';
import type { Logger } from '../logger.ts';
import { parseMajorString } from '../money.ts';
import { Problem, invalidRequest, noSuchLink, requireJson } from '../problems.ts';
import { type Limiters, clientKey } from '../rate-limit.ts';
import type { Dispatcher } from '../merchant-events/dispatcher.ts';
import type { LinkRecord, Store } from '../store/types.ts';
import { adminEventRoutes } from './admin-events.ts';
import { LINK_ID } from './links.ts';

const ListQuery = z
  .object({
    status: LinkStatus.optional(),
    provider: ProviderName.optional(),
    limit: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(1).max(500).default(50),
    /** Created at or after / before, ISO 8601. */
    from: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-05-01T00:00:00Z' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-06-01T00:00:00Z' }).optional(),
    /** The previous page's `nextCursor`. */
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'the nextCursor of the previous page').optional(),
  })
  .strict();

const ExtendRequest = z.object({ expiresAt: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time such as 2026-05-01T12:00:00Z' }) }).strict();

const NotifyRequest = z.object({ channel: z.enum(['email', 'sms']) }).strict();

const IntentRequest = z
  .object({
    amount: z.string({ error: 'a decimal string such as "1500.00"' }),
    currency: CurrencyCode,
    reference: z.string().min(1).max(40),
    description: z.string().min(1).max(500),
    expiresIn: z.string().default('30d'),
    customer: Customer.optional(),
  })
  .strict();

/** The intent token's short payload keys, back to the request's field names (for a 400 naming the field). */
const INTENT_FIELDS: Record<string, string> = { a: 'amount', c: 'currency', r: 'reference', d: 'description', u: 'customer', e: 'expiresIn' };

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
      const parsed = ListQuery.safeParse(req.query);
      if (!parsed.success) throw badRequest(parsed.error);
      const { from, to, ...query } = parsed.data;
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
      const parsed = ExtendRequest.safeParse(req.body);
      if (!parsed.success) throw badRequest(parsed.error);
      const expiresAt = new Date(parsed.data.expiresAt);
      if (expiresAt.getTime() <= now()) throw invalidRequest([{ path: ['expiresAt'], message: 'must be in the future' }]);
      res.json(view(await links.extendExpiry(id, expiresAt)));
    }),
  );

  router.post(
    '/links/:id/notify',
    ...json,
    audited('notify', async (req, res) => {
      const id = linkId(req.params.id);
      const parsed = NotifyRequest.safeParse(req.body);
      if (!parsed.success) throw badRequest(parsed.error);
      const record = await links.notify(id, parsed.data.channel);
      res.json({ link: view(record), channel: parsed.data.channel } satisfies NotifyResult);
    }),
  );

  router.post(
    '/intents',
    ...json,
    audited('sign_intent', async (req, res) => {
      const parsed = IntentRequest.safeParse(req.body);
      if (!parsed.success) throw badRequest(parsed.error);
      const body = parsed.data;
      const value = parseMajorString(body.amount, body.currency);
      const ttl = parseDuration(body.expiresIn);
      const issues = [
        ...(value === undefined || value <= 0 ? [{ path: ['amount'], message: `a positive decimal amount in ${body.currency} such as "1500.00"` }] : []),
        ...(ttl === undefined ? [{ path: ['expiresIn'], message: 'a duration such as 30m, 12h or 30d' }] : []),
      ];
      if (issues.length > 0) throw invalidRequest(issues);
      const secret = config.intentSecrets[0];
      if (!secret) throw new Problem(400, 'intents_not_configured', 'Set PAY_LINK_INTENT_SECRET on the proxy to sign intents');
      const expiresAt = new Date(now() + ttl!);
      let token: string;
      try {
        token = signIntent(
          { amount: { value: value!, currency: body.currency }, reference: body.reference, description: body.description, customer: body.customer, expiresAt },
          secret.reveal(),
        );
      } catch (err) {
        if (!(err instanceof z.ZodError)) throw err;
        throw invalidRequest(err.issues.map((issue) => ({ ...issue, path: [INTENT_FIELDS[String(issue.path[0])] ?? '(body)', ...issue.path.slice(1)] })));
      }
      res.locals.audit = { reference: body.reference, amount: { value, currency: body.currency } };
      res.status(201).json({ token, payUrl: `${config.publicUrl}/pay/${token}`, expiresAt: expiresAt.toISOString() } satisfies SignedIntent);
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

/** A 400 naming each field at fault, an unknown field (a typo such as `expiresAT`) by its own name too. */
function badRequest(error: z.ZodError): Problem {
  return invalidRequest(
    error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'not a field of this request' })) : [issue],
    ),
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}


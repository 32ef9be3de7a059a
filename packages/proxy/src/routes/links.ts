/**
 * `POST /v1/links` (mint) and `GET /v1/links/:id` (status, with ETag/304 and a suggested poll interval).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router } from 'express';
import { MintRequest } from '../contract.ts';
import { LINK_ID } from '../contract/ids.ts';
import type { ProxyConfig } from '../config.ts';
import { requireAllowedOrigin } from '../cors.ts';
import type { LinkService } from '../links/service.ts';
import { Problem, invalidRequest, noSuchLink, requireJson } from '../problems.ts';
import { type Limiter, type Limiters, rateLimit } from '../rate-limit.ts';
import type { Metrics } from '../metrics.ts';
import type { BeforeExpress, EarlyHandler } from '../sse/before-express.ts';
import type { LinkRecord } from '../store/types.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Adds the link routes to `router` (the app's own router in app.ts, to save a nested router per request), mints
 * and reads limited per address by `limiters` (rate-limit.ts).
 */
export function linksRouter(config: ProxyConfig, links: LinkService, metrics: Metrics, limiters: Limiters, router: Router = Router()): Router {
  const allowedOrigins = new Set(config.allowedOrigins);

  const { mintPerMinute, readPerMinute } = config.rateLimits;
  const mintLimit = rateLimit(limiters('mint', { perMinute: mintPerMinute, burst: Math.max(5, Math.ceil(mintPerMinute / 3)) }));
  const readLimit = rateLimit(readLimiter(config, limiters));
  // Only when a limit is on: even a pass-through layer costs every status read a prefix match.
  if (mintPerMinute > 0 || readPerMinute > 0) {
    router.use('/v1/links', (req, res, next) => (req.method === 'POST' ? mintLimit : readLimit)(req, res, next));
  }

  router.post(
    '/v1/links',
    requireAllowedOrigin(config.allowedOrigins),
    requireJson,
    express.json({ limit: '16kb', strict: true }),
    async (req, res) => {
      const parsed = MintRequest.safeParse(req.body);
      if (!parsed.success) throw invalidRequest(parsed.error.issues);
      const request = parsed.data;
      if (request.returnUrl && !allowedOrigins.has(new URL(request.returnUrl).origin)) {
        throw new Problem(400, 'return_url_not_allowed', 'The return URL must be on an allowed origin', {
          errors: [{ field: 'returnUrl', message: 'not on an allowed origin' }],
        });
      }
      const key = req.get('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new Problem(400, 'invalid_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
          errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
        });
      }
      const { record, replayed } = await links.mint(request, { idempotencyKey: key }).catch((err: unknown) => {
        metrics.mints.inc({ provider: request.provider ?? config.defaultProvider, outcome: (err as Problem).code ?? 'internal_error' });
        throw err;
      });
      metrics.mints.inc({ provider: record.provider, outcome: replayed ? 'replayed' : 'created' });
      res.setHeader('Cache-Control', 'no-store');
      const { etag, body } = serialized(links, record);
      res.setHeader('ETag', etag);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(replayed ? 200 : 201).type('application/json').send(body);
    },
  );

  const answer = statusAnswer(metrics);
  router.get('/v1/links/:id', async (req, res) => {
    const id = req.params.id;
    if (!LINK_ID.test(id)) throw noSuchLink();
    answer(req, res, serialized(links, await links.read(id)));
  });

  return router;
}

const readLimiters = new WeakMap<Limiters, Limiter | undefined>();
/**
 * The one limiter for status reads and event streams (`PAY_LINK_RATE_READ_PER_MINUTE`): both spend the same bucket,
 * whichever handler serves them (routes/events.ts serves streams ahead of Express).
 */
export function readLimiter(config: ProxyConfig, limiters: Limiters): Limiter | undefined {
  if (readLimiters.has(limiters)) return readLimiters.get(limiters);
  const { readPerMinute } = config.rateLimits;
  const limiter = limiters('read', { perMinute: readPerMinute, burst: Math.max(20, Math.ceil(readPerMinute / 6)) });
  readLimiters.set(limiters, limiter);
  return limiter;
}

/** Spends one of the address's status reads (a stream counts as one), or throws the 429 when none is left. */
export async function takeRead(limiter: Limiter | undefined, key: string): Promise<void> {
  const retryAfter = await limiter?.take(key);
  if (retryAfter !== undefined) throw new Problem(429, 'rate_limited', 'Too many requests from this address; try again shortly', { retryAfter });
}

/**
 * Serves `GET /v1/links/<id><rest>` ahead of Express (sse/before-express.ts) for its plain path, as the widget asks
 * it (a well-formed id, nothing to decode): `respond` gets the id once the early layers ran; its errors are
 * answered as Express would. Every other spelling of the path is left to Express.
 */
export function plainLinkRoute(rest: string, early: BeforeExpress, respond: (req: IncomingMessage, res: ServerResponse, id: string) => Promise<void>): EarlyHandler {
  const path = new RegExp(`^/v1/links/(${LINK_ID.source.replace(/^\^|\$$/g, '')})${rest}(?:\\?|$)`);
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const id = path.exec(req.url ?? '')?.[1];
    if (id === undefined) return false;
    early.begin(req, res);
    respond(req, res, id).catch((err: unknown) => early.fail(req, res, err));
    return true;
  };
}

export interface SerializedView {
  body: string;
  etag: string;
  pollAfterMs: number;
  /** The headers of the status read's answer, 304 and 200, made once per view. */
  unchanged: Record<string, string>;
  fresh: Record<string, string>;
  /** The SSE frame for this state (`id: seq`, `event: status`, the body as `data:`), made on first use. */
  frame?: string;
}

/**
 * The status view as sent, and its entity tag: `"<seq>.<digest of the body>"`, so every field a 304 stands for
 * is in it (an extended expiry or a payment time filled in later changes the tag though `seq` does not), while
 * `seq` stays readable. Cached by link id and store version (every write bumps it), so the hot path serializes
 * and hashes a link once per write, not once per poll; bounded, the oldest entry going first.
 */
const MAX_CACHED_VIEWS = 10_000;
const views = new Map<string, SerializedView & { version: number }>();
export function serialized(links: LinkService, record: LinkRecord): SerializedView {
  const cached = views.get(record.id);
  if (cached?.version === record.version) return cached;
  const view = links.view(record);
  const body = JSON.stringify(view);
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  const etag = `"${record.seq}.${digest}"`;
  const unchanged = { ETag: etag, 'Cache-Control': 'no-cache', 'Retry-After': String(Math.ceil(view.pollAfterMs / 1000)) };
  // What res.json() sends, without its detours (send(), a freshness check already made).
  const answer = { ...unchanged, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) };
  const fresh = { body, etag, pollAfterMs: view.pollAfterMs, unchanged, fresh: answer, version: record.version };
  views.delete(record.id);
  if (views.size >= MAX_CACHED_VIEWS) views.delete(views.keys().next().value!);
  views.set(record.id, fresh);
  return fresh;
}

/**
 * The status read's answer to `req` from `view`: 304 when its If-None-Match holds the entity tag, else the body,
 * each with its headers as one set made with the view, through `writeHead` (the app's, adding helmet's headers to
 * a 200), whether Express or sse/before-express.ts serves the request.
 */
function statusAnswer(metrics: Metrics) {
  const reads = { fresh: metrics.statusReads.labels('200'), unchanged: metrics.statusReads.labels('304') };
  return (req: IncomingMessage, res: ServerResponse, view: SerializedView, writeHead: (status: number, headers: Record<string, string>) => void = (status, headers) => void res.writeHead(status, headers)) => {
    if (noneMatch(req.headers['if-none-match'], view.etag)) {
      reads.unchanged.inc();
      writeHead(304, view.unchanged);
      res.end();
      return;
    }
    reads.fresh.inc();
    writeHead(200, view.fresh);
    res.end(view.body);
  };
}

/**
 * `GET /v1/links/:id` for its plain path, served ahead of Express (sse/before-express.ts): CORS, the read limit and
 * the answer as the route above gives them, without Express's per-request set-up.
 */
export function statusReadsBeforeExpress(config: ProxyConfig, links: LinkService, metrics: Metrics, limiters: Limiters, early: BeforeExpress): EarlyHandler {
  const limiter = readLimiter(config, limiters);
  const answer = statusAnswer(metrics);
  return plainLinkRoute('', early, async (req, res, id) => {
    await takeRead(limiter, early.clientKey(req));
    answer(req, res, serialized(links, await links.read(id)), (status, headers) => early.writeHead(res, status, headers));
  });
}

/** The SSE frame of `record`'s state: serialized once per (link, version), for every watcher and the status read. */
export function statusFrame(links: LinkService, record: LinkRecord): string {
  const view = serialized(links, record);
  return (view.frame ??= `id: ${record.seq}\nevent: status\ndata: ${view.body}\n\n`);
}

/** If-None-Match (RFC 9110 §13.1.2): `*`, or a list of entity tags compared weakly; the widget sends one, as given. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  return header.split(',').some((item) => {
    const tag = item.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}


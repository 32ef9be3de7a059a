/**
 * `GET /v1/links/:id/events`: the link's status pushed as Server-Sent Events. `retry:` first, then the current
 * state (unless the client's `Last-Event-ID` is already that seq), then one event per change, with `id: seq`
 * so a reconnect resumes; `: ping` heartbeats keep proxies from timing the stream out; the stream ends after a
 * terminal status. On shutdown every stream ends with a short `retry:` so clients reconnect to another instance.
 *
 * The plain path `/v1/links/<id>/events` is served ahead of Express (sse/before-express.ts): a stream lives as long
 * as its buyer's tab, and all Express sets up per request lives as long too, about half of what each watcher held.
 * Every other spelling of the path goes through Express to the same route; error answers are Express's own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Router as ExpressRouter, Router } from 'express';
import type { LinkService } from '../links/service.ts';
import { LINK_ID } from '../contract/ids.ts';
import { noSuchLink } from '../problems.ts';
import type { Limiter } from '../rate-limit.ts';
import type { BeforeExpress, EarlyHandler } from '../sse/before-express.ts';
import { HEARTBEAT_MS, createStreamHub } from '../sse/stream-hub.ts';
import { plainLinkRoute, statusFrame, takeRead } from './links.ts';

export { HEARTBEAT_MS };

const RETRY_MS = 3_000;
const HEAD = `retry: ${RETRY_MS}\n\n`;
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to; a buffered stream is no stream.
  'X-Accel-Buffering': 'no',
};

export interface EventsOptions {
  /** The app's layers before its routes, by hand. */
  early: BeforeExpress;
  /** Status reads' limiter (routes/links.ts `readLimiter`); none: unlimited. */
  readLimit: Limiter | undefined;
  onClients(count: number): void;
}

export interface EventsRoute {
  /** The route as Express serves it, for the requests `serve` leaves to Express. */
  router: ExpressRouter;
  /** Serves `req` if it is a plain event stream request (answers true), else leaves it alone. */
  serve: EarlyHandler;
  /** Ends every stream, asking clients to come back soon (to this instance after a restart, or another). */
  closeAll(retryMs?: number): void;
}

export function eventsRouter(links: LinkService, options: EventsOptions): EventsRoute {
  const { early, readLimit } = options;
  const hub = createStreamHub(links, options.onClients, (record) => statusFrame(links, record));

  /** Opens the stream of link `id` on `res`, whose request has passed CORS and the read limit. */
  async function stream(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    if (!LINK_ID.test(id)) throw noSuchLink();
    const lastEventId = Number(req.headers['last-event-id']);
    const held = hub.hold(res, id, Number.isInteger(lastEventId) ? lastEventId : -1);
    if (!held) return;
    let record;
    try {
      record = await links.read(id);
    } catch (err) {
      hub.release(held);
      throw err;
    }
    if (res.destroyed) return hub.release(held);
    early.writeHead(res, 200, STREAM_HEADERS);
    // Sent on their own, the headers are written as one flat string; sent with the first frame, Node keeps them
    // (`res._header`) as the tree of ~40 concatenations it built them from, 2.6 KB for as long as the stream lasts.
    res.flushHeaders();
    hub.start(held, HEAD, record);
  }

  const router = Router();
  router.get('/v1/links/:id/events', (req, res) => stream(req, res, req.params.id));

  return {
    router,
    // The one path served ahead of Express: exactly as the widget asks, an id with nothing to decode.
    serve: plainLinkRoute('/events', early, async (req, res, id) => {
      await takeRead(readLimit, early.clientKey(req));
      await stream(req, res, id);
    }),
    closeAll(retryMs = 1_000): void {
      hub.closeAll(retryMs);
    },
  };
}

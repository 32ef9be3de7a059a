/**
 * `GET /v1/links/:id/events`: the link's status pushed as Server-Sent Events. `retry:` first, then the current
 * state (unless the client's `Last-Event-ID` is already that seq), then one event per change, with `id: seq`
 * so a reconnect resumes; `: ping` heartbeats keep proxies from timing the stream out; the stream ends after a
 * terminal status. On shutdown every stream ends with a short `retry:` so clients reconnect to another instance.
 */
import { type Router as ExpressRouter, Router } from 'express';
import type { LinkService } from '../links/service.ts';
import { isTerminal } from '../links/status.ts';
import { Problem } from '../problems.ts';
import type { LinkRecord } from '../store/types.ts';
import { LINK_ID } from './links.ts';

const RETRY_MS = 3_000;
/** How often an open stream gets a `: ping` comment (bench/watchers.ts holds its streams open past one). */
export const HEARTBEAT_MS = 15_000;

export function eventsRouter(
  links: LinkService,
  onClients: (count: number) => void,
): { router: ExpressRouter; closeAll(retryMs?: number): void } {
  const router = Router();
  const open = new Set<{ end: (retryMs?: number) => void; ping: () => void }>();
  // One timer for every stream, not one each: thousands of watchers are thousands of timers otherwise.
  let heartbeat: NodeJS.Timeout | undefined;
  const clientsChanged = () => {
    onClients(open.size);
    if (open.size === 0) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    } else {
      heartbeat ??= setInterval(() => {
        for (const connection of open) connection.ping();
      }, HEARTBEAT_MS).unref();
    }
  };

  router.get('/v1/links/:id/events', async (req, res) => {
    const id = req.params.id;
    if (!LINK_ID.test(id)) throw new Problem(404, 'not_found', 'There is no payment link with this id');
    const record = await links.read(id);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx buffers responses unless told not to; a buffered stream is no stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const lastEventId = Number(req.get('last-event-id'));
    let lastSent = Number.isInteger(lastEventId) ? lastEventId : -1;
    let ended = false;

    const end = (retryMs?: number) => {
      if (ended) return;
      ended = true;
      if (retryMs !== undefined) res.write(`retry: ${retryMs}\n\n`);
      res.end();
      cleanup();
    };
    const send = (current: LinkRecord) => {
      if (ended || current.seq <= lastSent) return;
      lastSent = current.seq;
      res.write(`id: ${current.seq}\nevent: status\ndata: ${JSON.stringify(links.view(current))}\n\n`);
      if (isTerminal(current.status)) end();
    };

    const connection = { end, ping: () => res.write(': ping\n\n') };
    const unsubscribe = links.subscribe(id, send);
    let cleaned = false;
    function cleanup() {
      if (cleaned) return;
      cleaned = true;
      unsubscribe();
      open.delete(connection);
      clientsChanged();
    }
    open.add(connection);
    clientsChanged();
    res.on('close', () => {
      ended = true;
      cleanup();
    });

    res.write(`retry: ${RETRY_MS}\n\n`);
    // The stored state may have moved while the headers went out; send whatever is newest.
    send((await links.read(id).catch(() => record)) ?? record);
  });

  return {
    router,
    /** Ends every stream, asking clients to come back soon (to this instance after a restart, or another). */
    closeAll(retryMs = 1_000): void {
      for (const connection of [...open]) connection.end(retryMs);
    },
  };
}

/**
 * The open event streams of one instance, held as cheaply as a stream can be: a small object per stream, one change
 * feed subscription per watched link (not one per stream), one heartbeat timer for all, and each (link, version)
 * serialized once into the frame every watcher of that link is written (`frameOf`). Thousands of buyers' tabs are
 * thousands of these, so nothing per stream is a closure or a copy of the link.
 */
import type { ServerResponse } from 'node:http';
import { isTerminal } from '../links/status.ts';
import type { LinkService } from '../links/service.ts';
import type { LinkRecord } from '../store/types.ts';

/** How often an open stream gets a `: ping` comment (bench/watchers.ts holds its streams open past one). */
export const HEARTBEAT_MS = 15_000;
const PING = ': ping\n\n';

/** One open stream: where it writes, and the last `seq` its client has (sent, or named by `Last-Event-ID`). */
class Stream {
  /** The newest change heard before the stream's first frame went out. */
  early: LinkRecord | undefined;
  started = false;
  ended = false;
  /** Set when the hub closed while this stream had not started: it starts only to end with this `retry:`. */
  closeWith: number | undefined;
  constructor(
    readonly res: ServerResponse,
    readonly linkId: string,
    public lastSent: number,
  ) {}
}

interface Watched {
  streams: Set<Stream>;
  unsubscribe: () => void;
}

export interface StreamHub {
  /**
   * Holds `res` open for link `linkId`'s changes from now on, before its first frame is written, so no change falls
   * between reading the link and listening. Answers `undefined` if the client is already gone.
   */
  hold(res: ServerResponse, linkId: string, lastSent: number): Stream | undefined;
  /** Writes the stream's first frames (`head`, then `record` or a newer change heard meanwhile). */
  start(stream: Stream, head: string, record: LinkRecord): void;
  /** Lets go of a stream that will not start (the link could not be read); its response is the caller's. */
  release(stream: Stream): void;
  /** Ends every stream, asking its client to come back after `retryMs`. */
  closeAll(retryMs: number): void;
}

export type { Stream };

/**
 * @example
 * const hub = createStreamHub(links, (count) => metrics.sseClients.set(count), (record) => frame(record));
 */
export function createStreamHub(
  links: Pick<LinkService, 'subscribe'>,
  onClients: (count: number) => void,
  /** The `id:`/`event:`/`data:` frame for a link's state, cached per (link, version) by the caller. */
  frameOf: (record: LinkRecord) => string,
): StreamHub {
  const open = new Map<ServerResponse, Stream>();
  const watched = new Map<string, Watched>();
  let heartbeat: NodeJS.Timeout | undefined;

  const clientsChanged = () => {
    onClients(open.size);
    if (open.size === 0) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    } else {
      heartbeat ??= setInterval(ping, HEARTBEAT_MS).unref();
    }
  };
  function ping() {
    for (const res of open.keys()) res.write(PING);
  }

  /** A change to a watched link: the one frame, written to each of its streams that lacks it. */
  function deliver(record: LinkRecord) {
    const entry = watched.get(record.id);
    if (!entry) return;
    let frame: string | undefined;
    for (const stream of entry.streams) {
      if (stream.ended || record.seq <= stream.lastSent) continue;
      if (!stream.started) {
        if (!stream.early || record.seq > stream.early.seq) stream.early = record;
        continue;
      }
      stream.lastSent = record.seq;
      frame ??= frameOf(record);
      stream.res.write(frame);
      if (isTerminal(record.status)) end(stream);
    }
  }

  function end(stream: Stream, retryMs?: number) {
    if (stream.ended) return;
    stream.ended = true;
    if (retryMs !== undefined) stream.res.write(`retry: ${retryMs}\n\n`);
    stream.res.end();
    drop(stream);
  }

  function drop(stream: Stream) {
    stream.ended = true;
    if (open.get(stream.res) !== stream) return;
    open.delete(stream.res);
    const entry = watched.get(stream.linkId);
    if (entry) {
      entry.streams.delete(stream);
      if (entry.streams.size === 0) {
        entry.unsubscribe();
        watched.delete(stream.linkId);
      }
    }
    clientsChanged();
  }

  // One listener function for every response: `this` is the response that closed.
  function onClose(this: ServerResponse) {
    const stream = open.get(this);
    if (stream) drop(stream);
  }

  return {
    hold(res, linkId, lastSent) {
      if (res.destroyed) return undefined;
      const stream = new Stream(res, linkId, lastSent);
      open.set(res, stream);
      let entry = watched.get(linkId);
      if (!entry) {
        entry = { streams: new Set(), unsubscribe: links.subscribe(linkId, deliver) };
        watched.set(linkId, entry);
      }
      entry.streams.add(stream);
      // `on`, not `once`: `once` wraps the listener in a closure per response.
      res.on('close', onClose);
      clientsChanged();
      return stream;
    },
    start(stream, head, record) {
      if (stream.ended) return;
      stream.started = true;
      if (stream.closeWith !== undefined) {
        stream.res.write(head);
        end(stream, stream.closeWith);
        return;
      }
      const newest = stream.early && stream.early.seq > record.seq ? stream.early : record;
      stream.early = undefined;
      if (newest.seq <= stream.lastSent) {
        stream.res.write(head);
        return;
      }
      stream.lastSent = newest.seq;
      stream.res.write(head + frameOf(newest));
      if (isTerminal(newest.status)) end(stream);
    },
    release(stream) {
      stream.res.off('close', onClose);
      drop(stream);
    },
    closeAll(retryMs) {
      for (const stream of [...open.values()]) {
        if (stream.started) end(stream, retryMs);
        else stream.closeWith = retryMs;
      }
    },
  };
}

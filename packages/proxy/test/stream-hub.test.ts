import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, it, mock } from 'node:test';
import { HEARTBEAT_MS, createStreamHub } from '../src/sse/stream-hub.ts';
import type { LinkRecord } from '../src/store/types.ts';

/** A response that records what is written to it. */
class FakeResponse extends EventEmitter {
  written: string[] = [];
  ended = false;
  destroyed = false;
  write(chunk: string) {
    this.written.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  /** The client goes away. */
  hangUp() {
    this.destroyed = true;
    this.emit('close');
  }
}

function fakeFeed() {
  const listeners = new Map<string, Set<(record: LinkRecord) => void>>();
  let subscriptions = 0;
  return {
    get subscriptions() {
      return subscriptions;
    },
    listening: (id: string) => listeners.get(id)?.size ?? 0,
    subscribe(id: string, onChange: (record: LinkRecord) => void) {
      subscriptions += 1;
      if (!listeners.has(id)) listeners.set(id, new Set());
      listeners.get(id)!.add(onChange);
      return () => listeners.get(id)!.delete(onChange);
    },
    emit(record: LinkRecord) {
      for (const listener of listeners.get(record.id) ?? []) listener(record);
    },
  };
}

const record = (id: string, seq: number, status: LinkRecord['status'] = 'pending') => ({ id, seq, status, version: seq }) as LinkRecord;
const frameOf = (r: LinkRecord) => `id: ${r.seq}\nevent: status\ndata: ${r.status}\n\n`;
const res = () => new FakeResponse();
const asResponse = (r: FakeResponse) => r as unknown as ServerResponse;

describe('stream hub', () => {
  it('subscribes once per link and writes one frame, serialized once, to every stream of it', () => {
    const feed = fakeFeed();
    const frames: LinkRecord[] = [];
    const hub = createStreamHub(feed, () => {}, (r) => (frames.push(r), frameOf(r)));
    const [a, b, c] = [res(), res(), res()];
    for (const [r, link] of [[a, 'pl_1'], [b, 'pl_1'], [c, 'pl_2']] as const) hub.start(hub.hold(asResponse(r), link, -1)!, 'retry: 3000\n\n', record(link, 0));
    assert.equal(feed.subscriptions, 2);
    frames.length = 0;
    feed.emit(record('pl_1', 1, 'paid'));
    assert.equal(frames.length, 1, 'serialized once for both streams');
    assert.deepEqual(a.written, ['retry: 3000\n\nid: 0\nevent: status\ndata: pending\n\n', 'id: 1\nevent: status\ndata: paid\n\n']);
    assert.deepEqual(b.written, a.written);
    assert.ok(a.ended && b.ended, 'a terminal status ends the streams');
    assert.equal(c.ended, false);
    assert.equal(feed.listening('pl_1'), 0, 'the link is let go with its last stream');
  });

  it('skips what the client has (Last-Event-ID) and repeats nothing', () => {
    const feed = fakeFeed();
    const hub = createStreamHub(feed, () => {}, frameOf);
    const r = res();
    hub.start(hub.hold(asResponse(r), 'pl_1', 2)!, 'retry: 3000\n\n', record('pl_1', 2));
    feed.emit(record('pl_1', 2));
    feed.emit(record('pl_1', 1));
    feed.emit(record('pl_1', 3, 'partially_paid'));
    assert.deepEqual(r.written, ['retry: 3000\n\n', 'id: 3\nevent: status\ndata: partially_paid\n\n']);
  });

  it('sends a change heard while the link was being read, instead of the older read', () => {
    const feed = fakeFeed();
    const hub = createStreamHub(feed, () => {}, frameOf);
    const r = res();
    const stream = hub.hold(asResponse(r), 'pl_1', -1)!;
    feed.emit(record('pl_1', 4, 'paid'));
    assert.deepEqual(r.written, [], 'nothing before the head');
    hub.start(stream, 'retry: 3000\n\n', record('pl_1', 3));
    assert.deepEqual(r.written, ['retry: 3000\n\nid: 4\nevent: status\ndata: paid\n\n']);
    assert.ok(r.ended);
  });

  it('pings every open stream from one timer, counts streams, and forgets a client that left', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const feed = fakeFeed();
      const counts: number[] = [];
      const hub = createStreamHub(feed, (n) => counts.push(n), frameOf);
      const [a, b] = [res(), res()];
      hub.start(hub.hold(asResponse(a), 'pl_1', -1)!, '', record('pl_1', 0));
      hub.start(hub.hold(asResponse(b), 'pl_2', -1)!, '', record('pl_2', 0));
      mock.timers.tick(HEARTBEAT_MS);
      assert.equal(a.written.at(-1), ': ping\n\n');
      assert.equal(b.written.at(-1), ': ping\n\n');
      b.hangUp();
      assert.equal(feed.listening('pl_2'), 0);
      mock.timers.tick(HEARTBEAT_MS);
      assert.equal(a.written.filter((w) => w === ': ping\n\n').length, 2);
      assert.equal(b.written.filter((w) => w === ': ping\n\n').length, 1);
      assert.deepEqual(counts, [1, 2, 1]);
    } finally {
      mock.timers.reset();
    }
  });

  it('ends every stream with a retry hint on closeAll, also one still reading its link', () => {
    const feed = fakeFeed();
    const hub = createStreamHub(feed, () => {}, frameOf);
    const [open, reading] = [res(), res()];
    hub.start(hub.hold(asResponse(open), 'pl_1', -1)!, 'retry: 3000\n\n', record('pl_1', 0));
    const late = hub.hold(asResponse(reading), 'pl_2', -1)!;
    hub.closeAll(1_000);
    assert.equal(open.written.at(-1), 'retry: 1000\n\n');
    assert.ok(open.ended);
    assert.equal(reading.ended, false);
    hub.start(late, 'retry: 3000\n\n', record('pl_2', 0));
    assert.deepEqual(reading.written, ['retry: 3000\n\n', 'retry: 1000\n\n']);
    assert.ok(reading.ended);
  });

  it('releases a stream that will not start, and holds none for a client already gone', () => {
    const feed = fakeFeed();
    const counts: number[] = [];
    const hub = createStreamHub(feed, (n) => counts.push(n), frameOf);
    const r = res();
    hub.release(hub.hold(asResponse(r), 'pl_1', -1)!);
    assert.equal(feed.listening('pl_1'), 0);
    assert.equal(r.listenerCount('close'), 0);
    const gone = res();
    gone.destroyed = true;
    assert.equal(hub.hold(asResponse(gone), 'pl_1', -1), undefined);
    assert.deepEqual(counts, [1, 0]);
  });
});

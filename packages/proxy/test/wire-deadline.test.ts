import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Deadline, nodeWire } from '../src/wire.ts';

// src/wire.ts's `Deadline`: what an AbortSignal was to a request, without one on the node wire (decision 0021).
const timeout = () => new DOMException('no answer in time', 'TimeoutError');

describe('Deadline', () => {
  it('runs out after its time: stopped, expired, with the timeout as its reason, telling each listener once', async () => {
    const deadline = new Deadline(20, timeout);
    const heard: unknown[] = [];
    deadline.onStop((reason) => heard.push(reason));
    assert.equal(deadline.stopped, false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(deadline.stopped, true);
    assert.equal(deadline.expired, true);
    assert.equal((deadline.reason as DOMException).name, 'TimeoutError');
    deadline.stop(new Error('again'));
    assert.equal(heard.length, 1);
    assert.equal(heard[0], deadline.reason);
  });

  it('stop(): stopped but not expired, an AbortError by default, and its clock no longer runs', async () => {
    const deadline = new Deadline(20, timeout);
    deadline.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(deadline.stopped, true);
    assert.equal(deadline.expired, false);
    assert.equal((deadline.reason as DOMException).name, 'AbortError');
  });

  it('clear() stops the clock only: it never runs out, and stop() still tells its listeners', async () => {
    const deadline = new Deadline(20, timeout);
    const heard: unknown[] = [];
    deadline.onStop((reason) => heard.push(reason));
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(deadline.stopped, false);
    assert.deepEqual(heard, []);
    const reason = new Error('a failure already known');
    deadline.stop(reason);
    assert.deepEqual(heard, [reason]);
  });

  it('a listener taken off is not told; one added after the stop is told at once', () => {
    const deadline = new Deadline(60_000, timeout);
    const heard: string[] = [];
    const off = deadline.onStop(() => heard.push('off'));
    deadline.onStop(() => heard.push('kept'));
    off();
    deadline.stop();
    deadline.onStop(() => heard.push('late'));
    assert.deepEqual(heard, ['kept', 'late']);
  });

  /** A deadline that counts the listeners it holds, through the same `onStop` that `race` uses. */
  class Counted extends Deadline {
    held = 0;
    override onStop(listener: (reason: unknown) => void): () => void {
      const off = super.onStop(listener);
      if (this.stopped) return off;
      this.held += 1;
      let taken = false;
      return () => {
        if (!taken) this.held -= 1;
        taken = true;
        off();
      };
    }
  }

  it('race: the work, or the stop’s reason when it stops first; a settled race leaves no listener behind', async () => {
    const won = new Counted(60_000, timeout);
    assert.equal(await won.race(Promise.resolve('answer')), 'answer');
    assert.equal(won.held, 0);
    won.stop();
    const lost = new Deadline(60_000, timeout);
    const never = new Promise<string>(() => undefined);
    const racing = lost.race(never);
    const reason = new Error('stopped');
    lost.stop(reason);
    await assert.rejects(racing, (err) => err === reason);
    // Rejected work is the race's answer, not the deadline's.
    const failing = new Counted(60_000, timeout);
    await assert.rejects(failing.race(Promise.reject(new Error('refused'))), /refused/);
    assert.equal(failing.held, 0);
    failing.stop();
  });

  it('signal: an AbortSignal that aborts with it, made on first use, already aborted when made after the stop', () => {
    const early = new Deadline(60_000, timeout);
    const signal = early.signal;
    assert.equal(signal.aborted, false);
    const reason = new Error('stopped');
    early.stop(reason);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, reason);
    const late = new Deadline(60_000, timeout);
    late.stop(reason);
    assert.equal(late.signal.aborted, true);
    assert.equal(late.signal.reason, reason);
  });
});

describe('the node wire and its deadline', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/drip') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
        return; // never ends
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A deadline that records whether anything asked it for an AbortSignal. */
  class Watched extends Deadline {
    signalAsked = false;
    override get signal(): AbortSignal {
      this.signalAsked = true;
      return super.signal;
    }
  }

  it('sends a request and reads its answer without making an AbortSignal', async () => {
    const deadline = new Watched(5_000, timeout);
    const answer = await nodeWire()({ method: 'GET', url: new URL(`${base}/ok`), headers: {}, deadline });
    assert.equal(await answer.text(1024), '{"ok":true}');
    deadline.clear();
    assert.equal(deadline.signalAsked, false);
  });

  it('a stop during the body ends the read with the stop’s reason', async () => {
    const deadline = new Deadline(5_000, timeout);
    const answer = await nodeWire()({ method: 'GET', url: new URL(`${base}/drip`), headers: {}, deadline });
    const reading = answer.text(1024);
    const reason = new DOMException('no complete answer in time', 'TimeoutError');
    deadline.stop(reason);
    await assert.rejects(reading, (err) => err === reason);
  });

  it('a deadline stopped before the request fails it as an AbortError carrying the reason', async () => {
    const deadline = new Deadline(5_000, timeout);
    const reason = new Error('a failure already known');
    deadline.stop(reason);
    await assert.rejects(nodeWire()({ method: 'GET', url: new URL(`${base}/ok`), headers: {}, deadline }), (err: Error) => {
      assert.equal(err.name, 'AbortError');
      assert.equal(err.cause, reason);
      return true;
    });
  });
});

import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type RunningSimulator } from '../src/index.ts';

// The simulator's server makes each request with its app's prototypes, so Express's `Object.setPrototypeOf` on
// them changes nothing (src/server.ts `withAppPrototypes`; the proxy's decision 0021).
let sim: RunningSimulator;
before(async () => {
  sim = await startSimulator({ port: 0, log: false });
});
after(async () => {
  await sim.close();
});

describe("the simulator's request objects", () => {
  it('are made with the app’s prototypes: Express re-prototypes none, and its answers are as before', async () => {
    const original = Object.setPrototypeOf;
    const changed: string[] = [];
    Object.setPrototypeOf = function (target: object, proto: object | null) {
      if ((target instanceof IncomingMessage || target instanceof ServerResponse) && Object.getPrototypeOf(target) !== proto) {
        changed.push(target.constructor.name);
      }
      return original(target, proto);
    };
    let answers: [number, unknown][];
    try {
      answers = await Promise.all(
        ['/', '/nowhere'].map(async (path) => {
          const res = await fetch(`${sim.url}${path}`);
          return [res.status, await res.json()] as [number, unknown];
        }),
      );
    } finally {
      Object.setPrototypeOf = original;
    }
    assert.equal(answers[0]![0], 200);
    assert.equal((answers[0]![1] as { name: string }).name, '@pay-link/simulator');
    assert.deepEqual(answers[1], [404, { error: 'not found' }]);
    assert.deepEqual(changed, []);
  });
});

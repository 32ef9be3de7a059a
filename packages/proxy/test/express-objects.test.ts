import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningProxy } from '../src/server.ts';
import { startTestProxy } from './helpers.ts';

// The server makes each request's objects with the app's prototypes (src/express-objects.ts), so Express's
// `Object.setPrototypeOf` on them finds the prototype already there and changes nothing (decision 0021).
let proxy: RunningProxy;
before(async () => {
  proxy = await startTestProxy();
});
after(async () => {
  await proxy.close();
});

/** Every `Object.setPrototypeOf` of a request or response object that changed its prototype, while `work` runs. */
async function reprototyped(work: () => Promise<unknown>): Promise<string[]> {
  const original = Object.setPrototypeOf;
  const changed: string[] = [];
  Object.setPrototypeOf = function (target: object, proto: object | null) {
    if ((target instanceof IncomingMessage || target instanceof ServerResponse) && Object.getPrototypeOf(target) !== proto) {
      changed.push(target.constructor.name);
    }
    return original(target, proto);
  };
  try {
    await work();
  } finally {
    Object.setPrototypeOf = original;
  }
  return changed;
}

function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}${path}`, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end(method === 'POST' ? '{"product":"no-such-product"}' : undefined);
  });
}

describe("the server's request objects", () => {
  it('are made with the app’s prototypes, so Express re-prototypes none of them', async () => {
    const answers: { status: number; body: string }[] = [];
    const changed = await reprototyped(async () => {
      answers.push(await get('/healthz'));
      answers.push(await get('/v1/links', 'POST'));
      answers.push(await get('/no-such-page'));
    });
    // Express routed all three (a route, a problem from a route, its own not-found) …
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 404, 404],
    );
    assert.match(answers[1]!.body, /"code":"unknown_product"/);
    // … and none of their objects had its prototype changed after it was made.
    assert.deepEqual(changed, []);
  });

  it('are still what Node makes: IncomingMessage and ServerResponse, with Express’s methods', async () => {
    const app = proxy.proxy.app;
    assert.ok(Object.prototype.isPrototypeOf.call(IncomingMessage.prototype, app.request));
    assert.ok(Object.prototype.isPrototypeOf.call(ServerResponse.prototype, app.response));
    // Seen ahead of the app's own listener, so before Express has touched them.
    const seen = await new Promise<{ request: boolean; response: boolean; json: boolean }>((resolve, reject) => {
      proxy.server.prependOnceListener('request', (req: IncomingMessage, res: ServerResponse) =>
        resolve({
          request: Object.getPrototypeOf(req) === app.request && req instanceof IncomingMessage,
          response: Object.getPrototypeOf(res) === app.response && res instanceof ServerResponse,
          json: typeof (res as unknown as { json?: unknown }).json === 'function',
        }),
      );
      get('/healthz').catch(reject);
    });
    assert.deepEqual(seen, { request: true, response: true, json: true });
  });
});

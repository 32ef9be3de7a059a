/**
 * The request and response classes the proxy's server makes each request with: Node's own, whose objects have the
 * app's prototypes (`app.request`, `app.response`) from the moment they are made (decision 0021).
 *
 * Why: Express gives every request it routes those prototypes with `Object.setPrototypeOf` (express/lib/
 * application.js, `app.handle`). Done to an object after it was made, that kept each request's objects alive past
 * V8's young collections on Node 20: every scavenge found everything the requests since the one before it had
 * made still reachable (2.1–2.7 MB here) and moved it to the old space, where it died later. Each of those
 * scavenges took 3–9 ms, on whichever request it fell, and that was the mint's p99 (bench/RESULTS.md). A bare
 * `node:http` server re-prototyping its objects the same way shows it (1.3 MB per scavenge against 3 KB).
 * Made with the prototypes already, Express's `setPrototypeOf` is given the prototype the object has, and changes
 * nothing.
 *
 * The objects are what they were: `IncomingMessage` and `ServerResponse` made by their own constructors, with the
 * prototypes Express would have given them. Requests served ahead of Express (sse/before-express.ts) get them too,
 * and use none of what they add.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** The two constructors `http.createServer` takes as `IncomingMessage` and `ServerResponse`. */
export interface RequestClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

export function requestClasses(app: Express): RequestClasses {
  // Function constructors, not classes: a class's `prototype` cannot be set to an object made elsewhere, and
  // Node's own two are functions, which their subclasses call the same way (lib/_http_incoming.js, _http_server.js).
  function AppRequest(this: IncomingMessage, ...args: ConstructorParameters<typeof IncomingMessage>) {
    Reflect.apply(IncomingMessage, this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, ...args: ConstructorParameters<typeof ServerResponse>) {
    Reflect.apply(ServerResponse, this, args);
  }
  AppResponse.prototype = app.response;
  return { IncomingMessage: AppRequest as unknown as typeof IncomingMessage, ServerResponse: AppResponse as unknown as typeof ServerResponse };
}

/**
 * helmet's headers, worked out once at startup and added to each of the app's responses as its head is written,
 * except to a 304. helmet stays the source of truth for what is sent; a route's own value for one of these headers
 * (the pay page's CSP, the bundles' CORP) wins, as it did when helmet ran first.
 *
 * Why not `app.use(helmet())`: helmet runs twelve middlewares per request, each setting one constant header, and the
 * status read is the hottest route (bench/RESULTS.md, status reads). Why not on a 304: RFC 9110 §15.4.5 has a 304
 * carry ETag, Cache-Control, Vary and the like, and nothing else of the representation; a cache updating its stored
 * 200 keeps that 200's security headers (RFC 9111 §4.3.4), and a script reading the 304 only needs its CORS headers.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Express } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

export function addSecurityHeaders(app: Express, options: HelmetOptions): void {
  const { set, removed } = recordHelmet(options);
  // `app.response` is this app's own prototype for its responses (Express makes one per app), so nothing else changes.
  const response = app.response as unknown as ServerResponse;
  const writeHead = response.writeHead;
  response.writeHead = function writeHeadWithSecurityHeaders(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (statusCode !== 304) {
      for (const name of removed) this.removeHeader(name);
      for (const [name, value, lower] of set) if (!this.hasHeader(lower)) this.setHeader(name, value);
    }
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
}

/** Runs helmet once against a recorder: the headers it sets and removes, which must not depend on the request. */
function recordHelmet(options: HelmetOptions): { set: [name: string, value: string, lower: string][]; removed: string[] } {
  if (hasFunction(options)) throw new Error('addSecurityHeaders: options with functions (CSP nonces) vary per request; use helmet() itself');
  // The lower-case name too: hasHeader() lower-cases its argument, which costs nothing when it already is.
  const set: [name: string, value: string, lower: string][] = [];
  const removed: string[] = [];
  // A real request and response that never touch a socket; only the two header methods helmet calls are replaced.
  const request = new IncomingMessage(new Socket());
  const recorder = new ServerResponse(request);
  recorder.setHeader = (name: string, value: unknown) => {
    if (typeof value !== 'string') throw new Error(`addSecurityHeaders: ${name} is not a constant string`);
    set.push([name, value, name.toLowerCase()]);
    return recorder;
  };
  recorder.removeHeader = (name: string) => {
    removed.push(name);
  };
  let finished = false;
  let error: unknown;
  helmet(options)(request, recorder, (err?: unknown) => {
    finished = true;
    error = err;
  });
  // A middleware that did not call back at once, or failed, cannot be replayed.
  if (!finished || error) throw new Error(`addSecurityHeaders: helmet did not finish (${String(error ?? 'async')})`);
  return { set, removed };
}

function hasFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasFunction);
}

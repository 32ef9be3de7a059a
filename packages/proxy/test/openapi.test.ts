/**
 * The OpenAPI document (`src/openapi.ts`) is valid, describes exactly the routes the app mounts, is what
 * `GET /v1/openapi.json` serves, declares the statuses each layer of a route can answer, and real answers fit it:
 * every request here goes through `openapi-conformance.ts`, which fails on an undeclared status, content type,
 * header or body (and is itself shown to fail on each).
 *
 * Requests are held to it too: a recorder in front of the proxy keeps every exchange of the main flows (the
 * widget's mint and status reads, a merchant server signing an intent, the CLI's admin calls, the event log), and
 * each request the proxy accepted must fit the document, each it refused for its shape must not. The document is
 * generated from the contract's zod schemas: a schema changed in `contract/` changes it (shown below), so the two
 * cannot part silently.
 *
 * A route added later without docs fails "every mounted route is documented": the test walks the live Express
 * router (every `router.get/post/…`, in nested routers too, with their mount paths), so a new route shows up
 * there as `METHOD /path` missing from the document. A documented route that was removed fails the reverse
 * direction. What the walk cannot see: a bare middleware that answers by itself (`app.use(fn)`) — declare new
 * endpoints as routes.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { connect } from 'node:net';
import { http, HttpResponse, delay } from 'msw';
import { z } from 'zod';
import { createApp } from '../src/app.ts';
import { runEvents, runLinks, runWebhooks } from '../src/cli.ts';
import { EVENT_TYPES, IntentRequest, type IntentLookup, type LinkView, ListEventsQuery, PROBLEM_CODES, SignedIntent } from '../src/contract.ts';
import { newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import { CONTRACT_SCHEMAS, type HttpMethod, type Operation, type Reference, createOpenApiDocument, openApiDocument } from '../src/openapi.ts';
import type { RunningProxy } from '../src/server.ts';
import {
  RAZORPAY_BASE,
  SHOP_ORIGIN,
  createMockServer,
  eventually,
  postJson,
  razorpayHandlers,
  razorpayWebhook,
  signRazorpay,
  startTestProxy,
  testConfig,
} from './helpers.ts';
import { type Exchange, createConformance, startRecorder } from './openapi-conformance.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const ADMIN_TOKEN = 'admin_token_0123456789abcdef0123456789ab';
const INTENT_SECRET = 'intent_secret_0123456789abcdef0123456789';
const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Mounted routes that are deliberately not part of the API description. Keep it short, and say why for each.
 */
const NOT_API = new Set([
  // An empty 204 so browsers opening the pay or return page stop asking; nothing calls it on purpose.
  'GET /favicon.ico',
]);

/**
 * Problem codes of the contract that no route raises today, so no operation lists them. Each must really be
 * unused in src/ (checked below): once code starts raising one, the document has to say where.
 */
const UNRAISED_CODES = new Set(['method_not_allowed']);

interface RouterLayer {
  name: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: { stack?: RouterLayer[] };
}

/** `METHOD /path` for every route of an Express 5 router stack, nested routers included, paths in OpenAPI form. */
function mountedRoutes(stack: readonly RouterLayer[], prefix = ''): string[] {
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const { path, methods } = layer.route;
      assert.equal(typeof path, 'string', `a route under "${prefix || '/'}" has a non-string path; this test cannot compare it`);
      for (const [method, on] of Object.entries(methods)) if (on) routes.push(`${method.toUpperCase()} ${toOpenApiPath(prefix + String(path))}`);
    } else if (Array.isArray(layer.handle.stack)) {
      assert.equal(typeof layer.rawPath, 'string', `a router mounted under "${prefix || '/'}" has a non-string mount path`);
      routes.push(...mountedRoutes(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : String(layer.rawPath))));
    }
  }
  return routes;
}

/** `/v1/links/:id` → `/v1/links/{id}`. Wildcards and optional groups have no OpenAPI form: they fail here. */
function toOpenApiPath(expressPath: string): string {
  assert.doesNotMatch(expressPath, /[*{}()?]/, `${expressPath}: wildcard or optional segments need a decision on how to document them`);
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function documentedRoutes(): string[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function operations(): [string, Operation][] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [[`${method.toUpperCase()} ${path}`, item[method]] as [string, Operation]] : [])),
  );
}

/** Follows a local `$ref` (`#/components/…`) through the document. */
function resolve<T>(node: T): Exclude<T, Reference> {
  if (node && typeof node === 'object' && '$ref' in node && typeof node.$ref === 'string') {
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], openApiDocument);
    assert.ok(target !== undefined, `unresolvable ${node.$ref}`);
    return resolve(target as T);
  }
  return node as Exclude<T, Reference>;
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (and the validator does reject a broken one)', async () => {
    const result = await new Validator().validate(structuredClone(openApiDocument) as unknown as Record<string, unknown>);
    assert.equal(result.errors, undefined);
    assert.equal(result.valid, true);

    const broken = structuredClone(openApiDocument) as unknown as { paths: Record<string, Record<string, { responses: unknown }>> };
    broken.paths['/v1/links']!.post!.responses = { 201: { content: {} } };
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  it('names the package version, the relative root as server, and unique operation ids', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(openApiDocument.info.version, pkg.version);
    assert.deepEqual(openApiDocument.servers.map((server) => server.url), ['/']);
    const ids = operations().map(([, op]) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, `duplicate operationId in ${ids.join(', ')}`);
  });

  it('declares every path parameter of every path, and no other', () => {
    for (const [route, operation] of operations()) {
      const inPath = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? [])
        .map((p) => resolve(p))
        .filter((p) => p.in === 'path')
        .map((p) => {
          assert.equal(p.required, true, `${route}: path parameter ${p.name} must be required`);
          return p.name;
        })
        .sort();
      assert.deepEqual(declared, inPath, route);
    }
  });

  it('matches the mounted routes in both directions', async () => {
    const { app, drain } = createApp(testConfig(), { store: await openSqliteStore(':memory:') });
    drain();
    const mounted = mountedRoutes((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
    // The walk itself must see the known routes, or the comparison below would prove nothing.
    assert.ok(mounted.includes('POST /v1/links') && mounted.includes('POST /v1/admin/links/{id}/cancel'), mounted.join('\n'));
    assert.equal(new Set(mounted).size, mounted.length, `a route is mounted twice: ${mounted.join(', ')}`);

    const api = new Set(mounted.filter((route) => !NOT_API.has(route)));
    const documented = new Set(documentedRoutes());
    assert.deepEqual([...api].filter((route) => !documented.has(route)), [], 'mounted but not in src/openapi.ts: document them (or, if not API, add to NOT_API with a reason)');
    assert.deepEqual([...documented].filter((route) => !api.has(route)), [], 'documented but not mounted');
    assert.deepEqual([...NOT_API].filter((route) => !mounted.includes(route)), [], 'NOT_API names a route that no longer exists');
  });

  it('lists every problem code of the contract on some operation, except codes no route raises', () => {
    const listed = new Set<string>();
    for (const [, operation] of operations()) {
      for (const response of Object.values(operation.responses)) {
        const schema = resolve(response).content?.['application/problem+json']?.schema as { properties?: { code?: { enum?: string[] } } } | undefined;
        for (const code of schema?.properties?.code?.enum ?? []) listed.add(code);
      }
    }
    const missing = PROBLEM_CODES.filter((code) => !listed.has(code) && !UNRAISED_CODES.has(code));
    assert.deepEqual(missing, [], 'problem codes no operation lists');

    const sources = readdirSync(new URL('../src', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !['contract/public.ts', 'problems.ts', 'openapi.ts'].includes(file))
      .map((file) => readFileSync(join(new URL('../src', import.meta.url).pathname, file), 'utf8'));
    for (const code of UNRAISED_CODES) {
      assert.ok(!sources.some((source) => source.includes(`'${code}'`)), `${code} is raised now: list it on the operations that answer it`);
      assert.ok(!listed.has(code), `${code} is listed on an operation: drop it from UNRAISED_CODES`);
    }
  });

  it('declares on each operation the statuses every layer it passes can answer', () => {
    for (const [route, operation] of operations()) {
      const statuses = Object.keys(operation.responses);
      const has = (...wanted: number[]) => {
        for (const status of wanted) assert.ok(statuses.includes(String(status)), `${route} does not declare ${status} (it declares ${statuses.join(', ')})`);
      };
      has(500);
      // A path parameter that is not valid percent-encoding is refused by Express before the route runs.
      if (route.includes('{')) has(400);
      // A request body: malformed, too large, of a media type or encoding the parser does not take, too slow.
      if (operation.requestBody) has(400, 408, 413, 415);
      // The admin gate: off (404), a browser's Origin (403), no or a wrong token (401), too many wrong tokens (429).
      if (route.includes('/v1/admin/')) has(401, 403, 404, 429);
      if (/^(POST \/v1\/links|GET \/v1\/links\/\{id\}(\/events)?)$/.test(route)) has(429);
      for (const [status, response] of Object.entries(operation.responses)) {
        const problem = resolve(response).content?.['application/problem+json'];
        if (!problem) continue;
        assert.ok(Number(status) >= 400, `${route} ${status}: a problem for a success status`);
        if (status === '429') assert.ok(resolve(response).headers?.['Retry-After'], `${route} 429 without Retry-After`);
      }
    }
  });
});

describe('the conformance checker', () => {
  const conformance = createConformance(openApiDocument);
  const problem = (status: number, code: string, extra: object = {}) =>
    JSON.stringify({ type: `https://pay-link.dev/problems/${code}`, title: 'T', status, code, retryable: false, ...extra });
  const answer = (status: number, body: string, type = 'application/problem+json; charset=utf-8', headers: Record<string, string> = {}) => ({
    status,
    body,
    headers: new Headers({ ...(body !== '' && { 'content-type': type }), ...headers }),
  });

  it('passes a declared status with a fitting body', () => {
    conformance.checkResponse({ method: 'GET', url: '/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA', ...answer(404, problem(404, 'not_found')) });
    conformance.checkResponse({ method: 'PUT', url: '/v1/links', ...answer(404, problem(404, 'not_found')) });
  });

  it('fails an undeclared status, naming the method, path and status', () => {
    assert.throws(
      () => conformance.checkResponse({ method: 'GET', url: '/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA', ...answer(418, problem(418, 'not_found')) }),
      /^AssertionError.*GET \/v1\/links\/pl_A{22} → 418: status 418 is not declared for GET \/v1\/links\/\{id\}/s,
    );
    // Outside `paths`, only the UnknownRoute 404.
    assert.throws(() => conformance.checkResponse({ method: 'PUT', url: '/v1/links', ...answer(405, problem(405, 'method_not_allowed')) }), /not in the document/);
  });

  it('fails a body that does not fit, a code the status does not list, an undeclared content type, a missing required header', () => {
    const read = { method: 'GET', url: '/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA' };
    assert.throws(() => conformance.checkResponse({ ...read, ...answer(404, problem(404, 'not_found', { extra: 1 })) }), /does not fit the declared schema: .*must NOT have additional properties/);
    assert.throws(() => conformance.checkResponse({ ...read, ...answer(404, problem(404, 'unknown_product')) }), /body\/code must be equal to one of the allowed values/);
    assert.throws(() => conformance.checkResponse({ ...read, ...answer(404, problem(400, 'not_found')) }), /body\/status must be equal to constant/);
    assert.throws(() => conformance.checkResponse({ ...read, ...answer(404, '<h1>Not found</h1>', 'text/html') }), /content type text\/html is not declared/);
    assert.throws(() => conformance.checkResponse({ ...read, ...answer(304, '') }), /the required header ETag is missing/);
    assert.throws(
      () => conformance.checkResponse({ ...read, ...answer(304, '', undefined, { etag: '"1.abc"', 'retry-after': 'soon' }) }),
      /header Retry-After: .*must be integer/,
    );
  });

  it('fails an accepted request whose body or parameters the document would refuse', () => {
    const minted = { method: 'POST', url: '/v1/links', requestHeaders: { 'content-type': 'application/json' }, ...answer(201, '{}', 'application/json') };
    conformance.checkRequest({ ...minted, requestBody: '{"product":"tea","quantity":2}' });
    assert.throws(() => conformance.checkRequest({ ...minted, requestBody: '{"product":"tea","amount":5}' }), /accepted request body does not fit the document/);
    assert.throws(() => conformance.checkRequest({ ...minted, requestBody: '{"product":"tea"}', requestHeaders: { 'content-type': 'text/plain' } }), /accepted a text\/plain body/);
    assert.throws(
      () => conformance.checkRequest({ ...minted, requestBody: '{"product":"tea"}', requestHeaders: { 'content-type': 'application/json', 'idempotency-key': 'x'.repeat(256) } }),
      /header parameter Idempotency-Key/,
    );
  });
});

/** One msw server for the file: two would both patch `fetch`, and only one of them would see requests. */
const msw = createMockServer();
after(() => msw.close());

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const jsonHeaders = { 'content-type': 'application/json', origin: SHOP_ORIGIN };

describe('real answers fit the document', () => {
  const conformance = createConformance(openApiDocument);
  let proxy: RunningProxy;
  const call = (path: string, init: RequestInit & { headers?: Record<string, string>; body?: string } = {}) => conformance.fetch(proxy.url, path, init);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, { method: 'POST', headers: { ...jsonHeaders, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const code = (res: { text: string }) => (JSON.parse(res.text) as { code: string }).code;

  before(async () => {
    proxy = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN, PAY_LINK_INTENT_SECRET: INTENT_SECRET }));
  });
  after(() => proxy.close());
  afterEach(() => msw.resetHandlers());

  it('serves the module document as public, cacheable JSON, with a 304 for its ETag', async () => {
    const res = await call('/v1/openapi.json', { headers: { origin: 'https://docs.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    assert.deepStrictEqual(JSON.parse(res.text), openApiDocument);

    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await call('/v1/openapi.json', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
  });

  it('fits the mint, replay and read answers of a link, and the problems of both routes', async () => {
    msw.use(...razorpayHandlers().handlers);
    const minted = await post('/v1/links', { product: 'tea' }, { 'idempotency-key': 'openapi-1' });
    assert.equal(minted.status, 201);
    const link = JSON.parse(minted.text) as { id: string };
    const replay = await post('/v1/links', { product: 'tea' }, { 'idempotency-key': 'openapi-1' });
    assert.equal(replay.status, 200);
    assert.deepEqual(JSON.parse(replay.text), link);

    const read = await call(`/v1/links/${link.id}`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(read.status, 200);
    assert.equal((await call(`/v1/links/${link.id}`, { headers: { 'if-none-match': read.headers.get('etag')! } })).status, 304);

    const refusals: [Promise<{ status: number; text: string }>, number, string][] = [
      [post('/v1/links', { product: 'tea', quantity: 0 }), 400, 'invalid_request'],
      [post('/v1/links', '{"product":'), 400, 'invalid_json'],
      [post('/v1/links', { product: 'tea' }, { origin: 'https://evil.test' }), 403, 'origin_not_allowed'],
      [post('/v1/links', { product: 'nope' }), 404, 'unknown_product'],
      [post('/v1/links', { product: 'tea', pad: 'x'.repeat(20_000) }), 413, 'payload_too_large'],
      [post('/v1/links', { product: 'tea' }, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
      [post('/v1/links', { product: 'tea' }, { 'content-encoding': 'x-unknown' }), 415, 'unsupported_media_type'],
      [post('/v1/links', { product: 'book' }, { 'idempotency-key': 'openapi-1' }), 422, 'idempotency_key_reused'],
      [post('/v1/links', { product: 'tea', provider: 'xendit' }), 422, 'provider_not_allowed'],
      [call('/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found'],
      [call('/v1/links/%ff'), 400, 'invalid_request'],
      [call('/v1/links/%ff/events'), 400, 'invalid_request'],
      [call('/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA/events'), 404, 'not_found'],
      [call('/v1/links'), 404, 'not_found'],
    ];
    for (const [answer, status, expected] of refusals) {
      const res = await answer;
      assert.equal(res.status, status, res.text);
      assert.equal(code(res), expected);
    }
  });

  it('fits the provider failures a mint can meet', async () => {
    const cases: [Parameters<typeof http.post>[1], number, string][] = [
      [() => HttpResponse.json({ error: { code: 'SERVER_ERROR' } }, { status: 500 }), 502, 'provider_unavailable'],
      [() => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR' } }, { status: 401 }), 502, 'provider_auth_failed'],
      [() => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR' } }, { status: 429, headers: { 'retry-after': '7' } }), 503, 'rate_limited'],
      [() => new HttpResponse('<html>gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }), 502, 'provider_bad_response'],
      [async () => { await delay(2_000); return HttpResponse.json({}); }, 504, 'provider_timeout'],
    ];
    for (const [handler, status, expected] of cases) {
      // After a failed create the proxy asks whether the link exists after all: it does not.
      msw.use(http.post(`${RAZORPAY_BASE}/v1/payment_links`, handler), http.get(`${RAZORPAY_BASE}/v1/payment_links`, () => HttpResponse.json({ count: 0, payment_links: [] })));
      const res = await post('/v1/links', { product: 'tea' });
      assert.equal(res.status, status, res.text);
      assert.equal(code(res), expected);
      msw.resetHandlers();
    }
  });

  it('fits the config, webhook, page and asset answers', async () => {
    const configAnswer = await call('/v1/config');
    const config = JSON.parse(configAnswer.text) as { products: { providers: string[] }[]; openAmounts: unknown[] };
    assert.equal((await call('/v1/config', { headers: { 'if-none-match': configAnswer.headers.get('etag')! } })).status, 304);
    assert.ok(config.products.every((p) => p.providers.length >= 1) && config.openAmounts.length === 1);
    assert.equal((await call('/healthz')).status, 200);
    assert.equal((await call('/readyz')).status, 200);
    assert.equal((await call('/metrics')).status, 200);

    const webhook = await call('/v1/webhooks/razorpay', { method: 'POST', headers: { 'content-type': 'application/json', 'x-razorpay-signature': 'forged' }, body: '{}' });
    assert.equal(code(webhook), 'invalid_signature');
    assert.equal(code(await call('/v1/webhooks/stripe', { method: 'POST', body: '{}' })), 'unknown_provider');
    assert.equal(code(await call('/v1/webhooks/razorpay', { method: 'POST', headers: { 'content-encoding': 'x-unknown' }, body: '{}' })), 'unsupported_media_type');

    assert.equal((await call('/pay/pli1.nope')).status, 404);
    assert.equal((await call('/pay/%ff')).status, 400);
    assert.equal((await call('/return?to=https://evil.test/')).status, 200);
    for (const path of ['/pay.css', '/return.js', '/return.css']) assert.equal((await call(path)).status, 200);
    // The widget bundles exist once the widget is built; without them these are 404s, which fit too.
    for (const path of ['/pay-link-button.js', '/pay-link-button.js.map', `/v/${openApiDocument.info.version}/pay-link-button.iife.js`, '/translations/hi.js']) {
      assert.ok([200, 404].includes((await call(path)).status));
    }
    assert.ok([206, 404].includes((await call('/pay-link-button.js', { headers: { range: 'bytes=0-9' } })).status));
    assert.equal((await call('/%ff')).status, 400);
    assert.equal((await call('/no-such-file.js')).status, 404);
  });

  it('fits the admin and intent answers, the gate included', async () => {
    const rzp = razorpayHandlers();
    // Looking an intent up asks the provider for links under its reference: this invoice has none yet.
    msw.use(...rzp.handlers, http.get(`${RAZORPAY_BASE}/v1/payment_links`, () => HttpResponse.json({ payment_links: [] })));

    // At least one link of each price source for the admin list to show.
    assert.equal((await post('/v1/links', { amount: 5000, currency: 'INR' })).status, 201);
    assert.equal((await post('/v1/links', { product: 'book' })).status, 201);
    const list = await call('/v1/admin/links?limit=5', { headers: auth });
    assert.equal(list.status, 200);
    assert.ok((JSON.parse(list.text) as { links: unknown[] }).links.length >= 1);
    assert.equal(code(await call('/v1/admin/links?limit=0', { headers: auth })), 'invalid_request');
    assert.equal(code(await call('/v1/admin/links')), 'unauthorized');
    assert.equal(code(await call('/v1/admin/links', { headers: { ...auth, origin: SHOP_ORIGIN } })), 'origin_not_allowed');
    assert.equal(code(await call('/v1/admin/links/%ff/cancel', { method: 'POST', headers: auth })), 'invalid_request');
    assert.equal(code(await call('/v1/admin/links/pl_AAAAAAAAAAAAAAAAAAAAAA/cancel', { method: 'POST', headers: auth })), 'not_found');
    const extend = (body: string, type = 'application/json') =>
      call('/v1/admin/links/pl_AAAAAAAAAAAAAAAAAAAAAA/extend', { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    assert.equal(code(await extend('{"expiresAt":"2099-01-01T00:00:00Z"}')), 'not_found');
    assert.equal(code(await extend('{"expiresAt":')), 'invalid_json');
    assert.equal(code(await extend('{}', 'text/plain')), 'unsupported_media_type');
    const notify = await call('/v1/admin/links/pl_AAAAAAAAAAAAAAAAAAAAAA/notify', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"channel":"fax"}' });
    assert.equal(code(notify), 'invalid_request');

    const signed = await call('/v1/admin/intents', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '1500.00', currency: 'INR', reference: 'INV-OPENAPI-1', description: 'Invoice INV-OPENAPI-1' }),
    });
    assert.equal(signed.status, 201);
    const { token } = JSON.parse(signed.text) as { token: string };
    assert.equal(JSON.parse((await call(`/v1/intents/${token}`)).text).link, null);
    assert.equal((await call(`/pay/${token}`)).status, 200);

    // Once the intent minted, the lookup carries its link and the admin list an intent-priced link.
    assert.equal((await post('/v1/links', { intent: token })).status, 201);
    assert.equal(code(await post('/v1/links', { intent: token, provider: 'xendit' })), 'provider_not_allowed');
    assert.notEqual(JSON.parse((await call(`/v1/intents/${token}`)).text).link, null);
    const listed = JSON.parse((await call('/v1/admin/links', { headers: auth })).text) as { links: { source: { kind: string } }[] };
    assert.deepEqual([...new Set(listed.links.map((link) => link.source.kind))].sort(), ['amount', 'intent', 'product']);
    assert.equal(code(await call('/v1/intents/pli1.aaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaa')), 'intent_invalid');
    assert.equal(code(await call('/v1/intents/%ff')), 'invalid_request');
  });
});

describe('real answers fit the document: limits, readiness and slow requests', () => {
  const conformance = createConformance(openApiDocument);
  const started: RunningProxy[] = [];
  const start = async (env: Record<string, string>) => {
    const proxy = await startTestProxy(testConfig(env));
    started.push(proxy);
    return proxy;
  };
  after(async () => {
    await Promise.all(started.map((proxy) => proxy.close()));
  });
  afterEach(() => msw.resetHandlers());

  it('answers the rate limits of minting, reading, admin tokens and unsigned webhooks with a declared 429', async () => {
    msw.use(...razorpayHandlers().handlers);
    const proxy = await start({
      PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
      PAY_LINK_RATE_MINT_PER_MINUTE: '1',
      PAY_LINK_RATE_READ_PER_MINUTE: '1',
      PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE: '1',
      PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '1',
    });
    /** Repeats a request until the limit answers; every answer on the way is checked too. */
    const until429 = async (path: string, init: RequestInit & { headers?: Record<string, string>; body?: string } = {}) => {
      for (let i = 0; i < 40; i++) {
        const res = await conformance.fetch(proxy.url, path, init);
        if (res.status === 429) return res;
      }
      assert.fail(`${init.method ?? 'GET'} ${path} never answered 429`);
    };
    await until429('/v1/links', { method: 'POST', headers: jsonHeaders, body: '{"product":"nope"}' });
    await until429('/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA');
    await until429('/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA/events');
    await until429('/v1/admin/links', { headers: { authorization: 'Bearer wrong' } });
    // Spent by wrong tokens: now even a right one waits, on every admin route.
    await until429('/v1/admin/links/pl_AAAAAAAAAAAAAAAAAAAAAA/cancel', { method: 'POST', headers: auth });
    await until429('/v1/webhooks/razorpay', { method: 'POST', headers: { 'content-type': 'application/json', 'x-razorpay-signature': 'forged' }, body: '{}' });
  });

  it('answers a draining proxy and a provider check that fails with a declared 503', async () => {
    msw.use(http.get(`${RAZORPAY_BASE}/v1/payment_links`, () => HttpResponse.json({ error: { code: 'BAD_REQUEST_ERROR' } }, { status: 401 })));
    const checked = await start({ PAY_LINK_READY_CHECK_PROVIDERS: 'true' });
    const notReady = await conformance.fetch(checked.url, '/readyz');
    assert.equal(notReady.status, 503);
    assert.equal(JSON.parse(notReady.text).code, 'provider_auth_failed');

    const draining = await start({});
    draining.proxy.drain();
    assert.equal((await conformance.fetch(draining.url, '/readyz')).status, 503);
  });

  it('answers a request body that trickles in past the request timeout with a declared 408', async () => {
    const proxy = await start({ PAY_LINK_REQUEST_TIMEOUT_MS: '300' });
    const { port } = new URL(proxy.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /v1/links HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"product":');
      });
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5_000).unref();
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const [statusLine = '', ...fields] = head.split('\r\n');
    const headers = new Headers(fields.map((field) => [field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1).trim()] as [string, string]));
    const status = Number(statusLine.split(' ')[1]);
    assert.equal(status, 408, raw);
    conformance.checkResponse({ method: 'POST', url: '/v1/links', status, headers, body });
  });
});

describe('real answers fit the document: merchant events', () => {
  const conformance = createConformance(openApiDocument);
  /** The `webhooks` entries as paths (`/payment_link.paid`), so the checker can hold real deliveries to them. */
  const receiving = createConformance({
    ...openApiDocument,
    paths: Object.fromEntries(Object.entries(openApiDocument.webhooks).map(([name, item]) => [`/${name}`, item])),
  });
  const started: { close(): Promise<void> }[] = [];
  let receiver: Receiver;
  let proxy: RunningProxy;
  let rzp: ReturnType<typeof razorpayHandlers>;

  /** A proxy whose endpoint is the receiver, taking `events` (every type by default). */
  const start = async (env: Record<string, string> = {}) => {
    const secret = newWebhookSecret();
    const hooks = await startReceiver({ secrets: [secret] });
    const running = await startTestProxy(
      testConfig({
        PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
        PAY_LINK_WEBHOOK_URL: hooks.url,
        PAY_LINK_WEBHOOK_SECRET: secret,
        PAY_LINK_WEBHOOK_EVENTS: EVENT_TYPES.join(','),
        PAY_LINK_WEBHOOK_RETRY_SCHEDULE: '50ms',
        ...env,
      }),
      { eventsPollMs: 25 },
    );
    started.push(running, hooks);
    return { hooks, running };
  };
  /** Mints a tea link on `base`, then has Razorpay report it paid. */
  const mintAndPay = async (base: string): Promise<LinkView> => {
    const link = (await (await postJson(`${base}/v1/links`, { product: 'tea' })).json()) as LinkView;
    const providerLink = [...rzp.links.values()].at(-1)!;
    const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
    const res = await fetch(`${base}/v1/webhooks/razorpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': `rzp_evt_${link.id}` },
      body,
    });
    assert.equal(res.status, 200);
    return link;
  };
  const call = (path: string, init: Omit<RequestInit, 'headers' | 'body'> & { headers?: Record<string, string>; body?: string } = {}, base = proxy.url) =>
    conformance.fetch(base, path, { ...init, headers: { ...auth, ...init.headers } });
  const post = (path: string, body?: string, type = 'application/json', base = proxy.url) =>
    call(path, { method: 'POST', headers: body === undefined ? {} : { 'content-type': type }, body }, base);
  const code = (res: { text: string }) => (JSON.parse(res.text) as { code: string }).code;

  before(async () => {
    ({ hooks: receiver, running: proxy } = await start());
  });
  beforeEach(() => {
    rzp = razorpayHandlers();
    msw.use(...rzp.handlers);
  });
  afterEach(() => msw.resetHandlers());
  after(async () => {
    for (const running of started.reverse()) await running.close();
  });

  it('describes every event type, and the test event, as a webhook with the Standard Webhooks headers', () => {
    assert.deepEqual(Object.keys(openApiDocument.webhooks).sort(), [...EVENT_TYPES, 'webhook.test'].sort());
    for (const [name, item] of Object.entries(openApiDocument.webhooks)) {
      const operation = item.post!;
      assert.equal(operation.requestBody?.required, true, name);
      const headers = (operation.parameters ?? []).map((p) => resolve(p)).filter((p) => p.in === 'header' && p.required);
      assert.deepEqual(headers.map((p) => p.name), ['webhook-id', 'webhook-timestamp', 'webhook-signature'], name);
      assert.ok(operation.responses['2XX'] && operation.responses.default, name);
    }
    for (const type of EVENT_TYPES) {
      const answers = openApiDocument.webhooks[type]!.post!.responses;
      assert.ok(answers['410'] && resolve(answers['429']!).headers?.['Retry-After'] && resolve(answers['503']!).headers?.['Retry-After'], type);
    }
  });

  it('fits the deliveries a receiver gets: the body per type, the signature headers, and its 2xx', async () => {
    await mintAndPay(proxy.url);
    assert.equal((await post('/v1/admin/webhooks/test')).status, 200);
    await eventually(async () => assert.equal(receiver.unique().length, 3));
    const types = receiver.deliveries.map((d) => {
      assert.ok(d.verified);
      const exchange = {
        method: 'POST',
        url: `/${(JSON.parse(d.body) as { type: string }).type}`,
        requestHeaders: { 'content-type': 'application/json', 'webhook-id': d.id, 'webhook-timestamp': d.timestamp, 'webhook-signature': d.signature },
        requestBody: d.body,
        status: 204,
        headers: new Headers(),
        body: '',
      };
      receiving.checkRequest(exchange);
      receiving.checkResponse(exchange);
      return exchange.url;
    });
    assert.deepEqual([...new Set(types)].sort(), ['/payment_link.created', '/payment_link.paid', '/webhook.test']);

    // And the checker does refuse a body under another type's entry, and a malformed signature header.
    const paid = receiver.deliveries.find((d) => d.event?.type === 'payment_link.paid')!;
    const headers = { 'content-type': 'application/json', 'webhook-id': paid.id, 'webhook-timestamp': paid.timestamp, 'webhook-signature': paid.signature };
    const exchange = { method: 'POST', requestHeaders: headers, requestBody: paid.body, status: 204, headers: new Headers(), body: '' };
    assert.throws(() => receiving.checkRequest({ ...exchange, url: '/payment_link.expired' }), /accepted request body does not fit/);
    assert.throws(() => receiving.checkRequest({ ...exchange, url: '/payment_link.paid', requestHeaders: { ...headers, 'webhook-signature': 'sha256=abc' } }), /webhook-signature/);
  });

  it('fits the event log answers: lists, filters, one event, resends, and their refusals', async () => {
    const link = await mintAndPay(proxy.url);
    const listed = async (query: string) => {
      const res = await call(`/v1/admin/events${query}`);
      assert.equal(res.status, 200, res.text);
      return JSON.parse(res.text) as { events: { id: string; type: string; deliveries: { state: string }[] }[]; nextCursor?: string };
    };
    const paid = await eventually(async () => {
      const [event] = (await listed(`?link=${link.id}&type=payment_link.paid`)).events;
      assert.equal(event?.deliveries[0]?.state, 'delivered');
      return event;
    });
    assert.ok((await listed('?state=delivered')).events.some((e) => e.id === paid.id));
    const first = await listed('?limit=1');
    assert.equal(first.events.length, 1);
    assert.ok(first.nextCursor);
    assert.equal((await listed(`?limit=1&cursor=${first.nextCursor}`)).events.length, 1);
    for (const query of ['?type=payment_link.refunded', '?state=lost', '?link=nope', '?limit=0', '?limt=1']) {
      assert.equal(code(await call(`/v1/admin/events${query}`)), 'invalid_request', query);
    }

    const one = await call(`/v1/admin/events/${paid.id}`);
    assert.equal(one.status, 200);
    assert.equal(JSON.parse(one.text).payload.data.status, 'paid');
    assert.equal(code(await call('/v1/admin/events/evt_AAAAAAAAAAAAAAAAAAAAAA')), 'not_found');
    assert.equal(code(await call('/v1/admin/events/nope')), 'not_found');
    assert.equal(code(await call('/v1/admin/events/%ff')), 'invalid_request');

    const { endpoints } = JSON.parse((await call('/v1/admin/webhooks')).text) as { endpoints: { id: string; url: string }[] };
    const resend = `/v1/admin/events/${paid.id}/resend`;
    for (const body of [undefined, '{}', JSON.stringify({ endpoint: endpoints[0]!.id }), JSON.stringify({ endpoint: receiver.url })]) {
      const res = await post(resend, body);
      assert.equal(res.status, 202, `${body}: ${res.text}`);
      assert.equal(JSON.parse(res.text).deliveries[0].state, 'pending');
    }
    const refusals: [Promise<{ status: number; text: string }>, number, string][] = [
      [post(resend, JSON.stringify({ endpoint: 'https://elsewhere.example/hooks' })), 400, 'invalid_request'],
      [post(resend, JSON.stringify({ endpoints: 'all' })), 400, 'invalid_request'],
      [post(resend, '{"endpoint":'), 400, 'invalid_json'],
      [post(resend, 'endpoint=all', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type'],
      [post('/v1/admin/events/evt_AAAAAAAAAAAAAAAAAAAAAA/resend'), 404, 'not_found'],
      [post('/v1/admin/events/%ff/resend'), 400, 'invalid_request'],
      [call('/v1/admin/events', { headers: { authorization: 'Bearer wrong' } }), 401, 'unauthorized'],
      [call('/v1/admin/events', { headers: { origin: SHOP_ORIGIN } }), 403, 'origin_not_allowed'],
    ];
    for (const [answer, status, expected] of refusals) {
      const res = await answer;
      assert.equal(res.status, status, res.text);
      assert.equal(code(res), expected);
    }
  });

  it('fits the endpoint answers: list, test (each endpoint or one), enable, and their refusals', async () => {
    const list = await call('/v1/admin/webhooks');
    assert.equal(list.status, 200);
    const [endpoint] = (JSON.parse(list.text) as { endpoints: { id: string; url: string; enabled: boolean }[] }).endpoints;
    assert.deepEqual([endpoint!.url, endpoint!.enabled], [receiver.url, true]);
    for (const body of [undefined, JSON.stringify({ endpoint: endpoint!.id }), JSON.stringify({ endpoint: endpoint!.url })]) {
      const res = await post('/v1/admin/webhooks/test', body);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual((JSON.parse(res.text) as { results: { ok: boolean }[] }).results.map((r) => r.ok), [true]);
    }
    const enabled = await post(`/v1/admin/webhooks/${endpoint!.id}/enable`);
    assert.equal(enabled.status, 200);
    assert.deepEqual(JSON.parse(enabled.text), { id: endpoint!.id, enabled: true });

    const refusals: [Promise<{ status: number; text: string }>, number, string][] = [
      [post('/v1/admin/webhooks/test', JSON.stringify({ endpoint: 'ep_nope' })), 400, 'invalid_request'],
      [post('/v1/admin/webhooks/test', '[1'), 400, 'invalid_json'],
      [post('/v1/admin/webhooks/test', '{}', 'text/plain'), 415, 'unsupported_media_type'],
      [post('/v1/admin/webhooks/ep_AAAAAAAAAAAAAAAA/enable'), 404, 'not_found'],
      [post('/v1/admin/webhooks/%ff/enable'), 400, 'invalid_request'],
      [call('/v1/admin/webhooks', { headers: { authorization: '' } }), 401, 'unauthorized'],
    ];
    for (const [answer, status, expected] of refusals) {
      const res = await answer;
      assert.equal(res.status, status, res.text);
      assert.equal(code(res), expected);
    }
  });

  it('answers 409 webhooks_not_configured without endpoints, and for an event that went to none', async () => {
    const plain = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN }));
    started.push(plain);
    const test = await post('/v1/admin/webhooks/test', undefined, undefined, plain.url);
    assert.equal(test.status, 409);
    assert.equal(code(test), 'webhooks_not_configured');
    assert.deepEqual(JSON.parse((await call('/v1/admin/webhooks', {}, plain.url)).text), { endpoints: [] });
    assert.deepEqual(JSON.parse((await call('/v1/admin/events', {}, plain.url)).text), { events: [] });

    // An endpoint that takes only `created`: the paid event is logged, and went to no endpoint.
    const { running } = await start({ PAY_LINK_WEBHOOK_EVENTS: 'payment_link.created' });
    await mintAndPay(running.url);
    const events = await eventually(async () => {
      const { events: found } = JSON.parse((await call('/v1/admin/events?type=payment_link.paid', {}, running.url)).text) as { events: { id: string; deliveries: unknown[] }[] };
      assert.equal(found.length, 1);
      return found;
    });
    assert.deepEqual(events[0]!.deliveries, []);
    const resend = await post(`/v1/admin/events/${events[0]!.id}/resend`, undefined, undefined, running.url);
    assert.equal(resend.status, 409);
    assert.equal(code(resend), 'webhooks_not_configured');
  });
});

describe('real requests fit the document: the main flows through a recorder in front of the proxy', () => {
  const conformance = createConformance(openApiDocument);
  let receiver: Receiver;
  let proxy: RunningProxy;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let rzp: ReturnType<typeof razorpayHandlers>;
  const admin = { ...auth, 'content-type': 'application/json' };
  const cli = () => ({ env: { PAY_LINK_ADMIN_URL: recorder.url, PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN } });
  /** The recorded exchange of the last request matching `method` and `path` (its query too, when given). */
  const last = (method: string, path: string): Exchange => {
    const found = [...recorder.exchanges].reverse().find((e) => e.method === method && e.url.startsWith(path));
    assert.ok(found, `no ${method} ${path} recorded`);
    return found;
  };
  const lineItems = [
    { name: 'Guided tasting, 12 guests', quantity: 1, amount: '10200.00' },
    { name: 'Tea tin', quantity: 4, amount: '575.00' },
  ];
  const intentRequest = {
    amount: '12500.00',
    currency: 'INR',
    reference: 'INV-RECORDED-1',
    description: 'Tea tasting for 12',
    expiresIn: '7d',
    customer: { name: 'Asha Rao', email: 'asha@example.com' },
    lineItems,
  };

  before(async () => {
    const secret = newWebhookSecret();
    receiver = await startReceiver({ secrets: [secret] });
    proxy = await startTestProxy(
      testConfig({
        PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
        PAY_LINK_INTENT_SECRET: INTENT_SECRET,
        PAY_LINK_WEBHOOK_URL: receiver.url,
        PAY_LINK_WEBHOOK_SECRET: secret,
        PAY_LINK_WEBHOOK_RETRY_SCHEDULE: '50ms',
      }),
      { eventsPollMs: 25 },
    );
    recorder = await startRecorder(proxy.url);
  });
  beforeEach(() => {
    rzp = razorpayHandlers();
    msw.use(
      ...rzp.handlers,
      http.post(`${RAZORPAY_BASE}/v1/payment_links/:id/cancel`, ({ params }) => {
        const link = rzp.links.get(String(params.id))!;
        link.status = 'cancelled';
        return HttpResponse.json(link);
      }),
    );
  });
  afterEach(() => msw.resetHandlers());
  after(async () => {
    await recorder.close();
    await proxy.close();
    await receiver.close();
  });

  it('mint, status, intents, admin links and events: every request the proxy accepted fits, and every answer', async () => {
    const base = recorder.url;
    // The widget: mint, poll with the ETag, watch the stream.
    const minted = await postJson(`${base}/v1/links`, { product: 'tea', quantity: 2, customer: { email: 'asha@example.com' } }, { 'idempotency-key': 'recorded-1' });
    assert.equal(minted.status, 201);
    const link = (await minted.json()) as LinkView;
    const read = await fetch(`${base}/v1/links/${link.id}`, { headers: { origin: SHOP_ORIGIN } });
    await read.text();
    assert.equal((await fetch(`${base}/v1/links/${link.id}`, { headers: { 'if-none-match': read.headers.get('etag')! } })).status, 304);
    const watching = new AbortController();
    const stream = await fetch(`${base}/v1/links/${link.id}/events`, { headers: { 'last-event-id': '0' }, signal: watching.signal });
    assert.equal(stream.status, 200);
    watching.abort();

    // A merchant's server signs an intent with line items; the pay page and the widget look it up, and it mints.
    const signed = await fetch(`${base}/v1/admin/intents`, { method: 'POST', headers: admin, body: JSON.stringify(intentRequest) });
    assert.equal(signed.status, 201, await signed.clone().text());
    const { token } = (await signed.json()) as { token: string };
    const lookup = (await (await fetch(`${base}/v1/intents/${token}`)).json()) as IntentLookup;
    assert.deepEqual(lookup.invoice.lineItems, [
      { name: 'Guided tasting, 12 guests', quantity: 1, amount: 1020000 },
      { name: 'Tea tin', quantity: 4, amount: 57500 },
    ]);
    assert.equal((await fetch(`${base}/pay/${token}`)).status, 200);
    assert.equal((await postJson(`${base}/v1/links`, { intent: token })).status, 201);

    // The CLI's admin client: list with filters, cancel.
    assert.match(await runLinks(['list', '--status', 'pending', '--provider', 'razorpay', '--from', '2020-01-01T00:00:00Z', '--limit', '10'], cli()), /INV-RECORDED-1/);
    assert.match(await runLinks(['cancel', link.id], cli()), /cancelled/);

    // A provider's webhook, then the event log and the endpoints through the CLI.
    const intentLink = [...rzp.links.values()].at(-1)!;
    const body = razorpayWebhook('payment_link.paid', { ...intentLink, status: 'paid', amount_paid: intentLink.amount });
    const hook = await fetch(`${base}/v1/webhooks/razorpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': 'rzp_evt_recorded' },
      body,
    });
    assert.equal(hook.status, 200);
    const paid = await eventually(async () => {
      const page = JSON.parse(await runEvents(['list', '--type', 'payment_link.paid', '--state', 'delivered', '--limit', '5', '--json'], cli())) as { events: { id: string }[] };
      assert.equal(page.events.length, 1);
      return page.events[0]!;
    });
    assert.match(await runEvents(['show', paid.id], cli()), /payment_link\.paid/);
    await runEvents(['resend', paid.id, '--endpoint', receiver.url], cli());
    await runWebhooks(['list'], cli());
    assert.equal((await runWebhooks(['test'], cli())).exitCode, 0);

    conformance.checkAll(recorder.exchanges);
    // The flows did reach each operation, and with a 2xx, so its request was checked, not only its answer.
    const accepted = new Set(recorder.exchanges.filter((e) => e.status < 300).map((e) => conformance.operationOf(e)));
    for (const operation of [
      'POST /v1/links',
      'GET /v1/links/{id}',
      'GET /v1/links/{id}/events',
      'POST /v1/admin/intents',
      'GET /v1/intents/{intent}',
      'GET /pay/{intent}',
      'GET /v1/admin/links',
      'POST /v1/admin/links/{id}/cancel',
      'POST /v1/webhooks/{provider}',
      'GET /v1/admin/events',
      'GET /v1/admin/events/{id}',
      'POST /v1/admin/events/{id}/resend',
      'GET /v1/admin/webhooks',
      'POST /v1/admin/webhooks/test',
    ]) {
      assert.ok(accepted.has(operation), `the recorded flows never had ${operation} accepted`);
    }
    // The recorder really checks: the recorded intent request, with a line item's amount as a number, does not fit.
    const tampered = { ...last('POST', '/v1/admin/intents'), requestBody: JSON.stringify({ ...intentRequest, lineItems: [{ ...lineItems[0], amount: 12500 }] }) };
    assert.throws(() => conformance.checkRequest(tampered), /lineItems\/0\/amount must be string/);
  });

  it('what the proxy refuses for its shape, the document refuses too', async () => {
    const base = recorder.url;
    const link = (await (await postJson(`${base}/v1/links`, { product: 'book' })).json()) as LinkView;
    const refused: [string, RequestInit & { headers?: Record<string, string>; body?: string }][] = [
      ['/v1/admin/intents', { method: 'POST', headers: admin, body: JSON.stringify({ ...intentRequest, lineItems: [{ ...lineItems[0], amount: 12500 }] }) }],
      ['/v1/admin/intents', { method: 'POST', headers: admin, body: JSON.stringify({ ...intentRequest, lineItems: [{ ...lineItems[0], sku: 'T-1' }] }) }],
      ['/v1/admin/intents', { method: 'POST', headers: admin, body: JSON.stringify({ ...intentRequest, lineItems: Array.from({ length: 21 }, () => lineItems[1]) }) }],
      ['/v1/admin/intents', { method: 'POST', headers: admin, body: JSON.stringify({ ...intentRequest, lineItems: [{ ...lineItems[0], quantity: 1001 }] }) }],
      ['/v1/admin/intents', { method: 'POST', headers: admin, body: JSON.stringify({ ...intentRequest, reference: undefined }) }],
      [`/v1/admin/links/${link.id}/extend`, { method: 'POST', headers: admin, body: JSON.stringify({ expiresAt: 'tomorrow' }) }],
      [`/v1/admin/links/${link.id}/notify`, { method: 'POST', headers: admin, body: JSON.stringify({ channel: 'fax' }) }],
      ['/v1/admin/links?status=lost', { headers: auth }],
      ['/v1/admin/links?limit=501', { headers: auth }],
      ['/v1/admin/events?limit=0', { headers: auth }],
      ['/v1/admin/events?link=pl_short', { headers: auth }],
      ['/v1/links', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ product: 'tea', quantity: 0 }) }],
      ['/v1/links', { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ product: 'tea', amount: 5000, currency: 'INR' }) }],
    ];
    for (const [path, init] of refused) {
      const res = await fetch(`${base}${path}`, init);
      const answer = (await res.json()) as { code: string };
      assert.equal(res.status, 400, `${path} ${init.body ?? ''}`);
      assert.equal(answer.code, 'invalid_request');
      const exchange = recorder.exchanges.at(-1)!;
      conformance.checkResponse(exchange);
      assert.throws(() => conformance.checkRequest(exchange), /does not fit the document/, `the document takes what the proxy refused: ${path} ${init.body ?? ''}`);
    }
  });
});

describe('the document is generated from the contract', () => {
  const signIntent: Exchange = {
    method: 'POST',
    url: '/v1/admin/intents',
    requestHeaders: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    requestBody: JSON.stringify({ amount: '1500.00', currency: 'INR', reference: 'INV-2026-0042', description: 'Invoice INV-2026-0042', lineItems: [{ name: 'Tea', quantity: 1, amount: '1500.00' }] }),
    status: 201,
    headers: new Headers(),
    body: '',
  };

  it('a changed admin request schema changes the document, and what it accepts', () => {
    assert.deepEqual(createOpenApiDocument(), openApiDocument, 'the served document is the contract\'s');
    createConformance(openApiDocument).checkRequest(signIntent);

    // A stricter reference, and line items no longer taken: the generated body says so, and refuses the request.
    const changed = createOpenApiDocument({ ...CONTRACT_SCHEMAS, IntentRequest: IntentRequest.omit({ lineItems: true }).extend({ reference: z.string().min(1).max(8) }) });
    const body = changed.components.schemas.IntentRequest as { properties: Record<string, { maxLength?: number }> };
    assert.equal(body.properties.reference!.maxLength, 8);
    assert.equal('lineItems' in body.properties, false);
    assert.throws(() => createConformance(changed).checkRequest(signIntent), (err: Error) =>
      /body\/reference must NOT have more than 8 characters/.test(err.message) && /body must NOT have additional properties/.test(err.message));
    // Everything else stays as it was.
    assert.deepEqual({ ...changed.components.schemas, IntentRequest: undefined }, { ...openApiDocument.components.schemas, IntentRequest: undefined });
  });

  it('a changed admin query or answer schema changes its parameters or its component', () => {
    const listEvents: Exchange = { method: 'GET', url: '/v1/admin/events?limit=5', requestHeaders: { authorization: `Bearer ${ADMIN_TOKEN}` }, status: 200, headers: new Headers(), body: '' };
    createConformance(openApiDocument).checkRequest(listEvents);
    const smallPages = createOpenApiDocument({ ...CONTRACT_SCHEMAS, ListEventsQuery: ListEventsQuery.extend({ limit: z.coerce.number().int().min(1).max(2).default(2).describe('At most this many events.') }) });
    assert.throws(() => createConformance(smallPages).checkRequest(listEvents), /query parameter limit .* must be <= 2/);

    // A signed intent's answer without `payUrl`: the generated component drops it, and a real answer carrying it no
    // longer fits. (A test swaps a whole component; an edit in contract/ changes every schema built on it too.)
    const signed = JSON.stringify({ token: 'pli1.abc.def', payUrl: 'https://pay.example.com/pay/pli1.abc.def', expiresAt: '2026-12-31T00:00:00.000Z' });
    const answer: Exchange = { ...signIntent, status: 201, headers: new Headers({ 'content-type': 'application/json' }), body: signed };
    createConformance(openApiDocument).checkResponse(answer);
    const narrower = createOpenApiDocument({ ...CONTRACT_SCHEMAS, SignedIntent: SignedIntent.omit({ payUrl: true }) });
    assert.throws(() => createConformance(narrower).checkResponse(answer), /must NOT have additional properties/);
  });

  it('needs a description for every generated query parameter', () => {
    assert.throws(
      () => createOpenApiDocument({ ...CONTRACT_SCHEMAS, ListLinksQuery: z.object({ status: z.string().optional() }) }),
      /ListLinksQuery\.status: describe\(\) the query parameter/,
    );
  });
});

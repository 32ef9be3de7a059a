/**
 * The OpenAPI document (`src/openapi.ts`) is valid, describes exactly the routes the app mounts, is what
 * `GET /v1/openapi.json` serves, and its schemas fit real answers.
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
import { after, afterEach, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { http, HttpResponse } from 'msw';
import { createApp } from '../src/app.ts';
import { PROBLEM_CODES } from '../src/contract.ts';
import { type HttpMethod, type JsonSchema, type Operation, type Reference, openApiDocument } from '../src/openapi.ts';
import type { RunningProxy } from '../src/server.ts';
import { RAZORPAY_BASE, SHOP_ORIGIN, createMockServer, postJson, razorpayHandlers, startTestProxy, testConfig } from './helpers.ts';

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

/**
 * A small structural check of a value against a schema of the document: `$ref`, `allOf`, `anyOf`, `oneOf`,
 * `const`, `enum`, `type`, `pattern`, `properties`, `required`, `additionalProperties: false`, `items`. Enough
 * to say that an answer carries exactly the properties the document promises, with the promised codes.
 */
function checkShape(value: unknown, schema: JsonSchema, at: string): void {
  const s = resolve(schema) as JsonSchema & Record<string, any>;
  if (s.allOf) for (const member of s.allOf) checkShape(value, member, at);
  if (s.anyOf || s.oneOf) {
    const branches = (s.anyOf ?? s.oneOf) as JsonSchema[];
    const passing = branches.filter((branch) => {
      try {
        checkShape(value, branch, at);
        return true;
      } catch {
        return false;
      }
    }).length;
    assert.ok(s.anyOf ? passing >= 1 : passing === 1, `${at}: ${JSON.stringify(value)} fits ${passing} of the ${s.anyOf ? 'anyOf' : 'oneOf'} branches`);
  }
  if ('const' in s) assert.deepEqual(value, s.const, `${at}: const`);
  if (s.enum) assert.ok((s.enum as unknown[]).includes(value), `${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (s.type) {
    const types = [s.type].flat() as string[];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    assert.ok(types.includes(actual) || (actual === 'integer' && types.includes('number')), `${at}: a ${actual}, the schema says ${types.join('|')}`);
  }
  if (typeof s.pattern === 'string' && typeof value === 'string') assert.match(value, new RegExp(s.pattern, 'u'), `${at}: pattern`);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of (s.required ?? []) as string[]) assert.ok(key in object, `${at}: required property ${key} is missing`);
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    if (s.additionalProperties === false) {
      for (const key of Object.keys(object)) assert.ok(key in properties, `${at}: property ${key} is not in the schema`);
    }
    for (const [key, sub] of Object.entries(properties)) if (key in object) checkShape(object[key], sub, `${at}.${key}`);
  }
  if (Array.isArray(value) && s.items) value.forEach((item, i) => checkShape(item, s.items, `${at}[${i}]`));
}

/** Checks a real answer against the document: the status is documented, with its content type, headers and body shape. */
async function checkAnswer(route: string, res: Response): Promise<unknown> {
  const [method, path] = route.split(' ') as [string, string];
  const operation = openApiDocument.paths[path]?.[method.toLowerCase() as HttpMethod];
  assert.ok(operation, `${route} is not documented`);
  const documented = operation.responses[String(res.status)];
  assert.ok(documented, `${route} answered ${res.status}, which the document does not list`);
  const response = resolve(documented);
  for (const name of Object.keys(response.headers ?? {})) assert.ok(res.headers.has(name), `${route} ${res.status}: header ${name} is documented but missing`);
  const type = res.headers.get('content-type')?.split(';')[0] ?? '';
  const content = response.content?.[type];
  assert.ok(content, `${route} ${res.status}: content type ${type} is not documented (${Object.keys(response.content ?? {}).join(', ')})`);
  const body = await res.json();
  checkShape(body, content.schema as JsonSchema, `${route} ${res.status}`);
  return body;
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

  it('matches the mounted routes in both directions', () => {
    const { app, drain } = createApp(testConfig());
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
      .filter((file) => file.endsWith('.ts') && !['contract.ts', 'problems.ts', 'openapi.ts'].includes(file))
      .map((file) => readFileSync(join(new URL('../src', import.meta.url).pathname, file), 'utf8'));
    for (const code of UNRAISED_CODES) {
      assert.ok(!sources.some((source) => source.includes(`'${code}'`)), `${code} is raised now: list it on the operations that answer it`);
      assert.ok(!listed.has(code), `${code} is listed on an operation: drop it from UNRAISED_CODES`);
    }
  });
});

describe('GET /v1/openapi.json and real answers', () => {
  const msw = createMockServer();
  let proxy: RunningProxy;

  before(async () => {
    proxy = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN, PAY_LINK_INTENT_SECRET: INTENT_SECRET }));
  });
  after(async () => {
    await proxy.close();
    msw.close();
  });
  afterEach(() => msw.resetHandlers());

  it('serves the module document as public, cacheable JSON, with a 304 for its ETag', async () => {
    const res = await fetch(`${proxy.url}/v1/openapi.json`, { headers: { origin: 'https://docs.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    assert.deepStrictEqual(await res.json(), openApiDocument);

    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${proxy.url}/v1/openapi.json`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  it('fits the mint, replay and read answers of a link, and the problems of both routes', async () => {
    const rzp = razorpayHandlers();
    msw.use(...rzp.handlers);

    const minted = (await checkAnswer('POST /v1/links', await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': 'openapi-1' }))) as { id: string };
    const replay = await postJson(`${proxy.url}/v1/links`, { product: 'tea' }, { 'idempotency-key': 'openapi-1' });
    assert.equal(replay.status, 200);
    assert.deepEqual(await checkAnswer('POST /v1/links', replay), minted);

    const read = await fetch(`${proxy.url}/v1/links/${minted.id}`, { headers: { origin: SHOP_ORIGIN } });
    assert.equal(read.status, 200);
    assert.deepEqual(Object.keys((await checkAnswer('GET /v1/links/{id}', read)) as object).sort(), Object.keys(minted).sort());

    const invalid = await postJson(`${proxy.url}/v1/links`, { product: 'tea', quantity: 0 });
    assert.equal(invalid.status, 400);
    assert.equal(((await checkAnswer('POST /v1/links', invalid)) as { code: string }).code, 'invalid_request');

    const reused = await postJson(`${proxy.url}/v1/links`, { product: 'book' }, { 'idempotency-key': 'openapi-1' });
    assert.equal(reused.status, 422);
    await checkAnswer('POST /v1/links', reused);

    const unknown = await fetch(`${proxy.url}/v1/links/pl_AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(unknown.status, 404);
    await checkAnswer('GET /v1/links/{id}', unknown);
  });

  it('fits the config, admin and intent answers', async () => {
    const rzp = razorpayHandlers();
    // Looking an intent up asks the provider for links under its reference: this invoice has none yet.
    msw.use(...rzp.handlers, http.get(`${RAZORPAY_BASE}/v1/payment_links`, () => HttpResponse.json({ payment_links: [] })));
    await checkAnswer('GET /v1/config', await fetch(`${proxy.url}/v1/config`));

    // At least one link for the admin list to show.
    const minted = await postJson(`${proxy.url}/v1/links`, { amount: 5000, currency: 'INR' });
    assert.ok(minted.ok, `mint answered ${minted.status}`);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const list = await fetch(`${proxy.url}/v1/admin/links?limit=5`, { headers: auth });
    assert.equal(list.status, 200);
    const { links } = (await checkAnswer('GET /v1/admin/links', list)) as { links: unknown[] };
    assert.ok(links.length >= 1);

    const refused = await fetch(`${proxy.url}/v1/admin/links`);
    assert.equal(refused.status, 401);
    await checkAnswer('GET /v1/admin/links', refused);

    const signed = await fetch(`${proxy.url}/v1/admin/intents`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '1500.00', currency: 'INR', reference: 'INV-OPENAPI-1', description: 'Invoice INV-OPENAPI-1' }),
    });
    assert.equal(signed.status, 201);
    const { token } = (await checkAnswer('POST /v1/admin/intents', signed)) as { token: string };
    await checkAnswer('GET /v1/intents/{intent}', await fetch(`${proxy.url}/v1/intents/${token}`));

    // Once the intent minted, the lookup carries its link and the admin list an intent-priced link.
    assert.equal((await postJson(`${proxy.url}/v1/links`, { intent: token })).status, 201);
    const lookup = (await checkAnswer('GET /v1/intents/{intent}', await fetch(`${proxy.url}/v1/intents/${token}`))) as { link: unknown };
    assert.notEqual(lookup.link, null);
    const listed = (await checkAnswer('GET /v1/admin/links', await fetch(`${proxy.url}/v1/admin/links`, { headers: auth }))) as {
      links: { source: { kind: string } }[];
    };
    assert.deepEqual([...new Set(listed.links.map((link) => link.source.kind))].sort(), ['amount', 'intent', 'product']);
  });
});

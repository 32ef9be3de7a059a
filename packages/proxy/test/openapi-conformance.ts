/**
 * Checks real HTTP exchanges against the OpenAPI document (`src/openapi.ts`): the answer's status is declared for
 * its path and method, its required headers are there and every declared header it carries fits its schema, its
 * content type is declared, and its body validates against the declared schema; a request the proxy accepted (a
 * 2xx) has the parameters and body the document asks for. A failure names the method, the path, the status and
 * the validator's message.
 *
 * The schemas are validated by Ajv's JSON Schema 2020-12 validator (with ajv-formats), the dialect OpenAPI 3.1
 * embeds, against the document itself: a response schema is compiled from its JSON pointer into the document, so
 * every `$ref` resolves exactly as a client generator would resolve it. (openapi-response-validator and its kin
 * target OpenAPI 3.0's dialect — `nullable`, draft 4/7 — and would misread the 2020-12 keywords the contract's zod
 * schemas generate, such as `dependentRequired` and `type: ["string", "null"]`.)
 *
 * `startRecorder` puts a recording forwarder in front of a running proxy, so the requests other clients make (the
 * CLI's admin client, the test helpers, a browser) are held to the document too, not only those sent through
 * `fetch` here: `checkAll` then checks every exchange it saw, each request the proxy accepted included.
 *
 * What the document says for a path or method outside `paths` is `components.responses.UnknownRoute` (404), and
 * only that. Paths are matched the way Express matches them: case-insensitively, one trailing slash ignored, a
 * concrete path before a templated one.
 */
import { AssertionError } from 'node:assert';
import { type IncomingHttpHeaders, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { ApiResponse, Header, HttpMethod, MediaType, OpenApiDocument, Parameter, Reference } from '../src/openapi.ts';

/** One request and the answer it got, as seen on the wire. */
export interface Exchange {
  method: string;
  /** Path and query, as sent (still percent-encoded). */
  url: string;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  status: number;
  headers: Headers;
  /** The answer's body as text; `undefined` when it was not read (an event stream). */
  body: string | undefined;
}

/** What `fetch` through the checker hands back: the answer, its body already read. */
export interface CheckedResponse {
  status: number;
  headers: Headers;
  text: string;
}

const addFormats = ((ajvFormats as unknown as { default?: unknown }).default ?? ajvFormats) as (ajv: Ajv2020) => Ajv2020;

const DOCUMENT_ID = 'https://pay-link.dev/openapi.json';

export interface Conformance {
  /** Throws an `AssertionError` naming method, path and status when the answer is not what the document declares. */
  checkResponse(exchange: Exchange): void;
  /** Throws when a request is not what the document asks for (call it for requests the proxy accepted). */
  checkRequest(exchange: Exchange): void;
  /** `fetch`, then both checks (the request's only on a 2xx); the body is read, except an event stream's. */
  fetch(base: string, path: string, init?: RequestInit & { headers?: Record<string, string>; body?: string }): Promise<CheckedResponse>;
  /** Both checks for each exchange (the request's only on a 2xx): what a recorder saw, say. */
  checkAll(exchanges: readonly Exchange[]): void;
  /** The operation (`METHOD /template`) an exchange falls under, or `undefined` outside `paths`. */
  operationOf(exchange: Pick<Exchange, 'method' | 'url'>): string | undefined;
  /** Every `METHOD /template` checked so far, with the statuses it answered: what a suite really covered. */
  readonly seen: ReadonlyMap<string, ReadonlySet<number>>;
}

export function createConformance(document: OpenApiDocument): Conformance {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: true });
  addFormats(ajv);
  // The document's own fields, so that strict mode takes its root as the resource it is; and the OpenAPI 3.1
  // dialect's schema keywords (https://spec.openapis.org/oas/v3.1.1.html#fixed-fields-20), which annotate only.
  ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
  ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
  // The document is one resource: every `#/components/…` inside it resolves against its root.
  ajv.addSchema(structuredClone(document) as object, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const seen = new Map<string, Set<number>>();

  /** The validator of the schema at `pointer` (JSON pointer tokens) in the document. */
  function validator(pointer: readonly string[]): ValidateFunction {
    const fragment = pointer.map((token) => encodeURIComponent(token.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
    let validate = compiled.get(fragment);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${fragment}` });
      compiled.set(fragment, validate);
    }
    return validate;
  }

  function validate(pointer: readonly string[], value: unknown): string | undefined {
    const check = validator(pointer);
    return check(value) ? undefined : ajv.errorsText(check.errors, { dataVar: 'body' });
  }

  /** Follows a local `$ref`, answering the target and its pointer. */
  function resolve<T>(node: T | Reference, pointer: string[]): { node: T; pointer: string[] } {
    if (node && typeof node === 'object' && '$ref' in node && typeof node.$ref === 'string') {
      const target = node.$ref.replace(/^#\//, '').split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
      const found = target.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], document);
      if (found === undefined) throw new Error(`unresolvable ${node.$ref}`);
      return resolve(found as T | Reference, target);
    }
    return { node: node as T, pointer };
  }

  const templates = Object.keys(document.paths)
    .map((template) => ({ template, segments: template.split('/').slice(1) }))
    // Concrete before templated (OpenAPI's rule, and the order that makes `/pay.css` win over `/{file}`).
    .sort((a, b) => literalCount(b.segments) - literalCount(a.segments));

  /** The documented path an actual path falls under, with its path parameters (still encoded). */
  function matchPath(pathname: string): { template: string; params: Record<string, string> } | undefined {
    const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    const segments = trimmed.split('/').slice(1);
    for (const candidate of templates) {
      if (candidate.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const fits = candidate.segments.every((expected, i) => {
        const actual = segments[i]!;
        const name = /^\{(\w+)\}$/.exec(expected)?.[1];
        if (name) {
          params[name] = actual;
          return actual.length > 0;
        }
        return expected.toLowerCase() === actual.toLowerCase();
      });
      if (fits) return { template: candidate.template, params };
    }
    return undefined;
  }

  function operationOf(exchange: Exchange) {
    const url = new URL(exchange.url, 'http://proxy.invalid');
    const method = (exchange.method.toUpperCase() === 'HEAD' ? 'get' : exchange.method.toLowerCase()) as HttpMethod;
    const match = matchPath(url.pathname);
    const operation = match && document.paths[match.template]?.[method];
    return { url, method, match, operation };
  }

  function fail(exchange: Exchange, message: string): never {
    const body = exchange.body === undefined ? '' : `\n  body: ${exchange.body.slice(0, 300)}`;
    throw new AssertionError({ message: `${exchange.method.toUpperCase()} ${exchange.url} → ${exchange.status}: ${message}${body}` });
  }

  function checkResponse(exchange: Exchange): void {
    const { method, match, operation } = operationOf(exchange);
    const route = operation ? `${exchange.method.toUpperCase()} ${match!.template}` : `${exchange.method.toUpperCase()} (not in paths)`;
    const statuses = seen.get(route) ?? new Set<number>();
    statuses.add(exchange.status);
    seen.set(route, statuses);

    let declared: { node: ApiResponse; pointer: string[] };
    if (!operation) {
      if (exchange.status !== 404) fail(exchange, 'the path or method is not in the document, and only 404 (components.responses.UnknownRoute) is declared for that');
      declared = resolve<ApiResponse>({ $ref: '#/components/responses/UnknownRoute' }, []);
    } else {
      const key = [String(exchange.status), `${String(exchange.status)[0]}XX`, 'default'].find((k) => operation.responses[k] !== undefined);
      if (key === undefined) fail(exchange, `status ${exchange.status} is not declared for ${route} (declared: ${Object.keys(operation.responses).join(', ')})`);
      declared = resolve(operation.responses[key]!, ['paths', match!.template, method, 'responses', key]);
    }
    const response = declared.node;

    for (const [name, entry] of Object.entries(response.headers ?? {})) {
      const { node: header, pointer } = resolve<Header>(entry, [...declared.pointer, 'headers', name]);
      const value = exchange.headers.get(name);
      if (value === null) {
        if (header.required) fail(exchange, `the required header ${name} is missing`);
        continue;
      }
      const problem = validate([...pointer, 'schema'], coerce(value, resolve(header.schema, []).node));
      if (problem) fail(exchange, `header ${name}: ${problem.replaceAll('body', name)} (got "${value}")`);
    }

    const content = response.content ?? {};
    const contentType = exchange.headers.get('content-type');
    const isHead = exchange.method.toUpperCase() === 'HEAD';
    if (Object.keys(content).length === 0) {
      if (contentType !== null || (exchange.body ?? '') !== '') fail(exchange, `no body is declared, but the answer has one (${contentType ?? 'no content type'})`);
      return;
    }
    if (contentType === null) fail(exchange, `a body of ${Object.keys(content).join(' or ')} is declared, but the answer has no content type`);
    const media = mediaTypeOf(contentType);
    const key = Object.keys(content).find((declaredType) => mediaMatches(declaredType, media));
    if (key === undefined) fail(exchange, `content type ${media} is not declared (declared: ${Object.keys(content).join(', ')})`);
    const schema = (content[key] as MediaType).schema;
    if (isHead || exchange.body === undefined || schema === undefined) return;
    let value: unknown = exchange.body;
    if (isJson(media)) {
      try {
        value = JSON.parse(exchange.body);
      } catch {
        fail(exchange, `the body is declared ${media}, but is not JSON`);
      }
    }
    const problem = validate([...declared.pointer, 'content', key, 'schema'], value);
    if (problem) fail(exchange, `the ${media} body does not fit the declared schema: ${problem}`);
  }

  function checkRequest(exchange: Exchange): void {
    const { url, method, match, operation } = operationOf(exchange);
    if (!operation) fail(exchange, 'the proxy accepted a request to a path or method the document does not have');
    const base = ['paths', match!.template, method];
    // What the server read: HTTP drops a field value's leading and trailing whitespace (RFC 9110 §5.5).
    const headers = new Map(Object.entries(exchange.requestHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value.trim()]));

    (operation.parameters ?? []).forEach((entry, i) => {
      const { node: parameter, pointer } = resolve<Parameter>(entry, [...base, 'parameters', String(i)]);
      const raw =
        parameter.in === 'path'
          ? safeDecode(match!.params[parameter.name])
          : parameter.in === 'header'
            ? headers.get(parameter.name.toLowerCase())
            : (url.searchParams.get(parameter.name) ?? undefined);
      if (raw === undefined) {
        if (parameter.required) fail(exchange, `the ${parameter.in} parameter ${parameter.name} is required, but was not sent`);
        return;
      }
      const problem = validate([...pointer, 'schema'], coerce(raw, resolve(parameter.schema, []).node));
      if (problem) fail(exchange, `the accepted request's ${parameter.in} parameter ${parameter.name} ("${raw.slice(0, 80)}") does not fit the document: ${problem.replaceAll('body', parameter.name)}`);
    });

    const body = operation.requestBody;
    if (!body) return;
    if (exchange.requestBody === undefined || exchange.requestBody === '') {
      if (body.required) fail(exchange, 'the proxy accepted a request without the body the document requires');
      return;
    }
    const media = mediaTypeOf(headers.get('content-type') ?? '');
    const key = Object.keys(body.content).find((declaredType) => mediaMatches(declaredType, media));
    if (key === undefined) fail(exchange, `the proxy accepted a ${media || 'typeless'} body, but the document takes ${Object.keys(body.content).join(', ')}`);
    if (!isJson(media)) return;
    let value: unknown;
    try {
      value = JSON.parse(exchange.requestBody);
    } catch {
      // A webhook's raw body is the provider's bytes; the document declares no schema for it to fit.
      if (Object.keys(body.content[key]!.schema ?? {}).length === 0) return;
      fail(exchange, 'the proxy accepted a body that is not JSON');
    }
    const problem = validate([...base, 'requestBody', 'content', key, 'schema'], value);
    if (problem) fail(exchange, `the accepted request body does not fit the document: ${problem}\n  request: ${exchange.requestBody.slice(0, 300)}`);
  }

  return {
    checkResponse,
    checkRequest,
    checkAll(exchanges) {
      for (const exchange of exchanges) {
        checkResponse(exchange);
        if (exchange.status >= 200 && exchange.status < 300) checkRequest(exchange);
      }
    },
    operationOf(exchange) {
      const { match, operation } = operationOf({ ...exchange, status: 0, headers: new Headers(), body: undefined });
      return operation ? `${exchange.method.toUpperCase()} ${match!.template}` : undefined;
    },
    async fetch(baseUrl, path, init = {}) {
      const res = await fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init });
      const stream = mediaTypeOf(res.headers.get('content-type') ?? '') === 'text/event-stream';
      let text = '';
      if (stream) await res.body?.cancel();
      else text = await res.text();
      const exchange: Exchange = {
        method: init.method ?? 'GET',
        url: path,
        requestHeaders: init.headers,
        requestBody: init.body,
        status: res.status,
        headers: res.headers,
        body: stream ? undefined : text,
      };
      checkResponse(exchange);
      if (res.status >= 200 && res.status < 300) checkRequest(exchange);
      return { status: res.status, headers: res.headers, text };
    },
    seen,
  };
}

/** A forwarder in front of a proxy, keeping every exchange that passes through it. */
export interface Recorder {
  /** Send requests here instead of to the proxy. */
  url: string;
  /** Every exchange so far, in the order the answers ended (an event stream's when its head arrived). */
  readonly exchanges: readonly Exchange[];
  close(): Promise<void>;
}

/**
 * Starts a recording forwarder to `target` on an ephemeral loopback port: each request is passed on byte for byte
 * (headers as sent, `Host` included) and its answer passed back as it streams, both kept as an `Exchange`. An event
 * stream is kept without its body. Bodies are read as UTF-8 text: the API speaks JSON, HTML and scripts.
 */
export async function startRecorder(target: string): Promise<Recorder> {
  const exchanges: Exchange[] = [];
  const server = createServer((incoming, outgoing) => {
    const sent: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => sent.push(chunk));
    incoming.on('end', () => {
      const requestBody = Buffer.concat(sent).toString('utf8');
      const upstream = request(new URL(incoming.url!, target), { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.statusMessage, answer.rawHeaders);
        const exchange: Exchange = {
          method: incoming.method!,
          url: incoming.url!,
          requestHeaders: flatten(incoming.headers),
          requestBody,
          status: answer.statusCode!,
          headers: new Headers(flatten(answer.headers)),
          body: undefined,
        };
        const stream = mediaTypeOf(answer.headers['content-type'] ?? '') === 'text/event-stream';
        if (stream) exchanges.push(exchange);
        const received: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => {
          if (!stream) received.push(chunk);
          outgoing.write(chunk);
        });
        answer.on('end', () => {
          outgoing.end();
          if (stream) return;
          exchange.body = Buffer.concat(received).toString('utf8');
          exchanges.push(exchange);
        });
      });
      // The client left (an event stream closed): stop the upstream request too.
      outgoing.on('close', () => upstream.destroy());
      upstream.on('error', () => outgoing.destroy());
      upstream.end(sent.length > 0 ? Buffer.concat(sent) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
}

function literalCount(segments: readonly string[]): number {
  return segments.filter((segment) => !segment.includes('{')).length;
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

function mediaMatches(declared: string, actual: string): boolean {
  const [type, subtype] = declared.toLowerCase().split('/');
  const [actualType] = actual.split('/');
  return declared.toLowerCase() === actual || (subtype === '*' && (type === '*' || type === actualType));
}

function isJson(media: string): boolean {
  return media === 'application/json' || media.endsWith('+json');
}

function safeDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Headers, path and query parameters are strings on the wire; a schema that asks for a number gets one. */
function coerce(value: string, schema: { type?: unknown }): unknown {
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}



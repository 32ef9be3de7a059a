/**
 * The proxy's HTTP API as an OpenAPI 3.1 document, served at `GET /v1/openapi.json`.
 *
 * Generated from the contract (`contract/`): every component schema, request body and admin query parameter is
 * `z.toJSONSchema` (JSON Schema 2020-12, the dialect of OpenAPI 3.1) of the zod schema the route parses or builds
 * its answer with, and every closed list (statuses, providers, problem codes, widget files) and id pattern is the
 * contract's own constant, so the document cannot drift from what the proxy parses and answers. What is written
 * here is what JSON Schema cannot get from zod (the `superRefine` rules of `MintRequest`), the few bodies of
 * operations routes (health, the readiness problem, a provider webhook's receipt; typechecked by `objectSchema<T>()`)
 * and the prose: operations, statuses, headers. `createOpenApiDocument(contract)` builds it from any set of those
 * schemas, so a test can show that a changed schema changes the document. `test/openapi.test.ts` validates the
 * document and compares its paths with the routes the app really mounts, in both directions.
 *
 * Each operation declares every status it can answer, built from the layers a request passes (`problems()` and
 * its groups: path parameters, request bodies, rate limits, the admin gate, provider calls), so a route that
 * gains a layer gains its statuses in one place. `test/openapi-conformance.ts` holds real exchanges to it: the
 * hostile property suite and the OpenAPI test fail on any status, header or body the document does not declare,
 * and on a request the proxy accepted that the document would refuse.
 *
 * `webhooks` (OpenAPI 3.1) describes the other direction: the merchant events the proxy POSTs to the merchant's
 * endpoints, one entry per event type, with the Standard Webhooks headers and what each answer of the receiver
 * makes the proxy do.
 */
import { z } from 'zod';
import {
  AdminEventPage,
  AdminEventView,
  AdminLinkPage,
  AdminLinkView,
  AdminWebhookEndpoint,
  AdminWebhookList,
  CurrencyCode,
  Customer,
  DeliveryState,
  EVENT_ID,
  EVENT_TYPES,
  EnabledWebhook,
  EndpointChoice,
  EventType,
  ExtendRequest,
  INTENT_TOKEN,
  IntentLookup,
  IntentRequest,
  LINK_ID,
  LineItem,
  LinkStatus,
  LinkView,
  ListEventsQuery,
  ListLinksQuery,
  MintRequest,
  Money,
  NotifyRequest,
  NotifyResult,
  PaymentLinkEvent,
  PaymentLinkEventData,
  PriceSourceView,
  ProblemBody,
  ProblemCode,
  ProviderName,
  PublicConfig,
  Purchase,
  SignedIntent,
  TRANSLATION_FILE,
  TestEvent,
  WIDGET_FILES,
  WebhookTestReport,
  WebhookTestResult,
} from './contract.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from './merchant-events/endpoints.ts';
import type { ProviderCheckResult, ProviderVerdict } from './provider-check.ts';
import { VERSION } from './version.ts';

/** A JSON Schema 2020-12 object, as OpenAPI 3.1 embeds it. */
export type JsonSchema = { [keyword: string]: unknown };

export interface Reference {
  $ref: string;
  description?: string;
}

export interface MediaType {
  schema?: JsonSchema | Reference;
  example?: unknown;
}

export interface Header {
  description: string;
  required?: boolean;
  schema: JsonSchema | Reference;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema | Reference;
}

export interface ApiResponse {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}

export interface RequestBody {
  description?: string;
  required: boolean;
  content: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: Tag[];
  parameters?: (Parameter | Reference)[];
  requestBody?: RequestBody;
  responses: Record<string, ApiResponse | Reference>;
  /** Set on the admin routes only: the rest of the API is public (CORS and rate limits guard it, not a token). */
  security?: Record<string, string[]>[];
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type PathItem = Partial<Record<HttpMethod, Operation>>;

export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; summary: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  tags: { name: Tag; description: string }[];
  paths: Record<string, PathItem>;
  /** The merchant events the proxy sends (it is the client here): one entry per event type. */
  webhooks: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    /** `UnknownRoute`: what any path or method outside `paths` answers. */
    responses: Record<string, ApiResponse>;
    parameters: Record<string, Parameter>;
    headers: Record<string, Header>;
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
  };
}

type Tag = 'links' | 'config' | 'webhooks' | 'merchant events' | 'admin' | 'pages' | 'assets' | 'operations';

// ---------------------------------------------------------------------------------------------------------------
// Schemas

const ref = (name: string): Reference => ({ $ref: `#/components/schemas/${name}` });

/** The keys of `T` that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * An object schema whose property list must name every key of `T`, and whose required list every required key of
 * `T` and nothing else: the compiler keeps hand-written schemas in step with the types the routes answer.
 */
function objectSchema<T>(properties: { [K in keyof T]-?: JsonSchema | Reference }, required: { [K in RequiredKeys<T>]: true }): JsonSchema {
  return { type: 'object', properties, required: Object.keys(required), additionalProperties: false };
}

/**
 * The zod schemas the document is generated from, by component name: every request body the routes parse and
 * every answer they build. Nested ones become `$ref`s to their components.
 */
export const CONTRACT_SCHEMAS = {
  Money,
  CurrencyCode,
  ProviderName,
  LinkStatus,
  Customer,
  LineItem,
  LinkView,
  IntentLookup,
  PublicConfig,
  MintRequest,
  ProblemCode,
  Problem: ProblemBody,
  EventType,
  Purchase,
  PaymentLinkEventData,
  PaymentLinkEvent,
  TestEvent,
  PriceSource: PriceSourceView,
  AdminLinkView,
  AdminLinkPage,
  NotifyResult,
  SignedIntent,
  DeliveryState,
  AdminEventView,
  AdminEventPage,
  AdminWebhookEndpoint,
  AdminWebhookList,
  WebhookTestResult,
  WebhookTestReport,
  EnabledWebhook,
  IntentRequest,
  ExtendRequest,
  NotifyRequest,
  EndpointChoice,
  // Query strings: each property becomes a query parameter of its operation, not a component.
  ListLinksQuery,
  ListEventsQuery,
} satisfies Record<string, z.ZodType>;

export type ContractSchemas = Record<keyof typeof CONTRACT_SCHEMAS, z.ZodType>;

/** Generated as the proxy accepts them (`input`: defaults optional, unknown fields as the schema says), not as answers. */
const REQUESTS: ReadonlySet<keyof ContractSchemas> = new Set(['MintRequest', 'Customer', 'IntentRequest', 'ExtendRequest', 'NotifyRequest', 'EndpointChoice']);
const QUERIES = ['ListLinksQuery', 'ListEventsQuery'] as const;
type QueryName = (typeof QUERIES)[number];

/** The components and query parameters of `contract`; nested registered schemas become `$ref`s. */
function generate(contract: ContractSchemas): { schemas: Record<string, JsonSchema>; queries: Record<QueryName, Parameter[]> } {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(contract)) registry.add(schema, { id });
  const generateAs = (io: 'input' | 'output') => z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` }).schemas;
  // Requests as the proxy accepts them (`input`), answers as it produces them (`output`).
  const requests = generateAs('input');
  const responses = generateAs('output');
  const clean = ({ $schema: _dialect, $id: _id, ...schema }: JsonSchema): JsonSchema => schema;
  const schemas: Record<string, JsonSchema> = {};
  for (const id of Object.keys(contract) as (keyof ContractSchemas)[]) {
    const query = (QUERIES as readonly string[]).includes(id);
    if (!query) schemas[id] = clean((REQUESTS.has(id) ? requests : responses)[id]!);
  }
  // The rules zod checks in `superRefine`, which JSON Schema can say too: exactly one way to name the price,
  // `quantity` only with `product`, `amount` and `currency` together.
  schemas.MintRequest = {
    ...schemas.MintRequest,
    description:
      'Exactly one way to name the price: `product` (+ optional `quantity`) from the catalog, a merchant-signed `intent`, or `amount` + `currency` within an open-amount range of the config. The browser never decides a price by itself.',
    oneOf: [{ required: ['product'] }, { required: ['intent'] }, { required: ['amount'] }],
    dependentRequired: { quantity: ['product'], amount: ['currency'], currency: ['amount'] },
  };
  const queries = Object.fromEntries(QUERIES.map((name) => [name, queryParameters(name, requests[name]!)])) as Record<QueryName, Parameter[]>;
  return { schemas, queries };
}

/** A query object's properties as query parameters, each with its own description (which every one must have). */
function queryParameters(name: string, schema: JsonSchema): Parameter[] {
  const { properties = {}, required = [] } = schema as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([key, { description, ...property }]) => {
    if (typeof description !== 'string') throw new Error(`${name}.${key}: describe() the query parameter`);
    return { name: key, in: 'query', description, ...(required.includes(key) && { required: true }), schema: property };
  });
}

/** The problem body's properties, for `NotReadyProblem`, which extends it. */
const problemSchema = (schemas: Record<string, JsonSchema>) => schemas.Problem as { properties: Record<string, JsonSchema>; required: string[] };

/** What the contract does not hold: the readiness problem (it names the providers the check found failing). */
const handWritten = (schemas: Record<string, JsonSchema>): Record<string, JsonSchema> => ({
  NotReadyProblem: {
    type: 'object',
    description: 'A `Problem` that also names each provider whose readiness check failed (never a provider body or a credential).',
    properties: {
      ...problemSchema(schemas).properties,
      providers: {
        type: 'array',
        minItems: 1,
        items: objectSchema<Pick<ProviderCheckResult, 'provider' | 'verdict' | 'code' | 'httpStatus'>>(
          {
            provider: ref('ProviderName'),
            verdict: { enum: ['credentials_refused', 'unreachable', 'unexpected_answer'] satisfies Exclude<ProviderVerdict, 'ok'>[] },
            code: { type: 'string', description: 'The problem code behind the verdict (`provider_auth_failed`, `provider_timeout`, …).' },
            httpStatus: { type: 'integer', description: "The provider's HTTP status, when it answered." },
          },
          { provider: true, verdict: true },
        ),
      },
    },
    required: [...problemSchema(schemas).required, 'providers'],
    additionalProperties: false,
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Parameters, headers, responses

const parameters: Record<string, Parameter> = {
  LinkId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The link id from the mint answer. Opaque and unguessable: it is the capability to read the link.',
    schema: { type: 'string', pattern: LINK_ID.source },
  },
  Intent: {
    name: 'intent',
    in: 'path',
    required: true,
    description: 'A merchant-signed intent token (`pli1.…`).',
    schema: { type: 'string', pattern: INTENT_TOKEN.source },
  },
  Product: { name: 'product', in: 'path', required: true, description: 'A catalog product id, as `GET /v1/config` lists them.', schema: { type: 'string' } },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    description:
      'Optional. The same key with the same purchase answers the link it already minted (200, `Idempotent-Replayed: true`) for 24 hours; with a different purchase, 422 `idempotency_key_reused`; while the first request is still running, 409 `idempotency_in_flight`.',
    schema: { type: 'string', pattern: '^[!-~]{1,255}$' },
  },
  EventId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'A merchant event id (`evt_…`): the `id` of the event body and its `webhook-id`.',
    schema: { type: 'string', pattern: EVENT_ID.source },
  },
  EndpointId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'A configured webhook endpoint id (`ep_…`), from `GET /v1/admin/webhooks`.',
    schema: { type: 'string' },
  },
  WebhookId: {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: "The event's id, the same on every attempt and every resend: store it, and answer 2xx without acting again when you have seen it.",
    schema: { type: 'string', pattern: EVENT_ID.source },
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: "This attempt's time, in Unix seconds: refuse one too far from your clock (the Standard Webhooks libraries allow 5 minutes).",
    schema: { type: 'integer', minimum: 0 },
  },
  WebhookSignature: {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'One `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<raw body>` per active secret, space-separated (several while a secret is rotated): accept the event when any one verifies with your `whsec_…` secret. Verify the raw bytes, before parsing.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$' },
  },
  IfNoneMatch: { name: 'If-None-Match', in: 'header', description: 'The `ETag` of the last answer: 304 while nothing changed.', schema: { type: 'string' } },
  LastEventId: {
    name: 'Last-Event-ID',
    in: 'header',
    description: 'The last `id:` (seq) the client saw; set by `EventSource` on reconnect. The current state is not sent again when it is that seq.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const headers: Record<string, Header> = {
  ETag: {
    description: 'The link\'s `seq` and a digest of its view, quoted (`"3.q0Pd…"`); changes whenever the answer would.',
    required: true,
    schema: { type: 'string', pattern: '^"[0-9]+\\.[A-Za-z0-9_-]+"$' },
  },
  RetryAfter: { description: 'Seconds to wait before asking again.', required: true, schema: { type: 'integer', minimum: 0 } },
  IdempotentReplayed: { description: 'Present on a 200 that replays an earlier mint.', required: true, schema: { const: 'true' } },
  WWWAuthenticate: {
    description: '`Bearer realm="pay-link admin"`, with `error="invalid_token"` when a token was sent.',
    required: true,
    schema: { type: 'string', pattern: '^Bearer realm="pay-link admin"' },
  },
};

/** Responses not of one operation: what the app answers to anything outside `paths`. */
const responses: Record<string, ApiResponse> = {
  UnknownRoute: {
    description:
      'What any path or method not in `paths` answers (a `PUT /v1/links`, a `GET /v1/links/` with no id, `/v1/nothing`): 404 problem+json `not_found`.',
    content: { 'application/problem+json': { schema: { allOf: [ref('Problem')], properties: { status: { const: 404 }, code: { const: 'not_found' } } } } },
  },
};

const header = (name: string): Reference => ({ $ref: `#/components/headers/${name}` });
const parameter = (name: string): Reference => ({ $ref: `#/components/parameters/${name}` });

/** The entity tag of a body that changes only with the proxy's version or configuration (`/v1/config`). */
const BODY_ETAG: Header = { description: 'A hash of the body, quoted; the same until the proxy restarts with another configuration.', required: true, schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$' } };

/** `Retry-After` where a problem may carry it but need not (a provider's 5xx, a 409 of a mint still in flight). */
const MAYBE_RETRY_AFTER: Header = { description: 'Seconds to wait before trying again, when known.', schema: { type: 'integer', minimum: 0 } };

const json = (schema: JsonSchema | Reference, description: string, extra: Omit<ApiResponse, 'description' | 'content'> = {}): ApiResponse => ({
  description,
  ...extra,
  content: { 'application/json': { schema } },
});

const text = (type: string, description: string, extra: Omit<ApiResponse, 'description' | 'content'> = {}): ApiResponse => ({
  description,
  ...extra,
  content: { [type]: { schema: { type: 'string' } } },
});

/** Problem codes by HTTP status: what one route, or one layer every request of a route passes, may answer. */
type ProblemGroup = Partial<Record<number, readonly ProblemCode[]>>;

/**
 * The problem responses of an operation: the groups it passes through, merged (a status two groups share lists
 * both groups' codes), plus 500 `internal_error`, which the last error handler may answer anywhere. Each body is
 * a `Problem` whose `status` repeats the HTTP status and whose `code` is one of the listed ones. A 429 always
 * carries `Retry-After`; a 409, 502 or 503 may.
 */
function problems(...groups: ProblemGroup[]): Record<string, ApiResponse> {
  const byStatus = new Map<number, Set<ProblemCode>>();
  for (const group of [...groups, { 500: ['internal_error'] } satisfies ProblemGroup]) {
    for (const [status, codes] of Object.entries(group)) {
      const set = byStatus.get(Number(status)) ?? new Set<ProblemCode>();
      for (const code of codes!) set.add(code);
      byStatus.set(Number(status), set);
    }
  }
  const answers: Record<string, ApiResponse> = {};
  for (const [status, set] of [...byStatus].sort(([a], [b]) => a - b)) {
    const codes = [...set];
    answers[status] = {
      description: `Problem: ${codes.map((code) => `\`${code}\``).join(', ')}`,
      ...(status === 429 && { headers: { 'Retry-After': header('RetryAfter') } }),
      ...([409, 502, 503].includes(status) && { headers: { 'Retry-After': MAYBE_RETRY_AFTER } }),
      content: { 'application/problem+json': { schema: problemOf(status, codes) } },
    };
  }
  return answers;
}

const problemOf = (status: number, codes: readonly ProblemCode[]): JsonSchema => ({
  allOf: [ref('Problem')],
  properties: { status: { const: status }, code: { enum: [...codes] } },
});

/** Express answers a path parameter that is not valid percent-encoding (`/v1/links/%ff`) before any route runs. */
const PATH_PARAMETER: ProblemGroup = { 400: ['invalid_request'] };

/**
 * Reading a request body: what the body parser answers (malformed JSON, over the size limit, a charset or
 * `Content-Encoding` it cannot decode, a compressed body that does not inflate), and the server's cut of a body or
 * headers that trickle in for longer than `PAY_LINK_REQUEST_TIMEOUT_MS` (30 s by default).
 */
const REQUEST_BODY: ProblemGroup = { 400: ['invalid_request'], 408: ['request_timeout'], 413: ['payload_too_large'], 415: ['unsupported_media_type'] };

/** A JSON body: the same, plus a body that is not JSON (`invalid_json`) or is sent as another media type (415). */
const JSON_BODY: ProblemGroup = { ...REQUEST_BODY, 400: ['invalid_request', 'invalid_json'] };

/** What a call through a provider may answer besides the route's own problems (decision 0003). */
const PROVIDER_PROBLEMS: ProblemGroup = {
  422: ['provider_rejected'],
  502: ['provider_unavailable', 'provider_bad_response', 'provider_auth_failed'],
  503: ['rate_limited'],
  504: ['provider_timeout'],
};

/** The per-address limits of minting and status reads (`PAY_LINK_RATE_*_PER_MINUTE`). */
const RATE_LIMITED: ProblemGroup = { 429: ['rate_limited'] };

/**
 * Every admin route answers these before it runs: off without a token (404), too many refused tokens from this
 * address (429, `PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE`), a browser's `Origin` (403), no or a wrong token (401).
 */
const ADMIN_GATE: ProblemGroup = {
  401: ['unauthorized'],
  403: ['origin_not_allowed'],
  404: ['not_found'],
  429: ['rate_limited'],
};

/**
 * An admin action on one stored link: no such link (or one the provider no longer has), and a link whose
 * provider this proxy no longer has configured (a store that outlived a configuration change).
 */
const ADMIN_LINK_ACTION: ProblemGroup = { 400: ['provider_not_configured'], 404: ['not_found'], 501: ['not_implemented'] };

const ADMIN_SECURITY = [{ adminToken: [] }];

/**
 * An admin operation: the bearer token, and besides its own answers the gate's problems (the 401 with
 * `WWW-Authenticate`) merged with those of the layers the route passes. Tagged `admin` unless it says otherwise.
 */
function adminOperation(operation: Omit<Operation, 'tags' | 'security' | 'responses'> & { tags?: Tag[] }, answers: Record<string, ApiResponse>, ...layers: ProblemGroup[]): Operation {
  const gated = problems(ADMIN_GATE, ...layers);
  return {
    tags: ['admin'],
    ...operation,
    security: ADMIN_SECURITY,
    responses: { ...answers, ...gated, 401: { ...gated[401]!, headers: { 'WWW-Authenticate': header('WWWAuthenticate') } } },
  };
}

/** The merchant events routes: the outbox and its endpoints (decision 0013). */
const MERCHANT_EVENTS: Tag[] = ['admin', 'merchant events'];

/** `POST /v1/admin/events/{id}/resend` and `POST /v1/admin/webhooks/test`: no body (every endpoint), or one naming one. */
const endpointChoice: RequestBody = {
  required: false,
  description:
    'Optional: without a body (or with `{}`), every endpoint. A body is `Content-Type: application/json`, at most 4 kB; an `endpoint` that is not configured, or another field, is a 400 `invalid_request` naming it.',
  content: { 'application/json': { schema: ref('EndpointChoice') } },
};

/** No endpoint is configured (`PAY_LINK_WEBHOOK_URL`, or `webhooks` in the config file). */
const WEBHOOKS_NOT_CONFIGURED: ProblemGroup = { 409: ['webhooks_not_configured'] };

const jsonBody = (schema: JsonSchema | Reference, description?: string): RequestBody => ({
  required: true,
  ...(description !== undefined && { description }),
  content: { 'application/json': { schema } },
});

const widgetFile: Parameter = {
  name: 'file',
  in: 'path',
  required: true,
  description: 'A widget bundle (ESM or classic script) or its source map.',
  schema: { enum: WIDGET_FILES.flatMap((file) => [file, `${file}.map`]) },
};

const translationFile: Parameter = {
  name: 'file',
  in: 'path',
  required: true,
  description: 'A translation module for `<pay-link-button lang>` (e.g. `hi.js`), or its source map. English is built in.',
  schema: { type: 'string', pattern: TRANSLATION_FILE.source },
};

/** A bundle, or its source map (JSON); a `Range` request gets a 206 part. */
const bundleContent = { 'text/javascript': { schema: { type: 'string' } }, 'application/json': { schema: {} } } satisfies Record<string, MediaType>;

const widgetResponses = (cache: string): Record<string, ApiResponse> => ({
  200: { description: `The bundle or its source map, with CORS \`*\` and \`Cross-Origin-Resource-Policy: cross-origin\`. ${cache}`, content: bundleContent },
  206: {
    description: 'The byte range a `Range` header asked for.',
    headers: { 'Content-Range': { description: '`bytes <first>-<last>/<length>`.', required: true, schema: { type: 'string', pattern: '^bytes [0-9]+-[0-9]+/[0-9]+$' } } },
    content: bundleContent,
  },
  // A `Range` it cannot satisfy, or an `If-Match`/`If-Unmodified-Since` that fails, is a 400 too.
  ...problems(PATH_PARAMETER, { 400: ['invalid_request'], 404: ['not_found'] }),
});

// ---------------------------------------------------------------------------------------------------------------
// Paths

/** The buyer's language on the pages, before `Accept-Language` and the merchant's default. */
const PAGE_LANG: Parameter = {
  name: 'lang',
  in: 'query',
  description: 'The page\'s language (`en`, `hi`, …); one the pages do not speak is ignored, not refused.',
  schema: { type: 'string' },
};

/** The buy page's `quantity`: what `POST /v1/links` takes with a product. */
const BUY_QUANTITY = MintRequest.shape.quantity.unwrap();

/** The operations, with the admin listings' query parameters generated from their zod schemas. */
const pathsOf = (queries: Record<QueryName, Parameter[]>): Record<string, PathItem> => ({
  '/v1/links': {
    post: {
      operationId: 'mintLink',
      summary: 'Mint a payment link',
      description:
        "Resolves the price (catalog, signed intent or open amount; never from the browser) and the provider, calls the provider and answers the link. The provider is the catalog entry's (else the default provider); a `provider` in the body is honoured only where the entry's `providers` in `GET /v1/config` opens a choice, else `422 provider_not_allowed`. An intent always mints with the default provider. From a browser, the page's `Origin` must be allowed. Rate limited per client address.",
      tags: ['links'],
      parameters: [parameter('IdempotencyKey')],
      requestBody: jsonBody(ref('MintRequest'), 'Sent as `Content-Type: application/json`, at most 16 kB.'),
      responses: {
        201: json(ref('LinkView'), 'Minted.', { headers: { ETag: header('ETag') } }),
        200: json(ref('LinkView'), 'An earlier mint of the same `Idempotency-Key` or intent reference, answered again.', {
          headers: { ETag: header('ETag'), 'Idempotent-Replayed': header('IdempotentReplayed') },
        }),
        ...problems(RATE_LIMITED, JSON_BODY, PROVIDER_PROBLEMS, {
          400: ['return_url_not_allowed', 'amount_not_allowed', 'amount_not_representable', 'intent_invalid'],
          403: ['origin_not_allowed'],
          404: ['unknown_product'],
          409: ['idempotency_in_flight'],
          410: ['intent_expired'],
          422: ['idempotency_key_reused', 'provider_not_allowed'],
        }),
      },
    },
  },
  '/v1/links/{id}': {
    get: {
      operationId: 'getLink',
      summary: "Read a link's status",
      description:
        "The stored state; a stale open link is refreshed from the provider in the background. Poll after `pollAfterMs` (also sent as `Retry-After`), with `If-None-Match`. Rate limited per client address.",
      tags: ['links'],
      parameters: [parameter('LinkId'), parameter('IfNoneMatch')],
      responses: {
        200: json(ref('LinkView'), 'The link.', { headers: { ETag: header('ETag'), 'Retry-After': header('RetryAfter') } }),
        304: { description: 'Not changed since the `If-None-Match` ETag.', headers: { ETag: header('ETag'), 'Retry-After': header('RetryAfter') } },
        ...problems(PATH_PARAMETER, RATE_LIMITED, { 404: ['not_found'] }),
      },
    },
  },
  '/v1/links/{id}/events': {
    get: {
      operationId: 'watchLink',
      summary: "Watch a link's status (Server-Sent Events)",
      description:
        "`retry: 3000` first, then the current state unless `Last-Event-ID` is already its seq, then one `event: status` per change with `id: <seq>` and a `LinkView` as `data:`. `: ping` comments every 15 s. The stream ends after a terminal status, and with a short `retry:` when the proxy shuts down. Rate limited per client address.",
      tags: ['links'],
      parameters: [parameter('LinkId'), parameter('LastEventId')],
      responses: {
        200: {
          description: 'An event stream whose `status` events carry a `LinkView` as JSON.',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              example: 'retry: 3000\n\nid: 0\nevent: status\ndata: {"id":"pl_…","status":"pending","seq":0,…}\n\n',
            },
          },
        },
        ...problems(PATH_PARAMETER, RATE_LIMITED, { 404: ['not_found'] }),
      },
    },
  },
  '/v1/links/{id}/qr.svg': {
    get: {
      operationId: 'getLinkQr',
      summary: "The link's checkout URL as a QR code (SVG)",
      description:
        'For paying on a phone while browsing on a desktop: the hosted checkout URL, encoded as a QR code. Only while the link is open for payment. `Cache-Control: private, max-age=300`, `Cross-Origin-Resource-Policy: cross-origin` (an `<img>` on the merchant\'s page). Rate limited per client address, with the status reads.',
      tags: ['links'],
      parameters: [parameter('LinkId')],
      responses: {
        200: { description: 'The QR code.', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
        ...problems(PATH_PARAMETER, RATE_LIMITED, { 404: ['not_found'], 409: ['link_closed'], 410: ['link_closed'] }),
      },
    },
  },
  '/v1/config': {
    get: {
      operationId: 'getConfig',
      summary: 'Public facts: test mode, providers, catalog, open amounts',
      description:
        "Per product and per open-amount range, `provider` is what a mint without a `provider` uses and `providers` every provider the buyer may name (a page may offer a choice where it lists more than one).",
      tags: ['config'],
      parameters: [parameter('IfNoneMatch')],
      responses: {
        200: json(ref('PublicConfig'), 'Public facts only; cached for 60 s.', { headers: { ETag: BODY_ETAG } }),
        304: { description: 'Not changed since the `If-None-Match` ETag.', headers: { ETag: BODY_ETAG } },
        ...problems(),
      },
    },
  },
  '/v1/intents/{intent}': {
    get: {
      operationId: 'lookupIntent',
      summary: 'What a signed intent stands for, and its last link',
      description: 'Does not mint. Used by the pay page.',
      tags: ['links'],
      parameters: [parameter('Intent')],
      responses: {
        200: json(ref('IntentLookup'), 'The invoice and its last link.'),
        ...problems(PATH_PARAMETER, { 400: ['intent_invalid'], 404: ['not_found'], 410: ['intent_expired'] }),
      },
    },
  },
  '/v1/webhooks/{provider}': {
    post: {
      operationId: 'receiveWebhook',
      summary: "Receive a provider's webhook",
      description:
        "Called by the provider, not by clients. The body is read raw (up to 1 MB) and the signature checked over exactly those bytes with the provider's scheme: `X-Razorpay-Signature`, Xendit's `X-Callback-Token`, Standard Webhooks `webhook-id`/`webhook-timestamp`/`webhook-signature` (Pine Labs), `X-PF-Signature` (PayEngine), `X-Webhook-Signature` + `X-Webhook-Timestamp` (EximPe). Deliveries are deduplicated; a 2xx means verified. An event is recorded as seen once it took effect: `unconfirmed` (the provider's read does not show yet what the event claims; the link is read again shortly) and `unknown_link` are not, so a redelivery of them is applied. Each delivery that does not verify spends one of the sending address's tokens (`PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE`); with none left, the address is answered 429 before its body is read.",
      tags: ['webhooks'],
      parameters: [{ name: 'provider', in: 'path', required: true, description: 'The provider that signed the event.', schema: ref('ProviderName') }],
      requestBody: { required: true, description: "The provider's own event, byte for byte.", content: { 'application/json': { schema: {} } } },
      responses: {
        200: json(
          objectSchema<{ received: true; outcome: string }>(
            { received: { const: true }, outcome: { enum: ['applied', 'duplicate', 'ignored', 'unknown_link', 'unconfirmed'] } },
            { received: true, outcome: true },
          ),
          'Verified and recorded.',
        ),
        ...problems(PATH_PARAMETER, REQUEST_BODY, PROVIDER_PROBLEMS, {
          401: ['invalid_signature'],
          404: ['unknown_provider'],
          429: ['rate_limited'],
        }),
      },
    },
  },
  '/v1/admin/links': {
    get: adminOperation(
      {
        operationId: 'adminListLinks',
        summary: 'List minted links, newest first',
        parameters: queries.ListLinksQuery,
      },
      {
        200: json(ref('AdminLinkPage'), 'The links, as stored, newest first.'),
      },
      { 400: ['invalid_request'] },
    ),
  },
  '/v1/admin/links/{id}/cancel': {
    post: adminOperation(
      {
        operationId: 'adminCancelLink',
        summary: 'Cancel a link at its provider',
        description: 'Cancelling a cancelled link answers it as it is; a paid link is refunded in the provider dashboard instead.',
        parameters: [parameter('LinkId')],
      },
      {
        200: json(ref('AdminLinkView'), 'The link, cancelled.'),
      },
      PATH_PARAMETER, ADMIN_LINK_ACTION, PROVIDER_PROBLEMS, { 409: ['link_not_cancellable'] },
    ),
  },
  '/v1/admin/links/{id}/extend': {
    post: adminOperation(
      {
        operationId: 'adminExtendLink',
        summary: "Move an open link's expiry",
        parameters: [parameter('LinkId')],
        requestBody: jsonBody(ref('ExtendRequest')),
      },
      {
        200: json(ref('AdminLinkView'), 'The link with its new expiry.'),
      },
      PATH_PARAMETER, JSON_BODY, ADMIN_LINK_ACTION, PROVIDER_PROBLEMS, { 409: ['link_closed'] },
    ),
  },
  '/v1/admin/links/{id}/notify': {
    post: adminOperation(
      {
        operationId: 'adminNotifyLink',
        summary: 'Have the provider send an open link to its customer again',
        description: 'A 400 `invalid_request` also when the link has no customer email or phone for the channel.',
        parameters: [parameter('LinkId')],
        requestBody: jsonBody(ref('NotifyRequest')),
      },
      {
        200: json(ref('NotifyResult'), 'Sent.'),
      },
      PATH_PARAMETER, JSON_BODY, ADMIN_LINK_ACTION, PROVIDER_PROBLEMS, { 409: ['link_closed'] },
    ),
  },
  '/v1/admin/intents': {
    post: adminOperation(
      {
        operationId: 'adminSignIntent',
        summary: 'Sign an intent for an invoice',
        description:
          "Answers the token and the pay page URL to send in an invoice email. Needs `PAY_LINK_INTENT_SECRET` on the proxy. The same rules as `pay-link intent` (one builder): `amount` and each line item's `amount` are decimal strings in major units of `currency`, converted exactly; line items, when given, add up (quantity × amount) to `amount`, else a 400 `invalid_request` naming `lineItems`.",
        requestBody: jsonBody(ref('IntentRequest')),
      },
      {
        201: json(ref('SignedIntent'), 'Signed.'),
      },
      JSON_BODY, { 400: ['intents_not_configured'] },
    ),
  },
  '/v1/admin/events': {
    get: adminOperation(
      {
        operationId: 'adminListEvents',
        summary: 'List merchant events, newest first, with their deliveries',
        description: 'Events are kept 30 days once nothing is left to deliver; a pending delivery is never purged.',
        tags: MERCHANT_EVENTS,
        parameters: queries.ListEventsQuery,
      },
      {
        200: json(ref('AdminEventPage'), 'The events, newest first.'),
      },
      { 400: ['invalid_request'] },
    ),
  },
  '/v1/admin/events/{id}': {
    get: adminOperation(
      {
        operationId: 'adminGetEvent',
        summary: 'One merchant event: its body and every delivery attempt',
        tags: MERCHANT_EVENTS,
        parameters: [parameter('EventId')],
      },
      {
        200: json(ref('AdminEventView'), 'The event.'),
      },
      PATH_PARAMETER, { 404: ['not_found'] },
    ),
  },
  '/v1/admin/events/{id}/resend': {
    post: adminOperation(
      {
        operationId: 'adminResendEvent',
        summary: 'Deliver a merchant event again, under the same id',
        description:
          'Makes the event\'s delivery to every endpoint it went to (or to the one named) due now, whatever its state: a delivered or given-up delivery becomes pending again, a pending one is brought forward. The same bytes under the same `webhook-id`, so a receiver that dedupes by it acts once. A 409 `webhooks_not_configured` when no endpoint is configured, or the event went to none.',
        tags: MERCHANT_EVENTS,
        parameters: [parameter('EventId')],
        requestBody: endpointChoice,
      },
      {
        202: json(ref('AdminEventView'), 'Queued: the event with its deliveries due now.'),
      },
      PATH_PARAMETER, JSON_BODY, WEBHOOKS_NOT_CONFIGURED, { 404: ['not_found'] },
    ),
  },
  '/v1/admin/webhooks': {
    get: adminOperation(
      {
        operationId: 'adminListWebhooks',
        summary: 'The configured merchant webhook endpoints and their state',
        description: 'Empty when none is configured. No secret is ever shown.',
        tags: MERCHANT_EVENTS,
      },
      {
        200: json(ref('AdminWebhookList'), 'Every configured endpoint.'),
      },
    ),
  },
  '/v1/admin/webhooks/test': {
    post: adminOperation(
      {
        operationId: 'adminTestWebhooks',
        summary: 'Send a signed `webhook.test` event to every endpoint, or one, and report each answer',
        description:
          'Signed like every event, sent now and stored nowhere: nothing is retried, and a 410 does not disable the endpoint. A 200 reports each endpoint, `ok` or not.',
        tags: MERCHANT_EVENTS,
        requestBody: endpointChoice,
      },
      {
        200: json(ref('WebhookTestReport'), 'Each endpoint tried, with its answer.'),
      },
      JSON_BODY, WEBHOOKS_NOT_CONFIGURED,
    ),
  },
  '/v1/admin/webhooks/{id}/enable': {
    post: adminOperation(
      {
        operationId: 'adminEnableWebhook',
        summary: 'Enable an endpoint disabled by a 410 Gone',
        description: 'Its waiting deliveries go at once, in order. Enabling an enabled endpoint answers the same.',
        tags: MERCHANT_EVENTS,
        parameters: [parameter('EndpointId')],
      },
      {
        200: json(ref('EnabledWebhook'), 'Enabled.'),
      },
      PATH_PARAMETER, { 404: ['not_found'] },
    ),
  },
  '/v1/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tags: ['config'],
      parameters: [{ name: 'If-None-Match', in: 'header', description: 'The `ETag` of the last answer: 304 while the document did not change.', schema: { type: 'string' } }],
      responses: {
        200: json({ type: 'object', description: 'An OpenAPI 3.1 document.' }, 'The document; public (CORS `*`), cached for 5 minutes.', {
          headers: { ETag: { description: 'A hash of the document.', required: true, schema: { type: 'string' } } },
        }),
        304: { description: 'Not changed since the `If-None-Match` ETag.', headers: { ETag: { description: 'A hash of the document.', required: true, schema: { type: 'string' } } } },
        ...problems(),
      },
    },
  },
  '/pay/{intent}': {
    get: {
      operationId: 'payPage',
      summary: 'The pay page an invoice email links to',
      description:
        'HTML hosting the button with the intent, showing the invoice and its current state on load, then live (the status rows follow the button; paid, the page is the receipt). Answers HTML on every outcome of reading the intent; only a path that is not valid percent-encoding is refused as problem+json before the page runs.',
      tags: ['pages'],
      parameters: [parameter('Intent'), PAGE_LANG],
      responses: {
        200: text('text/html', 'The invoice and the button.'),
        404: text('text/html', 'The intent is not valid (or this proxy takes none).'),
        410: text('text/html', 'The intent has expired.'),
        ...problems(PATH_PARAMETER),
      },
    },
  },
  '/pay.css': {
    get: {
      operationId: 'payPageStyles',
      summary: 'The stylesheet of the pay and buy pages',
      tags: ['pages'],
      responses: { 200: text('text/css', 'The stylesheet.'), ...problems() },
    },
  },
  '/pay.js': {
    get: {
      operationId: 'payPageScript',
      summary: 'The script of the pay and buy pages',
      description: "Keeps the page's status rows and receipt in step with its `<pay-link-button>`, and shows the paid-at time in the buyer's zone.",
      tags: ['pages'],
      responses: { 200: text('text/javascript', 'The script.'), ...problems() },
    },
  },
  '/buy/{product}': {
    get: {
      operationId: 'buyPage',
      summary: 'A page to buy one catalog product',
      description:
        "HTML with the product's name, description and price, the button, and the payment's status and receipt, live. What a merchant links to from a chat, a QR code or a page without the widget. Answers HTML on every outcome a buyer can meet; only a path that is not valid percent-encoding is refused as problem+json before the page runs.",
      tags: ['pages'],
      parameters: [
        parameter('Product'),
        PAGE_LANG,
        {
          name: 'quantity',
          in: 'query',
          description: 'How many to buy, as `POST /v1/links` takes it. Default: 1. Anything else is the 400 page.',
          schema: { type: 'integer', minimum: BUY_QUANTITY.minValue ?? 1, maximum: BUY_QUANTITY.maxValue ?? Number.MAX_SAFE_INTEGER },
        },
        {
          name: 'pay_link_id',
          in: 'query',
          description:
            "Added by the return page after a same-tab checkout: the page shows that link's state from the first paint when it is a purchase of this product and quantity, and is ignored otherwise.",
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: text('text/html', 'The product and the button.'),
        400: {
          description: 'A `quantity` out of bounds or not a whole number (a page saying what is allowed); or, as problem+json, a path that is not valid percent-encoding.',
          content: { 'text/html': { schema: { type: 'string' } }, ...problems(PATH_PARAMETER)[400]!.content },
        },
        404: text('text/html', 'No such product in the catalog.'),
        ...problems(),
      },
    },
  },
  '/receipts/{link}': {
    get: {
      operationId: 'receiptPage',
      summary: 'The receipt of a paid link',
      description:
        "HTML to keep, print or save as PDF: the merchant, what was bought (the intent's line items too), the amount, when it was paid, the receipt id (the link id, so the same receipt after any restart) and the provider's reference. The customer's name is shown, their email and phone only masked. The pay and buy pages link here once paid; the URL is a capability like theirs. In the buyer's language: `?lang=`, else `Accept-Language`, else the merchant's default. Answers HTML on every outcome; only a path that is not valid percent-encoding is refused as problem+json before the page runs.",
      tags: ['pages'],
      parameters: [
        { name: 'link', in: 'path', required: true, description: 'The paid link\'s id: its receipt id.', schema: { type: 'string', pattern: LINK_ID.source } },
        PAGE_LANG,
      ],
      responses: {
        200: text('text/html', 'The receipt.'),
        404: text('text/html', 'No such link, or not paid (yet): a page that says which.'),
        503: text('text/html', 'The store cannot answer now: a page asking to come back shortly.'),
        ...problems(PATH_PARAMETER),
      },
    },
  },
  '/return': {
    get: {
      operationId: 'returnPage',
      summary: 'Where the provider returns the buyer after the checkout',
      description: 'Closes itself when a script opened it (popup or tab); otherwise forwards to `to` when it is on an allowed origin.',
      tags: ['pages'],
      parameters: [
        {
          name: 'to',
          in: 'query',
          description: "The merchant's page to go back to: an absolute URL on an allowed origin. Anything else is ignored, not refused.",
          schema: { type: 'string' },
        },
      ],
      responses: { 200: text('text/html', 'The return page.'), ...problems() },
    },
  },
  '/return.js': {
    get: { operationId: 'returnPageScript', summary: "The return page's script", tags: ['pages'], responses: { 200: text('text/javascript', 'The script.'), ...problems() } },
  },
  '/return.css': {
    get: { operationId: 'returnPageStyles', summary: "The return page's stylesheet", tags: ['pages'], responses: { 200: text('text/css', 'The stylesheet.'), ...problems() } },
  },
  '/{file}': {
    get: {
      operationId: 'widgetBundle',
      summary: 'The widget bundle',
      description: 'Any other one-segment path (`/healthz%ff`, `/anything`) is matched here too, and answered 400 or 404.',
      tags: ['assets'],
      parameters: [widgetFile],
      responses: widgetResponses('Cached for 5 minutes: prefer the versioned URL in production.'),
    },
  },
  [`/v/${VERSION}/{file}`]: {
    get: {
      operationId: 'widgetBundleVersioned',
      summary: 'The widget bundle of this proxy version',
      tags: ['assets'],
      parameters: [widgetFile],
      responses: widgetResponses('Cached for a year, immutable.'),
    },
  },
  '/translations/{file}': {
    get: {
      operationId: 'widgetTranslation',
      summary: "A translation of the widget's strings",
      tags: ['assets'],
      parameters: [translationFile],
      responses: widgetResponses('Cached for 5 minutes: prefer the versioned URL in production.'),
    },
  },
  [`/v/${VERSION}/translations/{file}`]: {
    get: {
      operationId: 'widgetTranslationVersioned',
      summary: "A translation of the widget's strings, of this proxy version",
      tags: ['assets'],
      parameters: [translationFile],
      responses: widgetResponses('Cached for a year, immutable.'),
    },
  },
  '/healthz': {
    get: {
      operationId: 'liveness',
      summary: 'Liveness',
      tags: ['operations'],
      responses: { 200: json(objectSchema<{ status: 'ok' }>({ status: { const: 'ok' } }, { status: true }), 'The process answers.'), ...problems() },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readiness',
      summary: 'Readiness',
      description:
        'Not ready is a 503: while shutting down (draining), and, with `PAY_LINK_READY_CHECK_PROVIDERS=true`, while a provider does not take the credentials (checked with one harmless authenticated read, kept for 30 s). The problem names each failed provider, its verdict and the code behind it; its `code` is the worst verdict\'s: `provider_auth_failed`, then `provider_bad_response`, then `provider_unavailable`.',
      tags: ['operations'],
      responses: {
        200: json(objectSchema<{ status: 'ready' }>({ status: { const: 'ready' } }, { status: true }), 'Taking requests.'),
        503: {
          description: 'Not taking requests: send them elsewhere.',
          content: {
            'application/json': { schema: objectSchema<{ status: 'draining' }>({ status: { const: 'draining' } }, { status: true }) },
            'application/problem+json': {
              schema: {
                allOf: [ref('NotReadyProblem')],
                properties: { status: { const: 503 }, code: { enum: ['provider_auth_failed', 'provider_bad_response', 'provider_unavailable'] } },
              },
            },
          },
        },
        ...problems(),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      responses: { 200: text('text/plain', 'The Prometheus text format (mints, status reads, webhooks, provider calls, SSE clients).'), ...problems() },
    },
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Webhooks: the merchant events the proxy sends to the merchant's endpoints (decision 0013)

/**
 * What each event type tells the merchant's server, and the link status its `data` carries (every type but
 * `created` is made by a change to that status). A type added to the contract without an entry here fails the
 * typecheck.
 */
const EVENTS: Record<EventType, { summary: string; description: string; status?: LinkStatus }> = {
  'payment_link.created': {
    summary: 'A link was minted',
    description:
      'Sent only to endpoints that list it in their `events` (`PAY_LINK_WEBHOOK_EVENTS`, or `events` in the config file); the other types go to every endpoint that lists none. A link adopted from its provider already paid or closed is followed at once by that status\'s event.',
  },
  'payment_link.paid': {
    summary: 'A link was paid in full: fulfil the order',
    description: 'A payment after an expiry (the provider took it late) is a `payment_link.paid` after the `payment_link.expired`: it wins.',
    status: 'paid',
  },
  'payment_link.partially_paid': {
    summary: 'Part of the amount was paid',
    description: 'Sent again each time the amount paid rises while the link is partially paid; `data.amountPaid` says how much so far.',
    status: 'partially_paid',
  },
  'payment_link.expired': { summary: 'A link expired unpaid', description: 'A late payment may still follow, as `payment_link.paid`.', status: 'expired' },
  'payment_link.cancelled': {
    summary: 'A link was cancelled',
    description: 'Through the admin API or `pay-link links cancel`, or at the provider.',
    status: 'cancelled',
  },
  'payment_link.failed': { summary: 'The provider reports the link as failed', description: 'No payment will complete on it.', status: 'failed' },
};

/** `5000` → `5 s`, `1800000` → `30 min`, `7200000` → `2 h`. */
function describeDelay(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

const RECEIVER_RETRY_AFTER: Header = {
  description: 'Seconds, or an HTTP date: the next attempt waits at least this long (at most a day), or the schedule\'s next delay if that is longer.',
  schema: { type: 'string' },
};

const retrySchedule = DEFAULT_RETRY_SCHEDULE_MS.map(describeDelay).join(', ');
const retryDays = Math.round(DEFAULT_RETRY_SCHEDULE_MS.reduce((sum, ms) => sum + ms, 0) / 86_400_000);

/** What the receiver's answer to an event makes the proxy do. */
const RECEIVER_ANSWERS: Record<string, ApiResponse> = {
  '2XX': {
    description:
      'Accepted: this delivery is done. Answer once the event is stored (deduplicated by `webhook-id`), before any slow work: an attempt with no answer within `PAY_LINK_WEBHOOK_TIMEOUT_MS` fails. The answer\'s body is not read.',
  },
  410: {
    description:
      'Gone: the proxy disables this endpoint, with a warn log naming it. Its events wait, none dropped, until an operator enables it again: `POST /v1/admin/webhooks/{id}/enable` (`pay-link webhooks enable <id>`).',
  },
  429: { description: 'Too many: a failed attempt, retried no sooner than `Retry-After`.', headers: { 'Retry-After': RECEIVER_RETRY_AFTER } },
  503: { description: 'Unavailable: a failed attempt, retried no sooner than `Retry-After`.', headers: { 'Retry-After': RECEIVER_RETRY_AFTER } },
  default: {
    description: `Any other status (a redirect too: it is not followed), no answer in time, or a refused connection is a failed attempt, retried after ${retrySchedule} (about ${retryDays} days; \`PAY_LINK_WEBHOOK_RETRY_SCHEDULE\`). After the last retry the delivery is given up (\`failed\`; \`pay-link events resend\` brings it back). Later events of the same link wait while one is retried, so they arrive in order.`,
  },
};

/** The test event is reported, never retried. */
const TEST_ANSWERS: Record<string, ApiResponse> = {
  '2XX': { description: 'Reported as `ok` by `POST /v1/admin/webhooks/test`.' },
  default: { description: 'Reported as not `ok`, with the status or the failure. A test event is never retried, and a 410 does not disable the endpoint.' },
};

const WEBHOOK_HEADERS = [parameter('WebhookId'), parameter('WebhookTimestamp'), parameter('WebhookSignature')];

const eventRequest = (schema: JsonSchema | Reference): RequestBody => ({
  required: true,
  description:
    'The event, as `Content-Type: application/json`, from `User-Agent: pay-link/<version>`. Verify the signature over these exact bytes before parsing them.',
  content: { 'application/json': { schema } },
});

/** `payment_link.paid` → `paymentLinkPaidEvent`. */
const operationIdOf = (type: string): string => `${type.replace(/[._]([a-z])/g, (_, letter: string) => letter.toUpperCase())}Event`;

const webhooks: Record<string, PathItem> = {
  ...Object.fromEntries(
    EVENT_TYPES.map((type): [string, PathItem] => {
      const { summary, description, status } = EVENTS[type];
      return [
        type,
        {
          post: {
            operationId: operationIdOf(type),
            summary,
            description,
            tags: ['merchant events'],
            parameters: WEBHOOK_HEADERS,
            requestBody: eventRequest({
              allOf: [ref('PaymentLinkEvent')],
              properties: { type: { const: type }, ...(status && { data: { properties: { status: { const: status } } } }) },
            }),
            responses: RECEIVER_ANSWERS,
          },
        },
      ];
    }),
  ),
  'webhook.test': {
    post: {
      operationId: operationIdOf('webhook.test'),
      summary: 'A test event, sent on request',
      description: 'Sent by `POST /v1/admin/webhooks/test` (`pay-link webhooks test`), signed like every event, and stored nowhere. Verify it, and do not act on it.',
      tags: ['merchant events'],
      parameters: WEBHOOK_HEADERS,
      requestBody: eventRequest(ref('TestEvent')),
      responses: TEST_ANSWERS,
    },
  },
};

/**
 * The document for a set of contract schemas: the proxy's own (`CONTRACT_SCHEMAS`) by default. Another set (a
 * schema changed in a test) gives the document that set describes.
 */
export function createOpenApiDocument(contract: ContractSchemas = CONTRACT_SCHEMAS): OpenApiDocument {
  const { schemas, queries } = generate(contract);
  return {
    openapi: '3.1.1',
    info: {
      title: 'pay-link proxy',
      version: VERSION,
      summary: 'Mints hosted payment links with the merchant\'s provider and serves their live status.',
      description:
        'Public routes (`/v1/links`, `/v1/config`, `/v1/intents`) are for the `<pay-link-button>` widget and other clients: CORS is an allowlist of merchant origins and minting and status reads are rate limited per address (429 `rate_limited` with `Retry-After`). `/v1/admin` is for servers and the CLI, with a bearer token. Money is always integer minor units with an ISO 4217 code. Every error is RFC 9457 `application/problem+json` with a stable `code`, and each operation lists every status it can answer. Merchant events (`payment_link.paid`, …), which the proxy POSTs to the merchant\'s own endpoints signed per Standard Webhooks, are described under `webhooks`; `/v1/admin/events` and `/v1/admin/webhooks` show, resend and test them (see docs/webhooks.md). Besides those: any path or method not in `paths` answers 404 `not_found` (`components.responses.UnknownRoute`); a request the server cannot parse as HTTP gets 400 `invalid_request`, and one whose headers trickle in past `PAY_LINK_REQUEST_TIMEOUT_MS` 408 `request_timeout`, before any route sees it; a CORS preflight (`OPTIONS`) on `/v1/*` answers 204, with the CORS headers for an allowed origin only. See docs/api.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'The proxy itself (same origin as this document)' }],
    tags: [
      { name: 'links', description: 'Mint a payment link and follow its status' },
      { name: 'config', description: 'Public facts about this proxy' },
      { name: 'webhooks', description: "Providers' event deliveries" },
      { name: 'merchant events', description: "Signed events the proxy sends the merchant's server (the top-level `webhooks`), and the admin routes over their log and endpoints" },
      { name: 'admin', description: "The merchant's operations (bearer token)" },
      { name: 'pages', description: 'HTML pages the buyer sees' },
      { name: 'assets', description: 'The widget bundles' },
      { name: 'operations', description: 'Health and metrics' },
    ],
    paths: pathsOf(queries),
    webhooks,
    components: {
      schemas: { ...schemas, ...handWritten(schemas) },
      responses,
      parameters,
      headers,
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'One of the tokens in `PAY_LINK_ADMIN_TOKEN`. Without any, the admin routes answer 404.',
        },
      },
    },
  };
}

export const openApiDocument: OpenApiDocument = createOpenApiDocument();

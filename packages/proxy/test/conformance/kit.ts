/**
 * The adapter conformance kit: one suite every provider adapter passes. A provider supplies a spec (how to
 * build its adapter against a fake base URL, msw handlers answering with the provider's documented example
 * bodies, its status fixtures and its webhook signing); the kit checks what every adapter owes the core:
 *
 * - create and retrieve speak the documented wire format and yield a normalized state;
 * - every branch of the status map;
 * - faults (network error, timeout, 5xx, 429, malformed JSON, 401) become stable problems, never a crash or the
 *   provider's text; reads are retried once, creates never;
 * - webhook signatures: valid, tampered body, wrong secret, re-serialized JSON, stale timestamp (where the scheme
 *   has one); duplicates share a dedupe key;
 * - capability flags match the methods present.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse, delay, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import type { LinkStatus } from '../../src/contract.ts';
import { Problem } from '../../src/problems.ts';
import type { CreateLinkInput, ProviderAdapter, WebhookEvent } from '../../src/providers/types.ts';

export interface ConformanceSpec {
  name: string;
  /** Absolute base URL the adapter is pointed at; msw answers there. */
  baseUrl: string;
  createAdapter(options: { fetch: typeof fetch; timeoutMs: number; now: () => number }): ProviderAdapter;
  createInput: CreateLinkInput;
  /** Happy-path handlers built from the provider's documented example bodies. `createdId` is what create answers. */
  happyHandlers(): RequestHandler[];
  createdId: string;
  /** Method + absolute URL (msw path syntax) of the create call and of retrieving `createdId`. */
  createRoute: { method: 'post' | 'put'; url: string };
  retrieveRoute: { method: 'get'; url: string };
  /** Pine Labs: a 401 means the cached token went stale, so create fetches a new one and tries once more. */
  retriesCreateOn401?: boolean;
  /** Any extra calls create makes first (Pine Labs: the token); answered happily during fault tests. */
  supportHandlers?(): RequestHandler[];
  /** Check the request create sent (auth header, amount in the provider's unit, reference …). */
  assertCreateRequest(request: { headers: Headers; body: unknown; url: URL }): void;
  /** Retrieve answers for each status, and the normalized status and amount paid they must give. */
  statusCases: { name: string; body: unknown; expected: LinkStatus; amountPaid?: number }[];
  webhook: {
    /** A delivery for `createdId` carrying `status`, signed with the right secret at `timestampMs`. */
    delivery(options?: { secret?: string; timestampMs?: number; eventId?: string }): { body: string; headers: Record<string, string> };
    /** `hmac`: a signature over the body (tampering and re-serializing fail); `token`: a static shared token. */
    scheme: 'hmac' | 'token';
    /** The scheme carries a timestamp with a tolerance. */
    timestamped: boolean;
    /**
     * The signature covers the parsed body's canonical form (EximPe: sorted keys, compact), so the same data
     * re-serialized still verifies; a changed value never does. Default false: the raw bytes only.
     */
    canonicalJson?: boolean;
    /** Whether a verified event carries the link's state (else the core re-reads the provider). */
    carriesState: boolean;
    /**
     * Calls the adapter must make before it can tell which link an event is about, run with the happy and support
     * handlers answering (Pine Labs: order events name the order, and the adapter learns a link's order id from
     * the link object). Default: none.
     */
    prepare?(adapter: ProviderAdapter): Promise<void>;
  };
}

const FAULTS: { name: string; resolver: () => Response | Promise<Response>; code: string }[] = [
  { name: 'network error', resolver: () => HttpResponse.error(), code: 'provider_unavailable' },
  { name: '500', resolver: () => HttpResponse.json({ message: 'internal secret text' }, { status: 500 }), code: 'provider_unavailable' },
  { name: '503 HTML', resolver: () => new HttpResponse('<h1>down</h1>', { status: 503 }), code: 'provider_unavailable' },
  { name: '429', resolver: () => HttpResponse.json({ message: 'slow down' }, { status: 429, headers: { 'retry-after': '7' } }), code: 'rate_limited' },
  { name: '401', resolver: () => HttpResponse.json({ message: 'bad key internal secret text' }, { status: 401 }), code: 'provider_auth_failed' },
  { name: 'malformed JSON', resolver: () => new HttpResponse('{"id": "x",', { status: 200, headers: { 'content-type': 'application/json' } }), code: 'provider_bad_response' },
  { name: 'unexpected shape', resolver: () => HttpResponse.json({ hello: 'world' }), code: 'provider_bad_response' },
  {
    name: 'timeout',
    resolver: async () => {
      await delay(1_000);
      return HttpResponse.json({});
    },
    code: 'provider_timeout',
  },
];

export function runConformance(spec: ConformanceSpec): void {
  const server = setupServer();
  const now = () => Date.now();
  const adapter = () => spec.createAdapter({ fetch: (input, init) => fetch(input, init), timeoutMs: 300, now });

  describe(`${spec.name} adapter conformance`, () => {
    before(() => server.listen({ onUnhandledRequest: 'error' }));
    afterEach(() => server.resetHandlers());
    after(() => server.close());

    it('creates a link as documented and normalizes the answer', async () => {
      const seen: { headers: Headers; body: unknown; url: URL }[] = [];
      server.use(...spec.happyHandlers());
      server.events.on('request:start', async ({ request }) => {
        const url = new URL(request.url);
        if (request.method.toLowerCase() === spec.createRoute.method && matches(spec.createRoute.url, url)) {
          const text = await request.clone().text();
          seen.push({ headers: request.headers, body: text ? JSON.parse(text) : undefined, url });
        }
      });
      const state = await adapter().create(spec.createInput);
      server.events.removeAllListeners();
      assert.equal(seen.length, 1, 'exactly one create call');
      spec.assertCreateRequest(seen[0]!);
      assert.equal(state.providerLinkId, spec.createdId);
      assert.match(state.url, /^https?:\/\//);
      assert.equal(state.status, 'pending');
      assert.equal(state.amountPaid, 0);
    });

    for (const c of spec.statusCases) {
      it(`maps ${c.name} to ${c.expected}`, async () => {
        server.use(...(spec.supportHandlers?.() ?? []), http[spec.retrieveRoute.method](spec.retrieveRoute.url, () => HttpResponse.json(c.body as object)));
        const state = await adapter().retrieve(spec.createdId);
        assert.equal(state.status, c.expected);
        if (c.amountPaid !== undefined) assert.equal(state.amountPaid, c.amountPaid);
      });
    }

    for (const fault of FAULTS) {
      it(`turns ${fault.name} on create into ${fault.code}, without the provider's text, and does not retry a create`, async () => {
        let calls = 0;
        server.use(
          ...(spec.supportHandlers?.() ?? []),
          http[spec.createRoute.method](spec.createRoute.url, () => {
            calls += 1;
            return fault.resolver();
          }),
        );
        const err = await adapter().create(spec.createInput).then(
          () => assert.fail('create should fail'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof Problem, `a Problem, got ${String(err)}`);
        assert.equal(err.code, fault.code);
        assert.ok(!JSON.stringify(err.toJSON()).includes('internal secret text'));
        const expectedCalls = fault.code === 'provider_auth_failed' && spec.retriesCreateOn401 ? 2 : 1;
        assert.equal(calls, expectedCalls, 'create is not retried (except once after a stale token)');
        if (fault.code === 'rate_limited') assert.equal(err.retryAfter, 7);
      });
    }

    it('retries a read once after a transient failure', async () => {
      let calls = 0;
      server.use(...(spec.supportHandlers?.() ?? []));
      const ok = spec.statusCases[0]!;
      server.use(
        http[spec.retrieveRoute.method](spec.retrieveRoute.url, () => {
          calls += 1;
          return calls === 1 ? HttpResponse.json({}, { status: 502 }) : HttpResponse.json(ok.body as object);
        }),
      );
      const state = await adapter().retrieve(spec.createdId);
      assert.equal(calls, 2);
      assert.equal(state.status, ok.expected);
    });

    it('verifies a correctly signed webhook and parses it into a link event', async () => {
      const a = adapter();
      if (spec.webhook.prepare) {
        server.use(...(spec.supportHandlers?.() ?? []), ...spec.happyHandlers());
        await spec.webhook.prepare(a);
      }
      const { body, headers } = spec.webhook.delivery();
      assert.deepEqual(a.verifyWebhook(Buffer.from(body), lower(headers), now()), { ok: true });
      const event = a.parseWebhook(Buffer.from(body), lower(headers));
      assert.equal(event.kind, 'link');
      assert.equal((event as Extract<WebhookEvent, { kind: 'link' }>).providerLinkId, spec.createdId);
      assert.equal(Boolean((event as Extract<WebhookEvent, { kind: 'link' }>).state), spec.webhook.carriesState);
      const again = a.parseWebhook(Buffer.from(body), lower(headers));
      assert.equal(again.dedupeKey, event.dedupeKey, 'a redelivery shares the dedupe key');
    });

    it('refuses a webhook signed with the wrong secret, or unsigned', () => {
      const a = adapter();
      const wrong = spec.webhook.delivery({ secret: 'definitely-not-the-configured-secret-0000' });
      assert.equal(a.verifyWebhook(Buffer.from(wrong.body), lower(wrong.headers), now()).ok, false);
      const { body } = spec.webhook.delivery();
      assert.equal(a.verifyWebhook(Buffer.from(body), {}, now()).ok, false);
    });

    if (spec.webhook.scheme === 'hmac') {
      it('refuses a tampered body and re-serialized JSON (the signature is over the raw bytes)', () => {
        const a = adapter();
        const { body, headers } = spec.webhook.delivery();
        const tampered = body.replace(/\d/, (d) => String((Number(d) + 1) % 10));
        assert.notEqual(tampered, body);
        assert.equal(a.verifyWebhook(Buffer.from(tampered), lower(headers), now()).ok, false);
        const reserialized = JSON.stringify(JSON.parse(body), null, 1);
        assert.equal(a.verifyWebhook(Buffer.from(reserialized), lower(headers), now()).ok, spec.webhook.canonicalJson === true);
      });
    }

    if (spec.webhook.timestamped) {
      it('refuses a stale or far-future timestamp', () => {
        const a = adapter();
        for (const skew of [-60 * 60_000, 60 * 60_000]) {
          const { body, headers } = spec.webhook.delivery({ timestampMs: now() + skew });
          assert.deepEqual(a.verifyWebhook(Buffer.from(body), lower(headers), now()), { ok: false, reason: 'stale_timestamp' });
        }
      });
    }

    it('declares capabilities that match its methods', () => {
      const a = adapter();
      assert.equal(typeof a.cancel === 'function', a.capabilities.cancel);
      assert.equal(typeof a.extendExpiry === 'function', a.capabilities.extendExpiry);
      assert.equal(typeof a.notify === 'function', a.capabilities.notify);
      assert.equal(typeof a.findByReference === 'function', a.capabilities.findByReference);
    });
  });
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** msw-style path match (`:param` segments) of an absolute URL pattern against a URL, ignoring the query. */
function matches(pattern: string, url: URL): boolean {
  const p = new URL(pattern.replace(/:(\w+)/g, '__$1__'));
  if (p.origin !== url.origin) return false;
  const a = p.pathname.split('/');
  const b = url.pathname.split('/');
  return a.length === b.length && a.every((seg, i) => /^__\w+__$/.test(seg) || seg === b[i]);
}

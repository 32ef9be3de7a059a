/**
 * `/v1/admin/events` and `/v1/admin/webhooks`: the merchant events outbox and its endpoints, for operators and
 * the `pay-link events …` / `pay-link webhooks …` commands (decision 0013). Mounted inside the admin router, so
 * behind its token gate, its origin check and its audit log. No secret ever appears in an answer.
 */
import express, { type RequestHandler, type Router } from 'express';
import {
  type AdminEventPage,
  type AdminEventView,
  type AdminWebhookList,
  EVENT_ID,
  type EnabledWebhook,
  EndpointChoice,
  type EventType,
  ListEventsQuery,
  type PaymentLinkEvent,
  type WebhookTestReport,
} from '../contract.ts';
import type { Dispatcher } from '../merchant-events/dispatcher.ts';
import { printableUrl } from '../merchant-events/endpoints.ts';
import { Problem, invalidRequest, parseRequest, requireJson } from '../problems.ts';
import type { StoredEvent, Store } from '../store/types.ts';

type Audited = (action: string, handler: RequestHandler) => RequestHandler;

export function adminEventRoutes(router: Router, deps: { store: Store; dispatcher: Dispatcher; audited: Audited; now: () => number; endpoints: readonly { id: string; url: string }[] }): void {
  const { store, dispatcher, audited, now } = deps;
  // Shown as the logs show it (without credentials or the query's values, which some receivers use for a token).
  const urlOf = new Map(deps.endpoints.map((e) => [e.id, printableUrl(e.url)]));
  // An empty body is "all endpoints"; a body is JSON.
  const optionalJson: RequestHandler[] = [
    (req, res, next) => {
      const length = Number(req.get('content-length') ?? 0);
      if (length > 0 || req.get('transfer-encoding')) requireJson(req, res, next);
      else next();
    },
    express.json({ limit: '4kb', strict: true }),
  ];

  const view = (event: StoredEvent): AdminEventView => ({
    id: event.id,
    // The outbox holds only events written from the contract's schemas: its strings are those types.
    type: event.type as EventType,
    linkId: event.linkId,
    createdAt: new Date(event.createdAt).toISOString(),
    payload: JSON.parse(event.payload) as PaymentLinkEvent,
    deliveries: event.deliveries.map((d) => ({
      endpoint: d.endpointId,
      url: urlOf.get(d.endpointId) ?? null,
      state: d.state,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt).toISOString(),
      deliveredAt: d.deliveredAt === null ? null : new Date(d.deliveredAt).toISOString(),
      history: d.history.map((a) => ({ ...a, at: new Date(a.at).toISOString(), durationMs: Math.round(a.durationMs) })),
    })),
  });

  /** The endpoint a body names (by id or URL), or all of them. */
  const chosen = (body: unknown): string | undefined => {
    const wanted = parseRequest(EndpointChoice, body ?? {}).endpoint;
    if (wanted === undefined) return undefined;
    const match = deps.endpoints.find((e) => e.id === wanted || e.url === wanted);
    if (!match) throw invalidRequest([{ path: ['endpoint'], message: 'not a configured endpoint (its id from GET /v1/admin/webhooks, or its URL)' }]);
    return match.id;
  };

  router.get(
    '/events',
    audited('list_events', async (req, res) => {
      const { link, ...query } = parseRequest(ListEventsQuery, req.query);
      const page = await store.listEvents({ ...query, linkId: link });
      res.json({ events: page.events.map(view), ...(page.nextCursor && { nextCursor: page.nextCursor }) } satisfies AdminEventPage);
    }),
  );

  router.get(
    '/events/:id',
    audited('get_event', async (req, res) => {
      const event = await stored(req.params.id);
      res.json(view(event));
    }),
  );

  router.post(
    '/events/:id/resend',
    ...optionalJson,
    audited('resend_event', async (req, res) => {
      const event = await stored(req.params.id);
      const endpoint = chosen(req.body);
      if (deps.endpoints.length === 0) throw notConfigured();
      const count = await store.resendEvent(event.id, now(), endpoint);
      if (count === 0 && !event.deliveries.some((d) => d.state === 'pending')) {
        throw new Problem(409, 'webhooks_not_configured', 'This event went to no endpoint (none was subscribed to its type when it was made)');
      }
      res.locals.audit = { eventId: event.id, ...(endpoint && { endpoint }) };
      dispatcher.kick();
      res.status(202).json(view((await store.getEvent(event.id))!));
    }),
  );

  router.get(
    '/webhooks',
    audited('list_webhooks', async (_req, res) => {
      const endpoints = await dispatcher.endpoints();
      res.json({
        endpoints: endpoints.map((e) => ({
          id: e.id,
          url: printableUrl(e.url),
          events: e.events as EventType[],
          enabled: e.disabledAt === null,
          disabledAt: e.disabledAt === null ? null : new Date(e.disabledAt).toISOString(),
          disabledReason: e.disabledReason,
          failing: e.failing,
          failingSince: e.failingSince === null ? null : new Date(e.failingSince).toISOString(),
          lastSuccessAt: e.lastSuccessAt === null ? null : new Date(e.lastSuccessAt).toISOString(),
        })),
      } satisfies AdminWebhookList);
    }),
  );

  router.post(
    '/webhooks/test',
    ...optionalJson,
    audited('test_webhook', async (req, res) => {
      if (deps.endpoints.length === 0) throw notConfigured();
      const endpoint = chosen(req.body);
      const results = await dispatcher.sendTest(endpoint);
      res.json({
        results: results.map((r) => ({ endpoint: r.endpointId, url: printableUrl(r.url), ok: r.ok, statusCode: r.statusCode, durationMs: Math.round(r.durationMs), error: r.error })),
      } satisfies WebhookTestReport);
    }),
  );

  router.post(
    '/webhooks/:id/enable',
    audited('enable_webhook', async (req, res) => {
      const id = String(req.params.id);
      if (!(await dispatcher.enable(id))) throw new Problem(404, 'not_found', 'There is no configured webhook endpoint with this id');
      res.locals.audit = { endpoint: id };
      res.json({ id, enabled: true } satisfies EnabledWebhook);
    }),
  );

  async function stored(id: unknown): Promise<StoredEvent> {
    const event = typeof id === 'string' && EVENT_ID.test(id) ? await store.getEvent(id) : undefined;
    if (!event) throw new Problem(404, 'not_found', 'There is no event with this id');
    return event;
  }
}

function notConfigured(): Problem {
  return new Problem(409, 'webhooks_not_configured', 'No webhook endpoint is configured: set PAY_LINK_WEBHOOK_URL and PAY_LINK_WEBHOOK_SECRET, or webhooks in the config file');
}

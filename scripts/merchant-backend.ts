/**
 * The demo merchant's own server: the part of a shop that fulfils orders. It receives the proxy's merchant events
 * (decision 0013, docs/webhooks.md) as any merchant should:
 *
 * - the raw body, verified with the official Standard Webhooks library (`standardwebhooks` on npm): the signature
 *   is over the exact bytes, so the body is read with `express.raw`, never parsed before it is verified;
 * - a body that does not verify with any of its secrets is refused with 401 (the proxy retries it, and its admin
 *   log shows the status);
 * - deduplicated by `webhook-id`: delivery is at least once, and a repeat is answered 204 without acting again;
 * - `payment_link.paid` fulfils the order; the other types are only recorded here.
 *
 * DEMO ONLY: orders and events are kept in memory and lost when the stack stops. A real merchant records the event
 * id and the fulfilment in its own database, in one transaction.
 *
 * `GET /orders/:linkId` lets the demo shop page show when the order was fulfilled; it answers for any link id (an
 * order not yet heard of is simply not fulfilled), so a page polling it meets no 404.
 *
 * @example
 * const merchant = createMerchantBackend({ secret: 'whsec_…' });
 * app.use('/merchant', merchant.router); // POST /merchant/webhooks, GET /merchant/orders/:linkId
 */
import express from 'express';
import { Webhook } from 'standardwebhooks';
import { PaymentLinkEvent, TestEvent } from '@pay-link/proxy';

/** One event the backend accepted: verified, and the first delivery of its `webhook-id`. */
export interface AcceptedEvent {
  /** The `webhook-id` header, which is also the body's `id`. */
  id: string;
  type: PaymentLinkEvent['type'] | TestEvent['type'];
  /** When the backend accepted it (ms since the epoch). */
  at: number;
  body: PaymentLinkEvent | TestEvent;
}

/** One POST the backend answered, accepted or not: what a test checks to see nothing came twice or unsigned. */
export interface WebhookDelivery {
  /** The `webhook-id` header as sent ('' when absent). */
  id: string;
  status: 204 | 400 | 401;
  /** Whether the official library verified the signature with one of the backend's secrets. */
  verified: boolean;
  /** A verified repeat of a `webhook-id` already accepted. */
  duplicate: boolean;
  at: number;
}

/** What `GET /orders/:linkId` answers. */
export interface OrderView {
  /** Whether a `payment_link.paid` for this link reached the merchant's server. */
  fulfilled: boolean;
  /** The link's events, in the order they were accepted; `at` is when (ISO 8601). */
  events: { id: string; type: string; at: string }[];
}

export interface MerchantBackendOptions {
  /** The endpoint's Standard Webhooks secret(s), `whsec_…`: the same value as the proxy's `PAY_LINK_WEBHOOK_SECRET`. */
  secret: string | readonly string[];
}

const LINK_ID = /^pl_[A-Za-z0-9_-]{10,64}$/;

export function createMerchantBackend(options: MerchantBackendOptions) {
  const verifiers = (typeof options.secret === 'string' ? [options.secret] : options.secret).map((s) => new Webhook(s));
  const accepted = new Map<string, AcceptedEvent>();
  const deliveries: WebhookDelivery[] = [];
  const byLink = new Map<string, AcceptedEvent[]>();

  /** Whether one of the secrets verifies the delivery, and the body it parsed (`undefined` for an empty one). */
  function verify(payload: Buffer, headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>): { verified: boolean; body?: unknown } {
    for (const verifier of verifiers) {
      try {
        return { verified: true, body: verifier.verify(payload, headers) };
      } catch {
        // not this secret (during a rotation the proxy signs with each of its secrets): try the next
      }
    }
    return { verified: false };
  }

  /** The order's side of an event: a real shop ships the goods, sends the receipt, books the seat on `paid`. */
  function applyToOrder(event: AcceptedEvent): void {
    if (event.body.type === 'webhook.test') return;
    const linkId = event.body.data.linkId;
    byLink.set(linkId, [...(byLink.get(linkId) ?? []), event]);
  }

  function orderView(linkId: string): OrderView {
    const events = byLink.get(linkId) ?? [];
    return {
      fulfilled: events.some((e) => e.type === 'payment_link.paid'),
      events: events.map((e) => ({ id: e.id, type: e.type, at: new Date(e.at).toISOString() })),
    };
  }

  const router = express.Router();
  router.post('/webhooks', express.raw({ type: () => true, limit: '64kb' }), (req, res) => {
    const payload = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const headers = {
      'webhook-id': req.get('webhook-id') ?? '',
      'webhook-timestamp': req.get('webhook-timestamp') ?? '',
      'webhook-signature': req.get('webhook-signature') ?? '',
    };
    const at = Date.now();
    const answer = (status: WebhookDelivery['status'], verified: boolean, duplicate = false) => {
      deliveries.push({ id: headers['webhook-id'], status, verified, duplicate, at });
      if (status === 204) res.status(204).end();
      else res.status(status).type('application/problem+json').json({ type: 'about:blank', title: status === 401 ? 'Signature did not verify' : 'Not a pay-link event', status });
    };
    const verdict = verify(payload, headers);
    if (!verdict.verified) return void answer(401, false);
    if (accepted.has(headers['webhook-id'])) return void answer(204, true, true);
    const body = PaymentLinkEvent.or(TestEvent).safeParse(verdict.body);
    // Signed by the proxy yet not the contract's shape: refuse it, so it shows in the proxy's admin log.
    if (!body.success || body.data.id !== headers['webhook-id']) return void answer(400, true);
    const event: AcceptedEvent = { id: body.data.id, type: body.data.type, at, body: body.data };
    accepted.set(event.id, event);
    applyToOrder(event);
    answer(204, true);
  });

  router.get('/orders/:linkId', (req, res) => {
    const linkId = req.params.linkId;
    if (!LINK_ID.test(linkId)) {
      res.status(400).type('application/problem+json').json({ type: 'about:blank', title: 'Not a payment link id', status: 400 });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(orderView(linkId));
  });

  return {
    /** Mount it on the demo's origin: `POST <mount>/webhooks`, `GET <mount>/orders/:linkId`. */
    router,
    /** Every event accepted, one per `webhook-id`, in the order accepted. */
    events: (): AcceptedEvent[] => [...accepted.values()],
    /** Every POST answered, repeats and refusals included. */
    deliveries: (): WebhookDelivery[] => [...deliveries],
    /** What the shop page reads for one link. */
    order: orderView,
  };
}

export type MerchantBackend = ReturnType<typeof createMerchantBackend>;

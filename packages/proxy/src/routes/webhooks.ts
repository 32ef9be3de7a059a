/**
 * `POST /v1/webhooks/:provider`: verify over the raw bytes → dedupe → apply → answer 2xx. The body is read raw
 * (never through a JSON parser first) so the signature is checked over exactly what the provider signed, and
 * nothing parses it before the signature verified.
 *
 * Failed verifications spend a per-address bucket (`PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE`); once it is
 * spent, that address is answered 429 before its body is even read, so an unsigned flood cannot burn CPU. A
 * provider's genuine deliveries never fail verification, so they never spend it.
 *
 * The plain form of the request (exactly `/v1/webhooks/<provider>`, a `Content-Length` within the limit, no
 * transfer or content coding, no `Origin`: what every provider sends) is served ahead of Express
 * (`webhooksBeforeExpress`, sse/before-express.ts, decision 0015); anything else goes through Express to the same
 * steps (`receive`), so no request is answered differently.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import express, { Router } from 'express';
import { ProviderName } from '../contract.ts';
import type { LinkService } from '../links/service.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import { type Limiter, clientKey } from '../rate-limit.ts';
import type { BeforeExpress, EarlyHandler } from '../sse/before-express.ts';

export interface WebhookObserver {
  verificationFailed(provider: string, reason: string): void;
  applied(provider: string, outcome: string): void;
}

/** Provider events are a few kB; a megabyte leaves room for any documented one and bounds the HMAC's work. */
const BODY_LIMIT = '1mb';
const BODY_LIMIT_BYTES = 1024 * 1024;

type Deps = [
  adapters: Partial<Record<ProviderName, ProviderAdapter>>,
  links: LinkService,
  now: () => number,
  observer: WebhookObserver,
  /** Failed verifications per address (app.ts: `PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE`); none: unlimited. */
  failures?: Limiter,
];

/** The steps of a webhook, whichever way it came in: spent bucket → provider → verify → parse → apply. */
function createReceiver(...[adapters, links, now, observer, failures]: Deps) {
  return {
    /** A 429 Problem when this address's failed verifications are spent: checked before the body is read. */
    async refuseSpent(provider: string, key: string): Promise<Problem | undefined> {
      const retryAfter = await failures?.wait(key);
      if (retryAfter === undefined) return undefined;
      const name = ProviderName.safeParse(provider);
      observer.verificationFailed(name.success ? name.data : 'unknown', 'rate_limited');
      return new Problem(429, 'rate_limited', 'Too many webhooks that did not verify from this address; try again later', { retryAfter });
    },
    /** The answer's body for a webhook read whole; throws the Problem to answer instead. */
    async receive(provider: string, raw: Buffer, headers: IncomingHttpHeaders, key: () => string): Promise<{ received: true; outcome: string }> {
      const name = ProviderName.safeParse(provider);
      const adapter = name.success ? adapters[name.data] : undefined;
      if (!name.success || !adapter) throw new Problem(404, 'unknown_provider', 'No webhook endpoint for that provider here');
      const verdict = adapter.verifyWebhook(raw, headers, now());
      if (!verdict.ok) {
        await failures?.take(key());
        observer.verificationFailed(adapter.name, verdict.reason);
        throw new Problem(401, 'invalid_signature', 'The webhook signature does not verify');
      }
      const event = adapter.parseWebhook(raw, headers);
      const outcome = await links.applyWebhook(adapter.name, event);
      observer.applied(adapter.name, outcome);
      return { received: true, outcome };
    },
  };
}

export function webhooksRouter(...deps: Deps): Router {
  const receiver = createReceiver(...deps);
  const router = Router();
  const refuseSpent: express.RequestHandler = async (req, _res, next) => {
    const spent = await receiver.refuseSpent(String(req.params.provider), clientKey(req));
    next(spent);
  };
  router.post('/v1/webhooks/:provider', refuseSpent, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(200).json(await receiver.receive(String(req.params.provider), raw, req.headers, () => clientKey(req)));
  });
  return router;
}

const PLAIN_PATH = /^\/v1\/webhooks\/([a-z]+)$/;

/**
 * The same route ahead of Express for the plain form of the request (see the header): the body read by hand up to
 * its stated length, the answer written once with the app's headers. Express set up a third of a webhook's
 * request handling besides (bench/webhook-throughput.ts, 2026-12-02).
 */
export function webhooksBeforeExpress(early: BeforeExpress, ...deps: Deps): EarlyHandler {
  const receiver = createReceiver(...deps);
  return (req, res) => {
    if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
    const provider = PLAIN_PATH.exec(req.url ?? '')?.[1];
    if (provider === undefined) return false;
    const { 'content-length': length, 'transfer-encoding': transfer, 'content-encoding': coding } = req.headers;
    if (length === undefined || !/^\d{1,7}$/.test(length) || Number(length) > BODY_LIMIT_BYTES || transfer !== undefined || coding !== undefined) return false;
    early.begin(req, res);
    const key = () => early.clientKey(req);
    void (async () => {
      const spent = await receiver.refuseSpent(provider, key());
      if (spent) throw spent;
      const answer = JSON.stringify(await receiver.receive(provider, await readBody(req, Number(length)), req.headers, key));
      early.writeHead(res, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(answer)) });
      res.end(answer);
    })().catch((err: unknown) => early.fail(req, res, err));
    return true;
  };
}

/** The request's body, `length` bytes as its header stated (Node's parser holds the request to it). */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    req.on('error', reject);
    // A body cut short: nothing to answer, and nobody to answer it to.
    req.on('aborted', () => reject(new Problem(400, 'invalid_request', 'The request could not be read')));
  });
}

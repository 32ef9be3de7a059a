/**
 * `POST /v1/webhooks/:provider`: verify over the raw bytes → dedupe → apply → answer 2xx. The body is read raw
 * (never through a JSON parser first) so the signature is checked over exactly what the provider signed, and
 * nothing parses it before the signature verified.
 *
 * Failed verifications spend a per-address bucket (`PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE`); once it is
 * spent, that address is answered 429 before its body is even read, so an unsigned flood cannot burn CPU. A
 * provider's genuine deliveries never fail verification, so they never spend it.
 */
import express, { Router } from 'express';
import { ProviderName } from '../contract.ts';
import type { LinkService } from '../links/service.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter } from '../providers/types.ts';
import { type Limiter, clientKey } from '../rate-limit.ts';

export interface WebhookObserver {
  verificationFailed(provider: string, reason: string): void;
  applied(provider: string, outcome: string): void;
}

/** Provider events are a few kB; a megabyte leaves room for any documented one and bounds the HMAC's work. */
const BODY_LIMIT = '1mb';

export function webhooksRouter(
  adapters: Partial<Record<ProviderName, ProviderAdapter>>,
  links: LinkService,
  now: () => number,
  observer: WebhookObserver,
  /** Failed verifications per address (app.ts: `PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE`); none: unlimited. */
  failures?: Limiter,
): Router {
  const router = Router();
  const refuseSpent: express.RequestHandler = async (req, _res, next) => {
    const retryAfter = await failures?.wait(clientKey(req));
    if (retryAfter === undefined) return next();
    const name = ProviderName.safeParse(req.params.provider);
    observer.verificationFailed(name.success ? name.data : 'unknown', 'rate_limited');
    next(new Problem(429, 'rate_limited', 'Too many webhooks that did not verify from this address; try again later', { retryAfter }));
  };
  router.post('/v1/webhooks/:provider', refuseSpent, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const name = ProviderName.safeParse(req.params.provider);
    const adapter = name.success ? adapters[name.data] : undefined;
    if (!name.success || !adapter) throw new Problem(404, 'unknown_provider', 'No webhook endpoint for that provider here');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = adapter.verifyWebhook(raw, req.headers, now());
    if (!verdict.ok) {
      await failures?.take(clientKey(req));
      observer.verificationFailed(adapter.name, verdict.reason);
      throw new Problem(401, 'invalid_signature', 'The webhook signature does not verify');
    }
    const event = adapter.parseWebhook(raw, req.headers);
    const outcome = await links.applyWebhook(adapter.name, event);
    observer.applied(adapter.name, outcome);
    res.status(200).json({ received: true, outcome });
  });
  return router;
}

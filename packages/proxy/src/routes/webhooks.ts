/**
 * `POST /v1/webhooks/:provider`: verify over the raw bytes → dedupe → apply → answer 2xx. The body is read raw
 * (never through a JSON parser first) so the signature is checked over exactly what the provider signed.
 */
import express, { Router } from 'express';
import { ProviderName } from '../contract.ts';
import type { LinkService } from '../links/service.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter } from '../providers/types.ts';

export interface WebhookObserver {
  verificationFailed(provider: string, reason: string): void;
  applied(provider: string, outcome: string): void;
}

export function webhooksRouter(
  adapters: Partial<Record<ProviderName, ProviderAdapter>>,
  links: LinkService,
  now: () => number,
  observer: WebhookObserver,
): Router {
  const router = Router();
  router.post('/v1/webhooks/:provider', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const name = ProviderName.safeParse(req.params.provider);
    const adapter = name.success ? adapters[name.data] : undefined;
    if (!name.success || !adapter) throw new Problem(404, 'unknown_provider', 'No webhook endpoint for that provider here');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = adapter.verifyWebhook(raw, req.headers, now());
    if (!verdict.ok) {
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

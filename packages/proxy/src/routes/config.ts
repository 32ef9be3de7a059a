/** `GET /v1/config`: the public facts a widget or a shop page may want. Nothing secret, nothing per buyer. */
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { ProviderName, PublicConfig } from '../contract.ts';

export function configRouter(config: ProxyConfig): Router {
  const router = Router();
  const body: PublicConfig = {
    testMode: config.testMode,
    providers: Object.keys(config.providers) as ProviderName[],
    products: config.products.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      amount: p.amount,
      provider: p.provider,
      providers: p.providers,
    })),
    openAmounts: config.openAmounts.map((r) => ({ currency: r.currency, min: r.min, max: r.max, provider: r.provider, providers: r.providers })),
  };
  router.get('/v1/config', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(body);
  });
  return router;
}

/** `GET /v1/config`: the public facts a widget or a shop page may want. Nothing secret, nothing per buyer. */
import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { ProxyConfig } from '../config.ts';
import type { ProviderName, PublicConfig } from '../contract.ts';
import { noneMatch } from './links.ts';

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
  // The same body until the proxy restarts with another config: one entity tag, so a browser past the minute
  // revalidates (If-None-Match → 304) instead of reading it again; every button on a page shares one read.
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 16)}"`;
  router.get('/v1/config', (req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.setHeader('ETag', etag);
    if (noneMatch(req.get('if-none-match'), etag)) return void res.status(304).end();
    res.type('application/json').send(json);
  });
  return router;
}

/**
 * `GET /v1/openapi.json`: the API description (`openapi.ts`). Public, like the widget bundles: CORS `*` and
 * `Cross-Origin-Resource-Policy: cross-origin`, so a docs viewer on another origin can load it. Serialized once;
 * the ETag is a hash of the bytes, and a matching `If-None-Match` gets a 304.
 */
import { createHash } from 'node:crypto';
import { Router } from 'express';
import { openApiDocument } from '../openapi.ts';
import { noneMatch } from './links.ts';

export const OPENAPI_PATH = '/v1/openapi.json';

export function openApiRouter(): Router {
  const router = Router();
  const body = JSON.stringify(openApiDocument);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  router.get(OPENAPI_PATH, (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', etag);
    if (noneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type('json').send(body);
  });
  return router;
}

/**
 * The widget bundles and their translation modules, for merchants' pages on other origins: `Cross-Origin-Resource-Policy: cross-origin` and
 * CORS `*` (they are public files), a short cache at the unversioned URL, a long immutable one at `/v/<version>/`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import { TRANSLATION_FILE, WIDGET_FILES } from '../contract/ids.ts';

export function assetsRouter(widgetDir: string, version: string): Router {
  const router = Router();
  const send = (immutable: boolean, dir = ''): express.RequestHandler => (req, res, next) => {
    const file = req.params.file as string;
    const known = dir === '' ? (WIDGET_FILES as readonly string[]).includes(file.replace(/\.map$/, '')) : TRANSLATION_FILE.test(file);
    if (!known) return next();
    const path = join(widgetDir, dir, file);
    if (!existsSync(path)) return next();
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    res.sendFile(path, { dotfiles: 'deny', lastModified: true, etag: true });
  };
  router.get('/:file', send(false));
  router.get(`/v/${version}/:file`, send(true));
  router.get('/translations/:file', send(false, 'translations'));
  router.get(`/v/${version}/translations/:file`, send(true, 'translations'));
  return router;
}

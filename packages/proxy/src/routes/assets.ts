/**
 * The widget bundles and their translation modules, for merchants' pages on other origins: `Cross-Origin-Resource-Policy: cross-origin` and
 * CORS `*` (they are public files), a short cache at the unversioned URL, a long immutable one at `/v/<version>/`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

export const WIDGET_FILES = ['pay-link-button.js', 'pay-link-button.iife.js'] as const;
/** The separate translation modules (`translations/hi.js` …): a BCP 47 language tag, lower case. */
export const TRANSLATION_FILE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})?\.js(?:\.map)?$/;

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

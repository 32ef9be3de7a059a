/**
 * The HTTP side every provider's test controls share under `/_control/<name>`: `GET /links`,
 * `POST /links/:id/pay`, `POST /links/:id/status` and `POST /webhooks`, onto the provider's in-process control.
 * A provider names what differs (how it reads a pay body, its forced statuses, its webhook switches) and mounts
 * what only it has in `extra`.
 */
import { type Request, Router } from 'express';
import type { z } from 'zod';

/** What every provider's in-process control has. */
export interface LinkControl<S extends string, W> {
  links(): unknown;
  setStatus(id: string, status: S, options: { webhook: boolean }): Promise<unknown>;
  configureWebhooks(changes: W): unknown;
}

export interface LinkControlBodies<S extends string, W> {
  /** `POST /links/:id/pay`, given the body (`{}` when none came); parses it with the provider's own schema. */
  pay(id: string, body: unknown): Promise<unknown>;
  /** The body of `POST /links/:id/status`: `forcedStatusRequest(<the provider's forced statuses>)`. */
  statusRequest: z.ZodType<{ status: S; webhook: boolean }>;
  /** The body of `POST /webhooks`: `WebhookSettingsRequest`, or an extension of it. */
  webhooksRequest: z.ZodType<W>;
}

export function createLinkControlRouter<S extends string, W>(
  control: LinkControl<S, W>,
  bodies: LinkControlBodies<S, W>,
  extra?: (router: Router) => void,
): Router {
  const body = (req: Request): unknown => req.body ?? {};
  const router = Router();
  router.get('/links', (_req, res) => {
    res.json(control.links());
  });
  router.post('/links/:id/pay', async (req, res) => {
    res.json(await bodies.pay(req.params.id, body(req)));
  });
  router.post('/links/:id/status', async (req, res) => {
    const { status, webhook } = bodies.statusRequest.parse(body(req));
    res.json(await control.setStatus(req.params.id, status, { webhook }));
  });
  router.post('/webhooks', (req, res) => {
    res.json(control.configureWebhooks(bodies.webhooksRequest.parse(body(req))));
  });
  extra?.(router);
  return router;
}

/**
 * The test-only control API under `/_control`. Nothing here exists at any real provider; it is how tests move
 * the clock, inject faults and look at what was sent. Provider-specific endpoints come from the registry:
 * each provider's `controlRouter` is mounted at `/_control/<name>`.
 */
import express, { type ErrorRequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Clock } from './clock.ts';
import type { Fault, FaultInjector } from './faults.ts';
import type { SimulatedProvider } from './provider.ts';
import type { WebhookDelivery, WebhookSender } from './webhooks.ts';

/** In-process form of the control API. `providers` is the registry, keyed by provider name. */
export interface CoreControl {
  /** Simulated now, in epoch milliseconds. */
  now(): number;
  /** Advances the clock, then applies due expiries and waits for their webhooks. */
  advanceClock(ms: number): Promise<void>;
  deliveries(): readonly WebhookDelivery[];
  injectFault(provider: string, fault: Fault): void;
  /** Forgets links, deliveries and faults, restores configured webhook settings and the wall clock. */
  reset(): void;
}

export function createCoreControl(deps: {
  clock: Clock;
  webhooks: WebhookSender;
  faults: FaultInjector;
  providers: ReadonlyMap<string, SimulatedProvider>;
}): CoreControl {
  return {
    now: () => deps.clock.now(),
    async advanceClock(ms) {
      deps.clock.advance(ms);
      await Promise.all([...deps.providers.values()].map((provider) => provider.sweep()));
    },
    deliveries: () => deps.webhooks.deliveries(),
    injectFault(provider, fault) {
      if (!deps.providers.has(provider)) throw new ControlError(404, `unknown provider "${provider}"`);
      deps.faults.inject(provider, fault);
    },
    reset() {
      for (const provider of deps.providers.values()) provider.reset();
      deps.webhooks.clear();
      deps.faults.reset();
      deps.clock.reset();
    },
  };
}

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

const ClockRequest = z.strictObject({ advanceMs: z.number().int().nonnegative() });
const FaultRequest = z
  .strictObject({
    provider: z.string().min(1),
    status: z.int().min(400).max(599).optional(),
    delayMs: z.int().min(0).max(60_000).optional(),
    answerDelayMs: z.int().min(0).max(60_000).optional(),
    times: z.int().min(1).max(1000).default(1),
  })
  .refine((fault) => fault.status !== undefined || fault.delayMs !== undefined || fault.answerDelayMs !== undefined, {
    error: 'give a status, a delayMs, an answerDelayMs, or a combination',
  });

export function createControlRouter(control: CoreControl, providers: ReadonlyMap<string, SimulatedProvider>): Router {
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  router.get('/', (_req, res) => {
    res.json({ providers: [...providers.keys()], now: control.now() });
  });
  router.get('/deliveries', (req, res) => {
    const provider = typeof req.query.provider === 'string' ? req.query.provider : undefined;
    res.json(control.deliveries().filter((delivery) => !provider || delivery.provider === provider));
  });
  router.post('/clock', async (req, res) => {
    const { advanceMs } = ClockRequest.parse(req.body ?? {});
    await control.advanceClock(advanceMs);
    res.json({ now: control.now() });
  });
  router.post('/faults', (req, res) => {
    const { provider, ...fault } = FaultRequest.parse(req.body ?? {});
    control.injectFault(provider, fault);
    res.json({ provider, ...fault });
  });
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  for (const [name, provider] of providers) router.use(`/${name}`, provider.controlRouter);

  router.use((_req, res) => {
    res.status(404).json({ error: 'no such control endpoint' });
  });
  router.use(handleControlErrors);
  return router;
}

/** Control errors are plain `{ error }` JSON: this API is ours, not a provider's. */
const handleControlErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof z.ZodError) {
    return res.status(400).json({ error: 'invalid control request', issues: error.issues });
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
  }
  console.error('[simulator] control request failed:', error);
  res.status(500).json({ error: 'control request failed' });
};

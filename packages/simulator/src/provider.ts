/**
 * The contract between the simulator core and one simulated provider. Each provider is a sibling module under
 * `providers/` that returns this shape; the core mounts `router` at `/<name>` and `controlRouter` at
 * `/_control/<name>`, and knows nothing else about it.
 */
import type { Request, Router } from 'express';
import type { Clock } from './clock.ts';
import type { FaultInjector } from './faults.ts';
import type { WebhookSender } from './webhooks.ts';

/** What the core lends every provider. */
export interface ProviderContext {
  clock: Clock;
  webhooks: WebhookSender;
  faults: FaultInjector;
  /** Base URL the browser uses to reach the simulator, without a trailing slash. */
  publicUrl(req: Request): string;
}

export interface SimulatedProvider<Control = unknown> {
  /** Path segment and registry key, e.g. `razorpay`. */
  readonly name: string;
  /** REST API, hosted checkout pages. */
  readonly router: Router;
  /** Test-only endpoints specific to this provider. */
  readonly controlRouter: Router;
  /** The same test controls, for in-process callers. */
  readonly control: Control;
  /** Applies time-based transitions (expiry) and waits for the webhooks they send. */
  sweep(): Promise<void>;
  /** Forgets every link and restores the configured settings. */
  reset(): void;
  /** Stops timers. */
  close(): void;
}

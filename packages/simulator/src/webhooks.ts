/**
 * Delivers webhooks the way a provider does — one POST per attempt, a fixed timeout, any non-2xx counted as a
 * failure — and records every attempt so tests can inspect exactly what was sent.
 *
 * The body is taken as the already-serialized string: providers sign the raw bytes (Razorpay
 * webhooks/validate-test.md), so whoever signs must also be whoever decides the bytes.
 */
import { z } from 'zod';

/** Razorpay, Xendit and Pine Labs all give up on a receiver well within seconds; 5 s keeps tests quick. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface WebhookRequest {
  /** Provider name, e.g. `razorpay`. */
  provider: string;
  /** Provider event name, e.g. `payment_link.paid`. */
  event: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One recorded attempt. `status` is null when no response arrived; `error` then says why. */
export interface WebhookDelivery extends WebhookRequest {
  status: number | null;
  error: string | null;
  /** Duration of the attempt in milliseconds. */
  ms: number;
  /** Wall-clock time the attempt started, ISO 8601. */
  startedAt: string;
}

export interface WebhookSender {
  /** Sends one attempt and records it. Never rejects: a failed delivery is data, not an error. */
  send(request: WebhookRequest): Promise<WebhookDelivery>;
  /** Every attempt so far, oldest first. */
  deliveries(): readonly WebhookDelivery[];
  clear(): void;
  /** Aborts attempts still in flight and waits for them to be recorded. */
  close(): Promise<void>;
}

export function createWebhookSender(options: { timeoutMs?: number } = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const recorded: WebhookDelivery[] = [];
  const inFlight = new Set<Promise<WebhookDelivery>>();
  const closing = new AbortController();

  async function attempt(request: WebhookRequest): Promise<WebhookDelivery> {
    const startedAt = new Date();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]),
      });
      status = response.status;
      // Drain the body so the connection can be reused; its content is not part of the contract.
      await response.arrayBuffer();
      if (!response.ok) error = `receiver answered HTTP ${response.status}`;
    } catch (cause) {
      error = describeFailure(cause, timeoutMs);
    }
    const delivery: WebhookDelivery = {
      ...request,
      status,
      error,
      ms: Math.round(performance.now() - started),
      startedAt: startedAt.toISOString(),
    };
    recorded.push(delivery);
    return delivery;
  }

  return {
    send(request) {
      const pending = attempt(request);
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
      return pending;
    },
    deliveries: () => recorded,
    clear() {
      recorded.length = 0;
    },
    async close() {
      closing.abort(new Error('simulator closed'));
      await Promise.allSettled([...inFlight]);
    },
  };
}

function describeFailure(cause: unknown, timeoutMs: number): string {
  if (cause instanceof DOMException && cause.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (cause instanceof Error) {
    const detail = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${detail}`;
  }
  return String(cause);
}

/** The control API's webhook switches, the same for every simulated provider. */
export interface WebhookSwitches {
  url: string | undefined;
  enabled: boolean;
  duplicate: boolean;
}

/** The control API's body for a provider's `POST …/webhooks`: the switches `applyWebhookChanges` applies. */
export const WebhookSettingsRequest = z.strictObject({
  enabled: z.boolean().optional(),
  duplicate: z.boolean().optional(),
  url: z.url({ protocol: /^https?$/ }).nullable().optional(),
});

/** The control API's body for forcing a link's status: one of the provider's forced statuses, webhook on by default. */
export function forcedStatusRequest<T extends z.ZodType>(status: T) {
  return z.strictObject({ status, webhook: z.boolean().default(true) });
}

/** Applies `{enabled?, duplicate?, url?}` from the control API (`url: null` stops deliveries); returns a copy. */
export function applyWebhookChanges<S extends WebhookSwitches>(
  settings: S,
  changes: Partial<Omit<WebhookSwitches, 'url'>> & { url?: string | null },
): S {
  if (changes.enabled !== undefined) settings.enabled = changes.enabled;
  if (changes.duplicate !== undefined) settings.duplicate = changes.duplicate;
  if (changes.url !== undefined) settings.url = changes.url ?? undefined;
  return { ...settings };
}

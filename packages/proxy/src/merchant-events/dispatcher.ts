/**
 * Delivers the outbox to the merchant's endpoints (decision 0013), signed with the official Standard Webhooks
 * library: `webhook-id` (the event id, the same on every attempt), `webhook-timestamp` (the attempt's, in
 * seconds) and `webhook-signature` (one `v1,…` per active secret, space-separated).
 *
 * - At least once: a delivery is marked delivered only after a 2xx; a holder that dies mid-attempt lets its lease
 *   lapse and another attempt (here or on another instance) sends the same bytes under the same id.
 * - In order per link and endpoint: the store hands out only the earliest pending delivery of each link, so a
 *   `paid` waits for its `partially_paid` to be delivered or given up.
 * - Retries on `retryScheduleMs` (about three days); a 429 or 503 with `Retry-After` waits at least that long.
 *   Past the last retry the delivery is given up (a warn log and a metric; `resend` brings it back).
 * - `410 Gone` disables the endpoint (a warn log; its deliveries wait, nothing is dropped) until an operator
 *   enables it again. An endpoint failing for a day is reported as failing (a warn log and a metric) and keeps
 *   being tried: never disabled silently.
 * - A fresh event written on this instance is offered to it in the write (`handOff`): with room, its delivery is
 *   leased here there and then, and sent as soon as the write commits, without a claim.
 * - Woken at once by a write on this instance that left deliveries in the outbox, and after each delivery sent
 *   (its link's next event may be due now); every `pollMs` for the rest: retries that came due, events written by
 *   other instances, deliveries a dead holder left.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import type { TestEvent } from '../contract.ts';
import type { AttemptOutcome, ClaimedDelivery, DeliveryAttempt, DeliveryHandOff, EndpointState, RecordedAttempt, Store } from '../store/types.ts';
import { VERSION } from '../version.ts';
import { Deadline, fetchWire, nodeWire, succeeded } from '../wire.ts';
import { type WebhookEndpoint, printableUrl } from './endpoints.ts';

export interface DispatcherDeps {
  store: Store;
  endpoints: readonly WebhookEndpoint[];
  now: () => number;
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
  /** Events are posted through this `fetch` when given (tests' stand-in merchants); else over node:http (wire.ts). */
  fetch?: typeof fetch;
  timeoutMs: number;
  retryScheduleMs: readonly number[];
  testMode: boolean;
  /** How often the outbox is looked at without a kick. */
  pollMs?: number;
  /** Attempts in flight at once, over all endpoints. */
  concurrency?: number;
  onOutcome?: (outcome: DeliveryOutcome, endpointId: string) => void;
  onFailing?: (endpointId: string, failing: boolean) => void;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'given_up' | 'gone';

export interface AttemptResult {
  endpointId: string;
  url: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  ok: boolean;
}

/** An endpoint failing this long without a success is reported as failing. */
export const FAILING_AFTER_MS = 24 * 3_600_000;
/**
 * Claims are at least this far apart: a delivery waits at most this long past its write (a link's next event, past
 * its predecessor's delivery), and a stream of webhooks is claimed in batches. An event written after a quiet
 * spell is claimed at once.
 */
export const CLAIM_SPACING_MS = 10;
/** The longest `Retry-After` honoured; a longer one is read as this. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export function createDispatcher(deps: DispatcherDeps) {
  const { store, now, log, timeoutMs } = deps;
  const wire = deps.fetch ? fetchWire(deps.fetch) : nodeWire();
  const pollMs = deps.pollMs ?? 1_000;
  const concurrency = deps.concurrency ?? 16;
  // A holder that died is taken over once its lease lapses: a little after the attempt's own timeout.
  const leaseMs = timeoutMs + 5_000;
  const holder = `${process.pid}.${randomBytes(6).toString('base64url')}`;
  const byId = new Map(deps.endpoints.map((e) => [e.id, e]));
  const signers = new Map(deps.endpoints.map((e) => [e.id, e.secrets.map((s) => new Webhook(s.reveal()))]));
  const reportedFailing = new Set<string>();
  let states = new Map<string, EndpointState>();
  let synced: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  const inFlight = new Set<Promise<void>>();
  /** Slots held for deliveries being written leased to this holder (`handOff`), not yet in flight. */
  let reserved = 0;

  /**
   * The endpoints' state as the store has it (another instance may have seen a 410): written once (the rows made),
   * then read at most once per `pollMs`, so a kick after each write costs no extra query.
   */
  let readAt = -Infinity;
  let written = false;
  async function refreshStates(force = false): Promise<void> {
    if (!force && performance.now() - readAt < pollMs) return;
    synced ??= (written ? store.syncEndpoints([]) : store.syncEndpoints(deps.endpoints.map((e) => ({ id: e.id, url: e.url })))).then((rows) => {
      written = true;
      readAt = performance.now();
      states = new Map(rows.map((r) => [r.id, r]));
    });
    try {
      await synced;
    } finally {
      synced = undefined;
    }
  }

  /**
   * Attempts that finish close together are recorded together: one transaction (one commit) for all that finished
   * in the same turn of the event loop, instead of one per attempt (decision 0016). Each attempt's caller waits
   * for its own record to be committed before it goes on, as before.
   */
  let pendingRecords: { item: RecordedAttempt; done: () => void; failed: (err: unknown) => void }[] = [];
  function recordSoon(eventId: string, endpointId: string, attempt: DeliveryAttempt, outcome: AttemptOutcome): Promise<void> {
    return new Promise<void>((done, failed) => {
      if (pendingRecords.length === 0) setImmediate(writeRecords);
      pendingRecords.push({ item: { eventId, endpointId, attempt, outcome }, done, failed });
    });
  }
  function writeRecords(): void {
    const batch = pendingRecords;
    pendingRecords = [];
    store.recordAttempts(batch.map((b) => b.item)).then(
      () => batch.forEach((b) => b.done()),
      (err: unknown) => batch.forEach((b) => b.failed(err)),
    );
  }

  function sign(endpoint: WebhookEndpoint, id: string, at: Date, payload: string): string {
    return signers
      .get(endpoint.id)!
      .map((signer) => signer.sign(id, at, payload))
      .join(' ');
  }

  /** One POST. Never throws: a refused connection or a timeout is an attempt without a status. */
  async function post(endpoint: WebhookEndpoint, id: string, payload: string): Promise<AttemptResult & { retryAfterMs?: number }> {
    const at = new Date(now());
    const started = performance.now();
    // One clock for the attempt, cleared once the answer is done with (not `AbortSignal.timeout`, which stays
    // armed for the whole timeout after every delivery).
    const deadline = new Deadline(timeoutMs, () => new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'), { unref: true });
    try {
      const response = await wire({
        method: 'POST',
        url: new URL(endpoint.url),
        headers: {
          'content-type': 'application/json',
          'user-agent': `pay-link/${VERSION} (+https://github.com/pay-link)`,
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': sign(endpoint, id, at, payload),
        },
        body: payload,
        redirect: 'manual',
        deadline,
      });
      const durationMs = performance.now() - started;
      // The answer's body is not ours to read: only its status counts. It is read off the wire (a small one), so
      // the connection carries the next event; the attempt's deadline bounds a body that trickles.
      void response.release().finally(() => deadline.clear());
      const ok = succeeded(response.status);
      return {
        endpointId: endpoint.id,
        url: endpoint.url,
        statusCode: response.status,
        durationMs,
        ok,
        error: ok ? null : `HTTP ${response.status}`,
        retryAfterMs: response.status === 429 || response.status === 503 ? retryAfter(response.header('retry-after') ?? null, now()) : undefined,
      };
    } catch (err) {
      deadline.clear();
      const durationMs = performance.now() - started;
      return { endpointId: endpoint.id, url: endpoint.url, statusCode: null, durationMs, ok: false, error: describeFailure(err, timeoutMs) };
    }
  }

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    const endpoint = byId.get(delivery.endpointId);
    if (!endpoint) return;
    const attempt = delivery.attempts + 1;
    const at = now();
    const result = await post(endpoint, delivery.eventId, delivery.payload);
    const record = { attempt, at, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error };
    if (result.ok) {
      await recordSoon(delivery.eventId, endpoint.id, record, { state: 'delivered' });
      deps.onOutcome?.('delivered', endpoint.id);
      const state = states.get(endpoint.id);
      if (state?.failingSince != null || state?.lastSuccessAt == null || now() - state.lastSuccessAt > 60_000) {
        await store.updateEndpoint(endpoint.id, { failingSince: null, lastSuccessAt: now() });
        states.set(endpoint.id, { ...(state ?? emptyState(endpoint)), failingSince: null, lastSuccessAt: now() });
      }
      if (reportedFailing.delete(endpoint.id)) {
        log.info({ endpoint: endpoint.id, url: printableUrl(endpoint.url) }, 'merchant webhook endpoint recovered');
        deps.onFailing?.(endpoint.id, false);
      }
      return;
    }
    if (result.statusCode === 410) {
      // Gone: the receiver asks for no more. The delivery waits for the endpoint to be enabled again.
      await recordSoon(delivery.eventId, endpoint.id, record, { state: 'pending', nextAttemptAt: now() });
      await store.updateEndpoint(endpoint.id, { disabledAt: now(), disabledReason: 'the endpoint answered 410 Gone' });
      states.set(endpoint.id, { ...(states.get(endpoint.id) ?? emptyState(endpoint)), disabledAt: now(), disabledReason: 'the endpoint answered 410 Gone' });
      log.warn({ endpoint: endpoint.id, url: printableUrl(endpoint.url), eventId: delivery.eventId }, 'merchant webhook endpoint answered 410 Gone: disabled; its events wait until it is enabled again (pay-link webhooks enable)');
      deps.onOutcome?.('gone', endpoint.id);
      return;
    }
    // The schedule counts from the last resend, so a given-up event sent again gets its full retries again.
    const wait = deps.retryScheduleMs[attempt - 1 - delivery.retryBase];
    if (wait === undefined) {
      await recordSoon(delivery.eventId, endpoint.id, record, { state: 'failed' });
      log.warn({ endpoint: endpoint.id, url: printableUrl(endpoint.url), eventId: delivery.eventId, type: delivery.type, attempts: attempt, error: result.error }, 'merchant event given up after its last retry (pay-link events resend brings it back)');
      deps.onOutcome?.('given_up', endpoint.id);
    } else {
      const delay = Math.max(wait, result.retryAfterMs ?? 0);
      await recordSoon(delivery.eventId, endpoint.id, record, { state: 'pending', nextAttemptAt: now() + delay });
      deps.onOutcome?.('retry', endpoint.id);
    }
    await noteFailure(endpoint);
  }

  async function noteFailure(endpoint: WebhookEndpoint): Promise<void> {
    const state = states.get(endpoint.id) ?? emptyState(endpoint);
    if (state.failingSince === null) {
      await store.updateEndpoint(endpoint.id, { failingSince: now() });
      states.set(endpoint.id, { ...state, failingSince: now() });
      return;
    }
    if (now() - state.failingSince >= FAILING_AFTER_MS && !reportedFailing.has(endpoint.id)) {
      reportedFailing.add(endpoint.id);
      log.warn(
        { endpoint: endpoint.id, url: printableUrl(endpoint.url), failingSince: new Date(state.failingSince).toISOString() },
        'merchant webhook endpoint failing for a day: its events are kept and retried; check the receiver',
      );
      deps.onFailing?.(endpoint.id, true);
    }
  }

  /** Sends `delivery` (this holder's lease), in flight until recorded; `after` runs once it is done. */
  function send(delivery: ClaimedDelivery, after?: () => void): void {
    const task = deliver(delivery)
      .catch((err: unknown) => log.warn({ eventId: delivery.eventId, err: (err as Error).message }, 'recording a merchant event delivery failed'))
      .finally(() => {
        inFlight.delete(task);
        after?.();
      });
    inFlight.add(task);
  }

  /**
   * Fresh events written on this instance, offered as they are written (decision 0016, "Fresh events handed to the
   * dispatcher"): a delivery there is room for is leased here in the write itself and sent once it commits, without
   * a claim; the rest are claimed as before.
   */
  const handOff: DeliveryHandOff = {
    holder,
    leaseMs,
    reserve(endpointId) {
      if (stopped || !byId.has(endpointId) || states.get(endpointId)?.disabledAt != null) return false;
      if (inFlight.size + reserved >= concurrency) return false;
      reserved += 1;
      return true;
    },
    release(count) {
      reserved = Math.max(0, reserved - count);
    },
    written(taken, waiting) {
      reserved = Math.max(0, reserved - taken.length);
      // Sent even if stopping meanwhile: they are leased here, and `stop` waits for what is in flight. Each one
      // done, a claim follows (as after a claimed one): it may have been what its link's next event waited for.
      for (const delivery of taken) send(delivery, kick);
      if (waiting > 0) kick();
    },
  };

  /** When the last claim was made (`performance.now()`): the next waits until `CLAIM_SPACING_MS` after it. */
  let claimedAt = -Infinity;

  /** Claims and sends until nothing is due. */
  async function run(): Promise<void> {
    await refreshStates();
    for (;;) {
      // Read each round: a 410 in this round disables its endpoint for the next.
      const enabled = deps.endpoints.filter((e) => states.get(e.id)?.disabledAt == null).map((e) => e.id);
      const room = concurrency - inFlight.size - reserved;
      // Claims in batches (when half the slots are free, or all are): a claim is one query over the pending
      // deliveries (and, on SQLite, a commit), and one per finished delivery would make a backlog's drain a query
      // per event. At most one claim per `CLAIM_SPACING_MS`, whether or not deliveries are in flight: under a
      // steady stream of webhooks each written event kicks, and claiming on every kick took one delivery per claim
      // (a claim was a quarter of a webhook's store time in bench/webhook-throughput.ts, 2026-12-02).
      const wait = claimedAt + CLAIM_SPACING_MS - performance.now();
      const claimable = room > 0 && (room * 2 >= concurrency || inFlight.size === 0);
      if (claimable && wait > 0) {
        // Held (a few ms at most): with nothing in flight, an unheld timer would let the process end mid-round.
        await Promise.race([...inFlight, sleep(wait)]);
        continue;
      }
      const claimed = claimable ? await store.claimDeliveries(holder, enabled, now(), leaseMs, room) : [];
      if (claimable) claimedAt = performance.now();
      for (const delivery of claimed) send(delivery);
      if (inFlight.size === 0) return;
      // A finished delivery may make its link's next event due: claim again after each one.
      await Promise.race(inFlight);
    }
  }

  function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await run().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'merchant event delivery round failed'));
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  }

  /** Something was written or sent: look now rather than at the next poll. */
  function kick(): void {
    if (!stopped) void tick();
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), pollMs);
    timer.unref();
  }

  return {
    holder,
    handOff,
    /** Starts delivering (deliveries left by a restart are picked up at once). */
    start(): void {
      if (deps.endpoints.length === 0 || !stopped) return;
      stopped = false;
      void tick();
      schedule();
    },
    /** Stops the timer and waits for attempts in flight. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
    kick,
    /** Delivers everything due now (tests, `drain` on shutdown). */
    flush: tick,

    /** The endpoints as configured, with what the store knows of them. */
    async endpoints(): Promise<(EndpointState & { events: string[]; failing: boolean })[]> {
      await refreshStates(true);
      return deps.endpoints.map((e) => {
        const state = states.get(e.id) ?? emptyState(e);
        return { ...state, url: e.url, events: e.events, failing: state.failingSince !== null && now() - state.failingSince >= FAILING_AFTER_MS };
      });
    },

    /** Enables an endpoint disabled by a 410; its waiting deliveries go at once. */
    async enable(endpointId: string): Promise<boolean> {
      if (!byId.has(endpointId)) return false;
      await store.updateEndpoint(endpointId, { disabledAt: null, disabledReason: null });
      await refreshStates(true);
      kick();
      return true;
    },

    /** A signed `webhook.test` event to one endpoint or all, sent now and stored nowhere. */
    async sendTest(endpointId?: string): Promise<AttemptResult[]> {
      const targets = endpointId ? deps.endpoints.filter((e) => e.id === endpointId || e.url === endpointId) : deps.endpoints;
      return Promise.all(
        targets.map(async (endpoint) => {
          const id = `evt_test_${randomBytes(12).toString('base64url')}`;
          const body: TestEvent = {
            id,
            type: 'webhook.test',
            timestamp: new Date(now()).toISOString(),
            data: { message: 'A test event from pay-link: your endpoint verified it if it answered 2xx.', testMode: deps.testMode },
          };
          const { retryAfterMs: _r, ...result } = await post(endpoint, id, JSON.stringify(body));
          return result;
        }),
      );
    },

    /** Queue depth and the age of the oldest undelivered event, for the metrics. */
    stats: () => store.outboxStats(deps.endpoints.map((e) => e.id)),
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

function emptyState(endpoint: WebhookEndpoint): EndpointState {
  return { id: endpoint.id, url: endpoint.url, disabledAt: null, disabledReason: null, failingSince: null, lastSuccessAt: null };
}

/** `Retry-After` as seconds or an HTTP date → ms from now, capped; `undefined` when absent or unreadable. */
export function retryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - nowMs), MAX_RETRY_AFTER_MS);
}

function describeFailure(err: unknown, timeoutMs: number): string {
  // fetch wraps the system error in its cause; node:http's carries the code itself.
  const error = err as Error & { code?: string; cause?: { code?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = error.cause?.code ?? error.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code && /CERT|SSL|TLS/.test(code)) return `TLS error (${code})`;
  return code ? `network error (${code})` : 'network error';
}

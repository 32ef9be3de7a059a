/**
 * kill -9 with merchant events still undelivered (decision 0013). The proxy runs as a real child process
 * (`node --import tsx src/server.ts`, as in kill-restart.test.ts) on one SQLite file, with all five providers
 * against one simulator, and one merchant endpoint: a receiver in this process that verifies every delivery with
 * the official `standardwebhooks` library and answers as the phase wants.
 *
 * 1. The receiver answers 503: links paid on every provider (and a Razorpay link paid in two steps) make events
 *    that are attempted and retried, never delivered. The process is killed with SIGKILL.
 * 2. A second process on the same file, the receiver now hanging: the retries and an event written by this
 *    process are in flight (sent, no answer yet) when it is killed too. Nothing of those attempts is recorded.
 * 3. A third process, the receiver answering 204: once the dead holder's leases lapse every event arrives —
 *    none lost (the receiver's ids are the outbox's ids), each accepted exactly once, under the same webhook-id
 *    on every attempt, and a link's `partially_paid` before its `paid`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { proxyEnvForAllProviders, type RunningSimulator } from '@pay-link/simulator';
import type { LinkView, PaymentLinkEvent, ProviderName } from '../src/contract.ts';
import { newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import type { AdminEventView } from '../src/contract.ts';
import { SHOP_ORIGIN, eventually, postJson } from './helpers.ts';
import { freePort } from './postgres.ts';
import { SIMULATED_PROVIDERS, simulatedCatalog, startSimulatorFor, type SimulatedProvider as Case } from './simulated-providers.ts';
import { type Answer, type Delivery, type Receiver, startReceiver } from './receiver.ts';

const PROXY_DIR = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'merchant_events_kill_admin_token_0123456789';
/** Enough retries that none is given up across the three phases (about 12 s of them). */
const RETRY_SCHEDULE = Array.from({ length: 40 }, () => '300ms').join(',');
/**
 * The second process waits this long for an answer, so its attempts are still in flight when it is killed (we
 * kill it as soon as they have arrived); its leases last this + 5 s, which the third process waits out.
 */
const HANG_TIMEOUT_MS = 4_000;
/** How long the third process gets to deliver everything: the lapsed leases, then a few retry rounds. */
const DELIVER_WITHIN_MS = 30_000;

const CASES = SIMULATED_PROVIDERS;

type Mode = 'down' | 'hang' | 'up';

describe('merchant events: kill -9 with events undelivered, restarted on the same SQLite file', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let dir: string;
  let port: number;
  let url: string;
  let child: ChildProcess | undefined;
  let output = '';
  const started = Date.now();
  const secret = newWebhookSecret();
  /** What the receiver does now, and what it answered each delivery (by index in `receiver.deliveries`). */
  let mode: Mode = 'down';
  const modeOf: Mode[] = [];
  /** Our link ids by what they are for. */
  const links = new Map<string, { provider: ProviderName; id: string }>();
  /** The outbox as the first process left it. */
  let beforeFirstKill: AdminEventView[] = [];
  /** The events the receiver held unanswered when the second process was killed. */
  let hungAtSecondKill: string[] = [];

  function env(timeoutMs: number): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PAY_LINK_PUBLIC_URL: url,
      PAY_LINK_CONFIG: join(dir, 'catalog.json'),
      PAY_LINK_PROVIDER: 'razorpay',
      PAY_LINK_DATABASE_URL: `sqlite:${join(dir, 'pay-link.sqlite')}`,
      PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
      PAY_LINK_TEST_MODE: 'true',
      PAY_LINK_PROVIDER_TIMEOUT_MS: '3000',
      PAY_LINK_RATE_MINT_PER_MINUTE: '0',
      PAY_LINK_RATE_READ_PER_MINUTE: '0',
      PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE: '0',
      PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '0',
      PAY_LINK_WEBHOOK_URL: receiver.url,
      PAY_LINK_WEBHOOK_SECRET: secret,
      PAY_LINK_WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
      PAY_LINK_WEBHOOK_TIMEOUT_MS: String(timeoutMs),
      LOG_LEVEL: 'warn',
      ...proxyEnvForAllProviders(sim.url),
    };
  }

  async function boot(timeoutMs = 1_000): Promise<void> {
    assert.equal(child, undefined, 'one proxy process at a time');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: PROXY_DIR, env: env(timeoutMs), stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      assert.equal(proc.exitCode, null, `the proxy exited while starting:\n${output}`);
      if ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200) return;
      assert.ok(Date.now() < deadline, `/readyz never answered 200:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function kill(): Promise<void> {
    const proc = child;
    if (!proc) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    child = undefined;
    assert.equal(signal, 'SIGKILL');
  }

  const admin = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}/v1/admin${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as T;
  };
  const outbox = async () => (await admin<{ events: AdminEventView[] }>('/events?limit=200')).events;

  async function mintOne(label: string, c: Case): Promise<string> {
    const before = c.providerIds(sim);
    const res = await postJson(`${url}/v1/links`, { product: c.product });
    assert.equal(res.status, 201, `${label}: ${await res.clone().text()}`);
    const view = (await res.json()) as LinkView;
    const made = c.providerIds(sim).filter((id) => !before.includes(id));
    assert.equal(made.length, 1, `${label}: one provider link`);
    links.set(label, { provider: c.provider, id: view.id });
    return made[0]!;
  }

  /** Deliveries with the index of each and what the receiver did with it. */
  const received = () => receiver.deliveries.map((d, i) => ({ ...d, mode: modeOf[i]! }));
  const accepted = () => received().filter((d) => d.mode === 'up' && d.verified);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pay-link-events-kill-'));
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    sim = await startSimulatorFor(url);
    receiver = await startReceiver({
      secrets: [secret],
      answer: (delivery: Delivery, index: number): Answer => {
        modeOf[index] = mode;
        if (!delivery.verified) return 401;
        return mode === 'down' ? 503 : mode === 'hang' ? 'hang' : 204;
      },
    });
    writeFileSync(join(dir, 'catalog.json'), simulatedCatalog(SHOP_ORIGIN));
    await boot();
  });

  after(async () => {
    await kill().catch(() => child?.kill('SIGKILL'));
    await receiver?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`# merchant-events kill: ${Date.now() - started} ms in all, ${receiver?.deliveries.length ?? 0} deliveries received`);
  });

  it('the receiver down (503): links paid on five providers make events that are retried, not delivered; then kill -9', async () => {
    for (const c of CASES) {
      const providerLinkId = await mintOne(`${c.provider}:paid`, c);
      await c.pay(sim, providerLinkId);
    }
    // Two steps on one link: partially_paid, then paid.
    const razorpay = CASES[0]!;
    const twoSteps = await mintOne('razorpay:two-steps', razorpay);
    await sim.control.razorpay!.setStatus(twoSteps, 'partially_paid');
    await sim.control.razorpay!.pay(twoSteps);

    const events = await eventually(async () => {
      const all = await outbox();
      assert.equal(all.length, CASES.length + 2, `an event per payment: ${JSON.stringify(all.map((e) => e.type))}`);
      return all;
    }, 10_000);
    const twoStepsId = links.get('razorpay:two-steps')!.id;
    assert.deepEqual(events.filter((e) => e.linkId === twoStepsId).map((e) => e.type).sort(), ['payment_link.paid', 'payment_link.partially_paid']);
    // Every event that may go (all but the second step, which waits for the first) has been tried and retried.
    const due = events.filter((e) => !(e.linkId === twoStepsId && e.type === 'payment_link.paid'));
    await eventually(async () => {
      for (const e of due) assert.ok(receiver.deliveries.filter((d) => d.id === e.id).length >= 2, `${e.type} of ${e.linkId}: attempted twice`);
    }, 10_000);
    const secondStep = events.find((e) => e.linkId === twoStepsId && e.type === 'payment_link.paid')!;
    assert.equal(receiver.deliveries.filter((d) => d.id === secondStep.id).length, 0, 'paid waits while its partially_paid is retried');
    assert.ok(received().every((d) => d.verified && d.mode === 'down'));
    beforeFirstKill = await outbox();
    assert.ok(beforeFirstKill.every((e) => e.deliveries.length === 1 && e.deliveries[0]!.state === 'pending'));
    await kill();
  });

  it('restarted, the receiver hanging: retries and a new event are in flight when it is killed again', async () => {
    await boot(HANG_TIMEOUT_MS);
    // An event this process writes itself, retried like the others while the receiver still answers 503.
    const xendit = CASES[1]!;
    const late = await mintOne('xendit:paid-after-restart', xendit);
    await xendit.pay(sim, late);
    const events = await eventually(async () => {
      const all = await outbox();
      assert.equal(all.length, beforeFirstKill.length + 1);
      return all;
    }, 10_000);
    const twoStepsId = links.get('razorpay:two-steps')!.id;
    const due = events.filter((e) => !(e.linkId === twoStepsId && e.type === 'payment_link.paid')).map((e) => e.id);
    // Now the receiver takes each next attempt and never answers: once every due event is in flight, kill.
    const from = receiver.deliveries.length;
    mode = 'hang';
    await eventually(async () => {
      const hanging = new Set(receiver.deliveries.slice(from).map((d) => d.id));
      for (const id of due) assert.ok(hanging.has(id), `${id} in flight`);
    }, 10_000);
    hungAtSecondKill = due;
    await kill();
    assert.ok(received().slice(from).every((d) => d.mode === 'hang'));
  });

  it('restarted, the receiver up: every event arrives, each accepted once, in order per link, none lost', async () => {
    mode = 'up';
    const firstUp = receiver.deliveries.length;
    await boot();
    const events = await eventually(async () => {
      const all = await outbox();
      for (const e of all) assert.equal(e.deliveries[0]!.state, 'delivered', `${e.type} of ${e.linkId}: ${JSON.stringify(e.deliveries[0])}`);
      return all;
    }, DELIVER_WITHIN_MS);

    // None lost: the ids the receiver accepted are exactly the outbox's, which still holds every event from before the kills.
    const outboxIds = events.map((e) => e.id).sort();
    assert.equal(events.length, CASES.length + 3);
    for (const e of beforeFirstKill) assert.ok(outboxIds.includes(e.id), `${e.type} of ${e.linkId} from before the first kill`);
    const unique = receiver.unique();
    assert.deepEqual(unique.map((d) => d.id).sort(), outboxIds);
    // None twice: one 2xx per event (a receiver that dedupes by webhook-id would not even need it).
    const ok = accepted();
    assert.deepEqual(ok.map((d) => d.id).sort(), outboxIds, 'each event accepted exactly once');
    assert.ok(ok.every((d) => d.event!.id === d.id), 'the body id is the webhook-id');

    // The same id on every attempt, through all three processes: every one that hung was sent again.
    for (const id of hungAtSecondKill) {
      const modes = new Set(received().filter((d) => d.id === id).map((d) => d.mode));
      assert.ok(modes.has('hang') && modes.has('up'), `${id}: ${[...modes].join(', ')}`);
    }
    // An attempt the receiver took but never answered is recorded as a timeout, unless the process died first:
    // those left no record, and their deliveries were taken over once the dead holder's lease lapsed.
    const leftNoRecord = events.filter((e) => {
      const hung = received().filter((d) => d.id === e.id && d.mode === 'hang').length;
      const timedOut = e.deliveries[0]!.history.filter((h) => h.error?.startsWith('no answer')).length;
      return hung > timedOut;
    });
    assert.ok(leftNoRecord.length > 0, 'some attempts were in flight when the second process was killed');
    for (const e of events) {
      const history = e.deliveries[0]!.history;
      assert.equal(history.at(-1)!.statusCode, 204, `${e.id}: ${JSON.stringify(history)}`);
      assert.ok(history.slice(0, -1).every((h) => h.statusCode === 503 || h.error?.startsWith('no answer')), `${e.id}: ${JSON.stringify(history)}`);
    }

    // Each link's events in order: paid not even attempted before partially_paid was accepted.
    const twoStepsId = links.get('razorpay:two-steps')!.id;
    const order = ok.filter((d) => d.event!.data.linkId === twoStepsId).map((d) => d.event!.type);
    assert.deepEqual(order, ['payment_link.partially_paid', 'payment_link.paid']);
    const twoSteps = received().filter((d) => d.event?.data.linkId === twoStepsId);
    const partialAccepted = twoSteps.findIndex((d) => d.event!.type === 'payment_link.partially_paid' && d.mode === 'up');
    const paidFirstSent = twoSteps.findIndex((d) => d.event!.type === 'payment_link.paid');
    assert.ok(partialAccepted >= 0 && partialAccepted < paidFirstSent, twoSteps.map((d) => `${d.event!.type}:${d.mode}`).join(' '));
    // What each paid link's event says.
    for (const [label, { provider, id }] of links) {
      const mine = ok.filter((d) => d.event!.data.linkId === id).map((d) => d.event as PaymentLinkEvent);
      const paid = mine.find((e) => e.type === 'payment_link.paid');
      assert.ok(paid, `${label}: paid delivered`);
      assert.equal(paid.data.provider, provider);
      assert.equal(paid.data.status, 'paid');
      assert.equal(paid.data.amountPaid, paid.data.amount.value);
    }
    assert.ok(received().slice(firstUp).every((d) => d.mode === 'up'));
    assert.ok(receiver.deliveries.length > unique.length, 'there were retries (at least once, deduped by id)');
  });
});

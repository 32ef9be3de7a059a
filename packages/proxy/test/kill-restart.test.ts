/**
 * kill -9 on SQLite: the proxy runs as a real child process (`node --import tsx src/server.ts`) with all five
 * providers configured at once, against one simulator whose webhooks go to the proxy's fixed port. Links are
 * minted (keyed, key-less, signed intents), some paid while it runs, then the process is killed with SIGKILL —
 * no shutdown, no flush — and more are paid at the provider while it is down (their webhooks fail: nobody
 * listens). A new process on the same database file must then:
 *
 * - answer every old link id with its true status (paid ones `paid`, the rest still `pending`);
 * - show the receipt of a paid invoice on its pay page, under the same link id as before the kill;
 * - list every link minted before the kill in the admin API;
 * - keep its Idempotency-Keys: a different body is 422 `idempotency_key_reused`, the same body replays the id;
 * - apply webhooks again: a callback re-sent by the provider, and a payment made after the restart.
 *
 * Unlike test/restart.test.ts (an in-memory store, found again through provider lookups), nothing here may be
 * recovered from the provider by reference: every answer about an old link comes out of the database file.
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
import type { LinkView, ProviderName } from '../src/contract.ts';
import { signIntent } from '../src/links/intent.ts';
import type { AdminLinkView } from '../src/contract.ts';
import { freePort } from './postgres.ts';
import { SIMULATED_PROVIDERS, simulatedCatalog, startSimulatorFor } from './simulated-providers.ts';
import { SHOP_ORIGIN, eventually, postJson } from './helpers.ts';

const PROXY_DIR = fileURLToPath(new URL('..', import.meta.url));
const INTENT_SECRET = 'kill_restart_intent_secret_0123456789abcdef';
const ADMIN_TOKEN = 'kill_restart_admin_token_0123456789abcdef';
/** How long a restarted proxy gets to show a payment it missed (a read past `staleAfterMs`, 5 s by default). */
const SETTLE_MS = 10_000;
/** The sweeper's interval at the default `staleAfterMs` (app.ts). */
const SWEEP_EVERY_MS = 5_000;

const CASES = SIMULATED_PROVIDERS;

/** Intents always mint with the default provider (links/pricing.ts `pickProvider`). */
const INTENT_PROVIDER: ProviderName = 'razorpay';

/** One purchase minted before the kill, and what its status must be after the restart. */
interface Minted {
  label: string;
  provider: ProviderName;
  view: LinkView;
  providerLinkId: string;
  expected: 'paid' | 'pending';
  key?: string;
  body?: object;
  intent?: string;
}


describe('kill -9 and a restart on the same SQLite file, five providers', () => {
  let sim: RunningSimulator;
  let dir: string;
  let port: number;
  let url: string;
  let child: ChildProcess | undefined;
  let output = '';
  /** When the running process first answered `/readyz`. */
  let readyAt = 0;
  const started = Date.now();
  const minted: Minted[] = [];
  /** Provider link counts at the simulator when the proxy was killed. */
  const providerCounts = new Map<ProviderName, number>();

  function env(): Record<string, string> {
    const sims = sim.url;
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PAY_LINK_PUBLIC_URL: url,
      PAY_LINK_CONFIG: join(dir, 'catalog.json'),
      PAY_LINK_PROVIDER: INTENT_PROVIDER,
      PAY_LINK_DATABASE_URL: `sqlite:${join(dir, 'pay-link.sqlite')}`,
      PAY_LINK_INTENT_SECRET: INTENT_SECRET,
      PAY_LINK_ADMIN_TOKEN: ADMIN_TOKEN,
      PAY_LINK_PROVIDER_TIMEOUT_MS: '3000',
      PAY_LINK_RATE_MINT_PER_MINUTE: '0',
      PAY_LINK_RATE_READ_PER_MINUTE: '0',
      PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE: '0',
      PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      ...proxyEnvForAllProviders(sims),
    };
  }

  /** Starts the proxy process and waits until `/readyz` answers 200. */
  async function boot(): Promise<void> {
    assert.equal(child, undefined, 'one proxy process at a time');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: PROXY_DIR, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      assert.equal(proc.exitCode, null, `the proxy exited while starting:\n${output}`);
      const ready = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
      if (ready === 200) {
        readyAt = Date.now();
        return;
      }
      assert.ok(Date.now() < deadline, `/readyz never answered 200:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no drain, no close of the database, nothing the process could do on its way out. */
  async function kill(): Promise<void> {
    const proc = child;
    if (!proc) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    child = undefined;
    assert.equal(signal, 'SIGKILL', `the proxy was killed, not stopped (exit code ${code})`);
  }

  const mint = (body: object, key?: string) => postJson(`${url}/v1/links`, body, key ? { 'idempotency-key': key } : {});
  const read = async (id: string) => {
    const res = await fetch(`${url}/v1/links/${id}`);
    assert.equal(res.status, 200, `GET /v1/links/${id}: ${res.status}`);
    return (await res.json()) as LinkView;
  };
  /** Every link as stored (the admin list reads the database only, never a provider). */
  const stored = async (): Promise<AdminLinkView[]> => {
    const res = await fetch(`${url}/v1/admin/links?limit=500`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { links: AdminLinkView[] }).links;
  };
  const storedStatus = async (id: string) => (await stored()).find((l) => l.id === id)?.status;
  const intentToken = (reference: string) =>
    signIntent(
      { amount: { value: 49_900, currency: 'INR' }, reference, description: `Invoice ${reference}`, expiresAt: new Date(Date.now() + 7 * 86_400_000) },
      INTENT_SECRET,
    );
  const byLabel = (label: string) => {
    const found = minted.find((m) => m.label === label);
    assert.ok(found, label);
    return found;
  };
  /** Deliveries the simulator attempted while `run` ran. */
  async function deliveriesDuring(run: () => Promise<unknown>) {
    const from = sim.control.deliveries().length;
    await run();
    return sim.control.deliveries().slice(from);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pay-link-kill-'));
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    sim = await startSimulatorFor(url);
    writeFileSync(join(dir, 'catalog.json'), simulatedCatalog(SHOP_ORIGIN));
    await boot();
  });

  after(async () => {
    await kill().catch(() => child?.kill('SIGKILL'));
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`# kill-restart: ${Date.now() - started} ms in all`);
  });

  it('before the kill: keyed, key-less and intent purchases on all five providers; some paid while it runs', async () => {
    for (const c of CASES) {
      const purchases: { label: string; key?: string; body: object; paidLive: boolean }[] = [
        { label: `${c.provider}:keyed-down`, key: `kr-${c.provider}-1`, body: { product: c.product }, paidLive: false },
        { label: `${c.provider}:keyless-live`, body: { product: c.product }, paidLive: true },
        { label: `${c.provider}:keyed-later`, key: `kr-${c.provider}-2`, body: { product: c.product, quantity: 2 }, paidLive: false },
        { label: `${c.provider}:keyless-down`, body: { product: c.product, quantity: 3 }, paidLive: false },
      ];
      for (const p of purchases) {
        const before = c.providerIds(sim);
        const res = await mint(p.body, p.key);
        assert.equal(res.status, 201, `${p.label}: ${await res.clone().text()}`);
        const view = (await res.json()) as LinkView;
        assert.equal(view.provider, c.provider);
        const made = c.providerIds(sim).filter((id) => !before.includes(id));
        assert.equal(made.length, 1, `${p.label}: one provider link`);
        minted.push({ label: p.label, provider: c.provider, view, providerLinkId: made[0]!, expected: p.label.endsWith('later') ? 'pending' : 'paid', key: p.key, body: p.body });
      }
    }
    for (const reference of ['INV-KR-LIVE', 'INV-KR-DOWN']) {
      const intent = intentToken(reference);
      const before = CASES[0]!.providerIds(sim);
      const res = await mint({ intent });
      assert.equal(res.status, 201, await res.clone().text());
      const view = (await res.json()) as LinkView;
      const made = CASES[0]!.providerIds(sim).filter((id) => !before.includes(id));
      assert.equal(made.length, 1);
      minted.push({ label: `intent:${reference}`, provider: INTENT_PROVIDER, view, providerLinkId: made[0]!, expected: 'paid', intent });
    }
    // The admin view agrees on which provider link each one is.
    const rows = await stored();
    for (const m of minted) assert.equal(rows.find((r) => r.id === m.view.id)?.providerLinkId, m.providerLinkId, m.label);

    // Paid while the proxy runs: the webhook lands and the link reads paid at once.
    const live = minted.filter((m) => m.label.endsWith('live') || m.label === 'intent:INV-KR-LIVE');
    for (const m of live) {
      const c = CASES.find((x) => x.provider === m.provider)!;
      const deliveries = await deliveriesDuring(() => c.pay(sim, m.providerLinkId));
      assert.ok(deliveries.length > 0 && deliveries.every((d) => d.status === 200), `${m.label}: webhooks delivered: ${JSON.stringify(deliveries.map((d) => [d.event, d.status, d.error]))}`);
      assert.equal(await storedStatus(m.view.id), 'paid', `${m.label}: the webhook was applied`);
    }
  });

  it('while it is down: payments land at the provider and their webhooks find nobody', async () => {
    for (const c of CASES) providerCounts.set(c.provider, c.providerIds(sim).length);
    // A process that has lived through its sweeper's first round (every 5 s, purging expired records), not one
    // killed at birth.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, readyAt + SWEEP_EVERY_MS + 1_000 - Date.now())));
    await kill();
    assert.equal(await fetch(`${url}/readyz`).then(() => 'answered', () => 'refused'), 'refused', 'nothing listens on the port');
    const down = minted.filter((m) => m.label.endsWith('down') || m.label === 'intent:INV-KR-DOWN');
    assert.equal(down.length, 2 * CASES.length + 1);
    for (const m of down) {
      const c = CASES.find((x) => x.provider === m.provider)!;
      const deliveries = await deliveriesDuring(() => c.pay(sim, m.providerLinkId));
      assert.ok(deliveries.length > 0, `${m.label}: the provider tried to tell the proxy`);
      assert.ok(deliveries.every((d) => d.status === null), `${m.label}: every delivery failed: ${JSON.stringify(deliveries.map((d) => d.status))}`);
    }
  });

  it('after the restart: a webhook the provider re-sends is applied', async () => {
    await boot();
    // Xendit's dashboard resend of the callback lost while the proxy was down. Nothing has read this link since
    // the restart (no poll, no watcher; the sweeper's store-wide lease is still the dead process's), so only the
    // resent callback can turn it paid.
    const lost = byLabel('xendit:keyed-down');
    assert.equal(await storedStatus(lost.view.id), 'pending', 'the database still says what it knew at the kill');
    const resent = await sim.control.xendit!.resendCallbacks(lost.providerLinkId);
    assert.ok(resent.length > 0 && resent.every((d) => d.status === 200), JSON.stringify(resent.map((d) => [d.status, d.error])));
    assert.equal(await storedStatus(lost.view.id), 'paid');
  });

  it('after the restart: every link minted before the kill is listed and answers its true status', async () => {
    const rows = await stored();
    const ids = new Set(rows.map((r) => r.id));
    for (const m of minted) assert.ok(ids.has(m.view.id), `${m.label} is listed`);
    assert.equal(rows.length, minted.length, 'nothing else');

    await eventually(async () => {
      for (const m of minted) {
        const view = await read(m.view.id);
        assert.equal(view.status, m.expected, `${m.label}: ${view.status}`);
        assert.equal(view.url, m.view.url, `${m.label}: the same checkout`);
        assert.deepEqual(view.amount, m.view.amount);
        if (m.expected === 'paid') assert.equal(view.amountPaid, view.amount.value);
      }
    }, SETTLE_MS);
    for (const c of CASES) assert.equal(c.providerIds(sim).length, providerCounts.get(c.provider), `${c.provider}: no link made by the restart`);
  });

  it("after the restart: a paid invoice's pay page shows the receipt under the same link id", async () => {
    for (const label of ['intent:INV-KR-LIVE', 'intent:INV-KR-DOWN']) {
      const m = byLabel(label);
      await eventually(async () => {
        const data = (await (await fetch(`${url}/v1/intents/${m.intent}`)).json()) as { link: LinkView | null };
        assert.equal(data.link?.id, m.view.id, `${label}: the link from before the kill`);
        assert.equal(data.link?.status, 'paid');
        const page = await fetch(`${url}/pay/${m.intent}`);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.match(html, /class="paid">Paid /, `${label}: the receipt`);
        assert.ok(html.includes(`<dt>Receipt</dt><dd><code>${m.view.id}</code></dd>`), `${label}: the receipt names ${m.view.id}`);
      }, SETTLE_MS);
      // A click on the paid invoice answers its link; nothing is minted.
      const click = await mint({ intent: m.intent });
      assert.equal(click.status, 200, await click.clone().text());
      assert.equal(((await click.json()) as LinkView).id, m.view.id);
    }
    assert.equal(CASES[0]!.providerIds(sim).length, providerCounts.get(INTENT_PROVIDER));
  });

  it('after the restart: Idempotency-Keys hold — another body is refused, the same one replays the id', async () => {
    for (const m of minted.filter((x) => x.key)) {
      const reused = await mint({ product: CASES.find((c) => c.provider === m.provider)!.product, quantity: 7 }, m.key);
      assert.equal(reused.status, 422, `${m.label}: ${await reused.clone().text()}`);
      assert.equal(((await reused.json()) as { code: string }).code, 'idempotency_key_reused');
      const replay = await mint(m.body!, m.key);
      assert.equal(replay.status, 200, `${m.label}: ${await replay.clone().text()}`);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      const view = (await replay.json()) as LinkView;
      assert.equal(view.id, m.view.id, `${m.label}: the id from before the kill`);
      assert.equal(view.status, m.expected);
    }
    for (const c of CASES) assert.equal(c.providerIds(sim).length, providerCounts.get(c.provider), `${c.provider}: nothing minted`);
  });

  it('after the restart: a payment made now reaches the proxy by webhook', async () => {
    for (const c of CASES) {
      const m = byLabel(`${c.provider}:keyed-later`);
      assert.equal(await storedStatus(m.view.id), 'pending');
      const deliveries = await deliveriesDuring(() => c.pay(sim, m.providerLinkId));
      assert.ok(deliveries.length > 0 && deliveries.every((d) => d.status === 200), `${m.label}: ${JSON.stringify(deliveries.map((d) => [d.event, d.status, d.error]))}`);
      assert.equal(await storedStatus(m.view.id), 'paid', `${m.label}: applied by the webhook`);
      assert.equal((await read(m.view.id)).status, 'paid');
    }
    await kill();
  });
});

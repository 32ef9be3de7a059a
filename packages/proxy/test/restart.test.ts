/**
 * A restart forgets every link the in-memory store held; the provider does not. For each of the five providers
 * (and Razorpay's legacy invoices), against its simulator over real HTTP, with webhooks off so that nothing but
 * the provider lookups can tell the new process what happened while it was down:
 *
 * - a purchase minted under an Idempotency-Key before the restart is found at the provider by its reference when
 *   the same request comes again — paid in the meantime, it answers paid — and is never minted twice, not even by
 *   fifty racing retries;
 * - a create whose answer never came (a timeout) is found by its reference at once, not made twice; a create
 *   that failed with nothing made is an error the buyer can retry;
 * - an intent's link is found again by the pay page and by the next mint; once it expired, the next link is
 *   minted, and a later restart finds that one (the walk over attempts), not the expired one.
 *
 * Decision 0008 says how references are derived.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, proxyEnvForSimulator, startSimulator, type RunningSimulator } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { signIntent } from '../src/links/intent.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, eventually, postJson, simulatorProxyEnv } from './helpers.ts';

const INTENT_SECRET = 'restart_test_intent_secret_0123456789abcdef';

interface Case {
  name: string;
  provider: string;
  env: (sim: RunningSimulator) => Record<string, string>;
  price: { value: number; decimal: string; currency: string };
  /** Pine Labs answers a create with a reused reference with the existing link, so it looks like a fresh mint (201). */
  answersExisting?: boolean;
  /** How far the clock must move for a fresh link to have expired: PayEngine's end dates are whole days. */
  expiresWithinMs?: number;
  /** Xendit and EximPe do not refuse a reused reference, so the proxy looks a keyed purchase up before creating. */
  lookupFirst?: boolean;
  /** The provider-side links, oldest first: their ids. */
  providerIds: (sim: RunningSimulator) => string[];
  pay: (sim: RunningSimulator, providerLinkId: string) => Promise<unknown>;
}

const C = DEMO_CREDENTIALS;
const simEnv = (sim: RunningSimulator) => proxyEnvForSimulator(sim.url);
const CASES: Case[] = [
  {
    name: 'Razorpay',
    provider: 'razorpay',
    env: (sim) => simEnv(sim).razorpay,
    price: { value: 49_900, decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.razorpay!.pay(id),
  },
  {
    name: 'Razorpay, legacy invoices',
    provider: 'razorpay',
    env: (sim) => ({ ...simEnv(sim).razorpay, RAZORPAY_API: 'invoices' }),
    price: { value: 49_900, decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.invoices().map((i) => i.id),
    pay: (sim, id) => sim.control.razorpay!.payInvoice(id),
  },
  {
    name: 'Xendit',
    provider: 'xendit',
    env: (sim) => simEnv(sim).xendit,
    price: { value: 15_000_000, decimal: '150000', currency: 'IDR' },
    lookupFirst: true,
    providerIds: (sim) => sim.control.xendit!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.xendit!.pay(id),
  },
  {
    name: 'Pine Labs',
    provider: 'pinelabs',
    env: (sim) => simEnv(sim).pinelabs,
    price: { value: 250_000, decimal: '2500.00', currency: 'INR' },
    answersExisting: true,
    providerIds: (sim) => sim.control.pinelabs!.links().map((l) => l.payment_link_id),
    pay: (sim, id) => sim.control.pinelabs!.pay(id),
  },
  {
    name: 'PayEngine',
    provider: 'payengine',
    env: (sim) => simEnv(sim).payengine,
    price: { value: 4_900, decimal: '49.00', currency: 'USD' },
    expiresWithinMs: 3 * 86_400_000,
    providerIds: (sim) => sim.control.payengine!.links().map((l) => l.payment_link_id),
    pay: (sim, id) => sim.control.payengine!.pay(id),
  },
  {
    name: 'EximPe',
    provider: 'eximpe',
    env: (sim) => simEnv(sim).eximpe,
    price: { value: 150_000, decimal: '1500.00', currency: 'INR' },
    lookupFirst: true,
    providerIds: (sim) => sim.control.eximpe!.links().map((l) => l.payment_id),
    pay: (sim, id) => sim.control.eximpe!.pay(id),
  },
];

for (const c of CASES) {
  describe(`after a restart, ${c.name}`, () => {
    let sim: RunningSimulator;
    const running = new Set<RunningProxy>();

    /** A new proxy process as far as the store goes: nothing minted before is known to it. */
    async function boot(overrides: Record<string, string> = {}): Promise<RunningProxy> {
      const env = simulatorProxyEnv(c.provider, { ...c.env(sim), PAY_LINK_INTENT_SECRET: INTENT_SECRET, ...overrides });
      const catalog = { products: [{ id: 'item', name: 'Item', price: c.price.decimal, currency: c.price.currency }], allowedOrigins: [SHOP_ORIGIN] };
      const config = loadConfig(env, () => JSON.stringify(catalog));
      // No staleness: every read asks the provider, so what changed at the simulator shows at once.
      const proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs: 0, now: () => sim.control.now() });
      running.add(proxy);
      return proxy;
    }
    async function stop(proxy: RunningProxy) {
      running.delete(proxy);
      await proxy.close();
    }
    const mint = (proxy: RunningProxy, body: object, key?: string) =>
      postJson(`${proxy.url}/v1/links`, body, key ? { 'idempotency-key': key } : {});
    const json = async (res: Response) => (await res.json()) as LinkView;
    const intent = (reference: string) =>
      signIntent(
        { amount: { value: c.price.value, currency: c.price.currency }, reference, description: `Invoice ${reference}`, expiresAt: new Date(Date.now() + 7 * 86_400_000) },
        INTENT_SECRET,
      );

    before(async () => {
      // No webhook URL: the simulator sends nothing, as if every webhook were lost while the proxy was down.
      sim = await startSimulator({ port: 0, log: false, razorpay: { ...C.razorpay }, xendit: { ...C.xendit }, pinelabs: { ...C.pinelabs }, payengine: { ...C.payengine }, eximpe: { ...C.eximpe } });
    });
    beforeEach(() => sim.control.reset());
    after(async () => {
      await Promise.all([...running].map((p) => p.close()));
      await sim.close();
    });

    it('a keyed purchase paid while the proxy was down answers paid, from the same provider link', async () => {
      const first = await boot();
      const minted = await mint(first, { product: 'item' }, 'key-restart-1');
      assert.equal(minted.status, 201, await minted.clone().text());
      const before = await json(minted);
      const [providerLinkId] = c.providerIds(sim);
      assert.ok(providerLinkId);
      await stop(first);

      await c.pay(sim, providerLinkId);
      const second = await boot();
      const forgotten = await fetch(`${second.url}/v1/links/${before.id}`);
      assert.equal(forgotten.status, 404, 'the new process does not know the old id');
      const again = await mint(second, { product: 'item' }, 'key-restart-1');
      if (c.answersExisting) assert.ok([200, 201].includes(again.status), await again.clone().text());
      else {
        assert.equal(again.status, 200, await again.clone().text());
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
      }
      const recovered = await json(again);
      assert.equal(recovered.status, 'paid');
      assert.equal(recovered.url, before.url, 'the same hosted checkout');
      assert.deepEqual(recovered.amount, before.amount);
      assert.deepEqual(c.providerIds(sim), [providerLinkId], 'no second link at the provider');

      // From now on the key is known again: a replay answers the same id without asking the provider.
      const replay = await json(await mint(second, { product: 'item' }, 'key-restart-1'));
      assert.equal(replay.id, recovered.id);
      // Another purchase still mints its own link.
      const other = await mint(second, { product: 'item' }, 'key-restart-2');
      assert.equal(other.status, 201);
      assert.equal(c.providerIds(sim).length, 2);
    });

    it('fifty racing retries of one key after a restart find the one link', async () => {
      const first = await boot();
      const minted = await mint(first, { product: 'item', quantity: 2 }, 'key-race');
      assert.equal(minted.status, 201);
      await stop(first);

      const second = await boot();
      const answers = await Promise.all(Array.from({ length: 50 }, () => mint(second, { product: 'item', quantity: 2 }, 'key-race')));
      const statuses = answers.map((r) => r.status);
      const found = c.answersExisting ? [200, 201] : [200];
      assert.ok(statuses.every((s) => found.includes(s) || s === 409), `only replays and in-flight answers: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 201).length, c.answersExisting ? 1 : 0);
      const ids = new Set(await Promise.all(answers.filter((r) => r.status !== 409).map(async (r) => (await json(r)).id)));
      assert.equal(ids.size, 1, 'one link for every replay');
      assert.equal(c.providerIds(sim).length, 1, 'one link at the provider');
    });

    it("an intent's link is found by the pay page and the next click; after it expired, the next one is", async () => {
      const token = intent('INV-R-1');
      const first = await boot();
      const minted = await json(await mint(first, { intent: token }));
      await stop(first);

      const second = await boot();
      const page = (await (await fetch(`${second.url}/v1/intents/${token}`)).json()) as { link: LinkView | null };
      assert.equal(page.link?.status, 'pending', 'the pay page shows the link on load');
      assert.equal(page.link?.url, minted.url);
      const click = await mint(second, { intent: token });
      assert.equal(click.status, 200, 'the live link, not a new one');
      assert.equal((await json(click)).url, minted.url);
      assert.equal(c.providerIds(sim).length, 1);

      // The first link expires at the provider; the next click mints the second attempt.
      await sim.control.advanceClock(c.expiresWithinMs ?? 3 * 60 * 60_000);
      await eventually(async () => {
        const res = await fetch(`${second.url}/v1/links/${page.link!.id}`);
        assert.equal(((await res.json()) as LinkView).status, 'expired');
      });
      const fresh = await mint(second, { intent: token });
      assert.equal(fresh.status, 201);
      const next = await json(fresh);
      assert.notEqual(next.url, minted.url);
      assert.equal(c.providerIds(sim).length, 2);
      await stop(second);

      // A third process finds the second link (paid meanwhile), not the expired first one.
      await c.pay(sim, c.providerIds(sim)[1]!);
      const third = await boot();
      const shown = (await (await fetch(`${third.url}/v1/intents/${token}`)).json()) as { link: LinkView | null };
      assert.equal(shown.link?.url, next.url);
      assert.equal(shown.link?.status, 'paid', 'the receipt on load');
      const paidClick = await mint(third, { intent: token });
      assert.equal(paidClick.status, 200);
      assert.equal((await json(paidClick)).status, 'paid');
      assert.equal(c.providerIds(sim).length, 2, 'never a third link');
    });

    it('a create whose answer was lost is found by its reference at once, not made twice', async () => {
      const proxy = await boot({ PAY_LINK_PROVIDER_TIMEOUT_MS: '250' });
      // A first purchase, so that whatever the adapter sets up first (Pine Labs: its token) is done.
      assert.equal((await mint(proxy, { product: 'item' })).status, 201);
      // The create is made, but its answer comes 1 s late: the proxy has given up. (A lookup goes first, untouched.)
      if (c.lookupFirst) sim.control.injectFault(c.provider, { delayMs: 0 });
      sim.control.injectFault(c.provider, { answerDelayMs: 1_000 });
      const minted = await mint(proxy, { product: 'item' }, 'key-timeout');
      assert.equal(minted.status, 201, await minted.clone().text());
      const view = await json(minted);
      assert.equal(view.status, 'pending');
      const ids = c.providerIds(sim);
      assert.equal(ids.length, 2, 'the one link the timed-out create made');
      const again = await mint(proxy, { product: 'item' }, 'key-timeout');
      assert.equal((await json(again)).id, view.id);
      assert.deepEqual(c.providerIds(sim), ids, 'no link made by the retry');
    });

    it('a failed create with nothing at the provider is an error the buyer can retry', async () => {
      const proxy = await boot();
      assert.equal((await mint(proxy, { product: 'item' })).status, 201);
      if (c.lookupFirst) sim.control.injectFault(c.provider, { delayMs: 0 });
      sim.control.injectFault(c.provider, { status: 503 });
      const failed = await mint(proxy, { product: 'item' }, 'key-503');
      assert.equal(failed.status, 502);
      assert.equal(((await failed.json()) as { code: string }).code, 'provider_unavailable');
      assert.equal(c.providerIds(sim).length, 1);
      const retry = await mint(proxy, { product: 'item' }, 'key-503');
      assert.equal(retry.status, 201);
      assert.equal(c.providerIds(sim).length, 2);
    });
  });
}

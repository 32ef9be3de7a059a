/**
 * Two proxy instances, A and B, on one real Postgres database (test/postgres.ts), in one process but each with
 * its own pool and its own change-feed connection, exactly as two machines behind a load balancer would have.
 * One simulator serves Razorpay and Xendit. What must hold:
 *
 * - a link minted on A reads the same on B;
 * - a webhook applied by B reaches an SSE watcher on A through the change feed (LISTEN/NOTIFY) at once, not at the
 *   sweeper's next round: both instances are told nothing is stale for a minute, so no read can explain it;
 * - fifty racing retries of one Idempotency-Key split over A and B make one provider link and answer one id;
 * - ten clicks on one signed invoice split over two instances make one provider link and answer one id (Razorpay on
 *   A and B; Xendit, which takes a reused reference, on a second pair whose default provider it is);
 * - with A stopped, B still answers A's links and applies their webhooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator } from '@pay-link/simulator';
import type { LinkView, ProviderName } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { signIntent } from '../src/links/intent.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, simulatorProxyEnv, takeSseEvents } from './helpers.ts';
import { withPostgres } from './postgres.ts';

const INTENT_SECRET = 'two_instances_intent_secret_0123456789abcdef';
/** Far above anything the tests wait for: no read is ever stale, so only webhooks and the change feed move a link. */
const STALE_AFTER_MS = 60_000;
/** How soon A's watcher must hear of B's webhook; the sweeper fallback would take 20 s or more. */
const FAN_OUT_BOUND_MS = 2_000;
const C = DEMO_CREDENTIALS;

interface Case {
  provider: ProviderName;
  product: string;
  price: { decimal: string; currency: string };
  providerIds: (sim: RunningSimulator) => string[];
  pay: (sim: RunningSimulator, providerLinkId: string) => Promise<unknown>;
  /** Points the provider's webhooks at `url`. */
  webhooksTo: (sim: RunningSimulator, url: string) => void;
}

const CASES: Case[] = [
  {
    provider: 'razorpay',
    product: 'rzp-item',
    price: { decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.razorpay!.pay(id),
    webhooksTo: (sim, url) => void sim.control.razorpay!.configureWebhooks({ url: `${url}/v1/webhooks/razorpay` }),
  },
  {
    provider: 'xendit',
    product: 'xnd-item',
    price: { decimal: '150000', currency: 'IDR' },
    providerIds: (sim) => sim.control.xendit!.links().map((l) => l.id),
    pay: (sim, id) => sim.control.xendit!.pay(id),
    webhooksTo: (sim, url) => void sim.control.xendit!.configureWebhooks({ url: `${url}/v1/webhooks/xendit` }),
  },
];

type SseEvent = { id?: string; event?: string; data?: string; retry?: string };

/**
 * An open SSE stream: `next(test)` resolves with the first event (seen or still to come) that passes `test`, and
 * the time it arrived (performance.now()).
 */
function watch(res: Response) {
  const events: { event: SseEvent; at: number }[] = [];
  const waiting = new Set<() => void>();
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let done = false;
  const pump = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (ended) break;
      const at = performance.now();
      buffer += value;
      const taken = takeSseEvents(buffer);
      buffer = taken.rest;
      for (const event of taken.events) events.push({ event, at });
      for (const wake of waiting) wake();
    }
    done = true;
    for (const wake of waiting) wake();
  })();
  return {
    next(test: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<{ event: SseEvent; at: number }> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no such event within ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
        const check = () => {
          const found = events.find((e) => test(e.event));
          if (found) finish(undefined, found);
          else if (done) finish(new Error(`the stream ended without it: ${JSON.stringify(events.map((e) => e.event))}`));
        };
        function finish(err?: Error, found?: { event: SseEvent; at: number }) {
          clearTimeout(timer);
          waiting.delete(check);
          if (err) reject(err);
          else resolve(found!);
        }
        waiting.add(check);
        check();
      });
    },
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

const status = (name: string) => (e: SseEvent) => e.event === 'status' && (JSON.parse(e.data!) as LinkView).status === name;

describe('two instances on one Postgres database', () => {
  const db = withPostgres();
  // Nested, so the instances close (this describe's after) before the database stops (the outer one's).
  describe('A and B', () => {
    let sim: RunningSimulator;
    let a: RunningProxy;
    let b: RunningProxy;
    const open = new Set<RunningProxy>();
    /** Measured fan-out latencies (payment at the simulator → A's SSE event), per provider. */
    const fanOut: Record<string, number> = {};

    /** `defaultProvider`: the one intents mint with. */
    async function boot(defaultProvider: ProviderName = 'razorpay'): Promise<RunningProxy> {
      const env = simulatorProxyEnv(defaultProvider, {
        RAZORPAY_KEY_ID: C.razorpay.keyId,
        RAZORPAY_KEY_SECRET: C.razorpay.keySecret,
        RAZORPAY_WEBHOOK_SECRET: C.razorpay.webhookSecret,
        RAZORPAY_BASE_URL: `${sim.url}/razorpay`,
        XENDIT_SECRET_KEY: C.xendit.secretKey,
        XENDIT_CALLBACK_TOKEN: C.xendit.callbackToken,
        XENDIT_BASE_URL: `${sim.url}/xendit`,
        PAY_LINK_INTENT_SECRET: INTENT_SECRET,
        PAY_LINK_DATABASE_URL: db.url,
      });
      const catalog = {
        products: CASES.map((c) => ({ id: c.product, name: `Item via ${c.provider}`, price: c.price.decimal, currency: c.price.currency, provider: c.provider })),
        allowedOrigins: [SHOP_ORIGIN],
      };
      const config = loadConfig(env, () => JSON.stringify(catalog));
      const proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), staleAfterMs: STALE_AFTER_MS });
      open.add(proxy);
      return proxy;
    }
    async function stop(proxy: RunningProxy) {
      if (!open.delete(proxy)) return;
      await proxy.close();
    }
    const mint = (proxy: RunningProxy, body: object, key?: string) => postJson(`${proxy.url}/v1/links`, body, key ? { 'idempotency-key': key } : {});
    const readView = async (proxy: RunningProxy, id: string) => {
      const res = await fetch(`${proxy.url}/v1/links/${id}`);
      assert.equal(res.status, 200, `${proxy.url}: ${res.status}`);
      return (await res.json()) as LinkView;
    };
    /** Mints one link on `proxy` and answers it with its provider link id. */
    async function mintOne(proxy: RunningProxy, c: Case) {
      const before = c.providerIds(sim);
      const res = await mint(proxy, { product: c.product });
      assert.equal(res.status, 201, await res.clone().text());
      const view = (await res.json()) as LinkView;
      const made = c.providerIds(sim).filter((id) => !before.includes(id));
      assert.equal(made.length, 1);
      return { view, providerLinkId: made[0]! };
    }

    before(async () => {
      sim = await startSimulator({ port: 0, log: false, razorpay: { ...C.razorpay }, xendit: { ...C.xendit } });
      [a, b] = await Promise.all([boot(), boot()]);
      // Every webhook goes to B; A only ever hears of them through the database.
      for (const c of CASES) c.webhooksTo(sim, b.url);
    });

    after(async () => {
      await Promise.all([...open].map((p) => stop(p)));
      await sim?.close();
      if (Object.keys(fanOut).length) console.log(`# fan-out B → A (payment at the simulator → A's SSE event): ${JSON.stringify(fanOut)}`);
    });

    for (const c of CASES) {
      it(`${c.provider}: a link minted on A reads the same on B`, async () => {
        const { view } = await mintOne(a, c);
        const onB = await readView(b, view.id);
        assert.deepEqual(onB, view, 'same body');
        assert.equal(onB.status, 'pending');
        assert.equal(onB.seq, view.seq);
        assert.deepEqual(await readView(a, view.id), onB);
      });

      it(`${c.provider}: a webhook applied by B reaches an SSE watcher on A within ${FAN_OUT_BOUND_MS} ms`, async () => {
        const { view, providerLinkId } = await mintOne(a, c);
        const res = await fetch(`${a.url}/v1/links/${view.id}/events`, { headers: { origin: SHOP_ORIGIN } });
        assert.equal(res.status, 200);
        const stream = watch(res);
        try {
          // The current state came: A is subscribed.
          await stream.next(status('pending'));
          const from = sim.control.deliveries().length;
          const paidAt = performance.now();
          await c.pay(sim, providerLinkId);
          const heard = await stream.next(status('paid'), 10_000);
          const latency = heard.at - paidAt;
          fanOut[c.provider] = Math.round(latency);
          const deliveries = sim.control.deliveries().slice(from);
          assert.ok(deliveries.length > 0, 'the provider sent a webhook');
          for (const d of deliveries) {
            assert.ok(d.url.startsWith(b.url), `delivered to B, not A: ${d.url}`);
            assert.equal(d.status, 200, `${d.event}: ${d.error}`);
          }
          assert.ok(latency < FAN_OUT_BOUND_MS, `A heard after ${latency.toFixed(0)} ms`);
          const paid = JSON.parse(heard.event.data!) as LinkView;
          assert.equal(paid.id, view.id);
          assert.ok(paid.seq > view.seq);
          assert.deepEqual(await readView(a, view.id), paid, 'A reads what it pushed');
        } finally {
          await stream.close();
        }
      });

      it(`${c.provider}: fifty racing mints of one Idempotency-Key over A and B make one provider link`, async () => {
        const before = c.providerIds(sim).length;
        const key = `two-instances-${c.provider}`;
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => mint(i % 2 === 0 ? a : b, { product: c.product, quantity: 2 }, key)));
        const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, body: (await r.json()) as LinkView & { code?: string } })));
        const statuses = bodies.map((x) => x.status);
        assert.ok(statuses.every((s) => s === 200 || s === 201 || s === 409), statuses.join(','));
        assert.equal(statuses.filter((s) => s === 201).length, 1, `one mint: ${statuses.join(',')}`);
        for (const x of bodies.filter((x) => x.status === 409)) assert.equal(x.body.code, 'idempotency_in_flight');
        const ids = new Set(bodies.filter((x) => x.status < 300).map((x) => x.body.id));
        assert.equal(ids.size, 1, 'every 2xx answers the same link');
        assert.equal(c.providerIds(sim).length, before + 1, 'one link at the provider');
        // Settled: both instances replay it.
        for (const proxy of [a, b]) {
          const replay = await mint(proxy, { product: c.product, quantity: 2 }, key);
          assert.equal(replay.status, 200);
          assert.ok(ids.has(((await replay.json()) as LinkView).id));
        }
      });
    }

    for (const c of CASES) {
      it(`${c.provider}: ten clicks on one signed invoice over two instances make one provider link`, async () => {
        // Intents mint with the default provider: A and B for Razorpay, a second pair for Xendit. Xendit takes a
        // reused reference, so there only the intent's lease across instances keeps the second link from being made.
        const [one, two] = c.provider === 'razorpay' ? [a, b] : await Promise.all([boot(c.provider), boot(c.provider)]);
        const before = c.providerIds(sim).length;
        const amount = c.provider === 'razorpay' ? { value: 49_900, currency: 'INR' } : { value: 15_000_000, currency: 'IDR' };
        const reference = `INV-TWO-${c.provider}`;
        const intent = signIntent({ amount, reference, description: `Invoice ${reference}`, expiresAt: new Date(Date.now() + 86_400_000) }, INTENT_SECRET);
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => mint(i % 2 === 0 ? one : two, { intent })));
        const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, body: (await r.json()) as LinkView & { code?: string } })));
        const statuses = bodies.map((x) => x.status);
        assert.ok(statuses.every((s) => s === 200 || s === 201), `every click answered the link: ${statuses.join(',')}`);
        // Clicks that joined the minting request in its own process share its answer (201); the other instance waited
        // for the intent's lease and found the link (200). So every 201 comes from one instance.
        const minters = new Set(statuses.flatMap((s, i) => (s === 201 ? [i % 2] : [])));
        assert.equal(minters.size, 1, `one instance minted: ${statuses.join(',')}`);
        assert.equal(new Set(bodies.map((x) => x.body.id)).size, 1, 'one link id');
        assert.equal(bodies[0]!.body.provider, c.provider);
        assert.equal(c.providerIds(sim).length, before + 1, 'one link at the provider');
        // Both pay pages show that link.
        for (const proxy of [one, two]) {
          const page = (await (await fetch(`${proxy.url}/v1/intents/${intent}`)).json()) as { link: LinkView | null };
          assert.equal(page.link?.id, bodies[0]!.body.id);
        }
        if (c.provider !== 'razorpay') await Promise.all([stop(one), stop(two)]);
      });
    }

    it("with A stopped, B still answers A's links and applies their webhooks", async () => {
      const minted = await Promise.all(CASES.map(async (c) => ({ c, ...(await mintOne(a, c)) })));
      await stop(a);
      assert.equal(await fetch(`${a.url}/readyz`).then(() => 'answered', () => 'refused'), 'refused', 'A is gone');
      for (const { c, view, providerLinkId } of minted) {
        assert.deepEqual(await readView(b, view.id), view, `${c.provider}: B answers A's link`);
        await c.pay(sim, providerLinkId);
        const paid = await readView(b, view.id);
        assert.equal(paid.status, 'paid', `${c.provider}: B applied the webhook`);
        // And B still mints.
        assert.equal((await mint(b, { product: c.product })).status, 201);
      }
    });
  });
});

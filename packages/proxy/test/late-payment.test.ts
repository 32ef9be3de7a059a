/**
 * Late payments (decision 0011). A link that expired or was cancelled can still be paid — a payment started
 * before the end lands after it — and the webhook that would say so can be lost. For each of the five providers
 * (and Razorpay's legacy invoices), against its simulator over real HTTP with webhooks off, so that only the
 * proxy's own reads can find the payment:
 *
 * - the sweeper reads a closed link on its late-payment schedule (not before its slot, once per slot however many
 *   watch it) and the late `paid` wins;
 * - a buyer's re-check (a status read) of a closed link asks the provider, one read for a hundred concurrent ones;
 * - an invoice whose link expired and was then paid shows the receipt on its pay page, and a click answers the
 *   paid link instead of minting a second payable one.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CREDENTIALS, proxyEnvForSimulator, startSimulator, type RunningSimulator } from '@pay-link/simulator';
import type { LinkView } from '../src/contract.ts';
import { loadConfig } from '../src/config.ts';
import { signIntent } from '../src/links/intent.ts';
import { CLOSED_RECHECKS_MS } from '../src/links/recheck.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';
import { SHOP_ORIGIN, postJson, simulatorProxyEnv } from './helpers.ts';

const INTENT_SECRET = 'late_payment_test_intent_secret_0123456789';
const C = DEMO_CREDENTIALS;

interface Case {
  name: string;
  provider: string;
  env: (sim: RunningSimulator) => Record<string, string>;
  price: { value: number; decimal: string; currency: string };
  providerIds: (sim: RunningSimulator) => string[];
  /** Ends the link at the provider without a webhook. */
  expire: (sim: RunningSimulator, id: string) => Promise<unknown>;
  /** A payment that lands on the closed link, its webhook lost. */
  payLate: (sim: RunningSimulator, id: string) => Promise<unknown>;
  /** Whether the proxy can cancel a link there (all five can; Xendit by expiring it). */
  cancels: boolean;
}

const simEnv = (sim: RunningSimulator) => proxyEnvForSimulator(sim.url);
const off = { webhook: false };

const CASES: Case[] = [
  {
    name: 'Razorpay',
    provider: 'razorpay',
    env: (sim) => simEnv(sim).razorpay,
    price: { value: 49_900, decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.links().map((l) => l.id),
    expire: (sim, id) => sim.control.razorpay!.setStatus(id, 'expired', off),
    payLate: (sim, id) => sim.control.razorpay!.setStatus(id, 'paid', off),
    cancels: true,
  },
  {
    name: 'Razorpay, legacy invoices',
    provider: 'razorpay',
    env: (sim) => ({ ...simEnv(sim).razorpay, RAZORPAY_API: 'invoices' }),
    price: { value: 49_900, decimal: '499.00', currency: 'INR' },
    providerIds: (sim) => sim.control.razorpay!.invoices().map((i) => i.id),
    expire: (sim, id) => sim.control.razorpay!.setInvoiceStatus(id, 'expired', off),
    payLate: (sim, id) => sim.control.razorpay!.setInvoiceStatus(id, 'paid', off),
    cancels: true,
  },
  {
    name: 'Xendit',
    provider: 'xendit',
    env: (sim) => simEnv(sim).xendit,
    price: { value: 15_000_000, decimal: '150000', currency: 'IDR' },
    providerIds: (sim) => sim.control.xendit!.links().map((l) => l.id),
    expire: (sim, id) => sim.control.xendit!.setStatus(id, 'EXPIRED', off),
    payLate: (sim, id) => sim.control.xendit!.setStatus(id, 'PAID', off),
    cancels: true,
  },
  {
    name: 'Pine Labs',
    provider: 'pinelabs',
    env: (sim) => simEnv(sim).pinelabs,
    price: { value: 250_000, decimal: '2500.00', currency: 'INR' },
    providerIds: (sim) => sim.control.pinelabs!.links().map((l) => l.payment_link_id),
    expire: (sim, id) => sim.control.pinelabs!.setStatus(id, 'EXPIRED', off),
    payLate: (sim, id) => sim.control.pinelabs!.setStatus(id, 'PROCESSED', off),
    cancels: true,
  },
  {
    name: 'PayEngine',
    provider: 'payengine',
    env: (sim) => simEnv(sim).payengine,
    price: { value: 4_900, decimal: '49.00', currency: 'USD' },
    providerIds: (sim) => sim.control.payengine!.links().map((l) => l.payment_link_id),
    expire: (sim, id) => sim.control.payengine!.setStatus(id, 'INACTIVE', off),
    payLate: (sim, id) => sim.control.payengine!.setStatus(id, 'COMPLETED', off),
    cancels: true,
  },
  {
    name: 'EximPe',
    provider: 'eximpe',
    env: (sim) => simEnv(sim).eximpe,
    price: { value: 150_000, decimal: '1500.00', currency: 'INR' },
    providerIds: (sim) => sim.control.eximpe!.links().map((l) => l.payment_id),
    expire: (sim, id) => sim.control.eximpe!.setStatus(id, 'expired', off),
    payLate: (sim, id) => sim.control.eximpe!.setStatus(id, 'paid', off),
    cancels: true,
  },
];

let sim: RunningSimulator;
before(async () => {
  // No webhook URL: the simulator sends nothing, as if every webhook were lost.
  sim = await startSimulator({ port: 0, log: false, razorpay: { ...C.razorpay }, xendit: { ...C.xendit }, pinelabs: { ...C.pinelabs }, payengine: { ...C.payengine }, eximpe: { ...C.eximpe } });
});
after(() => sim.close());

for (const c of CASES) {
  describe(`a late payment, ${c.name}`, () => {
    let proxy: RunningProxy;
    /** The proxy's clock: moved by hand, so the schedule's slots are reached without waiting for them. */
    let t = Date.now();
    /** Every GET the proxy sends the provider: its reads of links. */
    let reads: string[] = [];

    beforeEach(async () => {
      sim.control.reset();
      t = Date.now();
      reads = [];
      const env = simulatorProxyEnv(c.provider, { ...c.env(sim), PAY_LINK_INTENT_SECRET: INTENT_SECRET });
      const catalog = { products: [{ id: 'item', name: 'Item', price: c.price.decimal, currency: c.price.currency }], allowedOrigins: [SHOP_ORIGIN] };
      const config = loadConfig(env, () => JSON.stringify(catalog));
      const countingFetch: typeof fetch = (input, init) => {
        if ((init?.method ?? 'GET') === 'GET') reads.push(String(input));
        return fetch(input, init);
      };
      proxy = await startProxy({ ...config, port: 0 }, { logger: createLogger('silent'), now: () => t, fetch: countingFetch });
    });
    afterEach(() => proxy.close());

    /** Mints, then has the proxy see the link closed the way `end` closes it; answers the link id. */
    async function closedLink(end: 'expire' | 'cancel', body: object = { product: 'item' }): Promise<{ id: string; providerLinkId: string }> {
      const minted = await postJson(`${proxy.url}/v1/links`, body, { 'idempotency-key': `late-${end}-${Math.random()}` });
      assert.equal(minted.status, 201, await minted.clone().text());
      const { id } = (await minted.json()) as LinkView;
      const providerLinkId = c.providerIds(sim).at(-1)!;
      const links = proxy.proxy.links;
      if (end === 'cancel') {
        assert.equal((await links.cancel(id)).status, 'cancelled');
      } else {
        await c.expire(sim, providerLinkId);
        t += 6_000;
        assert.equal((await links.refresh(id))?.status, 'expired');
      }
      return { id, providerLinkId };
    }

    const status = async (id: string) => ((await (await fetch(`${proxy.url}/v1/links/${id}`)).json()) as LinkView).status;

    it('an expired link paid late is read on its schedule, once per slot, and reads paid', async () => {
      const { id, providerLinkId } = await closedLink('expire');
      await c.payLate(sim, providerLinkId);
      const links = proxy.proxy.links;

      // Before the first slot (1 min after it was seen closed) the sweeper owes it nothing.
      reads = [];
      t += CLOSED_RECHECKS_MS[0]! - 10_000;
      await links.sweep();
      assert.equal(reads.length, 0, 'no read before the first slot');

      // At the slot: one read, however many times the sweeper runs in it, and the late payment wins.
      t += 10_000;
      await Promise.all([links.sweep(), links.sweep()]);
      await links.sweep();
      assert.equal(reads.length, 1, `one read in the slot: ${reads.join(' ')}`);
      const record = await proxy.proxy.links.read(id);
      assert.equal(record.status, 'paid');
      assert.equal(record.amountPaid, c.price.value);
      assert.equal(record.recheckAt, null, 'a paid link is owed nothing');
    });

    it('a cancelled link paid late reads paid at its first slot', { skip: !c.cancels }, async () => {
      const { id, providerLinkId } = await closedLink('cancel');
      await c.payLate(sim, providerLinkId);
      t += CLOSED_RECHECKS_MS[0]!;
      await proxy.proxy.links.sweep();
      const record = await proxy.proxy.links.read(id);
      assert.equal(record.status, 'paid');
    });

    it("a buyer's re-check asks the provider: a hundred at once make one read", async () => {
      const { id, providerLinkId } = await closedLink('expire');
      await c.payLate(sim, providerLinkId);
      reads = [];
      t += 6_000;
      const answers = await Promise.all(Array.from({ length: 100 }, () => status(id)));
      assert.deepEqual(new Set(answers), new Set(['paid']));
      assert.equal(reads.length, 1, `one provider read for 100 re-checks: ${reads.length}`);
    });

    it('an expired, unpaid link keeps its schedule and ends it after the grace window', async () => {
      const { id } = await closedLink('expire');
      const links = proxy.proxy.links;
      let record = await links.read(id);
      const closedAt = record.closedAt!;
      assert.equal(record.recheckAt, closedAt + CLOSED_RECHECKS_MS[0]!);
      // Each owed read moves the next one along the schedule; none is owed after seven days.
      const seen: number[] = [];
      for (let i = 0; i < 20 && record.recheckAt !== null; i++) {
        seen.push(record.recheckAt - closedAt);
        t = record.recheckAt;
        await links.sweep();
        record = await links.read(id);
        assert.equal(record.status, 'expired');
      }
      assert.deepEqual(seen.slice(0, 4), [...CLOSED_RECHECKS_MS]);
      assert.equal(seen.at(-1), 7 * 86_400_000, 'the last read at the end of the grace window');
      assert.equal(record.recheckAt, null);
    });

    it('an invoice paid after its link expired shows the receipt, and a click mints no second link', async () => {
      const token = signIntent(
        { amount: { value: c.price.value, currency: c.price.currency }, reference: `INV-LATE-${c.provider}-${c.name.length}`, description: 'Invoice', expiresAt: new Date(Date.now() + 30 * 86_400_000) },
        INTENT_SECRET,
      );
      const { id, providerLinkId } = await closedLink('expire', { intent: token });
      await c.payLate(sim, providerLinkId);
      // No time passes: the pay page still asks, since it would otherwise offer a fresh link.
      t += 1_000;
      const page = await (await fetch(`${proxy.url}/pay/${token}`)).text();
      assert.match(page, /Paid/);
      assert.doesNotMatch(page, /creates a fresh one/);

      const click = await postJson(`${proxy.url}/v1/links`, { intent: token });
      assert.equal(click.status, 200, await click.clone().text());
      const answered = (await click.json()) as LinkView;
      assert.equal(answered.id, id);
      assert.equal(answered.status, 'paid');
      assert.equal(c.providerIds(sim).length, 1, 'one link at the provider');
    });

    it('a click on an invoice whose expired link was paid a moment ago still finds the payment', async () => {
      const token = signIntent(
        { amount: { value: c.price.value, currency: c.price.currency }, reference: `INV-LATE2-${c.provider}-${c.name.length}`, description: 'Invoice', expiresAt: new Date(Date.now() + 30 * 86_400_000) },
        INTENT_SECRET,
      );
      const { providerLinkId } = await closedLink('expire', { intent: token });
      await c.payLate(sim, providerLinkId);
      // The proxy read the link expired this very instant; the click must not trust that read.
      const click = await postJson(`${proxy.url}/v1/links`, { intent: token });
      assert.equal(click.status, 200, await click.clone().text());
      assert.equal(((await click.json()) as LinkView).status, 'paid');
      assert.equal(c.providerIds(sim).length, 1);
    });
  });
}

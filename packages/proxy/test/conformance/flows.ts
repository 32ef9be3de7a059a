/**
 * The flow kit: the scenarios every provider's simulator suite runs, once, over real HTTP both ways (the proxy on
 * an ephemeral port, the simulator on another). A suite (`test/sim.<provider>.test.ts`) states its provider's
 * specifics — credentials, catalog, how to find its link at the simulator, how a buyer pays, what its webhooks
 * are called — and adds the scenarios only it has (cancel, duplicates, signatures …) through `specifics`.
 *
 * The shared scenarios, each run only where the spec states it:
 * - `minted`: a mint answers 201 pending at the catalog price; the spec checks the provider's own link.
 * - `refused`: products the provider cannot take are refused with a 400 code before the provider sees them.
 * - `paid`: paid through the simulator's control, the webhooks reach the proxy (all 200, to its webhook URL)
 *   and the link reads paid in full.
 * - `hostedPage`: paid by a buyer on the hosted checkout page: a 303 to where the provider sends the buyer, and
 *   the link reads paid.
 * - `refresh`: with webhooks off, nothing reaches the proxy and the link reads pending; a refresh reads it paid.
 * - `staleRead`: with webhooks off, a proxy whose reads are always stale reaches paid on plain reads.
 * - `expiry`: once the simulator clock passes the expiry the link reads expired; where the provider allows it, a
 *   payment landing after that still wins.
 *
 * @example
 * describeSimulatorFlows({ title: 'proxy ↔ Xendit simulator', provider: 'xendit', simulator: { xendit: { ...CREDS } }, … });
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type RunningSimulator, type SimulatorOptions, type WebhookDelivery, startSimulator } from '@pay-link/simulator';
import type { LinkView, Money, ProviderName } from '../../src/contract.ts';
import { type ProxyConfig, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { ProviderAdapter } from '../../src/providers/types.ts';
import { type RunningProxy, startProxy } from '../../src/server.ts';
import { eventually, postJson, simulatorProxyEnv } from '../helpers.ts';

/** Webhook settings every simulated provider takes. */
export interface WebhookChanges {
  url?: string;
  enabled?: boolean;
  duplicate?: boolean;
}

export interface SimulatedControl {
  configureWebhooks(changes: WebhookChanges): unknown;
}

/** What a scenario works with; built once per suite, valid from `before` on. */
export interface FlowContext<C extends SimulatedControl> {
  sim: RunningSimulator;
  /** The proxy under test: long staleness, so within a test only webhooks (or an explicit refresh) move a link. */
  proxy: RunningProxy;
  /** The provider's control at the simulator. */
  control: C;
  /** The proxy's webhook URL for this provider. */
  webhookUrl: string;
  /** The proxy's configuration, as `loadConfig` reads the suite's environment. */
  config(): ProxyConfig;
  /** An adapter built from that configuration, the way the proxy builds its own. */
  adapter(): ProviderAdapter;
  /** Another proxy on the same simulator, with its own staleness. The caller closes it. */
  startProxy(staleAfterMs: number): Promise<RunningProxy>;
  /** POST /v1/links; asserts the 201. */
  mint(body?: Record<string, unknown>, through?: RunningProxy): Promise<LinkView>;
  /** GET /v1/links/:id. */
  read(id: string, through?: RunningProxy): Promise<LinkView>;
  /** The simulator's delivery attempts for this suite's provider, oldest first. */
  deliveries(): WebhookDelivery[];
  /** Hands a recorded delivery to the proxy again, byte for byte. */
  replay(delivery: Pick<WebhookDelivery, 'headers' | 'body'>, url?: string): Promise<{ status: number; body: { outcome?: string; received?: boolean } }>;
  /** The provider's id of a proxy link (at the simulator). */
  providerId(view: LinkView): string;
}

export interface FlowSpec<C extends SimulatedControl, Paid> {
  /** The suite's `describe` title. */
  title: string;
  provider: ProviderName;
  /** The simulator's options for this provider (credentials). */
  simulator: Omit<SimulatorOptions, 'port' | 'log'>;
  /** The provider's variables for the proxy (base URL at `sim`). */
  env(sim: RunningSimulator): Record<string, string>;
  catalog: { products: Record<string, unknown>[]; allowedOrigins: string[] };
  /** The product most scenarios sell, and what it costs. */
  product: string;
  amount: Money;
  control(sim: RunningSimulator): C;
  /** The provider's id of a proxy link, found at the simulator (asserting it exists). */
  providerId(ctx: FlowContext<C>, view: LinkView): string;
  /** Pays the link at the simulator in full, as a buyer would; resolves once its webhooks were attempted. */
  pay(ctx: FlowContext<C>, providerId: string): Promise<Paid>;
  /** The deliveries that concern `view` (default: every delivery of the provider since the last reset). */
  deliveriesOf?(ctx: FlowContext<C>, view: LinkView): WebhookDelivery[];
  /** Waits for the webhooks a mint itself sends (PayEngine's PAYMENTLINK_CREATED), so later counts are stable. */
  settled?(ctx: FlowContext<C>, view: LinkView): Promise<void>;
  /** How many links the provider holds (for "refused before the provider saw it"). */
  linkCount(ctx: FlowContext<C>): number;

  minted: {
    title: string;
    /** Extra fields of the mint request (`returnUrl`). */
    body?: Record<string, unknown>;
    check(ctx: FlowContext<C>, view: LinkView, startedMs: number): void | Promise<void>;
  };
  refused?: { title: string; products: string[]; code: string };
  paid: {
    title: string;
    /** The last deliveries for the link after paying, as `[event, HTTP status]`. */
    deliveries: [event: string, status: number][];
    check?(ctx: FlowContext<C>, view: LinkView, after: LinkView, paid: Paid): void | Promise<void>;
  };
  hostedPage?: {
    title: string;
    /** Extra fields of the mint request; default `minted.body`. */
    body?: Record<string, unknown>;
    /** Where the pay button posts (see `payButton`). */
    payUrl(ctx: FlowContext<C>, view: LinkView): Promise<URL>;
    /** Where the buyer is sent after paying. */
    checkLocation(ctx: FlowContext<C>, view: LinkView, location: string): void;
  };
  refresh: { title: string };
  staleRead?: { title: string };
  expiry?: {
    title: string;
    advanceMs: number;
    before?(ctx: FlowContext<C>, view: LinkView): void;
    /** The provider's own status word for the link, and the word it must say once expired. */
    providerStatus(ctx: FlowContext<C>, view: LinkView): string | undefined;
    word: string;
    /** The expiry webhook: its event name, or `null` when the provider sends none (asserted), or absent. */
    event?: string | null;
    /** The proxy learns of the expiry only by reading (no event): a refresh must answer expired. */
    refresh?: boolean;
    after?(ctx: FlowContext<C>, view: LinkView): void;
    /** A payment landing after expiry (providers.md §7), where the provider allows one; it must win. */
    latePayment?(ctx: FlowContext<C>, view: LinkView): Promise<void>;
  };
  /** The provider's own scenarios, inside the same `describe`, run after the shared ones. */
  specifics?(ctx: () => FlowContext<C>): void;
}

/** The URL a hosted checkout page's pay form posts to, found with `form` (its first group is the action). */
export async function payButton(ctx: FlowContext<SimulatedControl>, view: LinkView, form: RegExp): Promise<URL> {
  const html = await (await fetch(view.url)).text();
  const action = form.exec(html)?.[1];
  assert.ok(action, 'a pay button');
  return new URL(action, ctx.sim.url);
}

/** Registers the shared scenarios for one provider, and its specifics, under one `describe`. */
export function describeSimulatorFlows<C extends SimulatedControl, Paid>(spec: FlowSpec<C, Paid>): void {
  describe(spec.title, () => {
    let sim: RunningSimulator;
    let proxy: RunningProxy;
    let ctx: FlowContext<C>;
    const config = () => loadConfig(simulatorProxyEnv(spec.provider, spec.env(sim)), () => JSON.stringify(spec.catalog));
    const start = (staleAfterMs: number) => startProxy({ ...config(), port: 0 }, { logger: createLogger('silent'), staleAfterMs });

    before(async () => {
      sim = await startSimulator({ port: 0, log: false, ...spec.simulator });
      proxy = await start(60_000);
      const webhookUrl = `${proxy.url}/v1/webhooks/${spec.provider}`;
      const control = spec.control(sim);
      ctx = {
        sim,
        proxy,
        control,
        webhookUrl,
        config,
        adapter: () => {
          const configured = config().providers[spec.provider];
          assert.ok(configured, `${spec.provider} is configured`);
          return configured.createAdapter({ fetch, now: Date.now });
        },
        startProxy: start,
        async mint(body = { product: spec.product }, through = proxy) {
          const res = await postJson(`${through.url}/v1/links`, body);
          assert.equal(res.status, 201, await res.clone().text());
          return (await res.json()) as LinkView;
        },
        async read(id, through = proxy) {
          return (await (await fetch(`${through.url}/v1/links/${id}`)).json()) as LinkView;
        },
        deliveries: () => sim.control.deliveries().filter((d) => d.provider === spec.provider),
        replay: (d, url = webhookUrl) =>
          fetch(url, { method: 'POST', headers: d.headers, body: d.body }).then(async (r) => ({ status: r.status, body: (await r.json()) as { outcome?: string } })),
        providerId: (view) => spec.providerId(ctx, view),
      };
    });
    beforeEach(() => {
      sim.control.reset();
      ctx.control.configureWebhooks({ url: ctx.webhookUrl, enabled: true, duplicate: false });
    });
    after(async () => {
      // The simulator first: it aborts deliveries still in flight to the proxy, which then closes at once.
      await sim.close();
      await proxy.close();
    });

    const deliveriesOf = (view: LinkView) => (spec.deliveriesOf ? spec.deliveriesOf(ctx, view) : ctx.deliveries());

    it(spec.minted.title, async () => {
      const started = Date.now();
      const view = await ctx.mint({ product: spec.product, ...spec.minted.body });
      assert.equal(view.provider, spec.provider);
      assert.equal(view.status, 'pending');
      assert.deepEqual(view.amount, spec.amount);
      await spec.minted.check(ctx, view, started);
    });

    const { refused } = spec;
    if (refused) {
      it(refused.title, async () => {
        const before = spec.linkCount(ctx);
        for (const product of refused.products) {
          const res = await postJson(`${proxy.url}/v1/links`, { product });
          assert.equal(res.status, 400, product);
          assert.equal(((await res.json()) as { code: string }).code, refused.code, product);
        }
        assert.equal(spec.linkCount(ctx), before, 'the provider saw nothing');
      });
    }

    it(spec.paid.title, async () => {
      const view = await ctx.mint();
      await spec.settled?.(ctx, view);
      const paid = await spec.pay(ctx, ctx.providerId(view));
      const sent = deliveriesOf(view);
      assert.deepEqual(
        sent.slice(-spec.paid.deliveries.length).map((d) => [d.event, d.status]),
        spec.paid.deliveries,
        sent.map((d) => d.error ?? '').join(' '),
      );
      for (const d of sent) assert.equal(d.url, ctx.webhookUrl);
      const after = await ctx.read(view.id);
      assert.equal(after.status, 'paid');
      assert.equal(after.amountPaid, spec.amount.value);
      await spec.paid.check?.(ctx, view, after, paid);
    });

    const { hostedPage } = spec;
    if (hostedPage) {
      it(hostedPage.title, async () => {
        const view = await ctx.mint({ product: spec.product, ...(hostedPage.body ?? spec.minted.body) });
        const pay = await fetch(await hostedPage.payUrl(ctx, view), { method: 'POST', redirect: 'manual' });
        assert.equal(pay.status, 303);
        hostedPage.checkLocation(ctx, view, pay.headers.get('location') ?? '');
        assert.equal((await ctx.read(view.id)).status, 'paid');
      });
    }

    it(spec.refresh.title, async () => {
      const view = await ctx.mint();
      await spec.settled?.(ctx, view);
      ctx.control.configureWebhooks({ enabled: false });
      const before = deliveriesOf(view).length;
      await spec.pay(ctx, ctx.providerId(view));
      assert.equal(deliveriesOf(view).length, before, 'nothing sent while webhooks are off');
      assert.equal((await ctx.read(view.id)).status, 'pending', 'nothing told the proxy yet');
      const refreshed = await proxy.proxy.links.refresh(view.id);
      assert.equal(refreshed?.status, 'paid');
      const after = await ctx.read(view.id);
      assert.equal(after.status, 'paid');
      assert.equal(after.amountPaid, spec.amount.value);
    });

    const { staleRead } = spec;
    if (staleRead) {
      it(staleRead.title, async () => {
        const eager = await start(0);
        try {
          const view = await ctx.mint({ product: spec.product }, eager);
          ctx.control.configureWebhooks({ enabled: false });
          await spec.pay(ctx, ctx.providerId(view));
          const after = await eventually(async () => {
            const current = await ctx.read(view.id, eager);
            assert.equal(current.status, 'paid');
            return current;
          });
          assert.equal(after.amountPaid, spec.amount.value);
        } finally {
          await eager.close();
        }
      });
    }

    const { expiry } = spec;
    if (expiry) {
      it(expiry.title, async () => {
        const view = await ctx.mint();
        expiry.before?.(ctx, view);
        await sim.control.advanceClock(expiry.advanceMs);
        assert.equal(expiry.providerStatus(ctx, view), expiry.word);
        if (expiry.event === null) assert.equal(deliveriesOf(view).length, 0, 'no expiry event');
        if (expiry.event) {
          const [first] = deliveriesOf(view);
          assert.equal(first?.event, expiry.event);
          assert.equal(first?.status, 200);
        }
        if (expiry.refresh) assert.equal((await proxy.proxy.links.refresh(view.id))?.status, 'expired');
        expiry.after?.(ctx, view);
        assert.equal((await ctx.read(view.id)).status, 'expired');
        if (expiry.latePayment) {
          await expiry.latePayment(ctx, view);
          const late = await ctx.read(view.id);
          assert.equal(late.status, 'paid');
          assert.equal(late.amountPaid, spec.amount.value);
        }
      });
    }

    spec.specifics?.(() => ctx);
  });
}

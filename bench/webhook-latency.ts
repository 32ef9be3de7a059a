/**
 * 4. Webhook → button latency: from the moment the simulated provider is told the buyer paid (it then signs and
 * sends the webhook) to `pay-link-paid` firing in a real Chromium page; SSE against polling (EventSource removed
 * from the page), median and p95 over the samples.
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { startStack } from '../scripts/stack.ts';
import { type BenchRow, fmt, quantile } from './table.ts';

const SAMPLES = { sse: 50, polling: 50 };

export async function benchWebhookLatency(): Promise<BenchRow[]> {
  const stack = await startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, logLevel: 'silent', rateLimits: false });
  const browser = await launchChromium();
  try {
    const rows: BenchRow[] = [];
    const results: Record<string, number[]> = {};
    for (const mode of ['sse', 'polling'] as const) {
      const context = await browser.newContext();
      if (mode === 'polling') await context.addInitScript(() => Reflect.deleteProperty(window, 'EventSource'));
      const page = await context.newPage();
      await page.goto(`${stack.demoUrl}/`);
      await page.waitForFunction(() => customElements.get('pay-link-button') !== undefined);
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES[mode]; i++) samples.push(await onePayment(page, stack));
      results[mode] = samples.sort((a, b) => a - b);
      await context.close();
    }
    for (const mode of ['sse', 'polling'] as const) {
      const s = results[mode]!;
      rows.push({
        bench: 'webhook → button',
        measure: `${mode}, median / p95, n=${s.length}`,
        value: `${fmt(quantile(s, 0.5), 1)} / ${fmt(quantile(s, 0.95), 1)} ms`,
        baseline: mode === 'sse' ? `polling median ${fmt(quantile(results.polling!, 0.5), 0)} ms` : '',
        ratio: mode === 'sse' ? `${fmt(quantile(results.polling!, 0.5) / quantile(s, 0.5), 0)}× faster than polling` : '',
        target: mode === 'sse' ? 'SSE p95 ≤ 25 ms' : '',
        verdict: mode === 'sse' ? (quantile(s, 0.95) <= 25 ? 'met' : 'missed') : 'info',
      });
    }
    return rows;
  } finally {
    await browser.close();
    await stack.close();
  }
}

/** One purchase: a fresh element mints (its popup is closed at once), then the provider is told it was paid. */
async function onePayment(page: Page, stack: Awaited<ReturnType<typeof startStack>>): Promise<number> {
  const popupOpened = page.waitForEvent('popup');
  const linkId = await page.evaluate(async () => {
    // Each sample a new buyer: a chai tin paid earlier in this tab's visit would show paid at once (kept for the visit)
    sessionStorage.clear();
    const el = document.createElement('pay-link-button');
    el.setAttribute('product', 'chai-tin');
    el.id = `bench-${Math.random().toString(36).slice(2)}`;
    document.body.append(el);
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const created = new Promise<string>((resolve) => el.addEventListener('pay-link-created', (e) => resolve((e as CustomEvent).detail.linkId), { once: true }));
    el.shadowRoot!.querySelector('button')!.click();
    const id = await created;
    el.addEventListener('pay-link-paid', () => ((window as unknown as Record<string, number>)[`paid-${id}`] = performance.timeOrigin + performance.now()), { once: true });
    return id;
  });
  await (await popupOpened).close();
  // Let the watcher settle into its steady state before paying: the re-check it makes when it notices the
  // closed window (within 500 ms) is over, and only the stream or the regular poll remains.
  await page.waitForTimeout(1_000);
  const record = await stack.proxy.proxy.links.read(linkId);
  const started = performance.timeOrigin + performance.now();
  const res = await fetch(`${stack.simulatorUrl.replace('localhost', '127.0.0.1')}/_control/razorpay/links/${record.providerLinkId}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`simulator pay answered ${res.status}`);
  const paidAt = (await page.waitForFunction((id) => (window as unknown as Record<string, number>)[`paid-${id}`], linkId, { timeout: 15_000, polling: 5 })).jsonValue();
  return (await paidAt) - started;
}

/** 4. Webhook → button latency: filled in once the widget lands (see below). */
import type { BenchRow } from './table.ts';

export async function benchWebhookLatency(): Promise<BenchRow[]> {
  return [];
}

/**
 * PayEngine test fixtures: a simulator with only PayEngine enabled, a webhook receiver, an authenticated client,
 * the seed's create body and a signature check written from the docs. Not a test file itself.
 */
import { createHmac } from 'node:crypto';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator } from '../src/index.ts';
import type { ApiResponse, WebhookReceiver } from './helpers.ts';
import { call, startWebhookReceiver } from './helpers.ts';

export const PE = DEMO_CREDENTIALS.payengine;
/** The raw key after `Basic ` (payengine-api-reference/authentication). */
export const PE_AUTH = `Basic ${PE.secretKey}`;
export const DAY_MS = 24 * 3600 * 1000;

export interface PayEngineHarness {
  sim: RunningSimulator;
  receiver: WebhookReceiver;
  /** `${sim.url}/payengine`, what a client uses instead of https://console.payengine.co. */
  base: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  control(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** Webhooks received so far, parsed. */
  events(): { event: string; event_uid: string; data: Record<string, unknown>; signature: string; body: string }[];
  close(): Promise<void>;
}

export async function startPayEngineHarness(): Promise<PayEngineHarness> {
  const receiver = await startWebhookReceiver();
  const sim = await startSimulator({ port: 0, log: false, payengine: { ...PE, webhookUrl: receiver.url } });
  const base = `${sim.url}/payengine`;
  return {
    sim,
    receiver,
    base,
    api: (method, path, body, headers = {}) => call(`${base}${path}`, method, body, { Authorization: PE_AUTH, ...headers }),
    control: (method, path, body) => call(`${sim.url}/_control${path}`, method, body, {}),
    events: () =>
      receiver.received.map((r) => {
        const json = JSON.parse(r.body) as { event: string; event_uid: string; data: Record<string, unknown> };
        return { ...json, signature: String(r.headers['x-pf-signature'] ?? ''), body: r.body };
      }),
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** `YYYYMMDD` of a UTC instant, the seed's date format. */
export const yyyymmdd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

/** The seed's create example (create-payment-link), with dates moved into the future. */
export function seedBody(data: Record<string, unknown> = {}, merchantId: string = PE.merchantId): Record<string, unknown> {
  return {
    merchant_id: merchantId,
    data: {
      amount: 12.5,
      currency_code: 'USD',
      payment_methods: ['CC_DC', 'ACH'],
      sales_tax: 2.5,
      order_number: 'A350',
      start_date: yyyymmdd(Date.now()),
      end_date: yyyymmdd(Date.now() + 30 * DAY_MS),
      description: 'A coffee cup in the morning',
      save_card_consent: true,
      internal_transaction_id: 'ID1',
      metadata: { customer_id: '123', email: 'customer@example.com' },
      ...data,
    },
  };
}

/** Verifies `X-PF-Signature` exactly as check-signature describes: split, "t.body", HMAC-SHA256 hex, compare. */
export function verifyPayEngineSignature(header: string, rawBody: string, secret: string = PE.webhookSecret): { ok: boolean; t: number } {
  const parts = Object.fromEntries(header.split(',').map((item) => item.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex');
  return { ok: parts.s === expected, t: Number(parts.t) };
}

export const pauseFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

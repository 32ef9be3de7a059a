/**
 * Fixtures for the Xendit simulator tests: a simulator with only Xendit on an ephemeral port, a callback
 * receiver, and an authenticated client. Not a test file itself (the runner only picks up `*.test.ts`).
 */
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator } from '../src/index.ts';
import { call, type ApiResponse, startWebhookReceiver, type WebhookReceiver } from './helpers.ts';

export const XND = DEMO_CREDENTIALS.xendit;
export const XENDIT_AUTH = `Basic ${Buffer.from(`${XND.secretKey}:`).toString('base64')}`;

export interface XenditHarness {
  sim: RunningSimulator;
  receiver: WebhookReceiver;
  /** `${sim.url}/xendit` — what a Xendit client uses instead of https://api.xendit.co. */
  base: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  control(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** Clears invoices, deliveries, received callbacks, and restores the receiver's 200. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startXenditHarness(): Promise<XenditHarness> {
  const receiver = await startWebhookReceiver();
  const sim = await startSimulator({ port: 0, log: false, xendit: { ...XND, webhookUrl: receiver.url } });
  const base = `${sim.url}/xendit`;
  const control = (method: string, path: string, body?: unknown) => call(`${sim.url}/_control${path}`, method, body, {});
  return {
    sim,
    receiver,
    base,
    api: (method, path, body, headers = {}) => call(`${base}${path}`, method, body, { Authorization: XENDIT_AUTH, ...headers }),
    control,
    async reset() {
      await control('POST', '/reset');
      receiver.received.length = 0;
      receiver.status = 200;
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** The seed's create body (docs.xendit.co/payment-links-api-overview), with a fresh external_id. */
export function seedInvoiceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    external_id: `payment-link-${Math.random().toString(36).slice(2, 10)}`,
    amount: 510000,
    description: 'Air Conditioner purchase',
    invoice_duration: 86400,
    customer: { given_names: 'John', surname: 'Doe', email: 'johndoe@example.com', mobile_number: '+6287774441111' },
    success_redirect_url: 'https://www.google.com',
    failure_redirect_url: 'https://www.google.com',
    currency: 'IDR',
    items: [{ name: 'Air Conditioner', quantity: 1, price: 100000, category: 'Electronic', url: 'https://yourcompany.com/example_item' }],
    metadata: { store_branch: 'Jakarta' },
    ...overrides,
  };
}

/** Submits one of the checkout's forms the way a browser does: POST, form-encoded, empty body. */
export async function press(sim: RunningSimulator, action: string) {
  const response = await fetch(new URL(action, sim.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') ?? '' };
}

export async function page(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

export const formActions = (html: string) => [...html.matchAll(/<form method="post" action="([^"]+)">/g)].map((m) => m[1]!);
export const buttons = (html: string) => [...html.matchAll(/<button type="submit"[^>]*>([^<]+)<\/button>/g)].map((m) => m[1]!);

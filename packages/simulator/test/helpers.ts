/**
 * Shared test fixtures: a simulator on an ephemeral port, a webhook receiver, and an authenticated client.
 * Not a test file itself (the runner only picks up `*.test.ts`).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/index.ts';

export const RZP = DEMO_CREDENTIALS.razorpay;

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** Raw body exactly as received, for signature checks. */
  body: string;
  json: { event: string; contains: string[]; payload: Record<string, { entity: Record<string, unknown> }> } & Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** HTTP status the receiver answers with. */
  status: number;
  /** Resolves once at least `count` webhooks have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(receiver.status).end();
      for (const wake of waiters) wake();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/razorpay`,
    received,
    status: 200,
    waitFor(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} webhooks within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

export interface Harness {
  sim: RunningSimulator;
  receiver: WebhookReceiver;
  /** `${sim.url}/razorpay` — what a Razorpay client uses instead of https://api.razorpay.com. */
  base: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  control(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * One call as a provider's client makes it: JSON in (a string is sent as is), redirects not followed, the body
 * parsed when it is JSON.
 */
export async function call(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON; each assertion names the exact value it expects.
  body: any;
}

export const AUTH = `Basic ${Buffer.from(`${RZP.keyId}:${RZP.keySecret}`).toString('base64')}`;

export async function startHarness(options: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const receiver = await startWebhookReceiver();
  const sim = await startSimulator({
    port: 0,
    log: false,
    razorpay: { ...RZP, webhookUrl: receiver.url },
    ...options,
  });
  const base = `${sim.url}/razorpay`;
  return {
    sim,
    receiver,
    base,
    api: (method, path, body, headers = {}) => call(`${base}${path}`, method, body, { Authorization: AUTH, ...headers }),
    control: (method, path, body) => call(`${sim.url}/_control${path}`, method, body, {}),
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** The seed's create body (providers.md §5.3), with timestamps relative to now. */
export function seedLikeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 1000,
    currency: 'INR',
    accept_partial: true,
    first_min_partial_amount: 100,
    expire_by: Math.floor(Date.now() / 1000) + 7 * 24 * 3600,
    reference_id: `TS${Math.random().toString(36).slice(2, 10)}`,
    description: 'Payment for policy no #23456',
    customer: { name: 'Gaurav Kumar', contact: '+919876543210', email: 'gaurav.kumar@example.com' },
    notify: { sms: true, email: true },
    reminder_enable: true,
    notes: { policy_name: 'Life Insurance Policy' },
    callback_url: 'https://example-callback-url.com/',
    callback_method: 'get',
    ...overrides,
  };
}

/** Resolves after `ms`, for asserting that something did NOT happen within a window. */
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pine Labs test fixtures: a simulator with the demo credentials, a webhook receiver, and a client that fetches
 * and sends the bearer token and tracing headers the way an integration does. Not a test file itself.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_CREDENTIALS, startSimulator, type RunningSimulator } from '../src/index.ts';
import { type ApiResponse, type WebhookReceiver, startWebhookReceiver } from './helpers.ts';

export const PINE = DEMO_CREDENTIALS.pinelabs;

export interface PinelabsHarness {
  sim: RunningSimulator;
  receiver: WebhookReceiver;
  /** `${sim.url}/pinelabs/api`: what a client uses instead of https://api.pluralpay.in/api. */
  base: string;
  token(): Promise<string>;
  /** An API call with a fresh token (unless `headers` overrides it), a Request-ID and a Request-Timestamp. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  raw(url: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
  control(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startPinelabsHarness(): Promise<PinelabsHarness> {
  const receiver = await startWebhookReceiver();
  const sim = await startSimulator({ port: 0, log: false, pinelabs: { ...PINE, webhookUrl: receiver.url } });
  const base = `${sim.url}/pinelabs/api`;
  const raw = async (url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, redirect: 'manual' });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  };
  let cached: string | undefined;
  const token = async () => {
    if (cached) return cached;
    const res = await raw(`${base}/auth/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: PINE.clientId, client_secret: PINE.clientSecret, grant_type: 'client_credentials' }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    cached = res.body.access_token as string;
    return cached;
  };
  return {
    sim,
    receiver,
    base,
    token,
    raw,
    async api(method, path, body, headers = {}) {
      return raw(`${base}${path}`, {
        method,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          Authorization: `Bearer ${await token()}`,
          'Request-ID': randomUUID(),
          'Request-Timestamp': new Date().toISOString(),
          ...headers,
        },
      });
    },
    control: (method, path, body) => {
      // A reset forgets issued tokens too.
      if (path === '/reset') cached = undefined;
      return raw(`${sim.url}/_control${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      });
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** The seed's example request (shared/seeds/pinelabs-create-payment-link.md), with a future expiry and a fresh reference. */
export function seedCreateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: { value: 50000, currency: 'INR' },
    description: 'Payment for Order1',
    expire_by: new Date(Date.now() + 7 * 24 * 3_600_000).toISOString(),
    allowed_payment_methods: ['CARD', 'UPI'],
    pre_auth: 'false',
    is_mcc_transaction: 'false',
    failure_callback_url: 'https://sample-failure-callback-url.test/failed',
    merchant_payment_link_reference: `ref_${Math.random().toString(36).slice(2, 12)}`,
    customer: {
      email_id: 'kevin.bob@example.com',
      first_name: 'Kevin',
      last_name: 'Bob',
      customer_id: '123456',
      mobile_number: '9876543210',
      country_code: '91',
    },
    merchant_metadata: { clientId: 'DD', transactionReferenceNo: 'pine-1223' },
    callback_url: 'https://sample-callback-url.test/done',
    part_payment: true,
    ...overrides,
  };
}

/** Pine Labs fixtures from the docs' own examples (providers.md §4), shared by the adapter tests. */
import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';

export const PINE_BASE = 'https://pluraluat.pinelabs.test/api';
/** The client secret of the docs' token example (§4.2), which the plugin also uses as the webhook key. */
export const PINE_CLIENT_SECRET = 'abcdefgwei7egyhuggwp39w8rh';
export const PINE_CLIENT_ID = 'a17ce30e-f88e-4f81-ada1-c3b4909ed232';
export const PINE_LINK_ID = 'pl-v1-250306082755-aa-uT0noy';
export const PINE_ORDER_ID = 'v1-250131113650-aa-TUzeRY';
export const PINE_TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.conformance';

/** The link object sample of §4.3, completed with the customer block of the seed's example. */
export const pinelabsLink = (over: Record<string, unknown> = {}) => ({
  payment_link: 'https://shortener.v2.pinepg.in/PLUTUS/3rh4jtd',
  payment_link_id: PINE_LINK_ID,
  status: 'CREATED',
  amount: { value: 100, currency: 'INR' },
  amount_due: { value: 100, currency: 'INR' },
  order_id: PINE_ORDER_ID,
  merchant_payment_link_reference: 'link_ref',
  description: 'Payment for order #12345',
  expire_by: '2025-03-21T08:29Z',
  allowed_payment_methods: ['NETBANKING'],
  pre_auth: false,
  failure_callback_url: null,
  is_mcc_transaction: true,
  customer: { email_id: 'kevin.bob@example.com', first_name: 'Kevin', last_name: 'Bob', mobile_number: '9876543210', country_code: '91' },
  merchant_metadata: { Key_XY: 'DD' },
  created_at: '2025-03-06T08:27:55.881Z',
  updated_at: '2025-03-06T08:27:55.881Z',
  ...over,
});

export const pinelabsTokenHandler = () =>
  http.post(`${PINE_BASE}/auth/v1/token`, () =>
    HttpResponse.json({ access_token: PINE_TOKEN, expires_at: new Date(Date.now() + 3_600_000).toISOString() }),
  );

export function signPinelabs(body: string, { secret = PINE_CLIENT_SECRET, id = 'msg_conformance_1', timestampMs = Date.now() } = {}) {
  const timestamp = String(Math.floor(timestampMs / 1000));
  const signature = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

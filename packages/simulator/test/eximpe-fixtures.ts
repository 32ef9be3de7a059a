/** EximPe test fixtures: the demo credentials as headers, the seed's create body. Not a test file itself. */
import { DEMO_CREDENTIALS } from '../src/index.ts';

export const EXIMPE = DEMO_CREDENTIALS.eximpe;
export const AUTH: Record<string, string> = { 'X-Client-ID': EXIMPE.clientId, 'X-Client-Secret': EXIMPE.clientSecret, 'X-API-Version': '1.0.0' };

/** The seed's create body (providers.md §1.3), with an expiry relative to now. */
export function seedBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: '1500.00',
    currency: 'INR',
    reference_id: `LINK_${Math.random().toString(36).slice(2, 10)}`,
    expiry_date: new Date(Date.now() + 7 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    buyer: {
      name: 'Alice Smith',
      email: 'alice@example.com',
      phone: '+919876543210',
      address: { line_1: '456 Park Avenue', city: 'New York', state: 'NY', postal_code: '10022', country_code: 'US' },
    },
    product: {
      name: 'Consulting Services',
      description: 'Professional consulting for Q4',
      hs_code: '998311',
      hs_code_description: 'Management consulting services',
      type_of_goods: 'service',
    },
    invoice: { number: 'INV-2024-001', date: '2024-10-01' },
    ...overrides,
  };
}


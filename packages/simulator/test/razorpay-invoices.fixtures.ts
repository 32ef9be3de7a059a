/**
 * Fixtures for the legacy payment-link tests (`/v1/invoices` with `type=link`). Not a test file itself.
 */
import assert from 'node:assert/strict';
import type { Harness } from './helpers.ts';

/** A create body with every parameter the seed lists for a legacy link (providers.md §5.4). */
export function legacyLinkBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'link',
    amount: 1000,
    currency: 'INR',
    description: 'Payment for policy no #23456',
    customer: { name: 'Gaurav Kumar', contact: '+919876543210', email: 'gaurav.kumar@example.com' },
    view_less: 1,
    receipt: `TS${Math.random().toString(36).slice(2, 10)}`,
    expire_by: Math.floor(Date.now() / 1000) + 7 * 24 * 3600,
    sms_notify: 0,
    email_notify: 0,
    notes: { policy_name: 'Life Insurance Policy' },
    partial_payment: 0,
    ...overrides,
  };
}

export interface LegacyLink {
  id: string;
  short_url: string;
  receipt: string | null;
  status: string;
  amount: number;
  amount_paid: number;
  amount_due: number;
  expire_by: number | null;
  order_id: string;
  issued_at: number;
}

export async function createLegacyLink(h: Harness, overrides: Record<string, unknown> = {}): Promise<LegacyLink> {
  const res = await h.api('POST', '/v1/invoices', legacyLinkBody(overrides));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as LegacyLink;
}

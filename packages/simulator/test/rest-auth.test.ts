import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, RZP, seedLikeBody, startHarness } from './helpers.ts';

const AUTH_FAILED = {
  error: {
    code: 'BAD_REQUEST_ERROR',
    description: 'Authentication failed',
    field: null,
    source: null,
    step: null,
    reason: null,
    metadata: {},
  },
};

describe('Razorpay REST: authentication and body handling', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const basic = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString('base64');

  it('rejects a request without Authorization with 401 and the exact envelope', async () => {
    const response = await fetch(`${h.base}/v1/payment_links`);
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), AUTH_FAILED);
  });

  it('rejects the wrong secret', async () => {
    const res = await h.api('GET', '/v1/payment_links', undefined, { Authorization: `Basic ${basic(RZP.keyId, 'nope')}` });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, AUTH_FAILED);
  });

  it('rejects a lower-case "basic" scheme even with the right credentials', async () => {
    const res = await h.api('GET', '/v1/payment_links', undefined, {
      Authorization: `basic ${basic(RZP.keyId, RZP.keySecret)}`,
    });
    assert.equal(res.status, 401);
  });

  it('rejects a quoted token and a Bearer token', async () => {
    for (const value of [`Basic "${basic(RZP.keyId, RZP.keySecret)}"`, `Bearer ${RZP.keySecret}`]) {
      const res = await h.api('GET', '/v1/payment_links', undefined, { Authorization: value });
      assert.equal(res.status, 401, value);
    }
  });

  it('accepts the right credentials', async () => {
    const res = await h.api('GET', '/v1/payment_links');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { payment_links: [] });
  });

  it('refuses a form-encoded body', async () => {
    const res = await h.api('POST', '/v1/payment_links', 'amount=1000&currency=INR', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST_ERROR');
    assert.equal(res.body.error.description, 'Content-Type must be application/json');
  });

  it('answers malformed JSON with a 400 envelope', async () => {
    const res = await h.api('POST', '/v1/payment_links', '{"amount": 1000,', { 'Content-Type': 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST_ERROR');
    assert.equal(res.body.error.description, 'The request body is not valid JSON');
  });

  it('answers an unknown path with the 404 envelope', async () => {
    // Orders, payments, … are not simulated (`/v1/invoices` is: the legacy payment links).
    const res = await h.api('GET', '/v1/orders');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.description, 'The requested URL was not found on the server.');
  });

  it('does not serve anything under /razorpay when Razorpay is not configured', async () => {
    const bare = await startHarness({ razorpay: undefined });
    try {
      const res = await fetch(`${bare.base}/v1/payment_links`, { method: 'POST', body: JSON.stringify(seedLikeBody()) });
      assert.equal(res.status, 404);
    } finally {
      await bare.close();
    }
  });
});

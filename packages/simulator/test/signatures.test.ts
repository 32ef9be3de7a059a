import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils.js';
import { signRazorpayPaymentLinkCallback, signRazorpayWebhook } from '../src/index.ts';

describe('Razorpay signatures', () => {
  it('signs the callback with the official payment-link vector (razorpay-node test/utils/razorpay-utils.spec.js)', () => {
    const signature = signRazorpayPaymentLinkCallback(
      { paymentLinkId: 'plink_IH3cNucfVEgV68', referenceId: 'TSsd1989', status: 'paid', paymentId: 'pay_IH3d0ara9bSsjQ' },
      'EnLs21M47BllR3X8PSFtjtbd',
    );
    assert.equal(signature, '07ae18789e35093e51d0a491eb9922646f3f82773547e5b0f67ee3f2d3bf7d5b');
  });

  it('produces a callback signature the official SDK accepts and rejects when a field changes', () => {
    const fields = { paymentLinkId: 'plink_AAAAAAAAAAAAAA', referenceId: '', status: 'partially_paid', paymentId: 'pay_BBBBBBBBBBBBBB' };
    const signature = signRazorpayPaymentLinkCallback(fields, 'secret-1');
    const params = {
      payment_link_id: fields.paymentLinkId,
      payment_link_reference_id: fields.referenceId,
      payment_link_status: fields.status,
      payment_id: fields.paymentId,
    };
    assert.equal(validatePaymentVerification(params, signature, 'secret-1'), true);
    assert.equal(validatePaymentVerification({ ...params, payment_link_status: 'paid' }, signature, 'secret-1'), false);
  });

  it('signs webhooks with the official vector', () => {
    assert.equal(
      signRazorpayWebhook('{"a":1,"b":2,"c":{"d":3}}', '123456'),
      '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc',
    );
  });

  it('agrees with Razorpay.validateWebhookSignature from the official package', () => {
    const body = JSON.stringify({ event: 'payment_link.paid', note: 'ünïcode ₹' });
    const signature = signRazorpayWebhook(body, 'whsec');
    assert.equal(Razorpay.validateWebhookSignature(body, signature, 'whsec'), true);
    assert.equal(Razorpay.validateWebhookSignature(body, signature, 'other'), false);
  });
});

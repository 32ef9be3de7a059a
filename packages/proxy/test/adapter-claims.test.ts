/**
 * What each adapter's hint events (events without `state`) claim happened, so the core can tell a read that
 * lags the event from one that reflects it: Xendit's callback status and `paid_at`, EximPe's
 * PAYMENT_SUCCESSFUL and its payment time, Pine Labs' ORDER_PROCESSED, PayEngine's PAYMENTLINK_CANCELLED. And
 * EximPe's payment time on a read of a paid link.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { WebhookEvent } from '../src/providers/types.ts';
import { ADAPTERS, LINK_ID, recordingLog } from './adapters.fixtures.ts';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

const fixture = (label: string) => ADAPTERS.find((f) => f.label === label)!;
const parse = (label: string, payload: object, headers: Record<string, string> = {}, log = recordingLog()) =>
  fixture(label).build({ log }).parseWebhook(Buffer.from(JSON.stringify(payload)), headers);
const linkEvent = (event: WebhookEvent) => {
  if (event.kind !== 'link') assert.fail(`a link event, not ${event.kind}: ${event.reason}`);
  return event;
};

describe('xendit callback claims', () => {
  const callback = (over: Record<string, unknown>) => ({ id: LINK_ID, external_id: 'ref', amount: 510000, ...over });

  it('claims what the callback says: PAID/SETTLED → paid at its paid_at, EXPIRED → expired', () => {
    const paid = linkEvent(parse('xendit', callback({ status: 'PAID', paid_at: '2024-11-28T06:41:29.776Z' })));
    assert.equal(paid.state, undefined, 'a token does not sign the body: still a hint');
    assert.deepEqual(paid.claims, { status: 'paid', paidAt: '2024-11-28T06:41:29.776Z' });
    assert.deepEqual(linkEvent(parse('xendit', callback({ status: 'SETTLED', paid_at: '2024-11-28T06:41:29Z' }))).claims, {
      status: 'paid',
      paidAt: '2024-11-28T06:41:29.000Z',
    });
    assert.deepEqual(linkEvent(parse('xendit', callback({ status: 'EXPIRED' }))).claims, { status: 'expired' });
  });

  it('claims paid without a time when paid_at is missing or unreadable, and nothing for an unknown status (reported once)', () => {
    assert.deepEqual(linkEvent(parse('xendit', callback({ status: 'PAID' }))).claims, { status: 'paid' });
    assert.deepEqual(linkEvent(parse('xendit', callback({ status: 'PAID', paid_at: 1732776089 }))).claims, { status: 'paid' });
    assert.deepEqual(linkEvent(parse('xendit', callback({ status: 'PAID', paid_at: 'yesterday' }))).claims, { status: 'paid' });
    const log = recordingLog();
    const unknown = linkEvent(parse('xendit', callback({ status: 'ON_HOLD' }), {}, log));
    assert.equal('claims' in unknown, false);
    assert.deepEqual(log.warnings.map((w) => w.obj), [{ provider: 'xendit', status: 'ON_HOLD' }]);
  });
});

describe('eximpe payment event claims', () => {
  /** The seed's v1 PAYMENT_SUCCESSFUL, verbatim (shared/seeds/eximpe-payment-links.txt). */
  const seedSuccess = {
    event_type: 'PAYMENT_SUCCESSFUL',
    event_time: '2024-02-15 16:53:15',
    version: '1.0',
    sequence_number: 'e40552bf-ed12-4f35-9a97-162d97e6fa34',
    data: {
      status: 'captured',
      message: 'Payment successful',
      mop_type: 'upi',
      order_id: 'OD3376378679',
      payment_id: 'PR6938527534',
      bank_ref_num: 'OD3376378679-PR6938527534',
      payment_completed_at: '2025-06-24T12:30:44.000000Z',
    },
  };

  it("PAYMENT_SUCCESSFUL claims paid at the payment's payment_completed_at", () => {
    const event = linkEvent(parse('eximpe', seedSuccess));
    assert.equal(event.state, undefined);
    assert.deepEqual(event.claims, { status: 'paid', paidAt: '2025-06-24T12:30:44.000Z' });
  });

  it('without payment_completed_at, falls back to a v2 event_time (zoned) but not to a v1 one (zone unknown)', () => {
    const { payment_completed_at: _omitted, ...data } = seedSuccess.data;
    const v2 = { ...seedSuccess, version: '2.0.0', event_time: '2025-02-12T10:31:00.123456Z', data };
    assert.deepEqual(linkEvent(parse('eximpe', v2)).claims, { status: 'paid', paidAt: '2025-02-12T10:31:00.123Z' });
    assert.deepEqual(linkEvent(parse('eximpe', { ...seedSuccess, data })).claims, { status: 'paid' });
    assert.deepEqual(linkEvent(parse('eximpe', { ...seedSuccess, data: { ...data, payment_completed_at: 12345 } })).claims, { status: 'paid' });
  });

  it('PAYMENT_FAILED claims nothing: a failed attempt leaves the link payable', () => {
    const failed = linkEvent(
      parse('eximpe', { ...seedSuccess, event_type: 'PAYMENT_FAILED', data: { ...seedSuccess.data, status: 'FAILED', payment_completed_at: null } }),
    );
    assert.equal('claims' in failed, false);
  });

  it("reads a paid link's payment time from payment_completed_at, else updated_at; null when the read has neither", async () => {
    const eximpe = fixture('eximpe').build({});
    const answer = (extra: Record<string, unknown>) =>
      http.get('https://eximpe.fixture.test/pg/payment-links/:id/', () =>
        HttpResponse.json({ success: true, message: 'ok', data: { payment_id: LINK_ID, payment_link: 'https://checkout.eximpe.com/pay/x', amount: '10.00', status: 'PAID', ...extra } }),
      );
    server.use(answer({ payment_completed_at: '2025-06-24T12:30:44.000000Z', updated_at: '2025-06-25T00:00:00Z' }));
    assert.equal((await eximpe.retrieve(LINK_ID)).paidAt, '2025-06-24T12:30:44.000Z');
    server.use(answer({ updated_at: '2025-06-24 12:31:00' }));
    assert.equal((await eximpe.retrieve(LINK_ID)).paidAt, '2025-06-24T12:31:00.000Z');
    server.use(answer({}));
    assert.equal((await eximpe.retrieve(LINK_ID)).paidAt, null, 'the claim supplies it then');
    server.use(answer({ status: 'ACTIVE', payment_completed_at: '2025-06-24T12:30:44Z' }));
    assert.equal((await eximpe.retrieve(LINK_ID)).paidAt, null, 'no payment time on a link that is not paid');
  });
});

describe('pine labs and payengine hint claims; razorpay has no hints', () => {
  it('payengine: PAYMENTLINK_CANCELLED claims cancelled; a transaction event claims nothing', () => {
    const cancelled = linkEvent(parse('payengine', { event_uid: 'u1', event: 'PAYMENTLINK_CANCELLED', data: { payment_link_id: LINK_ID } }));
    assert.equal(cancelled.state, undefined);
    assert.deepEqual(cancelled.claims, { status: 'cancelled' });
    const sale = linkEvent(parse('payengine', { event_uid: 'u2', event: 'PAYMENT_SALE', data: { payment_link_id: LINK_ID, auth_response: { status: 'PASS' } } }));
    assert.equal('claims' in sale, false);
  });

  it('pinelabs: ORDER_PROCESSED claims paid (no time documented); failures and authorizations claim nothing', () => {
    const events = ['ORDER_PROCESSED', 'ORDER_AUTHORIZED', 'ORDER_FAILED', 'PAYMENT_FAILED', 'ORDER_CANCELLED'].map((event_type) =>
      linkEvent(parse('pinelabs', { event_type, data: { order_id: 'v1-x', payment_link_id: LINK_ID } }, { 'webhook-id': `msg_${event_type}` })),
    );
    assert.deepEqual(
      events.map((e) => [e.event, e.claims]),
      [
        ['ORDER_PROCESSED', { status: 'paid' }],
        ['ORDER_AUTHORIZED', undefined],
        ['ORDER_FAILED', undefined],
        ['PAYMENT_FAILED', undefined],
        ['ORDER_CANCELLED', undefined],
      ],
    );
  });

  it('razorpay: every link event carries state, so none needs a claim', () => {
    const event = linkEvent(
      parse(
        'razorpay',
        { event: 'payment_link.paid', payload: { payment_link: { entity: { id: LINK_ID, short_url: 'https://rzp.io/i/x', status: 'paid', amount: 1000, amount_paid: 1000, currency: 'INR' } } } },
        { 'x-razorpay-event-id': 'evt_1' },
      ),
    );
    assert.equal(event.state?.status, 'paid');
    assert.equal('claims' in event, false);
  });
});

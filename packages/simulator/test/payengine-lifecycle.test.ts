import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DAY_MS, PE, type PayEngineHarness, pauseFor, seedBody, startPayEngineHarness, yyyymmdd } from './payengine-helpers.ts';

describe('PayEngine link lifecycle on the simulator clock, and the control API', () => {
  let h: PayEngineHarness;
  before(async () => {
    h = await startPayEngineHarness();
  });
  beforeEach(async () => {
    await h.control('POST', '/reset');
    h.receiver.received.length = 0;
  });
  after(() => h.close());

  const create = async (data: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/api/payment-link', seedBody(data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await h.receiver.waitFor(h.receiver.received.length + 1);
    return res.body as { payment_link_id: string; payment_link_url: string };
  };
  const get = async (id: string) => (await h.api('GET', `/api/payment-link/${id}`)).body;

  it('goes INACTIVE once the clock passes the end of its end_date (a whole UTC day), without a webhook', async () => {
    const endDay = Date.now() + 2 * DAY_MS;
    const link = await create({ start_date: undefined, end_date: yyyymmdd(endDay) });
    const endOfDay = Date.UTC(new Date(endDay).getUTCFullYear(), new Date(endDay).getUTCMonth(), new Date(endDay).getUTCDate() + 1);
    await h.control('POST', '/clock', { advanceMs: endOfDay - Date.now() - 60_000 });
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'ACTIVE', 'still on its last day');
    await h.control('POST', '/clock', { advanceMs: 120_000 });
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'INACTIVE');
    assert.equal(h.receiver.received.length, 1, 'only PAYMENTLINK_CREATED');
    const html = await (await fetch(link.payment_link_url)).text();
    assert.ok(html.includes('This payment link is no longer active.'));
    assert.doesNotMatch(html, /<button/);
    // Paying an INACTIVE link through the control API is refused like the page refuses it.
    const paid = await h.control('POST', `/payengine/links/${link.payment_link_id}/pay`, {});
    assert.equal(paid.status, 400);
    assert.deepEqual(paid.body, { error: 'Payment link is INACTIVE and cannot be paid' });
  });

  it('applies the transition in the background sweep, too', async () => {
    const link = await create({ start_date: undefined, end_date: yyyymmdd(Date.now() + DAY_MS) });
    await h.control('POST', '/clock', { advanceMs: 3 * DAY_MS });
    await pauseFor(700);
    const listed = (await h.control('GET', '/payengine/links')).body as { payment_link_id: string; payment_link_status: string }[];
    assert.equal(listed.find((l) => l.payment_link_id === link.payment_link_id)?.payment_link_status, 'INACTIVE');
  });

  it('is INACTIVE before its start_date and ACTIVE from it', async () => {
    const link = await create({ start_date: yyyymmdd(Date.now() + 3 * DAY_MS), end_date: yyyymmdd(Date.now() + 9 * DAY_MS) });
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'INACTIVE');
    assert.ok((await (await fetch(link.payment_link_url)).text()).includes('This payment link is not active yet.'));
    await h.control('POST', '/clock', { advanceMs: 4 * DAY_MS });
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'ACTIVE');
  });

  it('becomes ACTIVE again when PATCH moves an expired link’s end_date out', async () => {
    const link = await create({ start_date: undefined, end_date: yyyymmdd(Date.now()) });
    await h.control('POST', '/clock', { advanceMs: 2 * DAY_MS });
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'INACTIVE');
    const res = await h.api('PATCH', `/api/payment-link/${link.payment_link_id}`, {
      merchant_id: PE.merchantId,
      data: { end_date: yyyymmdd(Date.now() + 10 * DAY_MS) },
    });
    assert.equal(res.body.payment_link_status, 'ACTIVE');
  });

  it('control: pay awaits PAYMENT_SALE + PAYMENTLINK_UPDATED; forced COMPLETED pays even an INACTIVE link', async () => {
    const link = await create();
    const paid = await h.control('POST', `/payengine/links/${link.payment_link_id}/pay`, { method: 'ACH' });
    assert.equal(paid.body.payment_link_status, 'COMPLETED');
    assert.deepEqual(h.events().slice(1).map((e) => e.event), ['PAYMENT_SALE', 'PAYMENTLINK_UPDATED']);

    const late = await create({ start_date: undefined, end_date: yyyymmdd(Date.now()) });
    await h.control('POST', '/clock', { advanceMs: 2 * DAY_MS });
    const forced = await h.control('POST', `/payengine/links/${late.payment_link_id}/status`, { status: 'COMPLETED' });
    assert.equal(forced.body.payment_link_status, 'COMPLETED');
    assert.equal(h.events().at(-1)?.event, 'PAYMENTLINK_UPDATED');
  });

  it('control: INACTIVE ends the window now; CANCELLED without a webhook is silent', async () => {
    const link = await create();
    const expired = await h.control('POST', `/payengine/links/${link.payment_link_id}/status`, { status: 'INACTIVE' });
    assert.equal(expired.body.payment_link_status, 'INACTIVE');
    assert.equal((await get(link.payment_link_id)).payment_link_status, 'INACTIVE', 'stays INACTIVE after a sweep');
    const other = await create();
    const before = h.receiver.received.length;
    await h.control('POST', `/payengine/links/${other.payment_link_id}/status`, { status: 'CANCELLED', webhook: false });
    assert.equal((await get(other.payment_link_id)).payment_link_status, 'CANCELLED');
    assert.equal(h.receiver.received.length, before);
  });

  it('control: webhooks off sends nothing; duplicate sends each event twice with the same event_uid', async () => {
    await h.control('POST', '/payengine/webhooks', { enabled: false });
    const quiet = await h.api('POST', '/api/payment-link', seedBody());
    await h.control('POST', `/payengine/links/${quiet.body.payment_link_id}/pay`, {});
    assert.equal(h.receiver.received.length, 0);

    const settings = await h.control('POST', '/payengine/webhooks', { enabled: true, duplicate: true });
    assert.deepEqual(settings.body, { url: h.receiver.url, enabled: true, duplicate: true });
    const link = (await h.api('POST', '/api/payment-link', seedBody())).body as { payment_link_id: string };
    await h.receiver.waitFor(2);
    assert.deepEqual(h.events().map((e) => e.event), ['PAYMENTLINK_CREATED', 'PAYMENTLINK_CREATED']);
    h.receiver.received.length = 0;
    await h.control('POST', `/payengine/links/${link.payment_link_id}/pay`, {});
    const events = h.events();
    assert.deepEqual(events.map((e) => e.event), ['PAYMENT_SALE', 'PAYMENT_SALE', 'PAYMENTLINK_UPDATED', 'PAYMENTLINK_UPDATED']);
    assert.equal(events[0]!.event_uid, events[1]!.event_uid);
    assert.equal(events[0]!.body, events[1]!.body);
    assert.notEqual(events[0]!.event_uid, events[2]!.event_uid);
    const recorded = (await h.control('GET', '/deliveries?provider=payengine')).body as { event: string; status: number }[];
    assert.ok(recorded.every((d) => d.status === 200));
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pause } from './helpers.ts';
import { seedInvoiceBody, startXenditHarness, XND, type XenditHarness } from './xendit-helpers.ts';

const HOUR_MS = 3600 * 1000;

describe('Xendit expiry on the simulator clock', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v2/invoices', seedInvoiceBody({ invoice_duration: 3600, ...overrides }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; invoice_url: string; expiry_date: string };
  };

  it('expires a PENDING invoice once the clock passes expiry_date, with exactly one EXPIRED callback', async () => {
    const inv = await create();
    await h.control('POST', '/clock', { advanceMs: HOUR_MS - 60_000 });
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'PENDING');
    await h.control('POST', '/clock', { advanceMs: 61_000 });
    const after = await h.api('GET', `/v2/invoices/${inv.id}`);
    assert.equal(after.body.status, 'EXPIRED');
    assert.equal(after.body.expiry_date, inv.expiry_date, 'a natural expiry keeps the date');
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.status, 'EXPIRED');
    assert.equal(hook?.headers['x-callback-token'], XND.callbackToken);
    await pause(1200);
    await h.api('GET', `/v2/invoices/${inv.id}`);
    assert.equal(h.receiver.received.length, 1, 'sweeps and reads do not send it again');
  });

  it('a paid invoice does not expire; an expired one cannot be paid on the page', async () => {
    const paid = await create();
    const pending = await create();
    await h.control('POST', `/xendit/links/${paid.id}/pay`, {});
    h.receiver.received.length = 0;
    await h.control('POST', '/clock', { advanceMs: 2 * HOUR_MS });
    assert.equal((await h.api('GET', `/v2/invoices/${paid.id}`)).body.status, 'PAID');
    assert.equal((await h.api('GET', `/v2/invoices/${pending.id}`)).body.status, 'EXPIRED');
    assert.deepEqual(h.receiver.received.map((r) => [r.json.id, r.json.status]), [[pending.id, 'EXPIRED']]);
    const html = await (await fetch(pending.invoice_url)).text();
    assert.doesNotMatch(html, /<button/);
    const refused = await h.control('POST', `/xendit/links/${pending.id}/pay`, {});
    assert.equal(refused.status, 400);
  });
});

describe('Xendit control API', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v2/invoices', seedInvoiceBody(overrides));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string };
  };

  it('lists invoices oldest first and pays with a chosen channel', async () => {
    const a = await create();
    const b = await create();
    const paid = await h.control('POST', `/xendit/links/${b.id}/pay`, { channel: 'BCA' });
    assert.equal(paid.status, 200);
    assert.equal(paid.body.bank_code, 'BCA');
    const links = await h.control('GET', '/xendit/links');
    assert.deepEqual(links.body.map((i: { id: string; status: string }) => [i.id, i.status]), [
      [a.id, 'PENDING'],
      [b.id, 'PAID'],
    ]);
    assert.equal((await h.control('POST', '/xendit/links/ffffffffffffffffffffffff/pay', {})).status, 404);
    assert.equal((await h.control('POST', `/xendit/links/${a.id}/pay`, { channel: 'GOPAY' })).status, 400);
  });

  it('forces EXPIRED, then a late PAID (QRIS paid after expiry), then SETTLED; each with its callback', async () => {
    const inv = await create();
    assert.equal((await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'EXPIRED' })).body.status, 'EXPIRED');
    const late = await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'PAID' });
    assert.equal(late.body.status, 'PAID');
    assert.equal(late.body.paid_amount, 510000);
    const settled = await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'SETTLED' });
    assert.equal(settled.body.status, 'SETTLED');
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'SETTLED');
    assert.deepEqual(h.receiver.received.map((r) => r.json.status), ['EXPIRED', 'PAID'], 'settlement sends no callback');
    assert.equal((await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'PAID' })).status, 400, 'paid twice');
    assert.equal((await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'ACTIVE' })).status, 400);
  });

  it('SETTLED on a PENDING invoice pays it first', async () => {
    const inv = await create();
    assert.equal((await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'SETTLED' })).body.status, 'SETTLED');
    assert.deepEqual(h.receiver.received.map((r) => r.json.status), ['PAID']);
  });

  it('changes state silently with webhook: false, and resends the remembered callbacks in order or reversed', async () => {
    const inv = await create();
    await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'EXPIRED', webhook: false });
    await h.control('POST', `/xendit/links/${inv.id}/status`, { status: 'PAID', webhook: false });
    await pause(50);
    assert.equal(h.receiver.received.length, 0);
    const forward = await h.control('POST', `/xendit/links/${inv.id}/resend`, {});
    assert.deepEqual(forward.body.map((d: { event: string }) => d.event), ['invoice.expired', 'invoice.paid']);
    const reversed = await h.control('POST', `/xendit/links/${inv.id}/resend`, { reverse: true });
    assert.deepEqual(reversed.body.map((d: { event: string; status: number }) => [d.event, d.status]), [
      ['invoice.paid', 200],
      ['invoice.expired', 200],
    ]);
    assert.deepEqual(h.receiver.received.map((r) => r.json.status), ['EXPIRED', 'PAID', 'PAID', 'EXPIRED']);
    assert.equal(h.receiver.received[0]!.body, h.receiver.received[3]!.body, 'a resend is byte for byte the same');
  });

  it('turns callbacks off and on, duplicates them, and changes the token', async () => {
    const a = await create();
    await h.control('POST', '/xendit/webhooks', { enabled: false });
    await h.control('POST', `/xendit/links/${a.id}/pay`, {});
    assert.equal(h.receiver.received.length, 0);

    const settings = await h.control('POST', '/xendit/webhooks', { enabled: true, duplicate: true, token: 'rotated_token_for_tests_02' });
    assert.deepEqual(settings.body, { url: h.receiver.url, token: 'rotated_token_for_tests_02', enabled: true, duplicate: true });
    const b = await create();
    await h.control('POST', `/xendit/links/${b.id}/pay`, {});
    assert.equal(h.receiver.received.length, 2);
    assert.equal(h.receiver.received[0]!.body, h.receiver.received[1]!.body);
    assert.equal(h.receiver.received[0]!.headers['x-callback-token'], 'rotated_token_for_tests_02');

    await h.control('POST', '/xendit/webhooks', { url: null });
    await h.control('POST', `/xendit/links/${(await create()).id}/pay`, {});
    assert.equal(h.receiver.received.length, 2, 'no URL, no callback');
    assert.equal((await h.control('POST', '/xendit/webhooks', { url: 'ftp://x' })).status, 400);
  });

  it('reset forgets invoices and callback history and restores the configured settings', async () => {
    const inv = await create();
    await h.control('POST', '/xendit/webhooks', { enabled: false, token: 'another_token_000000' });
    await h.control('POST', '/reset');
    assert.deepEqual((await h.control('GET', '/xendit/links')).body, []);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).status, 404);
    const settings = await h.control('POST', '/xendit/webhooks', {});
    assert.deepEqual(settings.body, { url: h.receiver.url, token: XND.callbackToken, enabled: true, duplicate: false });
  });

  it('is in-process too: startSimulator exposes control.xendit', async () => {
    const inv = await create();
    const paid = await h.sim.control.xendit!.pay(inv.id);
    assert.equal(paid.status, 'PAID');
    assert.equal(paid.payment_channel, 'DANA');
    assert.equal(h.sim.control.xendit!.links().length, 1);
  });
});

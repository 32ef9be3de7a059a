import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buttons, formActions, page, press, seedInvoiceBody, startXenditHarness, XND, type XenditHarness } from './xendit-helpers.ts';

/** Intl puts a no-break space after `Rp`; the page shows it as is. */
const RP_150K = 'Rp\u00a0150.000';

describe('Xendit hosted checkout', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v2/invoices', seedInvoiceBody({ amount: 150000, ...overrides }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; invoice_url: string; external_id: string };
  };

  it('renders the invoice with rupiah as Xendit shows them, real buttons and a strict CSP', async () => {
    const inv = await create({ success_redirect_url: 'https://shop.example/thanks', failure_redirect_url: 'https://shop.example/failed' });
    const res = await page(inv.invoice_url);
    assert.equal(res.status, 200);
    assert.ok(res.html.includes('Xendit (simulated)'));
    assert.ok(res.html.includes('Air Conditioner purchase'));
    assert.ok(res.html.includes(`<p class="amount">${RP_150K}</p>`), 'whole rupiah with dot grouping');
    assert.ok(res.html.includes('Unpaid'), "the dashboard's word for PENDING");
    assert.ok(res.html.includes(inv.external_id));
    assert.deepEqual(buttons(res.html), [
      `Pay ${RP_150K} with DANA e-wallet`,
      `Pay ${RP_150K} with BCA virtual account`,
      'Fail this attempt',
      'Expire invoice',
    ]);
    assert.doesNotMatch(res.html, /<script/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self' https:\/\/shop\.example(;|$)/, 'the redirect origin, once');
  });

  it('offers a card for other currencies, formatted with cents', async () => {
    const inv = await create({ currency: 'USD', amount: 12.5 });
    assert.deepEqual(buttons((await page(inv.invoice_url)).html), ['Pay $12.50 with card', 'Fail this attempt', 'Expire invoice']);
  });

  it('pays: the PAID callback carries the token and the seed fields, then a 303 to success_redirect_url', async () => {
    const inv = await create({ success_redirect_url: 'https://shop.example/thanks?pay_link_id=pl_1' });
    const pay = await press(h.sim, formActions((await page(inv.invoice_url)).html)[0]!);
    assert.equal(pay.status, 303);
    assert.equal(pay.location, 'https://shop.example/thanks?pay_link_id=pl_1', 'as given, no parameters added');

    // Awaited before the redirect, so it is here already.
    assert.equal(h.receiver.received.length, 1);
    const [hook] = h.receiver.received;
    assert.equal(hook?.headers['x-callback-token'], XND.callbackToken);
    assert.match(String(hook?.headers['content-type']), /^application\/json/);
    const body = hook!.json as unknown as Record<string, unknown>;
    assert.equal(body.id, inv.id);
    assert.equal(body.external_id, inv.external_id);
    assert.equal(body.status, 'PAID');
    assert.equal(body.amount, 150000);
    assert.equal(body.paid_amount, 150000);
    assert.equal(body.currency, 'IDR');
    assert.equal(body.payment_method, 'EWALLET');
    assert.equal(body.payment_channel, 'DANA');
    assert.equal(body.ewallet_type, 'DANA');
    assert.match(String(body.payment_id), /^ewc_[0-9a-f-]{36}$/);
    assert.match(String(body.payment_method_id), /^pm-[0-9a-f-]{36}$/);
    assert.equal(body.is_high, false);
    assert.equal(typeof body.paid_at, 'string');
    assert.equal('available_banks' in body, false, 'the callback is the invoice without the checkout arrays');
    assert.equal('event' in body, false, 'no event name (seed)');

    const after = await h.api('GET', `/v2/invoices/${inv.id}`);
    assert.equal(after.body.status, 'PAID');
    assert.equal(after.body.paid_at, body.paid_at);
    const paidPage = await page(inv.invoice_url);
    assert.deepEqual(buttons(paidPage.html), [], 'no pay buttons on a paid invoice');
    assert.ok(paidPage.html.includes('This invoice has been paid.'));
    assert.ok(paidPage.html.includes('DANA'));
  });

  it('pays by virtual account: bank_code and payment_destination instead of ewallet_type', async () => {
    const inv = await create();
    await press(h.sim, formActions((await page(inv.invoice_url)).html)[1]!);
    const body = h.receiver.received[0]!.json as unknown as Record<string, unknown>;
    assert.equal(body.payment_method, 'BANK_TRANSFER');
    assert.equal(body.bank_code, 'BCA');
    assert.match(String(body.payment_destination), /^\d{10}$/);
    assert.equal('ewallet_type' in body, false);
  });

  it('without success_redirect_url, lands on a success page', async () => {
    const inv = await create({ success_redirect_url: undefined, failure_redirect_url: undefined });
    const pay = await press(h.sim, formActions((await page(inv.invoice_url)).html)[0]!);
    const landing = await page(new URL(pay.location, h.sim.url).href);
    assert.equal(landing.status, 200);
    assert.ok(landing.html.includes('Payment successful — you can close this window'));
  });

  it('a failed attempt stays on the page, payable, and sends nothing', async () => {
    const inv = await create();
    const fail = await press(h.sim, formActions((await page(inv.invoice_url)).html)[2]!);
    assert.equal(fail.status, 303);
    const after = await page(new URL(fail.location, h.sim.url).href);
    assert.ok(after.html.includes('Payment failed, try again'));
    assert.equal(buttons(after.html)[0], `Pay ${RP_150K} with DANA e-wallet`);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'PENDING');
    assert.equal(h.receiver.received.length, 0);
  });

  it('the expire button expires the invoice and sends the EXPIRED callback; the page offers nothing more', async () => {
    const inv = await create();
    const expire = await press(h.sim, formActions((await page(inv.invoice_url)).html)[3]!);
    assert.equal(expire.status, 303);
    const after = await page(inv.invoice_url);
    assert.ok(after.html.includes('This invoice has expired and can no longer be paid.'));
    assert.deepEqual(buttons(after.html), []);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'EXPIRED');
    assert.equal(h.receiver.received[0]?.json.status, 'EXPIRED');
    const late = await press(h.sim, `/xendit/web/${inv.id}/pay/DANA`);
    assert.equal(late.status, 303);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'EXPIRED', 'an expired page cannot be paid');
  });

  it('a callback the receiver rejects is recorded and the buyer is still redirected', async () => {
    h.receiver.status = 404;
    const inv = await create();
    const pay = await press(h.sim, formActions((await page(inv.invoice_url)).html)[0]!);
    assert.equal(pay.status, 303);
    assert.equal(pay.location, 'https://www.google.com');
    const deliveries = (await h.control('GET', '/deliveries?provider=xendit')).body;
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].status, 404);
    assert.equal(deliveries[0].event, 'invoice.paid');
  });

  it('posting to a paid invoice does not pay twice, and an unknown channel does nothing', async () => {
    const inv = await create();
    const [pay] = formActions((await page(inv.invoice_url)).html);
    assert.equal((await press(h.sim, `/xendit/web/${inv.id}/pay/GOPAY`)).status, 303);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'PENDING');
    await press(h.sim, pay!);
    const first = (await h.api('GET', `/v2/invoices/${inv.id}`)).body.payment_id;
    await press(h.sim, pay!);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.payment_id, first);
    assert.equal(h.receiver.received.length, 1);
  });

  it('answers an unknown invoice with a 404 page', async () => {
    const res = await page(`${h.base}/web/ffffffffffffffffffffffff`);
    assert.equal(res.status, 404);
    assert.ok(res.html.includes('Invoice not found'));
  });
});

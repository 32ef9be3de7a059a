import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { seedInvoiceBody, startXenditHarness, XENDIT_AUTH, XND, type XenditHarness } from './xendit-helpers.ts';

describe('Xendit REST: auth and errors', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it('takes the secret key as Basic username with an empty password, nothing else', async () => {
    const variants: Record<string, string | undefined> = {
      missing: undefined,
      'wrong key': `Basic ${Buffer.from('xnd_development_other:').toString('base64')}`,
      'with a password': `Basic ${Buffer.from(`${XND.secretKey}:secret`).toString('base64')}`,
      'without the colon': `Basic ${Buffer.from(XND.secretKey).toString('base64')}`,
      'bearer': `Bearer ${XND.secretKey}`,
    };
    for (const [name, authorization] of Object.entries(variants)) {
      const res = await h.api('GET', '/v2/invoices', undefined, authorization === undefined ? { Authorization: '' } : { Authorization: authorization });
      assert.equal(res.status, 401, name);
      assert.deepEqual(res.body, { error_code: 'INVALID_API_KEY', message: 'API key is invalid' }, name);
    }
    assert.equal((await h.api('GET', '/v2/invoices')).status, 200);
  });

  it('answers unknown invoices and unknown paths with Xendit error bodies', async () => {
    const missing = await h.api('GET', '/v2/invoices/000000000000000000000000');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Invoice not found' });
    const nowhere = await h.api('GET', '/v3/nothing');
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.error_code, 'NOT_FOUND');
  });

  it('plays injected faults with Xendit-shaped bodies, on the REST surface only', async () => {
    await h.control('POST', '/faults', { provider: 'xendit', status: 503, times: 1 });
    const fault = await h.api('GET', '/v2/invoices');
    assert.equal(fault.status, 503);
    assert.equal(fault.body.error_code, 'SERVER_ERROR');
    assert.equal((await h.api('GET', '/v2/invoices')).status, 200);
  });
});

describe('Xendit REST: create', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it("answers the seed's request with the seed's response shape", async () => {
    const before = Date.now();
    const res = await h.api('POST', '/v2/invoices', seedInvoiceBody({ external_id: 'payment-link-example' }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const inv = res.body;
    assert.match(inv.id, /^[0-9a-f]{24}$/);
    assert.match(inv.user_id, /^[0-9a-f]{24}$/);
    assert.equal(inv.external_id, 'payment-link-example');
    assert.equal(inv.status, 'PENDING');
    assert.equal(inv.amount, 510000);
    assert.equal(inv.currency, 'IDR');
    assert.equal(inv.description, 'Air Conditioner purchase');
    assert.equal(inv.invoice_url, `${h.base}/web/${inv.id}`);
    assert.equal(inv.should_send_email, false);
    assert.equal(inv.success_redirect_url, 'https://www.google.com');
    assert.equal(inv.failure_redirect_url, 'https://www.google.com');
    assert.deepEqual(inv.metadata, { store_branch: 'Jakarta' });
    assert.deepEqual(inv.customer, { given_names: 'John', surname: 'Doe', email: 'johndoe@example.com', mobile_number: '+6287774441111' });
    assert.equal(inv.items[0].name, 'Air Conditioner');
    const created = Date.parse(inv.created);
    assert.ok(created >= before - 5 && created <= Date.now() + 5);
    assert.equal(inv.updated, inv.created);
    assert.equal(Date.parse(inv.expiry_date) - created, 86_400_000, 'expiry_date = created + invoice_duration');
    assert.deepEqual(inv.available_banks.map((b: { bank_code: string }) => b.bank_code), ['BNI', 'MANDIRI', 'PERMATA', 'BRI', 'BCA']);
    assert.equal(inv.available_banks[0].transfer_amount, 510000);
    assert.deepEqual(inv.available_qr_codes, [{ qr_code_type: 'QRIS' }]);
    assert.equal(inv.available_ewallets.length, 7);
    assert.deepEqual(inv.available_paylaters, []);
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.id, inv.id);
  });

  it('defaults currency to IDR and invoice_duration to 24 hours; other currencies get empty method arrays', async () => {
    const res = await h.api('POST', '/v2/invoices', { external_id: 'minimal', amount: 10000 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.currency, 'IDR');
    assert.equal(Date.parse(res.body.expiry_date) - Date.parse(res.body.created), 24 * 3600 * 1000);
    const usd = await h.api('POST', '/v2/invoices', { external_id: 'usd', amount: 10.5, currency: 'USD' });
    assert.equal(usd.body.amount, 10.5);
    for (const key of ['available_banks', 'available_retail_outlets', 'available_ewallets', 'available_qr_codes', 'available_direct_debits', 'available_paylaters']) {
      assert.deepEqual(usd.body[key], [], key);
    }
  });

  it('truncates IDR decimals, as Xendit does (providers.md §2.4)', async () => {
    const res = await h.api('POST', '/v2/invoices', { external_id: 'sen', amount: 4550.5 });
    assert.equal(res.body.amount, 4550);
  });

  it('allows a duplicate external_id (Xendit does not enforce it)', async () => {
    const a = await h.api('POST', '/v2/invoices', seedInvoiceBody({ external_id: 'same' }));
    const b = await h.api('POST', '/v2/invoices', seedInvoiceBody({ external_id: 'same' }));
    assert.equal(b.status, 200);
    assert.notEqual(a.body.id, b.body.id);
  });

  it('refuses what the docs refuse, with their codes', async () => {
    const cases: [Record<string, unknown>, number, string, string | RegExp][] = [
      [{ external_id: undefined }, 400, 'API_VALIDATION_ERROR', '"external_id" is required'],
      [{ external_id: '' }, 400, 'API_VALIDATION_ERROR', '"external_id" is not allowed to be empty'],
      [{ amount: undefined }, 400, 'API_VALIDATION_ERROR', '"amount" is required'],
      [{ amount: '510000' }, 400, 'API_VALIDATION_ERROR', '"amount" must be a number'],
      [{ amount: 0 }, 400, 'API_VALIDATION_ERROR', '"amount" must be a positive number'],
      [{ currency: 'EUR' }, 400, 'UNSUPPORTED_CURRENCY', 'Invoice currency is not supported for this business'],
      [{ invoice_duration: 31_536_001 }, 400, 'API_VALIDATION_ERROR', '"invoice_duration" must be less than or equal to 31536000'],
      [{ invoice_duration: 0 }, 400, 'API_VALIDATION_ERROR', '"invoice_duration" must be a positive number'],
      [{ payer_email: 'not-an-email' }, 400, 'EMAIL_FORMAT_ERROR', 'payer_email format is invalid'],
      [{ customer: { email: 'nope' } }, 400, 'EMAIL_FORMAT_ERROR', 'customer.email format is invalid'],
      [{ success_redirect_url: 'javascript:alert(1)' }, 400, 'API_VALIDATION_ERROR', '"success_redirect_url" must be a valid uri'],
      [{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 400, 'API_VALIDATION_ERROR', /less than or equal to 50 keys/],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, 400, 'API_VALIDATION_ERROR', /less than or equal to 40 characters/],
      [{ metadata: { note: 'x'.repeat(501) } }, 400, 'API_VALIDATION_ERROR', /less than or equal to 500 characters/],
    ];
    for (const [override, status, code, message] of cases) {
      const res = await h.api('POST', '/v2/invoices', seedInvoiceBody(override));
      const name = JSON.stringify(override).slice(0, 80);
      assert.equal(res.status, status, name);
      assert.equal(res.body.error_code, code, name);
      if (typeof message === 'string') assert.equal(res.body.message, message, name);
      else assert.match(res.body.message, message, name);
    }
    const notJson = await h.api('POST', '/v2/invoices', '{"external_id":', { 'Content-Type': 'application/json' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error_code, 'API_VALIDATION_ERROR');
    assert.equal((await h.control('GET', '/xendit/links')).body.length, 0, 'nothing was created');
  });
});

describe('Xendit REST: list and expire', () => {
  let h: XenditHarness;
  before(async () => {
    h = await startXenditHarness();
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.api('POST', '/v2/invoices', seedInvoiceBody(overrides));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; external_id: string };
  };

  it('lists a bare array, newest first, filtered by external_id, statuses (three spellings) and limit', async () => {
    const a = await create({ external_id: 'ref-a' });
    const b = await create({ external_id: 'ref-b' });
    const c = await create({ external_id: 'ref-a' });
    await h.control('POST', `/xendit/links/${b.id}/pay`, {});
    const all = await h.api('GET', '/v2/invoices');
    assert.ok(Array.isArray(all.body));
    assert.deepEqual(all.body.map((i: { id: string }) => i.id), [c.id, b.id, a.id]);
    assert.deepEqual((await h.api('GET', '/v2/invoices?external_id=ref-a')).body.map((i: { id: string }) => i.id), [c.id, a.id]);
    for (const query of ['statuses=PAID', 'statuses[]=PAID', `statuses=${encodeURIComponent('["PAID"]')}`]) {
      assert.deepEqual((await h.api('GET', `/v2/invoices?${query}`)).body.map((i: { id: string }) => i.id), [b.id], query);
    }
    assert.deepEqual((await h.api('GET', '/v2/invoices?statuses=PAID&statuses=PENDING')).body.length, 3);
    assert.deepEqual((await h.api('GET', '/v2/invoices?limit=2')).body.map((i: { id: string }) => i.id), [c.id, b.id]);
    assert.deepEqual((await h.api('GET', `/v2/invoices?last_invoice=${c.id}`)).body.map((i: { id: string }) => i.id), [b.id, a.id]);
    const bad = await h.api('GET', '/v2/invoices?limit=500');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '"limit" must be less than or equal to 100');
    assert.equal((await h.api('GET', '/v2/invoices?statuses=DONE')).status, 400);
  });

  it('filters by created and paid time windows', async () => {
    const a = await create();
    await create();
    await h.control('POST', `/xendit/links/${a.id}/pay`, {});
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal((await h.api('GET', `/v2/invoices?created_after=${future}`)).body.length, 0);
    const past = new Date(Date.now() - 60_000).toISOString();
    assert.deepEqual((await h.api('GET', `/v2/invoices?paid_after=${past}`)).body.map((i: { id: string }) => i.id), [a.id]);
    assert.equal((await h.api('GET', `/v2/invoices?created_before=${future}`)).body.length, 2);
  });

  it('expire! moves PENDING to EXPIRED, sends the EXPIRED callback, and refuses a second time', async () => {
    const inv = await create();
    const expired = await h.api('POST', `/invoices/${inv.id}/expire!`);
    assert.equal(expired.status, 200, JSON.stringify(expired.body));
    assert.equal(expired.body.status, 'EXPIRED');
    assert.ok(Date.parse(expired.body.expiry_date) <= Date.now());
    assert.ok(Array.isArray(expired.body.available_banks), 'the whole Invoice, as the SDK needs');
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.status, 'EXPIRED');
    assert.equal(hook?.json.id, inv.id);
    assert.equal(hook?.headers['x-callback-token'], XND.callbackToken);

    const again = await h.api('POST', `/invoices/${inv.id}/expire!`);
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Could not find and update PENDING invoice' });
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'EXPIRED');
  });

  it('cannot expire a paid invoice', async () => {
    const inv = await create();
    await h.control('POST', `/xendit/links/${inv.id}/pay`, {});
    const res = await h.api('POST', `/invoices/${inv.id}/expire!`);
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'Could not find and update PENDING invoice');
    assert.equal((await h.api('GET', `/v2/invoices/${inv.id}`)).body.status, 'PAID');
  });

  it('expire! of an unknown invoice is INVOICE_NOT_FOUND_ERROR', async () => {
    const res = await fetch(`${h.base}/invoices/ffffffffffffffffffffffff/expire!`, { method: 'POST', headers: { Authorization: XENDIT_AUTH } });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Invoice not found' });
  });
});

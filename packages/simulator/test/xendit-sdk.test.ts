/**
 * The official xendit-node SDK (7.0.0) pointed at the simulator with `xenditURL` (providers.md §2.8, §8). The
 * SDK maps every response through `InvoiceFromJSON`, which calls `.map()` on the six `available_*` arrays and
 * `new Date()` on the three dates without checks, and throws `XenditSdkError` from Xendit's error body: a
 * simulator that drifts from the wire format fails here.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Invoice, Xendit, XenditSdkError } from 'xendit-node';
import { startXenditHarness, XND, type XenditHarness } from './xendit-helpers.ts';

describe('official xendit-node SDK against the simulator', () => {
  let h: XenditHarness;
  let xendit: Xendit;
  before(async () => {
    h = await startXenditHarness();
    xendit = new Xendit({ secretKey: XND.secretKey, xenditURL: h.base });
  });
  beforeEach(() => h.reset());
  after(() => h.close());

  it('creates, fetches, lists and expires an invoice', async () => {
    const created = await xendit.Invoice.createInvoice({
      data: {
        externalId: 'sdk-order-1',
        amount: 150000,
        currency: 'IDR',
        description: 'Air Conditioner purchase',
        invoiceDuration: 3600,
        customer: { givenNames: 'John', surname: 'Doe', email: 'johndoe@example.com', mobileNumber: '+6287774441111' },
        successRedirectUrl: 'https://shop.example/thanks',
        failureRedirectUrl: 'https://shop.example/failed',
        items: [{ name: 'Air Conditioner', quantity: 1, price: 150000, category: 'Electronic' }],
        metadata: { store_branch: 'Jakarta' },
      },
    });
    assert.match(created.id ?? '', /^[0-9a-f]{24}$/);
    assert.equal(created.externalId, 'sdk-order-1');
    assert.equal(created.status, 'PENDING');
    assert.equal(created.amount, 150000);
    assert.equal(created.currency, 'IDR');
    assert.equal(created.invoiceUrl, `${h.base}/web/${created.id}`);
    assert.ok(created.expiryDate instanceof Date);
    assert.equal(created.expiryDate.getTime() - created.created.getTime(), 3_600_000);
    assert.deepEqual(created.availableEwallets.map((e) => e.ewalletType), ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA', 'ASTRAPAY', 'NEXCASH', 'JENIUSPAY']);
    assert.equal(created.customer?.givenNames, 'John');
    assert.equal(created.successRedirectUrl, 'https://shop.example/thanks');

    const fetched = await xendit.Invoice.getInvoiceById({ invoiceId: created.id! });
    assert.equal(fetched.id, created.id);
    assert.equal(fetched.status, 'PENDING');

    const listed = await xendit.Invoice.getInvoices({ externalId: 'sdk-order-1' });
    assert.deepEqual(listed.map((i) => i.id), [created.id]);
    assert.deepEqual(await xendit.Invoice.getInvoices({ externalId: 'someone-else' }), []);

    const expired = await xendit.Invoice.expireInvoice({ invoiceId: created.id! });
    assert.equal(expired.status, 'EXPIRED');
    const [hook] = await h.receiver.waitFor(1);
    assert.equal(hook?.json.status, 'EXPIRED');
    assert.deepEqual(
      (await xendit.Invoice.getInvoices({ statuses: ['EXPIRED'], limit: 5 })).map((i) => i.id),
      [created.id],
      'the SDK sends statuses as repeated keys',
    );
  });

  it('reads a paid invoice and a non-IDR invoice with empty method arrays', async () => {
    const invoiceApi = new Invoice({ secretKey: XND.secretKey, xenditURL: h.base });
    const usd = await invoiceApi.createInvoice({ data: { externalId: 'sdk-usd', amount: 12.5, currency: 'USD' } });
    assert.deepEqual(usd.availableBanks, []);
    await h.control('POST', `/xendit/links/${usd.id}/pay`, {});
    const paid = await invoiceApi.getInvoiceById({ invoiceId: usd.id! });
    assert.equal(paid.status, 'PAID');
    assert.equal(paid.paymentMethod, 'CREDIT_CARD');
    assert.equal(paid.amount, 12.5);
  });

  it("surfaces the simulator's errors as XenditSdkError with Xendit's codes", async () => {
    await assert.rejects(xendit.Invoice.getInvoiceById({ invoiceId: '000000000000000000000000' }), (error: unknown) => {
      assert.ok(error instanceof XenditSdkError);
      assert.equal(error.status, 404);
      assert.equal(error.errorCode, 'INVOICE_NOT_FOUND_ERROR');
      return true;
    });
    await assert.rejects(xendit.Invoice.createInvoice({ data: { externalId: 'eur', amount: 10, currency: 'EUR' } }), (error: unknown) => {
      assert.ok(error instanceof XenditSdkError);
      assert.equal(error.status, 400);
      assert.equal(error.errorCode, 'UNSUPPORTED_CURRENCY');
      return true;
    });
    const created = await xendit.Invoice.createInvoice({ data: { externalId: 'twice', amount: 10000 } });
    await xendit.Invoice.expireInvoice({ invoiceId: created.id! });
    await assert.rejects(xendit.Invoice.expireInvoice({ invoiceId: created.id! }), (error: unknown) => {
      assert.ok(error instanceof XenditSdkError);
      assert.equal(error.errorCode, 'INVOICE_NOT_FOUND_ERROR');
      assert.equal(error.errorMessage, 'Could not find and update PENDING invoice');
      return true;
    });
    const wrongKey = new Xendit({ secretKey: 'xnd_development_not_the_simulator_key', xenditURL: h.base });
    await assert.rejects(wrongKey.Invoice.getInvoices(), (error: unknown) => error instanceof XenditSdkError && Number(error.status) === 401 && error.errorCode === 'INVALID_API_KEY');
  });
});

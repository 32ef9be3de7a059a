/**
 * The official razorpay-node SDK pointed at the simulator. razorpay-node has no base-URL option
 * (razorpay/razorpay-node#370); its axios instance `api.rq` is internal, so this checks the workaround in
 * providers.md §5.8 as much as the simulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Razorpay from 'razorpay';
import { type Harness, RZP, seedLikeBody, startHarness } from './helpers.ts';

describe('official razorpay SDK against the simulator', () => {
  let h: Harness;
  let sdk: Razorpay;
  before(async () => {
    h = await startHarness();
    sdk = new Razorpay({ key_id: RZP.keyId, key_secret: RZP.keySecret });
    (sdk.api as unknown as { rq: { defaults: { baseURL: string } } }).rq.defaults.baseURL = h.base;
  });
  after(() => h.close());

  it('creates, fetches, lists, edits, notifies and cancels', async () => {
    const body = seedLikeBody({ reference_id: 'SDK-1' });
    const created = await sdk.paymentLink.create(body as unknown as Parameters<typeof sdk.paymentLink.create>[0]);
    assert.match(created.id, /^plink_/);
    assert.equal((await sdk.paymentLink.fetch(created.id)).reference_id, 'SDK-1');
    const listed = await sdk.paymentLink.all({ reference_id: 'SDK-1' } as Parameters<typeof sdk.paymentLink.all>[0]);
    assert.deepEqual(listed.payment_links.map((l) => l.id), [created.id]);
    const edited = await sdk.paymentLink.edit(created.id, { reminder_enable: false });
    assert.equal(edited.reminder_enable, false);
    assert.deepEqual(await sdk.paymentLink.notifyBy(created.id, 'email'), { success: true });
    assert.equal((await sdk.paymentLink.cancel(created.id)).status, 'cancelled');
  });

  it('surfaces simulator errors the way the SDK normalizes Razorpay errors', async () => {
    await assert.rejects(sdk.paymentLink.fetch('plink_DoesNotExist00'), (error: unknown) => {
      const e = error as { statusCode: number; error: { description: string } };
      assert.equal(e.statusCode, 404);
      assert.equal(e.error.description, 'The id provided does not exist');
      return true;
    });
  });
});

/**
 * One policy for a status word an adapter does not know (docs/decisions/0010-unknown-provider-statuses.md), held
 * for every adapter: it reads as pending, nothing throws, and the proxy's log gets one warning per word, naming
 * the provider and the word (at most 40 characters), never the body.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { setupServer } from 'msw/node';
import { PROVIDER_MODULES } from '../src/providers/registry.ts';
import { MAX_REPORTED_WORDS, STATUS_WORD_LOG_CHARS, UNKNOWN_STATUS_READING, createStatusWordReader } from '../src/providers/status-words.ts';
import { ADAPTERS, LINK_ID, recordingLog } from './adapters.fixtures.ts';

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

describe('unknown provider status words', () => {
  it('read as pending: the lowest rank, so the join never lowers or closes a link on one', () => {
    assert.equal(UNKNOWN_STATUS_READING, 'pending');
  });

  it('every provider definition declares that one policy', () => {
    assert.deepEqual(PROVIDER_MODULES.map((m) => [m.name, m.unknownStatus]), PROVIDER_MODULES.map((m) => [m.name, UNKNOWN_STATUS_READING]));
    assert.deepEqual(new Set(PROVIDER_MODULES.map((m) => m.name)), new Set(ADAPTERS.map((f) => f.provider)));
  });

  for (const fixture of ADAPTERS) {
    it(`${fixture.label}: an unknown word reads as pending, warned once per word, with provider and word only`, async () => {
      const log = recordingLog();
      const adapter = fixture.build({ log });
      for (const word of ['ON_HOLD', 'ON_HOLD', 'UNDER_REVIEW', 'ON_HOLD']) {
        server.use(...fixture.retrieveWith(word));
        const state = await adapter.retrieve(LINK_ID);
        assert.equal(state.status, 'pending', word);
        assert.equal(state.status, PROVIDER_MODULES.find((m) => m.name === fixture.provider)?.unknownStatus, 'what the definition declares');
        assert.equal(state.providerStatus, word, 'the raw word is kept for support');
        assert.equal(state.amountPaid, 0);
      }
      assert.deepEqual(
        log.warnings.map((w) => w.obj),
        [
          { provider: fixture.provider, status: 'ON_HOLD' },
          { provider: fixture.provider, status: 'UNDER_REVIEW' },
        ],
      );
      for (const { msg } of log.warnings) assert.match(msg, new RegExp(`^${fixture.provider}: unknown status word read as pending$`));
    });

    it(`${fixture.label}: a long word is logged truncated to ${STATUS_WORD_LOG_CHARS} characters; a known word is not logged`, async () => {
      const log = recordingLog();
      const adapter = fixture.build({ log });
      const long = `X${'Y'.repeat(200)}`;
      server.use(...fixture.retrieveWith(long));
      assert.equal((await adapter.retrieve(LINK_ID)).status, 'pending');
      assert.deepEqual(log.warnings.map((w) => w.obj), [{ provider: fixture.provider, status: long.slice(0, STATUS_WORD_LOG_CHARS) }]);
      assert.ok(!JSON.stringify(log.warnings).includes(long), 'never the whole word');
    });

    it(`${fixture.label}: without a log, an unknown word still reads as pending`, async () => {
      server.use(...fixture.retrieveWith('ON_HOLD'));
      assert.equal((await fixture.build({}).retrieve(LINK_ID)).status, 'pending');
    });
  }

  it('a known word in any documented spelling is not reported', async () => {
    const spellings: Record<string, string> = { payengine: 'active', eximpe: 'Payment Successful' };
    for (const fixture of ADAPTERS.filter((f) => f.provider in spellings)) {
      const log = recordingLog();
      server.use(...fixture.retrieveWith(spellings[fixture.provider]!));
      await fixture.build({ log }).retrieve(LINK_ID);
      assert.deepEqual(log.warnings, [], fixture.label);
    }
  });

  it(`stops reporting after ${MAX_REPORTED_WORDS} distinct words, saying so once (webhook words are only token-authenticated at Xendit)`, () => {
    const log = recordingLog();
    const readWord = createStatusWordReader('xendit', log);
    for (let i = 0; i < MAX_REPORTED_WORDS + 10; i += 1) assert.equal(readWord(`WORD_${i}`, ['PENDING', 'PAID']), undefined);
    assert.equal(readWord('PAID', ['PENDING', 'PAID']), 'PAID');
    assert.equal(log.warnings.length, MAX_REPORTED_WORDS + 1);
    assert.deepEqual(log.warnings.at(-1)!.obj, { provider: 'xendit' });
    assert.match(log.warnings.at(-1)!.msg, /no further ones are reported/);
  });

  it('razorpay: a signed event whose entity has an unknown word yields a pending state, reported once', () => {
    const razorpay = ADAPTERS.find((f) => f.label === 'razorpay')!;
    const log = recordingLog();
    const adapter = razorpay.build({ log });
    const body = Buffer.from(
      JSON.stringify({
        event: 'payment_link.paid',
        payload: { payment_link: { entity: { id: LINK_ID, short_url: 'https://rzp.io/i/x', status: 'on_hold', amount: 1000, currency: 'INR' } } },
      }),
    );
    const event = adapter.parseWebhook(body, { 'x-razorpay-event-id': 'evt_1' });
    assert.equal(event.kind === 'link' && event.state?.status, 'pending');
    assert.deepEqual(log.warnings.map((w) => w.obj), [{ provider: 'razorpay', status: 'on_hold' }]);
  });
});

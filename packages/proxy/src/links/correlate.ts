/**
 * Which link a verified webhook is about. The event names it by what it carries (`WebhookEvent`: the provider's
 * link id, an alias such as Pine Labs' order id, our reference); the store is asked by each in turn, and a link
 * the store does not hold is asked of the provider and adopted when it is ours. Every instance shares the store,
 * so any instance finds any link, and so does a restarted one (issue #12).
 *
 * Why adopt: the provider can hold a link the store never got — a crash between the create and the insert, an
 * in-memory store after a restart, a database restored from a backup. Left `unknown_link`, its payment would
 * reach the proxy only if the buyer's widget happened to read it again; adopted, the webhook lands.
 *
 * What is "ours": a reference of a shape this proxy makes (service.ts), read from the provider's own answer —
 * never from the event alone, which for weak schemes (Xendit's token) is only a hint:
 * - `pl_<22>`: a key-less mint, whose reference is its link id (`newLinkId`). Adopted under that same id, so the
 *   id the buyer's widget holds reads the link again.
 * - `pk_<22>`: a mint under an Idempotency-Key (`providerReference`). Adopted under a new id. A later retry of the
 *   key meets the adopted row through the store's unique (provider, reference) and answers it.
 * - `pi_<22>_<n>`: attempt n of a signed intent. NOT adopted: the row would have to say `source: intent` with
 *   the intent's reference, which the digest does not give back; a row saying `amount` instead would be found by
 *   `recoverIntent` through that same unique constraint and read as no attempt at all, so the next mint would
 *   start again at attempt 1 — on Xendit, whose references are not unique, a second live link for one invoice.
 *   Such an event stays `unknown_link` (not recorded): the intent's walk adopts the link properly when its pay
 *   page loads, and the provider's next delivery is applied then.
 * Any other reference (another system on the same provider account) is `ignored` and recorded, as is one of ours
 * whose price the provider does not state (nothing to record it at; it cannot change on a redelivery).
 *
 * The shape is the whole test: two pay-link deployments on one provider account would adopt each other's links
 * (harmless rows no widget reads, though their merchant events are sent). A reference that proves itself — a
 * MAC under a proxy secret — would close that; it would change every reference minted from then on.
 *
 * An adopted link gets the provider's amount, the description "Payment" and `source: {kind: 'amount'}`, as an
 * open amount would: the product it was sold as is not at the provider. A provider that cannot answer leaves
 * the event `unknown_link`, so its retry tries again.
 */
import type { ProviderName } from '../contract.ts';
import type { Problem } from '../problems.ts';
import type { ProviderAdapter, ProviderLinkState, WebhookEvent } from '../providers/types.ts';
import type { LinkRecord, Store } from '../store/types.ts';
import type { ResolvedPrice } from './pricing.ts';

export type LinkEvent = Extract<WebhookEvent, { kind: 'link' }>;

/**
 * - `held`: the store holds the link (or now does, adopted). `read`: the provider's state, when finding the link
 *   took a read — the truth a hint would have asked for, to be joined in.
 * - `ignored`: not ours; acknowledge and record it.
 * - `unknown`: not found now (the provider did not answer, the link is an intent's, or nothing names it in a way
 *   the provider can be asked); leave it unrecorded so a redelivery tries again.
 */
export type Correlation =
  | { kind: 'held'; record: LinkRecord; read?: ProviderLinkState }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unknown'; reason: string };

export interface CorrelateDeps {
  store: Store;
  /** The provider's adapter; absent, a link the store does not hold is `unknown`. */
  adapter?: ProviderAdapter;
  /** Inserts a link found at the provider (service.ts `adopt`): under `id` when given, else a new id. */
  adopt(state: ProviderLinkState, reference: string, price: ResolvedPrice, id?: string): Promise<LinkRecord>;
  log: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
}

/** The shapes of the references this proxy sends (service.ts `newLinkId`, `providerReference`). */
const REFERENCE_SHAPES = {
  link: /^pl_[A-Za-z0-9_-]{22}$/,
  keyed: /^pk_[A-Za-z0-9_-]{22}$/,
  intent: /^pi_[A-Za-z0-9_-]{22}_[1-9]\d*$/,
} as const;
export type ReferenceKind = keyof typeof REFERENCE_SHAPES;

/** Which kind of purchase a provider reference of ours stands for, or `undefined` for one this proxy never makes. */
export function referenceKind(reference: string): ReferenceKind | undefined {
  for (const kind of Object.keys(REFERENCE_SHAPES) as ReferenceKind[]) {
    if (REFERENCE_SHAPES[kind].test(reference)) return kind;
  }
  return undefined;
}

/** Finds the link `event` is about, in the store and else at its provider; see the header. */
export async function correlateWebhook(deps: CorrelateDeps, provider: ProviderName, event: LinkEvent): Promise<Correlation> {
  const stored = await findStored(deps.store, provider, event);
  if (stored) return { kind: 'held', record: stored };
  // Named only by something the store does not hold and the provider cannot be asked by (Pine Labs' order id):
  // perhaps a webhook that overtook its mint, so it is left for the redelivery.
  const ask = askable(event, deps.adapter);
  if (ask.kind !== 'ask') return ask;
  let state: ProviderLinkState | undefined;
  try {
    state = await ask.read();
  } catch (err) {
    deps.log.warn({ provider, providerLinkId: event.providerLinkId, code: (err as Problem).code }, 'webhook for a link the store does not hold: the provider did not answer');
    return { kind: 'unknown', reason: 'the provider did not answer' };
  }
  if (!state) return { kind: 'unknown', reason: 'the provider has no link with this reference' };
  // Held under a name the event did not use (an alias not yet stored): the read found it.
  const held = await deps.store.findLinkByProviderId(provider, state.providerLinkId);
  if (held) return { kind: 'held', record: held, read: state };
  return adoptRead(deps, provider, state);
}

/**
 * By the provider's link id when the event names it — and then by nothing else: a reference can be shared by a
 * second provider link of one purchase (an orphan of a race, or Xendit's non-unique `external_id`), whose events
 * must not land on the link the store keeps. Otherwise by an alias, then by our reference where that is the link
 * id (key-less mints).
 */
async function findStored(store: Store, provider: ProviderName, event: LinkEvent): Promise<LinkRecord | undefined> {
  if (event.providerLinkId) return store.findLinkByProviderId(provider, event.providerLinkId);
  if (event.alias) {
    const record = await store.findLinkByAlias(provider, event.alias);
    if (record) return record;
  }
  // A `pk_`/`pi_` reference cannot be looked up in the store (it has no lookup by provider reference); the
  // provider read below resolves those, by the provider link id it answers.
  if (event.reference && referenceKind(event.reference) === 'link') {
    const record = await store.getLink(event.reference);
    if (record?.provider === provider && record.reference === event.reference) return record;
  }
  return undefined;
}

type Ask = { kind: 'ask'; read: () => Promise<ProviderLinkState | undefined> } | Exclude<Correlation, { kind: 'held' }>;

/** How the provider can be asked about the event's link: by its id, else by a reference of ours. */
function askable(event: LinkEvent, adapter: ProviderAdapter | undefined): Ask {
  if (!adapter) return { kind: 'unknown', reason: 'no adapter for this provider' };
  const { providerLinkId, reference } = event;
  // A signed state that names a foreign reference needs no read (an account's other links are common).
  const signed = event.state?.reference;
  if (signed !== undefined && !referenceKind(signed)) return { kind: 'ignored', reason: 'the link is not one this proxy made' };
  if (providerLinkId) return { kind: 'ask', read: () => adapter.retrieve(providerLinkId) };
  if (reference) {
    // Looked up only when it could be ours: a foreign reference is answered without a provider call.
    if (!referenceKind(reference)) return { kind: 'ignored', reason: 'the event names a reference this proxy never makes' };
    if (adapter.findByReference) return { kind: 'ask', read: () => adapter.findByReference!(reference) };
  }
  return { kind: 'unknown', reason: 'no link by this name in the store, and nothing to ask the provider by' };
}

async function adoptRead(deps: CorrelateDeps, provider: ProviderName, state: ProviderLinkState): Promise<Correlation> {
  const { reference, amount } = state;
  const kind = reference === undefined ? undefined : referenceKind(reference);
  if (!reference || !kind) return { kind: 'ignored', reason: 'the link is not one this proxy made' };
  if (kind === 'intent') {
    deps.log.info({ provider, providerLinkId: state.providerLinkId }, "webhook for an intent's link the store does not hold: left for the intent's walk");
    return { kind: 'unknown', reason: "an intent's link, adopted by its walk" };
  }
  if (!amount) {
    deps.log.warn({ provider, providerLinkId: state.providerLinkId }, 'webhook for a link of ours the store does not hold, whose price the provider does not state: not adopted');
    return { kind: 'ignored', reason: 'the provider states no price to adopt the link at' };
  }
  const price: ResolvedPrice = { amount, provider, description: 'Payment', source: { kind: 'amount' } };
  const record = await deps.adopt(state, reference, price, kind === 'link' ? reference : undefined);
  // The store answers the link that already holds this purchase (its reference, or this id) instead of
  // inserting: a second provider link of one purchase (the orphan of a race) is not that link.
  if (record.providerLinkId !== state.providerLinkId) {
    deps.log.warn({ provider, providerLinkId: state.providerLinkId, kept: record.id }, 'webhook for a second link of a purchase the store holds another link for: ignored');
    return { kind: 'ignored', reason: 'a second link of a purchase held under another link' };
  }
  return { kind: 'held', record, read: state };
}

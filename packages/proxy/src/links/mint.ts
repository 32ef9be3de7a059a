/**
 * Minting: creating a purchase's link at its provider and taking it into the store — or, when the provider
 * already has it (a create whose answer was lost, a restart), finding it there by its reference and adopting it
 * instead of minting it twice (decision 0008).
 */
import { createHash } from 'node:crypto';
import type { MintRequest } from '../contract.ts';
import { Problem } from '../problems.ts';
import type { ProviderAdapter, ProviderLinkState } from '../providers/types.ts';
import type { LinkRecord } from '../store/types.ts';
import { randomToken } from '../random-token.ts';
import type { LinkContext } from './context.ts';
import type { ResolvedPrice } from './pricing.ts';
import { withRechecks } from './recheck.ts';
import { rememberAliases } from './refresh.ts';
import { applyObservation, initialState } from './status.ts';

/** Razorpay's minimum (providers.md §5.3); links shorter than this are refused by at least one provider. */
const MIN_LINK_TTL_MS = 16 * 60_000;

/**
 * The reference a purchase's link carries at its provider. A purchase that can come back (an intent's
 * reference, an Idempotency-Key) gets one derived from what identifies it, so after a restart — or a create whose
 * answer was lost — the link is found at the provider by that reference instead of minted twice (decision 0008).
 * Hashed: short, in every provider's alphabet (`[A-Za-z0-9_-]`, at most 40), and the key is not sent on.
 */
export function providerReference(purchase: { intent: string; attempt: number } | { key: string; fingerprint: string }): string {
  if ('intent' in purchase) return `pi_${digest(`intent\n${purchase.intent}`)}_${purchase.attempt}`;
  return `pk_${digest(`key\n${purchase.key}\n${purchase.fingerprint}`)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** A failed create that may have created the link all the same (timeout, 5xx) or that met our reference (4xx). */
function mayHaveCreated(err: unknown): boolean {
  const code = (err as Problem).code;
  return code === 'provider_timeout' || code === 'provider_unavailable' || code === 'provider_rejected';
}

function newLinkId(): string {
  return `pl_${randomToken(16)}`;
}

/**
 * The provider sends the buyer to the proxy's `/return` page, which closes the checkout window when a script
 * opened it (popup, tab) and otherwise forwards to the merchant's page with `pay_link_id` added, so the element
 * there resumes watching. One URL serves both presentations, and a blocked popup's same-tab fallback too.
 */
export function returnThrough(publicUrl: string, merchantUrl: string, id: string): string {
  const to = new URL(merchantUrl);
  to.searchParams.set('pay_link_id', id);
  const url = new URL('/return', publicUrl);
  url.searchParams.set('to', to.toString());
  return url.toString();
}

export type Minter = ReturnType<typeof createMinter>;

export function createMinter(ctx: LinkContext) {
  const { config, store, now, log } = ctx;

  /**
   * Creates the link at the provider. `reference` is set for a purchase that can come back (decision 0008): a
   * provider that does not refuse a reused reference is asked first whether it has the link; any other is asked
   * only when a create fails in a way that may mean the link exists (a timeout, a 5xx, our reference refused).
   * Links minted without a reference get their own id as one, and the same recovery after a failed create.
   */
  async function mintNew(request: MintRequest, price: ResolvedPrice, reference?: string): Promise<{ record: LinkRecord; existing: boolean }> {
    const adapter = ctx.adapterFor(price.provider);
    if (adapter.currencies && !adapter.currencies.includes(price.amount.currency)) {
      throw new Problem(400, 'amount_not_allowed', `${price.provider} does not take ${price.amount.currency}`);
    }
    const id = newLinkId();
    const ref = reference ?? id;
    if (reference !== undefined && adapter.findByReference && !adapter.capabilities.uniqueReference) {
      const found = await adapter.findByReference(ref);
      if (found) return { record: await adopt(found, ref, price), existing: true };
    }
    const returnUrl = request.returnUrl && returnThrough(config.publicUrl, request.returnUrl, id);
    let state: ProviderLinkState;
    try {
      state = await adapter.create({
        reference: ref,
        amount: price.amount,
        description: price.description,
        customer: price.customer,
        expiresAt: new Date(now() + Math.max(config.linkTtlMs, MIN_LINK_TTL_MS)),
        returnUrl,
      });
    } catch (err) {
      const found = mayHaveCreated(err) ? await adapter.findByReference?.(ref).catch(() => undefined) : undefined;
      if (!found) throw err;
      const code = (err as Problem).code;
      log.warn({ provider: price.provider, code }, 'create failed, but the provider has the link: adopted');
      // A refused reference means an earlier request made the link; a lost answer, that this one did.
      return { record: await adopt(found, ref, price, id), existing: code === 'provider_rejected' };
    }
    // The store's unique constraints: Pine Labs answers a reused reference with the link it already has; another
    // instance may have minted this purchase's link meanwhile.
    const { record, inserted } = await store.insertLink(linkRecord(id, ref, state, price), ctx.events);
    await rememberAliases(ctx, record, state);
    if (!inserted) {
      if (record.providerLinkId !== state.providerLinkId) await cancelOrphan(adapter, state.providerLinkId, record);
      return { record, existing: true };
    }
    log.info({ linkId: id, provider: price.provider, amount: price.amount }, 'link minted');
    return { record, existing: false };
  }

  /**
   * A link made at the provider for a purchase that the store already holds another link for (two instances
   * raced past every other guard): cancel it, so the buyer cannot pay twice. Best effort; logged either way.
   */
  async function cancelOrphan(adapter: ProviderAdapter, providerLinkId: string, kept: LinkRecord): Promise<void> {
    try {
      await adapter.cancel(providerLinkId);
      log.warn({ provider: adapter.name, providerLinkId, kept: kept.id }, 'a second link for one purchase was made and cancelled');
    } catch (err) {
      log.warn({ provider: adapter.name, providerLinkId, kept: kept.id, code: (err as Problem).code }, 'a second link for one purchase was made and could not be cancelled: cancel it in the dashboard');
    }
  }

  function linkRecord(id: string, reference: string, state: ProviderLinkState, price: ResolvedPrice): LinkRecord {
    const created = now();
    const record: LinkRecord = {
      ...initialState(),
      closedAt: null,
      claimedAt: null,
      recheckAt: null,
      version: 0,
      id,
      provider: price.provider,
      providerLinkId: state.providerLinkId,
      reference,
      url: state.url,
      amount: price.amount,
      description: price.description,
      expiresAt: state.expiresAt,
      source: price.source,
      customer: price.merchantCustomer ?? null,
      createdAt: created,
      checkedAt: created,
    };
    return withRechecks({ ...record, ...applyObservation(record, state, record.amount.value) }, config.latePaymentGraceMs);
  }

  /** Takes in a link found at the provider by its reference: a record under a new id, unless one exists. */
  async function adopt(state: ProviderLinkState, reference: string, price: ResolvedPrice, id = newLinkId()): Promise<LinkRecord> {
    const { record, inserted } = await store.insertLink(linkRecord(id, reference, state, price), ctx.events);
    await rememberAliases(ctx, record, state);
    if (inserted) log.info({ linkId: id, provider: price.provider, status: record.status }, 'link recovered from the provider by its reference');
    return record;
  }

  return { mintNew, adopt };
}

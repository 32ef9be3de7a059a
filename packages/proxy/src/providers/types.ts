/**
 * The adapter interface every provider implements, and the shared types it speaks. The core (links/) talks to
 * providers only through this file's types: minor units in, minor units out, normalized statuses.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Customer, LinkStatus, Money, ProviderName } from '../contract.ts';

/** A provider's view of one link, normalized. */
export interface ProviderLinkState {
  providerLinkId: string;
  /** The hosted checkout the buyer opens. */
  url: string;
  status: LinkStatus;
  /** Minor units paid so far. */
  amountPaid: number;
  expiresAt: string | null;
  paidAt: string | null;
  /** The provider's own status word, for logs and support; never shown to buyers. */
  providerStatus: string;
  /**
   * The reference the link carries at the provider (Razorpay `reference_id`, Xendit `external_id`, Pine Labs
   * `merchant_payment_link_reference` …), when its object states one: how a link the store does not hold is
   * recognised as one this proxy made (links/correlate.ts).
   */
  reference?: string;
  /** The link's price, when the provider's object states it: what a link adopted from the provider is recorded at. */
  amount?: Money;
  /** Other ids the provider knows this link by, which its webhooks may name instead (Pine Labs: the `order_id`). */
  aliases?: string[];
}

export interface CreateLinkInput {
  /** Unique per purchase; the provider's client reference (Razorpay `reference_id`). At most 40 characters. */
  reference: string;
  amount: Money;
  description: string;
  customer?: Customer;
  expiresAt: Date;
  /** Where the provider sends the buyer after paying; already checked against the allowed origins. */
  returnUrl?: string;
}

/**
 * What the core may ask of an adapter beyond create, retrieve and webhooks. Derived from the operations an adapter
 * implements (`capabilitiesOf` in define.ts), never restated by hand; `uniqueReference` is declared data.
 */
export interface ProviderCapabilities {
  cancel: boolean;
  extendExpiry: boolean;
  notify: boolean;
  findByReference: boolean;
  /**
   * The provider refuses a second link with a reference it has seen (Razorpay, PayEngine's slug, EximPe's
   * simulator reading) or answers the existing link (Pine Labs). When false (Xendit), the core looks a
   * recoverable reference up before creating, instead of after a failed create. See decision 0008.
   */
  uniqueReference: boolean;
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' };

/** A verified webhook, normalized. */
export type WebhookEvent =
  | {
      kind: 'link';
      /** Unique per delivery of one event; duplicates share it. */
      dedupeKey: string;
      /**
       * How the event names its link; at least one is set. The core looks the link up by `providerLinkId` when
       * the event has it, else by `alias`, then by `reference` (links/correlate.ts), and asks the provider for a
       * link the store does not hold. `providerLinkId`: the provider's id of the link. `alias`: another id the
       * provider knows it by (`ProviderLinkState.aliases`; Pine Labs' order id). `reference`: the link's
       * reference as the event states it (Pine Labs' `merchant_order_reference`) — set by adapters whose events
       * may lack the link's id; an event that has the id is read at the provider, whose answer states the
       * reference with authority.
       */
      providerLinkId?: string;
      alias?: string;
      reference?: string;
      /**
       * The link's state as the event states it, when the event carries the whole link and the scheme is
       * strong (an HMAC). Absent for weak schemes or payment-level events: the core then asks the provider.
       */
      state?: ProviderLinkState;
      /**
       * For an event without `state` (a hint): what the event says happened — the status it reports and, for a
       * payment, when it was made. The core marks the event seen only once a read of the link shows the claimed
       * status (a read can lag the event), and keeps `paidAt` where the read carries no payment time.
       */
      claims?: { status: LinkStatus; paidAt?: string | null };
      event: string;
    }
  | { kind: 'ignored'; dedupeKey: string; event: string; reason: string };

export interface ProviderAdapter {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /** False when its hosted checkout cannot send the buyer back (`ProviderFacts.returnsBuyer`); absent means it can. */
  readonly returnsBuyer?: boolean;
  /** Currencies the provider can take through this adapter; `undefined` means the provider decides. */
  readonly currencies?: readonly string[];
  create(input: CreateLinkInput): Promise<ProviderLinkState>;
  retrieve(providerLinkId: string): Promise<ProviderLinkState>;
  /** Cancel (Razorpay, Pine Labs, PayEngine), expire (Xendit) or deactivate (EximPe). */
  cancel(providerLinkId: string): Promise<ProviderLinkState>;
  /** Present when `capabilities.extendExpiry`. */
  extendExpiry?(providerLinkId: string, expiresAt: Date): Promise<ProviderLinkState>;
  /** Present when `capabilities.notify`: asks the provider to send the link to the customer again. */
  notify?(providerLinkId: string, channel: 'email' | 'sms'): Promise<void>;
  /** Present when `capabilities.findByReference`: recovery after a timeout or a restart. */
  findByReference?(reference: string): Promise<ProviderLinkState | undefined>;
  /** Checks the signature over the exact bytes received. Constant-time. */
  verifyWebhook(rawBody: Buffer, headers: IncomingHttpHeaders, nowMs: number): WebhookVerdict;
  /** Only called after `verifyWebhook` said ok. Throws a `Problem` (400) for a body it cannot read. */
  parseWebhook(rawBody: Buffer, headers: IncomingHttpHeaders): WebhookEvent;
}

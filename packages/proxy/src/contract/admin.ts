/**
 * The admin API's answers (`/v1/admin`): what the merchant's servers and the `pay-link links|events|webhooks`
 * commands read. Types only; `openapi.ts` spells each one out as a schema and fails the typecheck when they part.
 * Re-exported by `contract.ts`, so one import names the whole HTTP contract.
 */
import type { LinkView } from '../contract.ts';
import type { PriceSource } from '../records.ts';

/** A link as the merchant sees it: the public view plus what support needs. Still no customer data. */
export interface AdminLinkView extends LinkView {
  /** The reference sent to the provider (look the link up in its dashboard by it). */
  reference: string;
  providerLinkId: string;
  source: PriceSource;
  createdAt: string;
}

/** `POST /v1/admin/links/:id/notify` answers this. */
export interface NotifyResult {
  link: AdminLinkView;
  channel: 'email' | 'sms';
}

/** `POST /v1/admin/intents` answers this. */
export interface SignedIntent {
  token: string;
  payUrl: string;
  expiresAt: string;
}

/** An event as the admin API shows it: the body delivered, and each endpoint's deliveries with their attempts. */
export interface AdminEventView {
  id: string;
  type: string;
  linkId: string;
  createdAt: string;
  /** The exact body delivered, parsed. */
  payload: unknown;
  deliveries: {
    endpoint: string;
    url: string | null;
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
    history: { attempt: number; at: string; statusCode: number | null; durationMs: number; error: string | null }[];
  }[];
}

/** `GET /v1/admin/events` answers this, newest first. */
export interface AdminEventPage {
  events: AdminEventView[];
  /** Present when more events match: pass it as `cursor`. */
  nextCursor?: string;
}

/** A configured endpoint as `GET /v1/admin/webhooks` shows it, with what the store knows of it. Never its secret. */
export interface AdminWebhookEndpoint {
  id: string;
  url: string;
  /** The event types it receives. */
  events: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  /** Failing for a day without a success: reported (a warn log, a metric) and still tried. */
  failing: boolean;
  failingSince: string | null;
  lastSuccessAt: string | null;
}

/** `GET /v1/admin/webhooks` answers this. */
export interface AdminWebhookList {
  endpoints: AdminWebhookEndpoint[];
}

/** One endpoint's answer to a signed `webhook.test` event. */
export interface WebhookTestResult {
  endpoint: string;
  url: string;
  /** Whether it answered 2xx. */
  ok: boolean;
  /** `null` when it did not answer (a timeout, a refused connection). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** `POST /v1/admin/webhooks/test` answers this. */
export interface WebhookTestReport {
  results: WebhookTestResult[];
}

/** `POST /v1/admin/webhooks/:id/enable` answers this. */
export interface EnabledWebhook {
  id: string;
  enabled: true;
}

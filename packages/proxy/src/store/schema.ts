/**
 * The database's tables as Kysely sees them, and the versioned migrations that make them (applied at start by
 * `store/sql.ts`). One schema for both engines: only types both SQLite and Postgres read the same way (text,
 * integer, bigint); times are integers in ms since the epoch, provider times ISO 8601 text as the providers
 * gave them. A migration, once released, is never edited: a change is a new one.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export interface LinksTable {
  id: string;
  provider: string;
  provider_link_id: string;
  /** The reference sent to the provider: unique per provider (one link per purchase, decision 0008). */
  reference: string;
  url: string;
  amount_value: number;
  currency: string;
  description: string | null;
  expires_at: string | null;
  source_kind: string;
  source_product: string | null;
  source_quantity: number | null;
  /** An intent's reference and attempt: unique together (one link per intent attempt). */
  source_reference: string | null;
  source_attempt: number | null;
  status: string;
  amount_paid: number;
  /** JSON array of the distinct amounts paid seen (links/status.ts). */
  paid_steps: string;
  seq: number;
  paid_at: string | null;
  created_at: number;
  checked_at: number;
  closed_at: number | null;
  claimed_at: number | null;
  recheck_at: number | null;
  version: number;
  /** JSON: the customer fields an intent's merchant set (for merchant events); null otherwise. Migration 0002. */
  customer: string | null;
}

export interface IdempotencyTable {
  key: string;
  fingerprint: string;
  link_id: string | null;
  /** While `link_id` is null: until when the claim holds before it is taken to have crashed. */
  lease_until: number;
  expires_at: number;
}

export interface WebhookEventsTable {
  provider: string;
  dedupe_key: string;
  expires_at: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** Other ids a provider knows a link by (Pine Labs' order ids), for webhooks that name only those. */
export interface LinkAliasesTable {
  provider: string;
  alias: string;
  link_id: string;
}

/**
 * The merchant events outbox (decision 0013): one row per event, written in the transaction of the status change
 * it describes. `payload` is the exact body delivered, so every attempt and every resend sends the same bytes.
 */
export interface EventsTable {
  id: string;
  link_id: string;
  /** Order among one link's events (the link's version at the change × 8 + index): deliveries go in this order. */
  link_position: number;
  type: string;
  payload: string;
  created_at: number;
}

/** One event's delivery to one endpoint. `state`: pending, delivered, failed (given up after the schedule). */
export interface DeliveriesTable {
  event_id: string;
  endpoint_id: string;
  link_id: string;
  link_position: number;
  state: string;
  attempts: number;
  /** The attempts made before the last resend: the retry schedule counts from there. */
  retry_base: number;
  next_attempt_at: number;
  /** Who is sending it now, until when (another instance takes it over once that passes). */
  lease_holder: string | null;
  lease_until: number;
  delivered_at: number | null;
  created_at: number;
}

export interface DeliveryAttemptsTable {
  event_id: string;
  endpoint_id: string;
  attempt: number;
  at: number;
  /** The receiver's HTTP status; null when none came (timeout, refused connection). */
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** What the proxy has learnt about each configured endpoint (by id, a digest of its URL). */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** Set when the receiver answered 410 Gone: nothing is sent until an operator enables it again. */
  disabled_at: number | null;
  disabled_reason: string | null;
  /** The first failure since the last success; an endpoint failing for a day is reported as failing. */
  failing_since: number | null;
  last_success_at: number | null;
}

export interface Database {
  links: LinksTable;
  idempotency: IdempotencyTable;
  webhook_events: WebhookEventsTable;
  leases: LeasesTable;
  link_aliases: LinkAliasesTable;
  events: EventsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
}

export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_link_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('amount_value', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('source_kind', 'text', (c) => c.notNull())
        .addColumn('source_product', 'text')
        .addColumn('source_quantity', 'integer')
        .addColumn('source_reference', 'text')
        .addColumn('source_attempt', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('amount_paid', 'bigint', (c) => c.notNull())
        .addColumn('paid_steps', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('paid_at', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('checked_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('claimed_at', 'bigint')
        .addColumn('recheck_at', 'bigint')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addUniqueConstraint('links_provider_link', ['provider', 'provider_link_id'])
        .addUniqueConstraint('links_provider_reference', ['provider', 'reference'])
        .addUniqueConstraint('links_intent_attempt', ['source_reference', 'source_attempt'])
        .execute();
      await db.schema.createIndex('links_created').on('links').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('links_status_expiry').on('links').columns(['status', 'expires_at']).execute();
      await db.schema.createIndex('links_recheck').on('links').column('recheck_at').where(sql.ref('recheck_at'), 'is not', null).execute();

      await db.schema
        .createTable('idempotency')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text')
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idempotency_expiry').on('idempotency').column('expires_at').execute();

      await db.schema
        .createTable('webhook_events')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_events_pk', ['provider', 'dedupe_key'])
        .execute();
      await db.schema.createIndex('webhook_events_expiry').on('webhook_events').column('expires_at').execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0002_merchant_events': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('links').addColumn('customer', 'text').execute();

      await db.schema
        .createTable('link_aliases')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('link_aliases_pk', ['provider', 'alias'])
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addColumn('link_position', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // One event per change: the same change applied twice (two instances, a redelivered webhook) writes one.
        .addUniqueConstraint('events_link_position', ['link_id', 'link_position'])
        .execute();
      await db.schema.createIndex('events_created').on('events').columns(['created_at', 'id']).execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text', (c) => c.notNull())
        .addColumn('link_position', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('retry_base', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_holder', 'text')
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['event_id', 'endpoint_id'])
        .execute();
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
      // The claim's order check (an earlier pending delivery of the link to the endpoint?), pending rows only: with
      // the whole table's index the planner, misled by stale statistics after a burst, scanned every pending row
      // for each one (59 ms a claim at 1,000 pending on Postgres).
      await db.schema
        .createIndex('deliveries_pending_order')
        .on('deliveries')
        .columns(['endpoint_id', 'link_id', 'link_position'])
        .where(sql.ref('state'), '=', 'pending')
        .execute();

      await db.schema
        .createTable('delivery_attempts')
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('delivery_attempts_pk', ['event_id', 'endpoint_id', 'attempt'])
        .execute();

      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint')
        .addColumn('disabled_reason', 'text')
        .addColumn('failing_since', 'bigint')
        .addColumn('last_success_at', 'bigint')
        .execute();
    },
  },
  '0003_deliveries_due_order': {
    // The claim takes the earliest due deliveries in (next_attempt_at, created_at) order. Over (state,
    // next_attempt_at) only, each claim read every pending row and sorted them for the tie-break, so under a backlog
    // it cost in proportion to the backlog (3.4 ms a claim at 4,000 pending on SQLite, 0.5 ms at the 1,500–3,700 a
    // stream of 2,000 webhooks a second leaves; bench/webhook-throughput.ts, 2026-12-03). With `created_at` in the
    // index the order is the index's: a claim reads about as many rows as it takes (0.1 ms at 40,000 pending).
    async up(db: Kysely<unknown>) {
      // Either may already be done: two processes opening an old database at once both run this (the loser of
      // the race to record it runs it again, sql.ts's migrateOnce).
      await db.schema.dropIndex('deliveries_due').ifExists().execute();
      await db.schema.createIndex('deliveries_due').ifNotExists().on('deliveries').columns(['state', 'next_attempt_at', 'created_at']).execute();
    },
  },
};

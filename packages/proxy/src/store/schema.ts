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

export interface Database {
  links: LinksTable;
  idempotency: IdempotencyTable;
  webhook_events: WebhookEventsTable;
  leases: LeasesTable;
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
};

/**
 * The schema, as numbered migrations in code. `openDatabase` runs them; they are idempotent and
 * safe when several processes open the same database at once.
 *
 * @since 0.1.0
 */

import type { Database } from "./Database.js";
import { StoreError } from "./errors.js";

/**
 * One step of the schema. Once released, a migration never changes: a new need is a new version.
 * `statements` run one by one (PGlite's extended protocol takes one statement per query).
 *
 * @since 0.1.0
 * @category Store
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: ReadonlyArray<string>;
}

/**
 * Every migration, in order.
 *
 * Design notes (version 1):
 * - `payment_sessions` keeps the core's snapshot as opaque `jsonb` plus the columns queries need
 *   (`status`, `expiry_at`, `client_reference_id`, …), derived by the caller on every write.
 *   `version` is the compare-and-set counter (1 on insert).
 * - List indexes end in `created_at DESC, id DESC`: the list order is newest first, ties broken by
 *   id, so paging is stable.
 * - The sweeper's partial index holds only sessions that can still expire (not `PAID`,
 *   `CANCELLED`, `EXPIRED`, `INACTIVE`): it stays small however many sessions are finished.
 * - `webhook_outbox.session_id` references the session (an event always belongs to one);
 *   `dedupe_key` is unique so enqueueing the same event twice is a no-op; a partial index on
 *   `(next_attempt_at, id)` for `pending` rows serves the dispatcher.
 * - `issuer_sequences` hands out counters for deterministic VA numbers; unlike a SEQUENCE,
 *   a rolled-back transaction gives its number back (no gaps).
 *
 * Version 2: `idempotency_records.response_body` is `text` (the encoded answer as sent, so a replay
 * is byte-identical); `provider_settings` holds settings that live with the data (the token
 * signing secret).
 *
 * Version 3: `refunds` (decisions R1–R5), one row per refund of a session.
 *
 * Version 4: the sandbox's record of what happened (decision S4): `session_events`, every event
 * applied to a session with the transitions the machines took (the dashboard's timeline), and
 * `webhook_attempts`, every delivery attempt of a webhook (the webhook ledger). Both only grow;
 * deleting a session or an outbox row deletes its rows.
 *
 * @since 0.1.0
 * @category Store
 */
export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "initial",
    statements: [
      `CREATE TABLE payment_sessions (
        id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        client_reference_id text NOT NULL,
        status text NOT NULL,
        payment_type text NOT NULL,
        expiry_at timestamptz,
        snapshot jsonb NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX payment_sessions_client_reference_idx
        ON payment_sessions (merchant_id, client_reference_id, created_at DESC, id DESC)`,
      `CREATE INDEX payment_sessions_merchant_created_idx
        ON payment_sessions (merchant_id, created_at DESC, id DESC)`,
      `CREATE INDEX payment_sessions_expiry_due_idx ON payment_sessions (expiry_at, id)
        WHERE expiry_at IS NOT NULL AND status NOT IN ('PAID', 'CANCELLED', 'EXPIRED', 'INACTIVE')`,
      `CREATE TABLE idempotency_records (
        merchant_id text NOT NULL,
        request_key text NOT NULL,
        endpoint text NOT NULL,
        request_hash text NOT NULL,
        response_status integer NOT NULL,
        response_body jsonb,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, request_key)
      )`,
      "CREATE INDEX idempotency_records_created_idx ON idempotency_records (created_at)",
      `CREATE TABLE webhook_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        merchant_id text NOT NULL,
        session_id uuid NOT NULL REFERENCES payment_sessions (id),
        event text NOT NULL,
        payload jsonb NOT NULL,
        dedupe_key text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed_manual')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz
      )`,
      "CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at, id) WHERE status = 'pending'",
      "CREATE INDEX webhook_outbox_session_idx ON webhook_outbox (session_id, id)",
      `CREATE TABLE issuer_sequences (
        name text PRIMARY KEY,
        value bigint NOT NULL CHECK (value >= 1)
      )`,
    ],
  },
  {
    version: 2,
    name: "replay bytes and provider settings",
    statements: [
      // A replay must be the first answer byte for byte (C6); jsonb reorders keys. Existing rows
      // keep jsonb's text of them (the best left of the original bytes).
      "ALTER TABLE idempotency_records ALTER COLUMN response_body TYPE text USING response_body::text",
      // Provider-wide settings kept with the data, e.g. the access-token signing secret.
      `CREATE TABLE provider_settings (
        name text PRIMARY KEY,
        value text NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: "refunds",
    statements: [
      // A refund is the core's refund record (opaque jsonb) plus the columns queries need, derived
      // on every write. It belongs to one session (outbox rows of its callbacks name that session).
      // `next_step_at`: when the sandbox moves it next (null once final), for the refund sweeper.
      `CREATE TABLE refunds (
        id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        session_id uuid NOT NULL REFERENCES payment_sessions (id),
        charge_id text NOT NULL,
        client_reference_id text NOT NULL,
        status text NOT NULL,
        next_step_at timestamptz,
        record jsonb NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      "CREATE INDEX refunds_merchant_created_idx ON refunds (merchant_id, created_at DESC, id DESC)",
      "CREATE INDEX refunds_session_idx ON refunds (session_id, created_at DESC, id DESC)",
      `CREATE INDEX refunds_client_reference_idx
        ON refunds (merchant_id, client_reference_id, created_at DESC, id DESC)`,
      "CREATE INDEX refunds_next_step_idx ON refunds (next_step_at, id) WHERE next_step_at IS NOT NULL",
    ],
  },
  {
    version: 4,
    name: "session events and webhook attempts",
    statements: [
      // One row per event applied and stored (creation, an API call, a channel's notification, the
      // expiry): the statuses before and after, and the machines' transition keys (the core's
      // `formatTransitionKey`). `detail`: a few scalar fields of the event (charge id, amount,
      // failure code), never card data.
      `CREATE TABLE session_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        merchant_id text NOT NULL,
        session_id uuid NOT NULL REFERENCES payment_sessions (id) ON DELETE CASCADE,
        event text NOT NULL,
        at timestamptz NOT NULL,
        status_before text,
        status_after text NOT NULL,
        transitions jsonb NOT NULL,
        detail jsonb NOT NULL
      )`,
      "CREATE INDEX session_events_session_idx ON session_events (session_id, id)",
      // One row per delivery attempt: the dispatcher's, a resend, or a test event (no outbox row).
      // `next_attempt_at`: the retry the attempt scheduled (W2), null when none.
      `CREATE TABLE webhook_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        merchant_id text NOT NULL,
        outbox_id bigint REFERENCES webhook_outbox (id) ON DELETE CASCADE,
        session_id uuid,
        event text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('dispatch', 'resend', 'test')),
        url text,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'rejected')),
        status_code integer,
        latency_ms integer NOT NULL CHECK (latency_ms >= 0),
        response_body text,
        error text,
        attempted_at timestamptz NOT NULL,
        next_attempt_at timestamptz
      )`,
      "CREATE INDEX webhook_attempts_merchant_idx ON webhook_attempts (merchant_id, id)",
      "CREATE INDEX webhook_attempts_outbox_idx ON webhook_attempts (outbox_id, id)",
    ],
  },
];

/**
 * The table names of the current schema (handy for tests that truncate).
 *
 * @since 0.1.0
 * @category Store
 */
export const storeTables = [
  "webhook_attempts",
  "session_events",
  "webhook_outbox",
  "idempotency_records",
  "refunds",
  "payment_sessions",
  "issuer_sequences",
  "provider_settings",
] as const;

/**
 * Brings `db` to the latest migration in one transaction, under `pg_advisory_xact_lock` keyed by
 * the schema name, so that processes opening the database at once apply each migration exactly
 * once. Creates `db.schema` if missing. Returns the versions it applied (empty when up to date).
 * A database with a migration this code does not know (a newer release ran) is a `StoreError`
 * with reason `migration`: nothing is changed.
 *
 * @since 0.1.0
 * @category Store
 */
export const runMigrations = async (db: Database): Promise<ReadonlyArray<number>> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (error) {
      // Waiting for an advisory lock does not refresh the backend's catalog caches: after another
      // process created the schema or a table, the first statements here can still miss it and
      // fail with "already exists" (seen on PostgreSQL 15 with search_path naming the new schema).
      // A new transaction sees everything; the lock still keeps the migrations from interleaving.
      const stale = error instanceof StoreError && error.code !== undefined && STALE_CATALOG.has(error.code);
      if (!stale || attempt >= 3) throw error;
    }
  }
};

/** unique_violation, duplicate_schema, duplicate_table, duplicate_object, undefined_table. */
const STALE_CATALOG = new Set(["23505", "42P06", "42P07", "42710", "42P01"]);

const migrateOnce = (db: Database): Promise<ReadonlyArray<number>> =>
  db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
      `payment-session/migrations/${db.schema ?? "(search_path)"}`,
    ]);
    if (db.schema !== undefined) await tx.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await tx.query<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    const known = new Map(migrations.map((m) => [m.version, m.name]));
    for (const row of rows) {
      if (known.get(row.version) !== row.name) {
        throw new StoreError({
          reason: "migration",
          message: `the database has migration ${row.version} "${row.name}", which this code does not know: it was migrated by another release`,
        });
      }
    }
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });

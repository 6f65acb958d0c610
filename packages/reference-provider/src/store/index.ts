/**
 * The storage layer of the reference provider: PostgreSQL through embedded PGlite (default) or a
 * server (`DATABASE_URL`), the same SQL on both. Sessions are stored as the core's opaque snapshot
 * with a version for compare-and-set; webhook events and idempotency records are written in the
 * same transaction.
 *
 * @since 0.1.0
 */
export {
  type Database,
  type Dialect,
  type OpenDatabaseOptions,
  openDatabase,
  type Queryable,
  type QueryResult,
  type SqlValue,
  type Tx,
} from "./Database.js";
export {
  DuplicateIdempotencyKey,
  isDatabaseUnavailable,
  StoreError,
  type StoreErrorReason,
  StoreUnavailable,
  toStoreError,
} from "./errors.js";
export { type Instant, toEpochMillis } from "./Instant.js";
export {
  deferIdempotencyRecord,
  findIdempotencyRecord,
  type IdempotencyRecord,
  idempotencyWindowMs,
  isDuplicateIdempotencyKey,
  type NewIdempotencyRecord,
} from "./idempotency.js";
export { databaseOnTransaction, inOneTransaction } from "./internal/scope.js";
export { deleteMerchantData } from "./maintenance.js";
export { type Migration, migrations, runMigrations, storeTables } from "./migrations.js";
export {
  claimNextWebhook,
  enqueueWebhooks,
  findWebhook,
  type LeaseFence,
  listWebhooks,
  markDelivered,
  markManual,
  markResentDelivered,
  type NewWebhook,
  type OutboxRow,
  scheduleRetry,
  type WebhookStatus,
} from "./outbox.js";
export {
  attemptBodyChars,
  listSessionEvents,
  listWebhookAttempts,
  type NewSessionEvent,
  type NewWebhookAttempt,
  recordSessionEvents,
  recordWebhookAttempt,
  type SessionEventRow,
  type WebhookAttemptKind,
  type WebhookAttemptRow,
} from "./sandboxRecords.js";
export { nextSequence } from "./sequences.js";
export {
  claimExpired,
  deferInsertSession,
  deferUpdateLockedSession,
  finalSessionStatuses,
  finalStatusesSql,
  listSessions,
  loadSession,
  type NewSession,
  type PageRequest,
  type SessionChange,
  type SessionPage,
  type SessionRow,
  updateSessions,
} from "./sessions.js";
export { loadOrCreateSetting } from "./settings.js";

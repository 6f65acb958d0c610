/**
 * The `webhook_outbox` repository: webhook events written in the same transaction as the session
 * change that causes them, then delivered at least once by a dispatcher (decision W2).
 *
 * @since 0.1.0
 */
import type { Queryable, SqlValue } from "./Database.js";
import { type Instant, sqlInstant, sqlMillis, toEpochMillis } from "./Instant.js";
import {
  invalidInput,
  isUuid,
  nullableText,
  oneOf,
  text,
  toJsonText,
  toNullableNumber,
  toSafeNumber,
} from "./internal/values.js";

/**
 * `pending` (to deliver at `nextAttemptAt`), `delivered`, or `failed_manual` (retries exhausted:
 * an operator retries it by hand).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export type WebhookStatus = (typeof webhookStatuses)[number];

const webhookStatuses = ["pending", "delivered", "failed_manual"] as const;

/**
 * A stored webhook event. Instants are epoch milliseconds.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface OutboxRow {
  readonly id: number;
  readonly merchantId: string;
  readonly sessionId: string;
  readonly event: string;
  readonly payload: unknown;
  readonly dedupeKey: string;
  readonly status: WebhookStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
}

/**
 * A webhook event to enqueue. `dedupeKey` identifies the event (e.g. session id + event + charge id +
 * charge status): a second enqueue with the same key is ignored. `nextAttemptAt` defaults to
 * `createdAt` (due at once). The session must exist (foreign key).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface NewWebhook {
  readonly merchantId: string;
  readonly sessionId: string;
  readonly event: string;
  readonly payload: unknown;
  readonly dedupeKey: string;
  readonly createdAt: Instant;
  readonly nextAttemptAt?: Instant | undefined;
}

/** The columns of an {@link OutboxRow}, as {@link toOutboxRow} reads them (also for test support). */
export const COLUMNS = `id, merchant_id, session_id::text AS session_id, event, payload, dedupe_key, status, attempts,
  ${sqlMillis("next_attempt_at")} AS next_attempt_at, last_error,
  ${sqlMillis("created_at")} AS created_at, ${sqlMillis("delivered_at")} AS delivered_at`;

type RawRow = Record<string, unknown>;

/** A `webhook_outbox` row as read with {@link COLUMNS}. */
export const toOutboxRow = (raw: RawRow): OutboxRow => ({
  id: toSafeNumber(raw.id, "webhook_outbox.id"),
  merchantId: text(raw.merchant_id, "webhook_outbox.merchant_id"),
  sessionId: text(raw.session_id, "webhook_outbox.session_id"),
  event: text(raw.event, "webhook_outbox.event"),
  payload: raw.payload,
  dedupeKey: text(raw.dedupe_key, "webhook_outbox.dedupe_key"),
  status: oneOf(raw.status, webhookStatuses, "webhook_outbox.status"),
  attempts: toSafeNumber(raw.attempts, "webhook_outbox.attempts"),
  nextAttemptAt: toSafeNumber(raw.next_attempt_at, "webhook_outbox.next_attempt_at"),
  lastError: nullableText(raw.last_error, "webhook_outbox.last_error"),
  createdAt: toSafeNumber(raw.created_at, "webhook_outbox.created_at"),
  deliveredAt: toNullableNumber(raw.delivered_at, "webhook_outbox.delivered_at"),
});

/**
 * Enqueues events (`ON CONFLICT (dedupe_key) DO NOTHING`) and returns the rows actually inserted,
 * in input order, in one statement; a duplicate key is silently left out.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const enqueueWebhooks = async (
  db: Queryable,
  webhooks: ReadonlyArray<NewWebhook>,
): Promise<ReadonlyArray<OutboxRow>> => {
  if (webhooks.length === 0) return [];
  const records = webhooks.map((webhook) => {
    if (!isUuid(webhook.sessionId)) {
      throw invalidInput(`sessionId must be a UUID, got ${JSON.stringify(webhook.sessionId)}`);
    }
    const createdAt = toEpochMillis(webhook.createdAt, "createdAt");
    return {
      merchant_id: webhook.merchantId,
      session_id: webhook.sessionId,
      event: webhook.event,
      payload: webhook.payload,
      dedupe_key: webhook.dedupeKey,
      next_attempt_at:
        webhook.nextAttemptAt === undefined
          ? createdAt
          : toEpochMillis(webhook.nextAttemptAt, "nextAttemptAt"),
      created_at: createdAt,
    };
  });
  const { rows } = await db.query<RawRow>(
    `INSERT INTO webhook_outbox (merchant_id, session_id, event, payload, dedupe_key, next_attempt_at, created_at)
     SELECT w.merchant_id, w.session_id, w.event, w.payload, w.dedupe_key,
            timestamptz 'epoch' + w.next_attempt_at * interval '1 millisecond',
            timestamptz 'epoch' + w.created_at * interval '1 millisecond'
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
              AS (merchant_id text, session_id uuid, event text, payload jsonb, dedupe_key text,
                  next_attempt_at bigint, created_at bigint)) WITH ORDINALITY
            AS w(merchant_id, session_id, event, payload, dedupe_key, next_attempt_at, created_at, n)
      ORDER BY w.n
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [toJsonText(records, "webhooks")],
  );
  const byKey = new Map(rows.map((raw) => [text(raw.dedupe_key, "webhook_outbox.dedupe_key"), raw]));
  const inserted: OutboxRow[] = [];
  for (const record of records) {
    const raw = byKey.get(record.dedupe_key);
    if (raw === undefined) continue;
    byKey.delete(record.dedupe_key);
    inserted.push(toOutboxRow(raw));
  }
  return inserted;
};

/**
 * Claims the one oldest pending event due at `at` whose merchant is not in `excludeMerchants` and
 * whose session is not in `excludeSessions`, and
 * leases it until `leasedUntil` (its `nextAttemptAt` moves there, so no other dispatcher takes it
 * before then), in one statement (`FOR NO KEY UPDATE SKIP LOCKED`: concurrent claimers get different
 * events and never wait). `undefined` when nothing is due.
 *
 * This is the dispatcher's claim (decision H6): one event at a time, just before its delivery, so
 * a lease only has to outlast one delivery (its timeout), never a batch.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const claimNextWebhook = async (
  db: Queryable,
  at: Instant,
  leasedUntil: Instant,
  options: {
    readonly excludeMerchants?: ReadonlyArray<string> | undefined;
    readonly excludeSessions?: ReadonlyArray<string> | undefined;
  } = {},
): Promise<OutboxRow | undefined> => {
  const { rows } = await db.query<RawRow>(
    `UPDATE webhook_outbox SET next_attempt_at = ${sqlInstant(2)}
      WHERE id = (
        SELECT id FROM webhook_outbox
         WHERE status = 'pending' AND next_attempt_at <= ${sqlInstant(1)}
           AND merchant_id NOT IN (SELECT jsonb_array_elements_text($3::jsonb))
           AND session_id::text NOT IN (SELECT jsonb_array_elements_text($4::jsonb))
         ORDER BY next_attempt_at, id
         LIMIT 1
         FOR NO KEY UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
    [
      toEpochMillis(at, "at"),
      toEpochMillis(leasedUntil, "leasedUntil"),
      JSON.stringify(options.excludeMerchants ?? []),
      JSON.stringify(options.excludeSessions ?? []),
    ],
  );
  const raw = rows[0];
  return raw === undefined ? undefined : toOutboxRow(raw);
};

/**
 * `leasedUntil`: record the outcome only while the event is still under the lease this dispatcher
 * took ({@link claimNextWebhook}); once another dispatcher has claimed it again or recorded an
 * outcome, nothing is changed (`false`).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface LeaseFence {
  readonly leasedUntil?: Instant | undefined;
}

const fence = (options: LeaseFence, n: number): { readonly sql: string; readonly params: SqlValue[] } =>
  options.leasedUntil === undefined
    ? { sql: "", params: [] }
    : {
        sql: ` AND next_attempt_at = ${sqlInstant(n)}`,
        params: [toEpochMillis(options.leasedUntil, "leasedUntil")],
      };

/**
 * Records a successful delivery at `at`. Returns `false` (and changes nothing) when the event is not
 * pending (already delivered or manual).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const markDelivered = async (db: Queryable, id: number, at: Instant): Promise<boolean> => {
  const { rowCount } = await db.query(
    `UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ${sqlInstant(2)}
      WHERE id = $1 AND status = 'pending'`,
    [id, toEpochMillis(at, "at")],
  );
  return rowCount > 0;
};

/**
 * Records a failed attempt and when to try again (the W2 schedule is the dispatcher's: 5 min, 15 min,
 * 1 h, 3 h, 6 h, 12 h). Returns `false` when the event is not pending (or, with `leasedUntil`, no
 * longer under that lease).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const scheduleRetry = async (
  db: Queryable,
  id: number,
  nextAt: Instant,
  error: string,
  options: LeaseFence = {},
): Promise<boolean> => {
  const leased = fence(options, 4);
  const { rowCount } = await db.query(
    `UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ${sqlInstant(2)}, last_error = $3
      WHERE id = $1 AND status = 'pending'${leased.sql}`,
    [id, toEpochMillis(nextAt, "nextAt"), error, ...leased.params],
  );
  return rowCount > 0;
};

/**
 * Records the last failed attempt and stops retrying (`failed_manual`). Returns `false` when the
 * event is not pending (or, with `leasedUntil`, no longer under that lease).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const markManual = async (
  db: Queryable,
  id: number,
  error: string,
  options: LeaseFence = {},
): Promise<boolean> => {
  const leased = fence(options, 3);
  const { rowCount } = await db.query(
    `UPDATE webhook_outbox SET status = 'failed_manual', attempts = attempts + 1, last_error = $2
      WHERE id = $1 AND status = 'pending'${leased.sql}`,
    [id, error, ...leased.params],
  );
  return rowCount > 0;
};

/**
 * A merchant's webhook events of one session, oldest first (for tests, support and the
 * provider-states endpoint).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const listWebhooks = async (
  db: Queryable,
  merchantId: string,
  sessionId: string,
): Promise<ReadonlyArray<OutboxRow>> => {
  if (!isUuid(sessionId)) return [];
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM webhook_outbox WHERE merchant_id = $1 AND session_id = $2 ORDER BY id`,
    [merchantId, sessionId],
  );
  return rows.map(toOutboxRow);
};

/**
 * One of a merchant's webhook events by id, or `undefined` (for the sandbox's resend).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const findWebhook = async (
  db: Queryable,
  merchantId: string,
  id: number,
): Promise<OutboxRow | undefined> => {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM webhook_outbox WHERE merchant_id = $1 AND id = $2`,
    [merchantId, id],
  );
  const raw = rows[0];
  return raw === undefined ? undefined : toOutboxRow(raw);
};

/**
 * Records that a resend (sandbox) reached the merchant at `at`: a `pending` or `failed_manual`
 * event becomes `delivered` (the dispatcher stops retrying it). Returns `false` when it was
 * already delivered.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const markResentDelivered = async (db: Queryable, id: number, at: Instant): Promise<boolean> => {
  const { rowCount } = await db.query(
    `UPDATE webhook_outbox SET status = 'delivered', delivered_at = ${sqlInstant(2)}
      WHERE id = $1 AND status IN ('pending', 'failed_manual')`,
    [id, toEpochMillis(at, "at")],
  );
  return rowCount > 0;
};

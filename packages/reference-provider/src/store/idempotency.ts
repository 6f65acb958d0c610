/**
 * The `idempotency_records` repository (decision C6): the first response to an `X-REQUEST-ID`,
 * replayed for 24 hours. The window is measured on the instant the caller passes, never a clock.
 *
 * @since 0.1.0
 */
import type { Queryable, Tx } from "./Database.js";
import { StoreError } from "./errors.js";
import { type Instant, sqlInstant, sqlMillis, toEpochMillis } from "./Instant.js";
import { text, toJsonText, toSafeNumber } from "./internal/values.js";

/**
 * How long a record answers for its key: 24 hours, in milliseconds.
 *
 * @since 0.1.0
 * @category Idempotency
 */
export const idempotencyWindowMs = 86_400_000;

/**
 * The stored first response to a request key. `requestHash` identifies the request (endpoint and
 * body, however the caller hashes them): the same key with another hash is a 409.
 *
 * @since 0.1.0
 * @category Idempotency
 */
export interface IdempotencyRecord {
  readonly merchantId: string;
  readonly requestKey: string;
  readonly endpoint: string;
  readonly requestHash: string;
  readonly responseStatus: number;
  readonly responseBody: unknown;
  /**
   * `responseBody` as JSON text (decision P23). A loaded record has the text stored, the bytes the
   * first response sent; a new record that has it (`JSON.stringify(responseBody)`) is stored as it
   * is instead of encoding `responseBody` again, so a caller that sends the same text as its
   * response encodes it once.
   */
  readonly responseJson?: string | undefined;
  readonly createdAt: number;
}

/**
 * A record to save; `createdAt` is the request's instant.
 *
 * @since 0.1.0
 * @category Idempotency
 */
export interface NewIdempotencyRecord extends Omit<IdempotencyRecord, "createdAt"> {
  readonly createdAt: Instant;
}

type RawRow = Record<string, unknown>;

const toRecord = (raw: RawRow): IdempotencyRecord => {
  const stored =
    raw.response_body === null || raw.response_body === undefined
      ? undefined
      : text(raw.response_body, "idempotency_records.response_body");
  return {
    merchantId: text(raw.merchant_id, "idempotency_records.merchant_id"),
    requestKey: text(raw.request_key, "idempotency_records.request_key"),
    endpoint: text(raw.endpoint, "idempotency_records.endpoint"),
    requestHash: text(raw.request_hash, "idempotency_records.request_hash"),
    responseStatus: toSafeNumber(raw.response_status, "idempotency_records.response_status"),
    // Stored as the text that was sent; parsing it keeps the key order, so re-encoding gives the same bytes.
    responseBody: stored === undefined ? null : JSON.parse(stored),
    ...(stored === undefined ? {} : { responseJson: stored }),
    createdAt: toSafeNumber(raw.created_at, "idempotency_records.created_at"),
  };
};

/**
 * The merchant's live record for `requestKey` at instant `at`, or `null`. A record is live while
 * `at < createdAt + 24 h`; an older one is ignored (and may be replaced by a new save).
 *
 * @since 0.1.0
 * @category Idempotency
 */
export const findIdempotencyRecord = async (
  db: Queryable,
  merchantId: string,
  requestKey: string,
  at: Instant,
): Promise<IdempotencyRecord | null> => {
  const { rows } = await db.query<RawRow>(
    `SELECT merchant_id, request_key, endpoint, request_hash, response_status, response_body,
            ${sqlMillis("created_at")} AS created_at
       FROM idempotency_records
      WHERE merchant_id = $1 AND request_key = $2 AND created_at > ${sqlInstant(3)}`,
    [merchantId, requestKey, toEpochMillis(at, "at") - idempotencyWindowMs],
  );
  const [raw] = rows;
  return raw === undefined ? null : toRecord(raw);
};

/**
 * Saves the first response to a key, in the same transaction as the work it answers, without
 * waiting for the answer (`Tx.defer`: on a PostgreSQL server it travels with the COMMIT, no round
 * trip of its own). A record for the key still live at `createdAt` fails the transaction (nothing
 * it did is committed) with a `StoreError` that {@link isDuplicateIdempotencyKey} recognises — roll
 * back and replay that record. An expired record for the key is deleted first and replaced. A concurrent request with the
 * same key waits for this one's transaction: it fails as a duplicate if this one commits.
 *
 * One statement (decision P18): the expired record's DELETE runs as a data-modifying CTE the INSERT
 * reads (`count(*)` consumes it whole), so it completes before the INSERT looks for a conflict, and
 * a row this transaction deleted is no conflict. A live record is left alone: the INSERT then meets
 * it as a unique violation (23505), never an update.
 *
 * @since 0.2.0
 * @category Idempotency
 */
export const deferIdempotencyRecord = (tx: Tx, record: NewIdempotencyRecord): void => {
  const createdAt = toEpochMillis(record.createdAt, "createdAt");
  tx.defer(saveRecordSql, [
    record.merchantId,
    record.requestKey,
    record.endpoint,
    record.requestHash,
    record.responseStatus,
    record.responseJson ?? toJsonText(record.responseBody, "responseBody"),
    createdAt,
    createdAt - idempotencyWindowMs,
  ]);
};

const saveRecordSql = `WITH expired AS (
       DELETE FROM idempotency_records
        WHERE merchant_id = $1 AND request_key = $2 AND created_at <= ${sqlInstant(8)}
       RETURNING 1)
     INSERT INTO idempotency_records
       (merchant_id, request_key, endpoint, request_hash, response_status, response_body, created_at)
     SELECT $1, $2, $3::text, $4::text, $5::int, $6::text, ${sqlInstant(7)}
       FROM (SELECT count(*) FROM expired) AS deleted`;

/**
 * Whether `error` is the failure {@link deferIdempotencyRecord} causes for a key that already has a
 * live record (a unique violation of the records' primary key).
 *
 * @since 0.2.0
 * @category Idempotency
 */
export const isDuplicateIdempotencyKey = (error: unknown): boolean =>
  error instanceof StoreError &&
  error.reason === "unique_violation" &&
  error.constraint === "idempotency_records_pkey";

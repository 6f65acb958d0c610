/**
 * The `refunds` repository (migration 3): the core's refund record as opaque `jsonb` plus the
 * columns queries need (status, session, charge, reference, when the sandbox moves it next), all
 * derived from the record on every write.
 *
 * @since 0.2.0
 */
import {
  nextSandboxRefundStepAt,
  persistRefund,
  type RefundRecord,
  type RefundStatus,
  restoreRefund,
} from "@payment-session/core";
import type { Queryable, SqlValue, Tx } from "../store/Database.js";
import { StoreError } from "../store/errors.js";
import { sqlInstant } from "../store/Instant.js";
import { isUuid, selectPage, text, toJsonText, toSafeNumber } from "../store/internal/values.js";

/**
 * A stored refund: the core's record and the row's version.
 *
 * @since 0.2.0
 * @category Refunds
 */
export interface RefundRow {
  readonly merchantId: string;
  readonly refund: RefundRecord;
  readonly version: number;
}

const COLUMNS = `merchant_id, record, version`;

type RawRow = Record<string, unknown>;

const toRefundRow = (raw: RawRow): RefundRow => {
  const refund = restoreRefund(raw.record);
  if (refund === null) {
    throw new StoreError({ reason: "query", message: "a refunds row holds a record the core cannot read" });
  }
  return {
    merchantId: text(raw.merchant_id, "refunds.merchant_id"),
    refund,
    version: toSafeNumber(raw.version, "refunds.version"),
  };
};

/** The derived columns of a record (`next_step_at` from the core's sandbox schedule). */
const derived = (refund: RefundRecord) => ({
  status: refund.state,
  nextStepAt: nextSandboxRefundStepAt(refund),
  record: toJsonText(persistRefund(refund), "record"),
  updatedAt: refund.context.updatedAt,
});

/**
 * Inserts a new refund (version 1). Its session must exist (foreign key); the id must be a UUID.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const insertRefund = async (
  db: Queryable,
  merchantId: string,
  refund: RefundRecord,
): Promise<void> => {
  const c = refund.context;
  if (!isUuid(c.id) || !isUuid(c.paymentSessionId)) {
    throw new StoreError({ reason: "invalid_input", message: "refund and session ids must be UUIDs" });
  }
  const d = derived(refund);
  const params: SqlValue[] = [
    c.id,
    merchantId,
    c.paymentSessionId,
    c.chargeId,
    c.clientReferenceId,
    d.status,
    d.nextStepAt,
    d.record,
    c.createdAt,
    d.updatedAt,
  ];
  await db.query(
    `INSERT INTO refunds (id, merchant_id, session_id, charge_id, client_reference_id, status, next_step_at,
       record, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, ${sqlInstant(7)}, $8::jsonb, 1, ${sqlInstant(9)}, ${sqlInstant(10)})`,
    params,
  );
};

/**
 * Writes `refund` as version `expectedVersion + 1` if the row is still at `expectedVersion`
 * (compare-and-set); `false` when another writer got there first.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const updateRefund = async (
  db: Queryable,
  refund: RefundRecord,
  expectedVersion: number,
): Promise<boolean> => {
  const d = derived(refund);
  const { rowCount } = await db.query(
    `UPDATE refunds SET status = $2, next_step_at = ${sqlInstant(3)}, record = $4::jsonb,
       version = version + 1, updated_at = ${sqlInstant(5)}
     WHERE id = $1 AND version = $6`,
    [refund.context.id, d.status, d.nextStepAt, d.record, d.updatedAt, expectedVersion],
  );
  return rowCount > 0;
};

/**
 * A merchant's refund by id (another merchant's is `null`, as an unknown one), optionally locked
 * `FOR NO KEY UPDATE`.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const loadRefund = async (
  db: Queryable,
  merchantId: string,
  id: string,
  options: { readonly forUpdate?: boolean } = {},
): Promise<RefundRow | null> => {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM refunds WHERE id = $1 AND merchant_id = $2${options.forUpdate === true ? " FOR NO KEY UPDATE" : ""}`,
    [id, merchantId],
  );
  const [raw] = rows;
  return raw === undefined ? null : toRefundRow(raw);
};

/**
 * Every refund of a session, oldest first (the ledger of its charges).
 *
 * @since 0.2.0
 * @category Refunds
 */
export const refundsOfSession = async (
  db: Queryable,
  sessionId: string,
): Promise<ReadonlyArray<RefundRow>> => {
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM refunds WHERE session_id = $1 ORDER BY created_at, id`,
    [sessionId],
  );
  return rows.map(toRefundRow);
};

/**
 * Filters of {@link listRefundRows}; all optional.
 *
 * @since 0.2.0
 * @category Refunds
 */
export interface RefundFilter {
  readonly paymentSessionId?: string | undefined;
  readonly clientReferenceId?: string | undefined;
  readonly status?: RefundStatus | undefined;
}

/**
 * A page of a merchant's refunds, newest first (ties by id), filtered, with the total count.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const listRefundRows = async (
  db: Queryable,
  merchantId: string,
  filter: RefundFilter,
  page: { readonly page: number; readonly perPage: number },
): Promise<{ readonly items: ReadonlyArray<RefundRow>; readonly totalItems: number }> => {
  if (filter.paymentSessionId !== undefined && !isUuid(filter.paymentSessionId)) {
    return { items: [], totalItems: 0 };
  }
  const filters = {
    merchant_id: merchantId,
    session_id: filter.paymentSessionId,
    client_reference_id: filter.clientReferenceId,
    status: filter.status,
  };
  const { rows, totalItems } = await selectPage(db, "refunds", COLUMNS, filters, page);
  return { items: rows.map(toRefundRow), totalItems };
};

/**
 * Claims up to `limit` refunds whose next sandbox step is due at `at` (optionally of one merchant),
 * locked `FOR NO KEY UPDATE SKIP LOCKED` so sweepers and requests never wait for each other.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const claimDueRefunds = async (
  tx: Tx,
  at: number,
  limit: number,
  merchantId?: string,
): Promise<ReadonlyArray<RefundRow>> => {
  const { rows } = await tx.query<RawRow>(
    `SELECT ${COLUMNS} FROM refunds
      WHERE next_step_at IS NOT NULL AND next_step_at <= ${sqlInstant(1)}${merchantId === undefined ? "" : " AND merchant_id = $3"}
      ORDER BY next_step_at, id LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
    merchantId === undefined ? [at, limit] : [at, limit, merchantId],
  );
  return rows.map(toRefundRow);
};

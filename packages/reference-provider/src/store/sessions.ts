/**
 * The `payment_sessions` repository: the core's snapshot (opaque JSON) with a version for
 * compare-and-set, plus the columns that lists and the expiry sweeper query.
 *
 * @since 0.1.0
 */
import { isFinalSessionStatus, SessionStatus } from "@payment-session/core";
import type { Queryable, SqlValue, Tx } from "./Database.js";
import { type Instant, sqlInstant, sqlMillis, toEpochMillis } from "./Instant.js";
import {
  invalidInput,
  isUuid,
  positiveInt,
  selectPage,
  text,
  toJsonText,
  toNullableNumber,
  toSafeNumber,
} from "./internal/values.js";
import { type NewSessionEvent, sessionEventsJson, sessionEventsSelect } from "./sandboxRecords.js";

/**
 * A stored session. Instants are epoch milliseconds. `status`, `paymentType`, `expiryAt` and
 * `clientReferenceId` are derived from `snapshot` by the caller (the core) on every write.
 *
 * @since 0.1.0
 * @category Store
 */
export interface SessionRow {
  readonly id: string;
  readonly merchantId: string;
  readonly clientReferenceId: string;
  readonly status: string;
  readonly paymentType: string;
  readonly expiryAt: number | null;
  readonly snapshot: unknown;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A session to insert (stored at version 1). `updatedAt` defaults to `createdAt`.
 *
 * @since 0.1.0
 * @category Store
 */
export interface NewSession {
  readonly id: string;
  readonly merchantId: string;
  readonly clientReferenceId: string;
  readonly status: string;
  readonly paymentType: string;
  readonly expiryAt: Instant | null;
  readonly snapshot: unknown;
  readonly createdAt: Instant;
  readonly updatedAt?: Instant | undefined;
  /**
   * Timeline entries (as `recordSessionEvents` takes them) stored by the same statement as the
   * row ({@link deferInsertSession}, decision P19).
   */
  readonly timeline?: ReadonlyArray<NewSessionEvent> | undefined;
}

/**
 * The new state of a session: its snapshot and the columns derived from it. `clientReferenceId`,
 * `paymentType` and `createdAt` never change.
 *
 * @since 0.1.0
 * @category Store
 */
export interface SessionChange
  extends Pick<NewSession, "id" | "merchantId" | "status" | "expiryAt" | "snapshot"> {
  readonly updatedAt: Instant;
}

/**
 * A page request: `page` from 1, `perPage` 1–100.
 *
 * @since 0.1.0
 * @category Store
 */
export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

/**
 * One page of sessions, newest first, and how many match in all.
 *
 * @since 0.1.0
 * @category Store
 */
export interface SessionPage {
  readonly items: ReadonlyArray<SessionRow>;
  readonly totalItems: number;
}

/**
 * Session statuses that never change again, so never expire (the core's `isFinalSessionStatus`):
 * the sweeper's partial index and {@link claimExpired} leave them out. Migration 1 wrote the same
 * list into the index's predicate, as frozen SQL; a test checks the two agree.
 *
 * @since 0.1.0
 * @category Store
 */
export const finalSessionStatuses: ReadonlyArray<SessionStatus> =
  SessionStatus.literals.filter(isFinalSessionStatus);

/**
 * `('PAID', 'CANCELLED', …)`, in the core's order, as the partial index's predicate spells it.
 *
 * @since 0.1.0
 * @category Store
 */
export const finalStatusesSql = `(${finalSessionStatuses.map((s) => `'${s}'`).join(", ")})`;

/** The columns of a {@link SessionRow}, as {@link toSessionRow} reads them (store-internal). */
export const COLUMNS = `id::text AS id, merchant_id, client_reference_id, status, payment_type,
  ${sqlMillis("expiry_at")} AS expiry_at, snapshot, version,
  ${sqlMillis("created_at")} AS created_at, ${sqlMillis("updated_at")} AS updated_at`;

type RawRow = Record<string, unknown>;

/** A row read with {@link COLUMNS} as a {@link SessionRow} (store-internal). */
export const toSessionRow = (raw: RawRow): SessionRow => ({
  id: text(raw.id, "payment_sessions.id"),
  merchantId: text(raw.merchant_id, "payment_sessions.merchant_id"),
  clientReferenceId: text(raw.client_reference_id, "payment_sessions.client_reference_id"),
  status: text(raw.status, "payment_sessions.status"),
  paymentType: text(raw.payment_type, "payment_sessions.payment_type"),
  expiryAt: toNullableNumber(raw.expiry_at, "payment_sessions.expiry_at"),
  snapshot: raw.snapshot,
  version: toSafeNumber(raw.version, "payment_sessions.version"),
  createdAt: toSafeNumber(raw.created_at, "payment_sessions.created_at"),
  updatedAt: toSafeNumber(raw.updated_at, "payment_sessions.updated_at"),
});

const nullableInstant = (instant: Instant | null, what: string): number | null =>
  instant === null ? null : toEpochMillis(instant, what);

const insertSql = `INSERT INTO payment_sessions
       (id, merchant_id, client_reference_id, status, payment_type, expiry_at, snapshot, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, ${sqlInstant(6)}, $7::jsonb, 1, ${sqlInstant(8)}, ${sqlInstant(9)})`;

const insertParams = (session: NewSession): SqlValue[] => {
  if (!isUuid(session.id)) throw invalidInput(`session id must be a UUID, got ${JSON.stringify(session.id)}`);
  const createdAt = toEpochMillis(session.createdAt, "createdAt");
  return [
    session.id,
    session.merchantId,
    session.clientReferenceId,
    session.status,
    session.paymentType,
    nullableInstant(session.expiryAt, "expiryAt"),
    toJsonText(session.snapshot, "snapshot"),
    createdAt,
    session.updatedAt === undefined ? createdAt : toEpochMillis(session.updatedAt, "updatedAt"),
  ];
};

/**
 * Inserts a new session at version 1 without waiting for the answer (`Tx.defer`, decision P12: on
 * a PostgreSQL server it travels with the next statement or the COMMIT, so a create is one round
 * trip). An id already used fails the transaction at COMMIT (a `StoreError`, `unique_violation`)
 * and nothing of it is committed. A non-UUID id is refused at once (`invalid_input`), before
 * anything is sent.
 *
 * `session.timeline` (its entries, as `recordSessionEvents` takes them) is inserted by the same
 * statement (decision P19): the session's INSERT is a CTE the entries' INSERT joins, so they are
 * stored with it or not at all, one statement instead of two.
 *
 * @since 0.2.0
 * @category Store
 */
export const deferInsertSession = (tx: Tx, session: NewSession): void => {
  const timeline = session.timeline ?? [];
  if (timeline.length === 0) tx.defer(insertSql, insertParams(session));
  else tx.defer(insertWithTimelineSql, [...insertParams(session), sessionEventsJson(timeline)]);
};

const insertWithTimelineSql = `WITH session AS (${insertSql} RETURNING 1)
     INSERT INTO session_events ${sessionEventsSelect(10, " CROSS JOIN session")}`;

// Built once: a text built per call is hashed again for its prepared statement's name (P11).
const loadSql = `SELECT ${COLUMNS} FROM payment_sessions WHERE id = $1 AND merchant_id = $2`;
const loadLockedSql = `${loadSql} FOR NO KEY UPDATE`;

/**
 * Loads a merchant's session and its version, or `null` (unknown id, another merchant's session, or
 * an id that is not a UUID). `forUpdate: true` locks the row until the transaction ends (use it in a
 * {@link Tx}): concurrent writers then queue instead of losing the compare-and-set.
 *
 * Every row lock of the store is `FOR NO KEY UPDATE`, never `FOR UPDATE`: writers change no key,
 * and the foreign-key check of a row that refers to a locked one (an outbox row, a refund, a
 * timeline event of the session) takes a KEY SHARE lock, which `FOR UPDATE` blocks. A session write
 * waiting for a refund row while the refund sweeper files that refund's callback deadlocked that
 * way (`test/refundLockOrder.test.ts`).
 *
 * @since 0.1.0
 * @category Store
 */
export const loadSession = async (
  db: Queryable,
  merchantId: string,
  id: string,
  options: { readonly forUpdate?: boolean } = {},
): Promise<{ readonly row: SessionRow; readonly version: number } | null> => {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<RawRow>(options.forUpdate === true ? loadLockedSql : loadSql, [
    id,
    merchantId,
  ]);
  const [raw] = rows;
  if (raw === undefined) return null;
  const row = toSessionRow(raw);
  return { row, version: row.version };
};

const updateSql = `UPDATE payment_sessions
        SET status = $3, expiry_at = ${sqlInstant(4)}, snapshot = $5::jsonb, updated_at = ${sqlInstant(6)},
            version = version + 1
      WHERE id = $1 AND merchant_id = $2 AND version = $7`;

const updateParams = (change: SessionChange, expectedVersion: number): SqlValue[] => [
  change.id,
  change.merchantId,
  change.status,
  nullableInstant(change.expiryAt, "expiryAt"),
  toJsonText(change.snapshot, "snapshot"),
  toEpochMillis(change.updatedAt, "updatedAt"),
  expectedVersion,
];

/**
 * The merchant id of session `id`, by its id alone, or `null` when there is none (or `id` is not a
 * UUID): for the sandbox's hosted payment page, whose URL (like the gateway's) carries only the
 * session id.
 *
 * @since 0.1.0
 */
export const merchantOfSession = async (db: Queryable, id: string): Promise<string | null> => {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<RawRow>("SELECT merchant_id FROM payment_sessions WHERE id = $1", [id]);
  return rows[0] === undefined ? null : text(rows[0].merchant_id, "payment_sessions.merchant_id");
};

/**
 * Writes `change` as version `expectedVersion + 1` (compare-and-set) to a row this transaction
 * holds locked (`loadSession` with `forUpdate`), without waiting for the answer (`Tx.defer`,
 * decision P12: on a PostgreSQL server it travels with the next statement or the COMMIT). Under the lock no other writer can change or delete the row,
 * so the compare-and-set cannot lose; should it touch no row all the same (the row was not locked
 * by this transaction: a bug), the statement fails — a division by the count of rows updated, which
 * is zero — and so does the transaction: nothing is committed, never a write silently lost.
 * `timeline` entries (as `recordSessionEvents` takes them) are inserted by the same statement
 * (decision P19), with the row's update or not at all.
 *
 * @since 0.2.0
 * @category Store
 */
export const deferUpdateLockedSession = (
  tx: Tx,
  change: SessionChange,
  expectedVersion: number,
  timeline: ReadonlyArray<NewSessionEvent> = [],
): void => {
  if (!isUuid(change.id)) throw invalidInput(`session id must be a UUID, got ${JSON.stringify(change.id)}`);
  const params = updateParams(change, expectedVersion);
  if (timeline.length === 0) tx.defer(updateLockedSql, params);
  else tx.defer(updateLockedWithTimelineSql, [...params, sessionEventsJson(timeline)]);
};

const updateLockedSql = `WITH updated AS (${updateSql} RETURNING 1)
     SELECT 1 / (SELECT count(*)::int FROM updated) AS locked_row_updated`;

const updateLockedWithTimelineSql = `WITH updated AS (${updateSql} RETURNING 1),
     timeline AS (INSERT INTO session_events ${sessionEventsSelect(8, " CROSS JOIN updated")})
     SELECT 1 / (SELECT count(*)::int FROM updated) AS locked_row_updated`;

/**
 * The compare-and-set update of many sessions in one statement (the expiry sweeper's batch): each
 * change is written as version + 1 only if its stored version is still `expectedVersion` (and the
 * session is that merchant's); the others are left as they are. Answers the ids written.
 *
 * @since 0.1.0
 * @category Store
 */
export const updateSessions = async (
  db: Queryable,
  changes: ReadonlyArray<{ readonly change: SessionChange; readonly expectedVersion: number }>,
): Promise<ReadonlySet<string>> => {
  const valid = changes.filter(({ change }) => isUuid(change.id));
  if (valid.length === 0) return new Set();
  const records = valid.map(({ change, expectedVersion }) => ({
    id: change.id,
    merchant_id: change.merchantId,
    status: change.status,
    expiry_at: nullableInstant(change.expiryAt, "expiryAt"),
    snapshot: change.snapshot,
    updated_at: toEpochMillis(change.updatedAt, "updatedAt"),
    version: expectedVersion,
  }));
  const { rows } = await db.query<RawRow>(
    `UPDATE payment_sessions p
        SET status = v.status, expiry_at = timestamptz 'epoch' + v.expiry_at * interval '1 millisecond',
            snapshot = v.snapshot, updated_at = timestamptz 'epoch' + v.updated_at * interval '1 millisecond',
            version = p.version + 1
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, merchant_id text, status text, expiry_at bigint,
                                                snapshot jsonb, updated_at bigint, version integer)
      WHERE p.id = v.id AND p.merchant_id = v.merchant_id AND p.version = v.version
      RETURNING p.id::text AS id`,
    [toJsonText(records, "changes")],
  );
  return new Set(rows.map((r) => text(r.id, "payment_sessions.id")));
};

/**
 * A merchant's sessions — with `clientReferenceId`, those with that reference (decision C4: it may
 * be reused); with `status`, those whose stored status is that — newest first (`created_at DESC,
 * id DESC`, stable across pages), with the total count. A page past the end has no items and the
 * same `totalItems`.
 *
 * @since 0.1.0
 * @category Store
 */
export const listSessions = async (
  db: Queryable,
  merchantId: string,
  request: PageRequest & {
    readonly clientReferenceId?: string | undefined;
    readonly status?: string | undefined;
  },
): Promise<SessionPage> => {
  const filters = {
    merchant_id: merchantId,
    client_reference_id: request.clientReferenceId,
    status: request.status,
  };
  const { rows, totalItems } = await selectPage(db, "payment_sessions", COLUMNS, filters, request);
  return { items: rows.map(toSessionRow), totalItems };
};

/**
 * For the expiry sweeper: up to `limit` sessions of any merchant, not in a final status, whose
 * `expiryAt ≤ at`, oldest expiry first, locked `FOR NO KEY UPDATE SKIP LOCKED` — so sweepers running at once
 * claim disjoint rows, and a session being updated by a request is skipped, not waited for. Expire
 * them (core) and {@link updateSessions} in the same transaction.
 *
 * @since 0.1.0
 * @category Store
 */
export const claimExpired = async (
  tx: Tx,
  at: Instant,
  limit: number,
): Promise<ReadonlyArray<SessionRow>> => {
  const { rows } = await tx.query<RawRow>(
    `SELECT ${COLUMNS} FROM payment_sessions
      WHERE expiry_at IS NOT NULL AND status NOT IN ${finalStatusesSql} AND expiry_at <= ${sqlInstant(1)}
      ORDER BY expiry_at, id
      LIMIT $2
      FOR NO KEY UPDATE SKIP LOCKED`,
    [toEpochMillis(at, "at"), positiveInt(limit, "limit")],
  );
  return rows.map(toSessionRow);
};

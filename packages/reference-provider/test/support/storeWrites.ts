/**
 * Store writes only tests use (the provider defers its writes, `Tx.defer`): a session inserted and
 * read back, a compare-and-set update that says why it lost, and the idempotency record written as
 * the upsert the lookup-first code used (a set-up, and the defect `deferred.test.ts` must catch).
 */
import { sqlInstant, toEpochMillis } from "../../src/store/Instant.js";
import {
  type Database,
  deferInsertSession,
  idempotencyWindowMs,
  loadSession,
  type NewIdempotencyRecord,
  type NewSession,
  type Queryable,
  type SessionChange,
  type SessionRow,
  type Tx,
  updateSessions,
} from "../../src/store/index.js";

/** Inserts `session` at version 1 (in `db`'s own transaction, or in `tx`) and returns it as stored. */
export const insertSession = async (db: Database | Tx, session: NewSession): Promise<SessionRow> => {
  const run = async (tx: Tx) => {
    deferInsertSession(tx, session);
    const loaded = await loadSession(tx, session.merchantId, session.id);
    if (loaded === null) throw new Error(`session ${session.id} was not inserted`);
    return loaded.row;
  };
  return db._tag === "Tx" ? run(db) : db.transaction(run);
};

/** The compare-and-set update of one session; a lost one says whether the session exists. */
export const updateSession = async (
  db: Queryable,
  change: SessionChange,
  expectedVersion: number,
): Promise<"updated" | "version_conflict" | "not_found"> => {
  if ((await updateSessions(db, [{ change, expectedVersion }])).has(change.id)) return "updated";
  return (await loadSession(db, change.merchantId, change.id)) === null ? "not_found" : "version_conflict";
};

/** Saves a record unless one is live for its key (`duplicate`: nothing written); an expired one is replaced. */
export const saveIdempotencyRecord = async (
  db: Queryable,
  record: NewIdempotencyRecord,
): Promise<"saved" | "duplicate"> => {
  const createdAt = toEpochMillis(record.createdAt, "createdAt");
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_records
       (merchant_id, request_key, endpoint, request_hash, response_status, response_body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, ${sqlInstant(7)})
     ON CONFLICT (merchant_id, request_key) DO UPDATE
        SET endpoint = EXCLUDED.endpoint, request_hash = EXCLUDED.request_hash,
            response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
            created_at = EXCLUDED.created_at
      WHERE idempotency_records.created_at <= ${sqlInstant(8)}`,
    [
      record.merchantId,
      record.requestKey,
      record.endpoint,
      record.requestHash,
      record.responseStatus,
      JSON.stringify(record.responseBody),
      createdAt,
      createdAt - idempotencyWindowMs,
    ],
  );
  return rowCount > 0 ? "saved" : "duplicate";
};

/**
 * Typed failures of the store. Both are `Error` subclasses with a `_tag` (Effect's
 * `Data.TaggedError`), so plain `try/catch` code can switch on `_tag` and Effect code can
 * `yield*` them or recover with `Effect.catchTag`.
 *
 * @since 0.1.0
 */
import { Data } from "effect";

/**
 * Why a {@link StoreError} happened.
 *
 * - `connect`: the server could not be reached, dropped the connection, or did not answer in time
 *   (connect or query timeout): the database is unavailable, see {@link isDatabaseUnavailable}.
 * - `query`: PostgreSQL refused a statement (see `code`, the SQLSTATE).
 * - `unique_violation`: an INSERT hit a unique key (SQLSTATE 23505; `constraint` names it).
 * - `serialization_failure`: a deadlock or serialization failure (40001, 40P01): retrying the
 *   whole transaction is safe.
 * - `transaction_aborted`: COMMIT found the transaction already aborted by an earlier failed
 *   statement (the caller caught that failure and went on); everything was rolled back.
 * - `migration`: the schema cannot be brought to this code's version (e.g. it is newer).
 * - `invalid_input`: an argument the store refuses before touching SQL (bad instant, page, schema name).
 * - `closed`: the database or the transaction handle is no longer usable.
 * - `nested_transaction`: `db.query`/`db.transaction` was called inside `db.transaction`'s callback;
 *   use the `tx` handle instead (PGlite has one connection: this would wait for itself forever).
 * - `data_dir_in_use`: another open PGlite (this process or a live other one) holds the `dataDir`.
 *
 * @since 0.1.0
 * @category Store
 */
export type StoreErrorReason =
  | "connect"
  | "query"
  | "unique_violation"
  | "serialization_failure"
  | "transaction_aborted"
  | "migration"
  | "invalid_input"
  | "closed"
  | "nested_transaction"
  | "data_dir_in_use";

/**
 * A failure of the storage layer (driver error, refused input, misuse). `code` is the PostgreSQL
 * SQLSTATE when the server answered; `cause` is the driver's original error.
 *
 * @example
 * ```ts
 * try { await insertSession(tx, row) } catch (e) {
 *   if (e instanceof StoreError && e.reason === "unique_violation") { ... }
 * }
 * ```
 * @since 0.1.0
 * @category Store
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly reason: StoreErrorReason;
  readonly message: string;
  readonly code?: string | undefined;
  readonly constraint?: string | undefined;
  readonly cause?: unknown;
}> {}

/**
 * A store call failed because the database cannot be used now (a {@link StoreError} of reason
 * `connect` or `closed`, kept as `cause`): an expected failure, not a bug. The provider answers it
 * 503 `service_unavailable` (decision H7).
 *
 * @since 0.2.0
 * @category Store
 */
export class StoreUnavailable extends Data.TaggedError("StoreUnavailable")<{
  readonly message: string;
  readonly cause: StoreError;
}> {}

/**
 * A transaction's deferred idempotency record (`deferIdempotencyRecord`) found a live record for its
 * key at COMMIT: nothing was committed; the caller replays that record.
 *
 * @since 0.2.0
 * @category Store
 */
export class DuplicateIdempotencyKey extends Data.TaggedError("DuplicateIdempotencyKey")<{
  readonly message: string;
  readonly cause: StoreError;
}> {}

/** A SQLSTATE: five characters; Node's socket errors (ECONNREFUSED, EPIPE) start with E, none of these do. */
const SQLSTATE = /^[0-9A-DF-Z][0-9A-Z]{4}$/;

const field = (error: unknown, key: string): string | undefined => {
  if (typeof error !== "object" || error === null || !(key in error)) return undefined;
  const value: unknown = Reflect.get(error, key);
  return typeof value === "string" ? value : undefined;
};

/**
 * Wraps whatever a driver threw into a {@link StoreError} (reason from the SQLSTATE); a `StoreError`
 * passes through unchanged. Useful as the `catch` of `Effect.tryPromise` around a store call.
 *
 * @since 0.1.0
 * @category Store
 */
export const toStoreError = (error: unknown, sql?: string): StoreError => {
  if (error instanceof StoreError) return error;
  const rawCode = field(error, "code");
  const code = rawCode !== undefined && SQLSTATE.test(rawCode) ? rawCode : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  const message =
    sql === undefined ? detail : `${detail} (in: ${sql.replace(/\s+/g, " ").trim().slice(0, 120)})`;
  const constraint = field(error, "constraint");
  const reason = code === undefined ? reasonOfDriverError(rawCode, detail) : reasonOfSqlState(code);
  return new StoreError({ reason, message, code, constraint, cause: error });
};

const reasonOfSqlState = (code: string): StoreErrorReason => {
  if (code === "23505") return "unique_violation";
  if (code === "40001" || code === "40P01") return "serialization_failure";
  if (code === "25P02") return "transaction_aborted";
  // 08: connection exceptions; 57P01–57P03: the server shutting down or starting; 53300: no
  // connection slot left.
  if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300")
    return "connect";
  return "query";
};

const reasonOfDriverError = (rawCode: string | undefined, detail: string): StoreErrorReason => {
  if (/\bclosed\b|\bended\b/i.test(detail)) return "closed";
  // Socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, …), a connection terminated, and the
  // driver's timeouts ("timeout exceeded when trying to connect", "Query read timeout").
  if (rawCode?.startsWith("E") === true || /connect|terminat|timeout/i.test(detail)) return "connect";
  return "query";
};

/**
 * Whether `error` (or an error in its `cause` chain) says the database is unavailable: a
 * {@link StoreError} with reason `connect` (unreachable, connection lost, no answer within the
 * connect or query timeout). The provider answers such a request 503 `service_unavailable` (decision
 * H7); the
 * outcome of a write that was in flight is unknown to the caller, who retries it with the same
 * `X-REQUEST-ID`.
 *
 * @since 0.1.0
 * @category Store
 */
export const isDatabaseUnavailable = (error: unknown): boolean => {
  let current: unknown = error;
  for (let hops = 0; hops < 8 && typeof current === "object" && current !== null; hops++) {
    if (current instanceof StoreError) return current.reason === "connect";
    current = Reflect.get(current, "cause");
  }
  return false;
};

/**
 * The database handle's types: one interface, two drivers (embedded PGlite, or a PostgreSQL server
 * through `pg`), the same SQL for both. The drivers (`internal/`) and the migrations implement and
 * use these; `Database.ts` opens a handle. (Apart from the opening, so that nothing here imports a
 * driver and no driver imports back.)
 *
 * @since 0.2.0
 */
import type { StoreError } from "./errors.js";

/**
 * Which driver a {@link Database} runs on.
 *
 * @since 0.1.0
 * @category Store
 */
export type Dialect = "pglite" | "postgres";

/**
 * A value bound to a `$n` parameter. Instants go in as epoch milliseconds (see `sqlInstant`), JSON
 * as a string (`JSON.stringify`, cast with `$n::jsonb`): both drivers then send the same text.
 *
 * @since 0.1.0
 * @category Store
 */
export type SqlValue = string | number | boolean | null;

/**
 * Rows of a statement, and how many rows it returned or changed.
 *
 * @since 0.1.0
 * @category Store
 */
export interface QueryResult<Row> {
  readonly rows: ReadonlyArray<Row>;
  readonly rowCount: number;
}

/**
 * Anything that runs one SQL statement: a {@link Database} (autocommit) or a {@link Tx}.
 * `Row` is trusted, not checked: the repositories map raw rows to typed values themselves.
 *
 * @since 0.1.0
 * @category Store
 */
export interface Queryable {
  readonly dialect: Dialect;
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<SqlValue>,
  ): Promise<QueryResult<Row>>;
}

/**
 * The handle of one open transaction, valid only inside the `transaction` callback; afterwards every
 * query is a `StoreError` with reason `closed`.
 *
 * @since 0.1.0
 * @category Store
 */
export interface Tx extends Queryable {
  readonly _tag: "Tx";
  /**
   * A write whose answer nothing waits for: it runs in order with the transaction's other
   * statements (a later `query` sees it), but the caller does not wait for it. On a PostgreSQL
   * server it is written at once and travels with the next statement or the COMMIT (pipelined: no
   * round trip of its own); on PGlite it runs before the next statement. If it fails, the
   * transaction fails with that statement's {@link StoreError} (not with what the callback threw
   * after it) and nothing is committed.
   */
  defer(sql: string, params?: ReadonlyArray<SqlValue>): void;
}

/**
 * An open database. `transaction(fn)` runs `fn` in BEGIN … COMMIT at READ COMMITTED; if `fn` throws
 * (or rejects) everything is rolled back and the same error is rethrown unchanged. Driver errors
 * are {@link StoreError}s.
 *
 * Gotchas:
 * - PGlite is one connection: its transactions (and `db.query` calls) run one at a time, in order.
 *   With `pg` they run in parallel on a pool.
 * - Inside `fn`, use `tx`, never `db`: `db.query`/`db.transaction` there is a `StoreError`
 *   (`nested_transaction`) on both drivers, instead of a deadlock on PGlite.
 *
 * @since 0.1.0
 * @category Store
 */
export interface Database extends Queryable {
  readonly _tag: "Database";
  /** The PostgreSQL schema the tables live in (`search_path`), when one was asked for. */
  readonly schema: string | undefined;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Ends the pool or closes PGlite (flushing its `dataDir`). Idempotent. */
  close(): Promise<void>;
}

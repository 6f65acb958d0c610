/**
 * The database handle the store works with: one interface, two drivers (embedded PGlite, or a
 * PostgreSQL server through `pg`, in `internal/`), the same SQL for both, and how to open one. (The
 * drivers and the migrations import only this module's types, so nothing loops at run time.)
 *
 * @since 0.1.0
 */
import { StoreError } from "./errors.js";
import { openPglite } from "./internal/pglite.js";
import { openPostgres } from "./internal/postgres.js";
import { runMigrations } from "./migrations.js";

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
   * round trip of its own); on PGlite it is sent with the next statement or the COMMIT, in one
   * call into the database (decision P22). If it fails, the
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

/**
 * Where the data lives.
 *
 * - `url` (e.g. `process.env.DATABASE_URL`): a PostgreSQL server through a `pg` pool.
 * - `dataDir`: PGlite persisted in that folder (created if missing; data survives close/reopen).
 *   One open handle per folder: a second open, in this or another live process, is a
 *   `StoreError` (`data_dir_in_use`).
 * - neither, or `memory: true`: PGlite in memory (gone on close).
 *
 * `schema`: a PostgreSQL schema to create if missing and use (`search_path`) for every table, so that
 * test runs or tenants can share one server. Lower-case letters, digits and `_`.
 * `poolSize`: connections of the `pg` pool (default 10).
 * `connectTimeoutMs` (default 5 s): the longest the `pg` driver waits for a connection (a new one,
 * or a free one of the pool); `queryTimeoutMs` (default 10 s): the longest it waits for one
 * statement's answer. Past either, the call fails with a `StoreError` (`connect`) instead of
 * waiting for a server that is gone (see `isDatabaseUnavailable`).
 *
 * @since 0.1.0
 * @category Store
 */
export interface OpenDatabaseOptions {
  readonly url?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly memory?: boolean | undefined;
  readonly schema?: string | undefined;
  readonly poolSize?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly queryTimeoutMs?: number | undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the database and brings its schema up to date (see `migrations`), then returns the handle.
 * Opening PGlite takes about 3 s the first time in a process (WASM start), a few hundred ms after.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: ".data/pglite" })
 * // url wins when set; otherwise PGlite in .data/pglite
 * ```
 * @since 0.1.0
 * @category Store
 */
export const openDatabase = async (options: OpenDatabaseOptions = {}): Promise<Database> => {
  const { url, dataDir, memory, schema, poolSize, connectTimeoutMs, queryTimeoutMs } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError({
      reason: "invalid_input",
      message: `schema must match ${SCHEMA_NAME.source}, got ${JSON.stringify(schema)}`,
    });
  }
  if (url !== undefined && url !== "" && memory === true) {
    throw new StoreError({ reason: "invalid_input", message: "url and memory: true exclude each other" });
  }
  if (dataDir !== undefined && memory === true) {
    throw new StoreError({ reason: "invalid_input", message: "dataDir and memory: true exclude each other" });
  }
  const db =
    url !== undefined && url !== ""
      ? await openPostgres({
          url,
          schema,
          poolSize: poolSize ?? 10,
          connectTimeoutMs: connectTimeoutMs ?? 5000,
          queryTimeoutMs: queryTimeoutMs ?? 10_000,
        })
      : await openPglite({ dataDir, schema });
  try {
    await runMigrations(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
};

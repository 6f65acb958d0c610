/**
 * Opens the database handle the store works with (its types: `handle.ts`): embedded PGlite or a
 * PostgreSQL server through `pg`, the same SQL for both.
 *
 * @since 0.1.0
 */
import { StoreError } from "./errors.js";
import type { Database } from "./handle.js";
import { openPglite } from "./internal/pglite.js";
import { openPostgres } from "./internal/postgres.js";
import { runMigrations } from "./migrations.js";

export type { Database, Dialect, Queryable, QueryResult, SqlValue, Tx } from "./handle.js";

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

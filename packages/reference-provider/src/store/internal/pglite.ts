/**
 * The PGlite driver: PostgreSQL in WASM, in process, one connection. Transactions use PGlite's own
 * `transaction()`, which holds a mutex: transactions and autocommit queries run one at a time.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PGlite, Results } from "@electric-sql/pglite";
import type { Database, QueryResult, SqlValue, Tx } from "../Database.js";
import { StoreError, toStoreError } from "../errors.js";
import { assertNotInTransaction, closedError, runInTransactionScope } from "./scope.js";

/** Folders held by an open PGlite of this process (PGlite itself does not refuse a second open). */
const openDataDirs = new Set<string>();

const LOCK_FILE = ".payment-session.lock";

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
};

/**
 * Takes the folder for this process: an in-process set plus a lock file holding the pid (a lock
 * file of a dead process is stale and taken over). Returns the release function.
 */
const lockDataDir = (dataDir: string): (() => void) => {
  const inUse = (holder: string) =>
    new StoreError({
      reason: "data_dir_in_use",
      message: `PGlite dataDir ${dataDir} is already open (${holder}); close it first`,
    });
  if (openDataDirs.has(dataDir)) throw inUse("by this process");
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      openDataDirs.add(dataDir);
      return () => {
        openDataDirs.delete(dataDir);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw toStoreError(error);
      const pid = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw inUse(`by process ${pid}; remove ${lockPath} if that process is not PGlite`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw inUse("lock file could not be taken");
};

const toResult = <Row>(result: Results<Row>): QueryResult<Row> => ({
  rows: result.rows,
  rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
});

/** Opens PGlite (in memory, or persisted in `dataDir`) without running migrations. */
export const openPglite = async (options: {
  readonly dataDir: string | undefined;
  readonly schema: string | undefined;
}): Promise<Database> => {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const release = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    pglite = dataDir === undefined ? await PGlite.create() : await PGlite.create({ dataDir });
    // Session-level, set before the schema exists: the migrations create it.
    if (options.schema !== undefined) await pglite.query(`SET search_path TO ${options.schema}`);
  } catch (error) {
    release();
    throw toStoreError(error);
  }
  const db = pglite;
  let closed = false;
  const owner = {};

  const run = async <Row>(sql: string, params: ReadonlyArray<SqlValue> | undefined) => {
    try {
      return toResult(await db.query<Row>(sql, params === undefined ? [] : [...params]));
    } catch (error) {
      throw toStoreError(error, sql);
    }
  };

  const handle: Database = {
    _tag: "Database",
    dialect: "pglite",
    schema: options.schema,
    query: async <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
      if (closed) throw closedError("the database");
      assertNotInTransaction(owner, "db.query");
      return run<Row>(sql, params);
    },
    transaction: async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      if (closed) throw closedError("the database");
      assertNotInTransaction(owner, "db.transaction");
      // Errors of fn pass through unchanged; anything else (BEGIN, COMMIT) becomes a StoreError.
      let fromFn: { readonly error: unknown } | undefined;
      try {
        return await db.transaction(async (ptx) => {
          let done = false;
          const tx: Tx = {
            _tag: "Tx",
            dialect: "pglite",
            query: async <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
              if (done) throw closedError("the transaction");
              try {
                return toResult(await ptx.query<Row>(sql, params === undefined ? [] : [...params]));
              } catch (error) {
                throw toStoreError(error, sql);
              }
            },
          };
          try {
            return await runInTransactionScope(owner, () => fn(tx));
          } catch (error) {
            fromFn = { error };
            throw error;
          } finally {
            done = true;
          }
        });
      } catch (error) {
        if (fromFn !== undefined && fromFn.error === error) throw error;
        throw toStoreError(error, "COMMIT");
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
  return handle;
};

/**
 * What both drivers share around their own statements: the {@link Database} and {@link Tx} handles
 * with their closed checks, driver errors as `StoreError`s, an idempotent close, and the detection of
 * `db.query`/`db.transaction` called from inside one of the same database's transaction callbacks
 * (a deadlock on PGlite, a second connection with other semantics on pg).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Dialect, QueryResult, SqlValue, Tx } from "../Database.js";
import { StoreError, toStoreError } from "../errors.js";

const insideTransactionOf = new AsyncLocalStorage<object>();

/** A `closed` StoreError. */
const closedError = (what: string): StoreError =>
  new StoreError({ reason: "closed", message: `${what} is closed` });

/** What a driver does itself: one autocommit statement, one transaction, closing. */
export interface Driver {
  readonly dialect: Dialect;
  readonly schema: string | undefined;
  query<Row>(sql: string, params: Array<SqlValue>): Promise<QueryResult<Row>>;
  /** Runs `fn` in a transaction; `fn` is already marked as inside it. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The {@link Database} handle over `driver`. */
export const databaseOf = (driver: Driver): Database => {
  let closed = false;
  const owner = {};
  const usable = (what: string) => {
    if (closed) throw closedError("the database");
    if (insideTransactionOf.getStore() === owner) {
      throw new StoreError({
        reason: "nested_transaction",
        message: `${what} was called inside a transaction of the same database: use the tx handle`,
      });
    }
  };
  return {
    _tag: "Database",
    dialect: driver.dialect,
    schema: driver.schema,
    query: async <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
      usable("db.query");
      try {
        return await driver.query<Row>(sql, params === undefined ? [] : [...params]);
      } catch (error) {
        throw toStoreError(error, sql);
      }
    },
    transaction: async <T>(fn: (tx: Tx) => Promise<T>) => {
      usable("db.transaction");
      return driver.transaction((tx) => insideTransactionOf.run(owner, () => fn(tx)));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
};

/** The {@link Tx} handle over a driver's `query` and `defer`, refused once `done()` says it ended. */
export const txOf = (dialect: Dialect, done: () => boolean, statements: Pick<Tx, "query" | "defer">): Tx => ({
  _tag: "Tx",
  dialect,
  query: async <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
    if (done()) throw closedError("the transaction");
    return statements.query<Row>(sql, params);
  },
  defer: (sql: string, params?: ReadonlyArray<SqlValue>) => {
    if (done()) throw closedError("the transaction");
    statements.defer(sql, params);
  },
});

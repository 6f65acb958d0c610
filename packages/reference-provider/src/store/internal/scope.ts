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

/**
 * A {@link Database} handle on one transaction `tx` its caller opened (decision P21): `query` runs
 * in `tx`, `transaction(fn)` is `fn(tx)` (no BEGIN or COMMIT of its own: its statements join the
 * outer transaction, and what it ran is undone only when the outer transaction rolls back), and
 * `close` is refused. For a caller that fails as a whole when any step fails (seeding), so that its
 * steps commit together in one transaction instead of one each.
 *
 * @since 0.2.0
 * @category Store
 */
export const databaseOnTransaction = (db: Database, tx: Tx): Database => ({
  _tag: "Database",
  dialect: db.dialect,
  schema: db.schema,
  query: <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => tx.query<Row>(sql, params),
  transaction: <T>(fn: (inner: Tx) => Promise<T>) => fn(tx),
  close: async () => {
    throw new StoreError({
      reason: "invalid_input",
      message: "a database handle on a transaction cannot be closed: its transaction ends with its callback",
    });
  },
});

/**
 * Runs `fn` in one transaction of `db`, with a {@link Database} handle on it
 * ({@link databaseOnTransaction}): everything `fn` writes, its inner `transaction` calls included,
 * commits together when `fn` returns and rolls back together when it throws.
 *
 * @since 0.2.0
 * @category Store
 */
export const inOneTransaction = <T>(db: Database, fn: (db: Database) => Promise<T>): Promise<T> =>
  db.transaction((tx) => fn(databaseOnTransaction(db, tx)));

/**
 * Detects `db.query`/`db.transaction` called from inside one of the same database's transaction
 * callbacks (a deadlock on PGlite, a second connection with other semantics on pg).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { StoreError } from "../errors.js";

const insideTransactionOf = new AsyncLocalStorage<object>();

/** Runs `fn` marked as inside a transaction of `owner`. */
export const runInTransactionScope = <T>(owner: object, fn: () => Promise<T>): Promise<T> =>
  insideTransactionOf.run(owner, fn);

/** Throws `nested_transaction` when called from inside a transaction callback of `owner`. */
export const assertNotInTransaction = (owner: object, what: string): void => {
  if (insideTransactionOf.getStore() === owner) {
    throw new StoreError({
      reason: "nested_transaction",
      message: `${what} was called inside a transaction of the same database: use the tx handle`,
    });
  }
};

/** A `closed` StoreError. */
export const closedError = (what: string): StoreError =>
  new StoreError({ reason: "closed", message: `${what} is closed` });

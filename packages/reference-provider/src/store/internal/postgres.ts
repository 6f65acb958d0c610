/**
 * The `pg` driver: a pool of connections to a PostgreSQL server; each transaction runs on one
 * client with BEGIN / COMMIT / ROLLBACK at the server's default isolation (READ COMMITTED).
 */
import type { Writable } from "node:stream";
import pg from "pg";
import type { Database, QueryResult, SqlValue, Tx } from "../Database.js";
import { isDatabaseUnavailable, StoreError, toStoreError } from "../errors.js";
import { databaseOf, txOf } from "./scope.js";

const toResult = <Row>(result: pg.QueryResult): QueryResult<Row> => ({
  // pg types rows as `any`; the caller's Row is trusted, as documented on Queryable.
  rows: result.rows as Row[],
  rowCount: result.rowCount ?? result.rows.length,
});

/**
 * The most statement texts named (prepared once per connection, decision P11). Texts beyond it run
 * unnamed: a caller that builds texts without end (a row count in the text) cannot grow every
 * connection's cache without bound.
 */
const MAX_NAMED = 1000;

/**
 * Names parameterised statement texts (decision P11): `{ name, text, values }` makes `pg` prepare a
 * text once per connection (the server parses and plans it once) and send only Bind/Execute after.
 * A statement without parameters (BEGIN, COMMIT, DDL, a migration) stays unnamed: it may change
 * the schema a prepared plan was made for, and it runs rarely.
 */
export const statementNamer = () => {
  const names = new Map<string, string>();
  return (text: string, params: ReadonlyArray<SqlValue> | undefined): pg.QueryConfig<SqlValue[]> => {
    const values = params === undefined ? [] : [...params];
    if (values.length === 0) return { text, values };
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= MAX_NAMED) return { text, values };
      name = `ps${names.size + 1}`;
      names.set(text, name);
    }
    return { name, text, values };
  };
};

/**
 * Write batching (decision P10): what a transaction sends in one turn of the event loop (BEGIN, its
 * statements, the deferred ones, the COMMIT) is held in the socket (`cork`) and written in one
 * system call at the end of the turn (`setImmediate` → `uncork`), instead of one write per
 * statement. A statement the transaction awaits is written at that end of turn, before the event
 * loop waits for its answer. `pg` keeps its socket as `connection.stream` (not in its types).
 */
export const writeBatcher = (client: pg.PoolClient) => {
  const connection: unknown = Reflect.get(client, "connection");
  const stream: unknown =
    typeof connection === "object" && connection !== null ? Reflect.get(connection, "stream") : undefined;
  const socket = stream as Partial<Pick<Writable, "cork" | "uncork">> | undefined;
  if (typeof socket?.cork !== "function" || typeof socket.uncork !== "function") {
    return { hold: () => {}, flush: () => {} };
  }
  let held = false;
  const flush = () => {
    if (!held) return;
    held = false;
    socket.uncork?.();
  };
  return {
    /** Call before each statement is issued: the first one of a turn corks the socket. */
    hold: () => {
      if (held) return;
      held = true;
      socket.cork?.();
      setImmediate(flush);
    },
    /** Writes what is held now (before the connection goes back to the pool). */
    flush,
  };
};

/** Opens a pool on `url` without running migrations (nothing connects until the first query). */
export const openPostgres = async (options: {
  readonly url: string;
  readonly schema: string | undefined;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
}): Promise<Database> => {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // A server that is gone (refused, partitioned) fails the call instead of leaving it waiting.
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs,
    // Pipeline mode: a statement issued while an earlier one is still answering is written at once
    // instead of waiting its turn. The transactions below issue BEGIN without waiting for it, so it
    // travels with the transaction's first statement: one round trip fewer per transaction.
    pipeline: true,
    // Every connection starts with this search_path; the schema itself is created by the migrations.
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle client that loses its connection is dropped by the pool; without a listener the
  // 'error' event would crash the process. The next query reconnects or fails as a StoreError.
  pool.on("error", () => {});
  // The same for a connection lost while it is checked out (in a transaction): its queries fail
  // with the error (a StoreError for the caller); the event itself must not crash the process.
  // Pipelined statements written into a reset socket make that case common (ECONNRESET on write).
  pool.on("connect", (client) => client.on("error", () => {}));
  const named = statementNamer();

  return databaseOf({
    dialect: "postgres",
    schema: options.schema,
    query: async <Row>(sql: string, params: Array<SqlValue>) =>
      toResult<Row>(await pool.query(named(sql, params))),
    transaction: async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      const connection = client;
      const batch = writeBatcher(connection);
      let done = false;
      // true: the connection's state is unknown (a failed ROLLBACK/COMMIT); destroy, never reuse it.
      let discard = false;
      const statement = async (sql: string) => {
        try {
          batch.hold();
          return await connection.query(sql);
        } catch (error) {
          discard = true;
          throw toStoreError(error, sql);
        }
      };
      // Deferred statements (Tx.defer): on the wire, their answers not awaited; each settles to its
      // error or undefined. `failed` is the first failure seen.
      const deferred: Array<Promise<StoreError | undefined>> = [];
      let failed: StoreError | undefined;
      const settleDeferred = async (): Promise<StoreError | undefined> => {
        await Promise.all(deferred);
        return failed;
      };
      const tx = txOf("postgres", () => done, {
        query: async <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
          try {
            batch.hold();
            return toResult<Row>(await connection.query(named(sql, params)));
          } catch (error) {
            throw failed ?? toStoreError(error, sql);
          }
        },
        defer: (sql: string, params?: ReadonlyArray<SqlValue>) => {
          batch.hold();
          deferred.push(
            connection.query(named(sql, params)).then(
              () => undefined,
              (error: unknown) => {
                const failure = toStoreError(error, sql);
                failed ??= failure;
                return failure;
              },
            ),
          );
        },
      });
      try {
        // Not awaited here: BEGIN is pipelined with fn's first statement. Its failure (resolved as
        // the error, so it is never an unhandled rejection) is thrown below, before fn's own error
        // (which is then only the consequence: a statement behind a failed BEGIN).
        let beginFailed: { readonly error: unknown } | undefined;
        const begun = statement("BEGIN").then(
          () => undefined,
          (error: unknown) => {
            beginFailed = { error };
            return beginFailed;
          },
        );
        let result: T;
        try {
          result = await fn(tx);
          // A BEGIN already known to have failed, or a deferred statement: roll back, never COMMIT
          // (a savepoint rollback fn awaited since may have cleared the abort its failure caused).
          // BEGIN's answer is not waited for: a transaction of deferred statements only (a create)
          // sends its COMMIT in the same write as its BEGIN (decision P18), one round trip.
          if (beginFailed !== undefined) throw beginFailed.error;
          if (failed !== undefined) throw failed;
        } catch (thrown) {
          done = true;
          const failedBegin = await begun;
          if (failedBegin !== undefined) throw failedBegin.error;
          // What fn threw after a deferred statement failed is its consequence: the cause is thrown.
          const error = (await settleDeferred()) ?? thrown;
          if (isDatabaseUnavailable(error)) {
            // The connection is lost or silent: a ROLLBACK would only wait for the query timeout
            // again. Destroying the connection ends the transaction on the server.
            discard = true;
            throw error;
          }
          // A failed ROLLBACK marks the connection for disposal; fn's error is still the one thrown.
          await statement("ROLLBACK").catch(() => undefined);
          throw error;
        }
        done = true;
        // Written behind the deferred statements still unanswered (pipelined): one round trip for all.
        const committing = statement("COMMIT").then(
          (answer) => ({ answer }),
          (error: unknown) => ({ error }),
        );
        const failedBegin = await begun;
        const failure = await settleDeferred();
        const committed = await committing;
        // A failed BEGIN (the connection lost) is the cause of what followed it.
        if (failedBegin !== undefined) throw failedBegin.error;
        // The server executed the failed statement before the COMMIT, which then answered ROLLBACK.
        if (failure !== undefined) throw failure;
        if ("error" in committed) throw committed.error;
        const commit = committed.answer;
        // COMMIT of a transaction aborted by an earlier failed statement answers ROLLBACK, no error.
        if (commit.command === "ROLLBACK") {
          throw new StoreError({
            reason: "transaction_aborted",
            message: "the transaction was rolled back instead of committed: a statement in it failed earlier",
            code: "25P02",
          });
        }
        return result;
      } finally {
        done = true;
        batch.flush();
        connection.release(discard);
      }
    },
    close: () => pool.end(),
  });
};

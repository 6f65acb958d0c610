/**
 * Named prepared statements on PGlite (decision P20): a parameterised text is parsed once under one
 * name and every later call, in or out of a transaction, deferred or not, reuses it; a statement's
 * failure maps to the same `StoreError` as through `pglite.query` (the baseline: `prepared: false`).
 * PostgreSQL's own `pg_prepared_statements` says what the backend holds and how often each ran.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  deferInsertSession,
  deferUpdateLockedSession,
  loadSession,
  runMigrations,
  StoreError,
  toStoreError,
} from "../../src/store/index.js";
import { openPglite, pgliteImageFile } from "../../src/store/internal/pglite.js";
import {
  type BatchedTx,
  type PreparedStatements,
  preparedStatements,
} from "../../src/store/internal/pglitePrepared.js";
import { MERCHANT, newSession, T0 } from "./harness.js";

const open = async (prepared: boolean): Promise<Database> => {
  const db = await openPglite({ dataDir: undefined, schema: undefined, prepared });
  await runMigrations(db);
  return db;
};

/** The backend's named statements whose text holds `fragment`: name and executions. */
const namedLike = async (db: Database, fragment: string) =>
  (
    await db.query<{ name: string; runs: number }>(
      `SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
        WHERE statement LIKE '%${fragment}%' ORDER BY name`,
    )
  ).rows;

const LOAD_TEXT = "FROM payment_sessions WHERE id = $1 AND merchant_id = $2";

describe("PGlite named prepared statements (P20)", () => {
  let db: Database;
  let plain: Database;
  beforeAll(async () => {
    db = await open(true);
    plain = await open(false);
  });
  afterAll(async () => {
    await db.close();
    await plain.close();
  });

  it("a parameterised text is parsed once under one name and reused in and out of transactions", async () => {
    const session = newSession();
    await db.transaction(async (tx) => deferInsertSession(tx, session));
    for (let i = 0; i < 3; i++) expect(await loadSession(db, MERCHANT, session.id)).not.toBeNull();
    await db.transaction(async (tx) => {
      expect(await loadSession(tx, MERCHANT, session.id)).not.toBeNull();
    });
    // Plain loads only (the locked load is another text, named on its own).
    const named = (await namedLike(db, LOAD_TEXT)).filter((row) => row.runs > 0);
    expect(named).toHaveLength(1);
    expect(named[0]?.name).toMatch(/^ps\d+$/);
    expect(named[0]?.runs).toBe(4);
    // A text without parameters (this query itself) is not named.
    expect(await namedLike(db, "pg_prepared_statements")).toEqual([]);
  });

  it("check: with naming off nothing is named, so the test above would fail", async () => {
    const session = newSession();
    await plain.transaction(async (tx) => deferInsertSession(tx, session));
    expect(await loadSession(plain, MERCHANT, session.id)).not.toBeNull();
    expect(await namedLike(plain, LOAD_TEXT)).toEqual([]);
  });

  /** What a failure becomes, on `target`: the StoreError's reason, SQLSTATE and constraint. */
  const failures = async (target: Database) => {
    const outcome = (error: unknown) =>
      error instanceof StoreError
        ? { reason: error.reason, code: error.code, constraint: error.constraint }
        : { thrown: String(error) };
    const session = newSession();
    // The insert's text is named by this first, successful use.
    await target.transaction(async (tx) => deferInsertSession(tx, session));
    const duplicate = await target
      .transaction(async (tx) => deferInsertSession(tx, { ...session, clientReferenceId: "again" }))
      .then(() => ({ thrown: "committed" }), outcome);
    // The P12 check: an update of the locked row that touches none divides by its row count, 0.
    const stale = await target
      .transaction(async (tx) => {
        const locked = await loadSession(tx, MERCHANT, session.id, { forUpdate: true });
        if (locked === null) throw new Error("the session was not found");
        // Version 7 of a row at version 1: the update touches no row.
        deferUpdateLockedSession(tx, { ...locked.row, status: "PAID", updatedAt: T0 + 1 }, 7);
      })
      .then(() => ({ thrown: "committed" }), outcome);
    // After the failures the database answers again, and nothing of the failed writes is there.
    const after = await loadSession(target, MERCHANT, session.id);
    return { duplicate, stale, version: after?.version };
  };

  it("a failing statement maps to the same StoreError as through pglite.query (unique violation, the 1/count check)", async () => {
    const prepared = await failures(db);
    expect(prepared).toEqual({
      duplicate: { reason: "unique_violation", code: "23505", constraint: "payment_sessions_pkey" },
      stale: { reason: "query", code: "22012", constraint: undefined },
      version: 1,
    });
    expect(prepared).toEqual(await failures(plain));
  });
});

describe("the statement names (P20)", () => {
  it("are bounded: beyond `max` texts a statement is left to pglite.query; a text that fails to parse is not kept", async () => {
    const mod = await import("@electric-sql/pglite");
    // From the prepared image the first describe's open left (no initdb).
    const image = pgliteImageFile(undefined);
    const pglite = await mod.PGlite.create(
      image === undefined ? {} : { loadDataDir: new Blob([readFileSync(image)]) },
    );
    try {
      const named = preparedStatements(pglite, mod, 2);
      expect((await named.query<{ n: number }>("SELECT $1::int AS n", [1], false))?.rows).toEqual([{ n: 1 }]);
      await expect(named.query("SELEKT $1::int", [1], false)).rejects.toMatchObject({ code: "42601" });
      expect(named.size()).toBe(1);
      expect((await named.query<{ n: number }>("SELECT $1::int + 1 AS n", [1], false))?.rows).toEqual([
        { n: 2 },
      ]);
      expect(named.query("SELECT $1::int + 2 AS n", [1], false)).toBeUndefined();
      expect(named.query("SELECT 1", [], false)).toBeUndefined();
      expect((await named.query<{ n: number }>("SELECT $1::int AS n", [5], false))?.rows).toEqual([{ n: 5 }]);
      expect(named.size()).toBe(2);
      await pglite.close();
      const closed = await Promise.resolve(named.query("SELECT $1::int AS n", [1], false)).catch(
        toStoreError,
      );
      expect(closed).toMatchObject({ _tag: "StoreError", reason: "closed" });
    } finally {
      if (!pglite.closed) await pglite.close();
    }
  });
});

/**
 * Batched transactions (decision P22): BEGIN travels with the first statement, a deferred statement
 * with the next one or the COMMIT, so a transaction of deferred statements only is one call into
 * the backend. Each statement keeps its own Sync: a failure is its statement's own error, nothing
 * after it is committed, and PGlite is out of the transaction afterwards.
 */
describe("batched transactions (P22)", () => {
  const mod = import("@electric-sql/pglite");
  /** A bare PGlite with a table `t`, its statements, and the number of execProtocol calls made. */
  const start = async () => {
    const pglite = await (await mod).PGlite.create(
      (() => {
        const image = pgliteImageFile(undefined);
        return image === undefined ? {} : { loadDataDir: new Blob([readFileSync(image)]) };
      })(),
    );
    await pglite.query("CREATE TABLE t (id int PRIMARY KEY)");
    const named = preparedStatements(pglite, await mod);
    let calls = 0;
    const execProtocol = pglite.execProtocol.bind(pglite);
    pglite.execProtocol = (message, options) => {
      calls++;
      return execProtocol(message, options);
    };
    const ids = async () =>
      (await pglite.query<{ id: number }>("SELECT id FROM t ORDER BY id")).rows.map((r) => r.id);
    return { pglite, named, calls: () => calls, ids };
  };
  const INSERT = "INSERT INTO t VALUES ($1::int)";
  const fail = (sql: string, error: unknown) => toStoreError(error, sql);
  const outcome = (error: unknown) =>
    error instanceof StoreError ? { reason: error.reason, code: error.code } : { thrown: String(error) };
  /** How a batched transaction of `named` ended: `{ thrown: "committed" }`, or its error's reason and code. */
  const endOf = (named: PreparedStatements, fn: (tx: BatchedTx) => Promise<unknown>) =>
    named.transaction(fn, fail).then(() => ({ thrown: "committed" }), outcome);

  it("deferred statements only: BEGIN, the statements and COMMIT in one call; with a query: one call each side", async () => {
    const { pglite, named, calls, ids } = await start();
    try {
      // The text is named by this first use (its Parse is a call of its own).
      await named.transaction(async (tx) => tx.defer(INSERT, [1]), fail);
      let before = calls();
      await named.transaction(async (tx) => {
        tx.defer(INSERT, [2]);
        tx.defer(INSERT, [3]);
      }, fail);
      expect(calls() - before).toBe(1);
      const COUNT = "SELECT count(*)::int AS n FROM t WHERE id > $1::int";
      await named.query(COUNT, [0], false);
      before = calls();
      const seen = await named.transaction(async (tx) => {
        tx.defer(INSERT, [4]);
        const { rows } = await tx.query<{ n: number }>(COUNT, [0]);
        tx.defer(INSERT, [5]);
        return rows[0]?.n;
      }, fail);
      // The query saw the deferred insert sent with it; BEGIN+INSERT+SELECT, then INSERT+COMMIT.
      expect(seen).toBe(4);
      expect(calls() - before).toBe(2);
      expect(await ids()).toEqual([1, 2, 3, 4, 5]);
      expect(pglite.isInTransaction()).toBe(false);
    } finally {
      await pglite.close();
    }
  });

  it("a failing statement sent with others fails the transaction with its own error; nothing of it is committed", async () => {
    const { pglite, named, ids } = await start();
    try {
      await named.transaction(async (tx) => tx.defer(INSERT, [1]), fail);
      // 10 before the duplicate, 11 after it, the COMMIT last: all in one call.
      const batch = await endOf(named, async (tx) => {
        tx.defer(INSERT, [10]);
        tx.defer(INSERT, [1]);
        tx.defer(INSERT, [11]);
      });
      expect(batch).toEqual({ reason: "unique_violation", code: "23505" });
      // A query behind a failed deferred statement throws that statement's error, not its own 25P02.
      const behind = await endOf(named, async (tx) => {
        tx.defer(INSERT, [1]);
        await tx.query("SELECT count(*) FROM t WHERE id > $1::int", [0]);
      });
      expect(behind).toEqual({ reason: "unique_violation", code: "23505" });
      // A failure fn caught: what it defers after is not committed, COMMIT answers ROLLBACK.
      const caught = await endOf(named, async (tx) => {
        await tx.query(INSERT, [1]).catch(() => undefined);
        tx.defer(INSERT, [12]);
      });
      expect(caught).toEqual({ reason: "transaction_aborted", code: "25P02" });
      // The same with nothing after the failure: COMMIT alone answers ROLLBACK, never success.
      const caughtLast = await endOf(named, async (tx) => {
        tx.defer(INSERT, [15]);
        await tx.query(INSERT, [1]).catch(() => undefined);
      });
      expect(caughtLast).toEqual({ reason: "transaction_aborted", code: "25P02" });
      // What fn throws after a deferred statement failed is its consequence: the cause is thrown.
      const consequence = await endOf(named, async (tx) => {
        tx.defer(INSERT, [13]);
        tx.defer(INSERT, [1]);
        await tx.query("SELECT $1::int AS n", [0]).catch(() => undefined);
        throw new Error("a consequence");
      });
      expect(consequence).toEqual({ reason: "unique_violation", code: "23505" });
      // fn's own error, nothing failed before it: thrown as it is, what it deferred rolled back.
      const own = new Error("fn's own");
      await expect(
        named.transaction(async (tx) => {
          tx.defer(INSERT, [14]);
          throw own;
        }, fail),
      ).rejects.toBe(own);
      expect(await ids()).toEqual([1]);
      expect(pglite.isInTransaction()).toBe(false);
      // And the database answers the next transaction.
      await named.transaction(async (tx) => tx.defer(INSERT, [2]), fail);
      expect(await ids()).toEqual([1, 2]);
    } finally {
      await pglite.close();
    }
  });

  it("a new text after held statements (a table they create) and a statement without parameters run in order", async () => {
    const { pglite, named } = await start();
    try {
      const n = await named.transaction(async (tx) => {
        tx.defer("CREATE TABLE u (id int)", []);
        tx.defer("INSERT INTO u VALUES ($1::int)", [7]);
        return (await tx.query<{ n: number }>("SELECT id AS n FROM u", [])).rows[0]?.n;
      }, fail);
      expect(n).toBe(7);
    } finally {
      await pglite.close();
    }
  });
});

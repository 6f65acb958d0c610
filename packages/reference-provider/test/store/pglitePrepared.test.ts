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
import { preparedStatements } from "../../src/store/internal/pglitePrepared.js";
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

import { describe, expect, it } from "vitest";
import {
  type Database,
  listSessions,
  loadSession,
  migrations,
  openDatabase,
  runMigrations,
  StoreError,
  storeTables,
  type Tx,
  toEpochMillis,
} from "../../src/store/index.js";
import { insertSession } from "../support/storeWrites.js";
import { drivers, MERCHANT, newSession, T0, useStore } from "./harness.js";

const countSessions = async (db: Database) => {
  const { rows } = await db.query("SELECT count(*)::int AS n FROM payment_sessions");
  return rows[0];
};

const appliedMigrations = async (db: Database) =>
  (
    await db.query<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    )
  ).rows;

/** Removes every table of the store (the server: the whole schema) so that migrations start over. */
const dropEverything = async (db: Database) => {
  if (db.schema !== undefined) {
    await db.query(`DROP SCHEMA ${db.schema} CASCADE`);
    return;
  }
  await db.query(`DROP TABLE ${storeTables.join(", ")}, schema_migrations CASCADE`);
};

describe.each(drivers)("database on $name", (driver) => {
  const store = useStore(driver);

  describe("transactions", () => {
    it("reports its driver", () => {
      expect(store.db.dialect).toBe(driver.name);
    });

    it("commits what the callback wrote and returns its value", async () => {
      const session = newSession();
      const value = await store.db.transaction(async (tx) => {
        await insertSession(tx, session);
        return "done";
      });
      expect(value).toBe("done");
      expect(await loadSession(store.db, MERCHANT, session.id)).not.toBeNull();
    });

    it("rolls everything back when the callback throws, and rethrows that very error", async () => {
      const failure = new RangeError("decided to fail");
      const session = newSession();
      const attempt = store.db.transaction(async (tx) => {
        await insertSession(tx, session);
        await insertSession(tx, newSession());
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await countSessions(store.db)).toEqual({ n: 0 });
    });

    it("turns a refused statement into a StoreError with the SQLSTATE and the constraint", async () => {
      const session = newSession();
      await insertSession(store.db, session);
      const error = await insertSession(store.db, session).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({
        _tag: "StoreError",
        reason: "unique_violation",
        code: "23505",
        constraint: "payment_sessions_pkey",
      });
      const syntax = await store.db.query("SELEC 1").catch((e: unknown) => e);
      expect(syntax).toMatchObject({ _tag: "StoreError", reason: "query", code: "42601" });
    });

    it("refuses to commit a transaction whose statement failed and was caught: nothing is written", async () => {
      const first = newSession();
      const attempt = store.db.transaction(async (tx) => {
        await insertSession(tx, first);
        await tx.query("SELEC 1").catch(() => "ignored");
        return "pretend all is well";
      });
      await expect(attempt).rejects.toMatchObject({ _tag: "StoreError", reason: "transaction_aborted" });
      expect(await countSessions(store.db)).toEqual({ n: 0 });
    });

    it("a tx handle used after its transaction is a StoreError (closed)", async () => {
      let leaked: Tx | undefined;
      await store.db.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.query("SELECT 1")).rejects.toMatchObject({ _tag: "StoreError", reason: "closed" });
    });

    it("db.query or db.transaction inside a transaction is a StoreError, not a deadlock", async () => {
      const inner = await store.db.transaction(async () => {
        const query = await store.db.query("SELECT 1").catch((e: unknown) => e);
        const nested = await store.db.transaction(async () => 1).catch((e: unknown) => e);
        return [query, nested];
      });
      expect(inner).toMatchObject([
        { _tag: "StoreError", reason: "nested_transaction" },
        { _tag: "StoreError", reason: "nested_transaction" },
      ]);
    });

    it("stores instants at millisecond precision from epoch ms or ISO strings with any offset", async () => {
      const session = await insertSession(
        store.db,
        newSession({ createdAt: "2026-03-01T17:00:00.1239+07:00", expiryAt: "2026-03-01T10:15:00Z" }),
      );
      expect(session.createdAt).toBe(T0 + 123);
      expect(session.expiryAt).toBe(T0 + 15 * 60_000);
      expect(session.updatedAt).toBe(session.createdAt);
      const early = await insertSession(store.db, newSession({ createdAt: -1, expiryAt: null }));
      expect(early).toMatchObject({ createdAt: -1, expiryAt: null });
    });

    it("refuses unreadable instants and paging before running any SQL", async () => {
      for (const createdAt of ["2026-03-01T10:00:00", "2026-02-30T10:00:00Z", "yesterday", 1.5, Number.NaN]) {
        await expect(insertSession(store.db, newSession({ createdAt }))).rejects.toMatchObject({
          _tag: "StoreError",
          reason: "invalid_input",
        });
      }
      await expect(insertSession(store.db, newSession({ id: "not-a-uuid" }))).rejects.toMatchObject({
        reason: "invalid_input",
      });
      await expect(listSessions(store.db, MERCHANT, { page: 1, perPage: 101 })).rejects.toMatchObject({
        reason: "invalid_input",
      });
      await expect(listSessions(store.db, MERCHANT, { page: 0, perPage: 10 })).rejects.toMatchObject({
        reason: "invalid_input",
      });
      expect(toEpochMillis("2026-03-01T10:00:00Z")).toBe(T0);
      expect(toEpochMillis("2026-03-01t11:00:00+0100")).toBe(T0);
    });
  });

  describe("migrations", () => {
    it("opening applied every migration once; running them again applies nothing", async () => {
      const expected = migrations.map(({ version, name }) => ({ version, name }));
      expect(await appliedMigrations(store.db)).toEqual(expected);
      expect(await runMigrations(store.db)).toEqual([]);
      expect(await runMigrations(store.db)).toEqual([]);
      expect(await appliedMigrations(store.db)).toEqual(expected);
    });

    it("creates the tables and the indexes the queries use, in the database's schema", async () => {
      const { rows } = await store.db.query<{ tablename: string; indexname: string; indexdef: string }>(
        `SELECT tablename, indexname, indexdef FROM pg_indexes
          WHERE schemaname = current_schema() ORDER BY tablename, indexname`,
      );
      expect(new Set(rows.map((r) => r.tablename))).toEqual(
        new Set([
          "idempotency_records",
          "issuer_sequences",
          "payment_sessions",
          "provider_settings",
          "refunds",
          "schema_migrations",
          "session_events",
          "webhook_attempts",
          "webhook_outbox",
        ]),
      );
      expect(rows.map((r) => r.indexname)).toEqual(
        expect.arrayContaining([
          "payment_sessions_client_reference_idx",
          "payment_sessions_merchant_created_idx",
          "payment_sessions_expiry_due_idx",
          "webhook_outbox_due_idx",
          "webhook_outbox_dedupe_key_key",
          "idempotency_records_pkey",
          "session_events_session_idx",
          "webhook_attempts_merchant_idx",
          "webhook_attempts_outbox_idx",
        ]),
      );
      const sweeper = rows.find((r) => r.indexname === "payment_sessions_expiry_due_idx");
      expect(sweeper?.indexdef).toMatch(/WHERE .*status.*PAID.*CANCELLED.*EXPIRED.*INACTIVE/);
      const { rows: current } = await store.db.query<{ schema: string }>("SELECT current_schema() AS schema");
      expect(current[0]?.schema).toBe(store.schema ?? "public");
    });

    it("two migrators starting at once apply each migration exactly once", async () => {
      // On the server: two pools (two "processes"); PGlite has one connection, shared.
      const other = driver.name === "postgres" ? await driver.open({ schema: store.schema }) : store.db;
      try {
        await dropEverything(store.db);
        const results = await Promise.all([runMigrations(store.db), runMigrations(other)]);
        expect(results.map((r) => r.length).sort()).toEqual([0, migrations.length]);
        expect(await appliedMigrations(store.db)).toHaveLength(migrations.length);
      } finally {
        if (other !== store.db) await other.close();
      }
    });

    it("refuses a database migrated by a release it does not know, changing nothing", async () => {
      await store.db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from-the-future')");
      try {
        const error = await runMigrations(store.db).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ reason: "migration" });
      } finally {
        await store.db.query("DELETE FROM schema_migrations WHERE version = 999");
      }
      expect(await runMigrations(store.db)).toEqual([]);
    });
  });
});

describe("opening", () => {
  it("a server that cannot be reached is a StoreError (connect)", async () => {
    await expect(openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" })).rejects.toMatchObject({
      _tag: "StoreError",
      reason: "connect",
    });
  });

  it("refuses a schema name that is not a plain identifier, and contradictory options", async () => {
    await expect(openDatabase({ schema: "bad; DROP TABLE x" })).rejects.toMatchObject({
      _tag: "StoreError",
      reason: "invalid_input",
    });
    await expect(openDatabase({ dataDir: "/tmp/x", memory: true })).rejects.toMatchObject({
      reason: "invalid_input",
    });
    await expect(openDatabase({ url: "postgres://localhost/x", memory: true })).rejects.toMatchObject({
      reason: "invalid_input",
    });
  });
});

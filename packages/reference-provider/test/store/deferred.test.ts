/**
 * Deferred writes (`Tx.defer`): a write whose answer nothing waits for (pipelined with the COMMIT on
 * a PostgreSQL server). What must hold: it is committed with the transaction or not at all, a later
 * statement sees it, and its failure fails the transaction with its own error — so the idempotency
 * record written this way turns a live key into a rolled-back duplicate, and a timeline row is never
 * committed without its write. Each check also runs against the defect it exists to catch (a defer
 * that swallows its failure; a record write that skips a live key instead of failing) and must
 * report it.
 */
import { describe, expect, it } from "vitest";
import { sqlInstant, toEpochMillis } from "../../src/store/Instant.js";
import {
  type Database,
  deferIdempotencyRecord,
  deferInsertSession,
  deferUpdateLockedSession,
  findIdempotencyRecord,
  idempotencyWindowMs,
  isDuplicateIdempotencyKey,
  listSessionEvents,
  loadSession,
  type NewIdempotencyRecord,
  type NewSession,
  type NewSessionEvent,
  recordSessionEvents,
  type SessionChange,
  StoreError,
  type Tx,
} from "../../src/store/index.js";
import { insertSession, saveIdempotencyRecord, updateSession } from "../support/storeWrites.js";
import { drivers, MERCHANT, newSession, T0, useStore } from "./harness.js";

const record = (overrides: Partial<NewIdempotencyRecord> = {}): NewIdempotencyRecord => ({
  merchantId: MERCHANT,
  requestKey: "key-1",
  endpoint: "POST /v2/payments",
  requestHash: "sha256:aaaa",
  responseStatus: 200,
  responseBody: { data: { id: "first" } },
  createdAt: T0,
  ...overrides,
});

const event = (sessionId: string) => ({
  merchantId: MERCHANT,
  sessionId,
  event: "CREATE",
  at: T0,
  statusBefore: null,
  statusAfter: "REQUIRE_PAYMENT_METHOD",
  transitions: [],
  detail: {},
});

/** A session write whose deferred timeline row fails (its session does not exist: a foreign key). */
const checkFailedDeferRollsBack = async (db: Database): Promise<string | undefined> => {
  const session = newSession();
  const outcome = await db
    .transaction(async (tx) => {
      await insertSession(tx, session);
      await recordSessionEvents(tx, [event(newSession().id)]);
      return "committed";
    })
    .catch((error: unknown) => error);
  if (await loadSession(db, MERCHANT, session.id)) return "the write was committed without its timeline row";
  if (!(outcome instanceof StoreError) || outcome.code !== "23503")
    return `the transaction did not fail with the deferred statement's own error (23503): ${String(outcome)}`;
  return undefined;
};

type SaveRecord = (tx: Tx, record: NewIdempotencyRecord) => void;

/** A write with a record for a key that is live: must fail as a duplicate and commit nothing. */
const checkLiveKeyRollsBack = async (db: Database, save: SaveRecord): Promise<string | undefined> => {
  await saveIdempotencyRecord(db, record());
  const session = newSession();
  const outcome = await db
    .transaction(async (tx) => {
      await insertSession(tx, session);
      save(tx, record({ requestHash: "sha256:bbbb", createdAt: T0 + 1000 }));
      return "committed";
    })
    .catch((error: unknown) => error);
  if (await loadSession(db, MERCHANT, session.id)) return "the retry's write was committed";
  if (!isDuplicateIdempotencyKey(outcome)) return `not recognised as a duplicate: ${String(outcome)}`;
  const kept = await findIdempotencyRecord(db, MERCHANT, "key-1", T0 + 1000);
  if (kept?.requestHash !== "sha256:aaaa") return "the first record was not kept";
  return undefined;
};

/** The defect: a defer that does not wait for its statement and ignores its failure. */
const swallowingDefer = (db: Database): Database => ({
  ...db,
  transaction: (fn) =>
    db.transaction((tx) =>
      fn({
        ...tx,
        defer: (sql, params) => {
          void tx.query(sql, params).catch(() => undefined);
        },
      }),
    ),
});

/** The defect: the record written as an upsert that skips a live key (what the lookup-first code did). */
const skippingSave: SaveRecord = (tx, r) => {
  void saveIdempotencyRecord(tx, r);
};

/** A record's parameters as the defects below bind them: $1–$7 its columns, $8 the expiry bound. */
const recordParams = (r: NewIdempotencyRecord) => {
  const createdAt = toEpochMillis(r.createdAt, "createdAt");
  return [
    r.merchantId,
    r.requestKey,
    r.endpoint,
    r.requestHash,
    r.responseStatus,
    JSON.stringify(r.responseBody),
    createdAt,
    createdAt - idempotencyWindowMs,
  ];
};

/** The defect: one upsert that overwrites whatever record the key has, live or not. */
const overwritingSave: SaveRecord = (tx, r) => {
  tx.defer(
    `INSERT INTO idempotency_records
       (merchant_id, request_key, endpoint, request_hash, response_status, response_body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, ${sqlInstant(7)})
     ON CONFLICT (merchant_id, request_key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at`,
    recordParams(r).slice(0, 7),
  );
};

/**
 * The defect: the expired record's DELETE as a CTE the INSERT does not read. PostgreSQL then runs
 * it after the INSERT (an unread data-modifying CTE runs at the statement's end): the INSERT meets
 * the expired record as a conflict.
 */
const unreadDeleteSave: SaveRecord = (tx, r) => {
  tx.defer(
    `WITH expired AS (
       DELETE FROM idempotency_records
        WHERE merchant_id = $1 AND request_key = $2 AND created_at <= ${sqlInstant(8)})
     INSERT INTO idempotency_records
       (merchant_id, request_key, endpoint, request_hash, response_status, response_body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, ${sqlInstant(7)})`,
    recordParams(r),
  );
};

/** A record for a key whose record expired at its instant: the new one replaces it, committed. */
const checkExpiredReplaced = async (db: Database, save: SaveRecord): Promise<string | undefined> => {
  await saveIdempotencyRecord(db, record());
  const later = T0 + idempotencyWindowMs;
  const outcome = await db
    .transaction(async (tx) => {
      save(tx, record({ requestHash: "sha256:cccc", createdAt: later }));
    })
    .catch((error: unknown) => error);
  if (outcome !== undefined) return `the transaction failed: ${String(outcome)}`;
  const stored = await findIdempotencyRecord(db, MERCHANT, "key-1", later);
  if (stored?.requestHash !== "sha256:cccc" || stored.createdAt !== later)
    return "the expired record was kept";
  return undefined;
};

/** `tx`, calling `counted` for each statement it sends (awaited or deferred). */
const countingTx = (tx: Tx, counted: () => void): Tx => ({
  ...tx,
  query: (sql, params) => {
    counted();
    return tx.query(sql, params);
  },
  defer: (sql, params) => {
    counted();
    tx.defer(sql, params);
  },
});

type InsertSession = (tx: Tx, session: NewSession) => void;

/**
 * A create's row with its timeline entries (decision P19): one statement that stores both; a used
 * id stores neither (nor the transaction's other writes).
 */
const checkRowWithTimeline = async (db: Database, insert: InsertSession): Promise<string | undefined> => {
  const session = newSession();
  const timeline = [event(session.id), { ...event(session.id), event: "SECOND", statusBefore: "X" }];
  let statements = 0;
  await db.transaction(async (tx) => {
    const counted = countingTx(tx, () => {
      statements++;
    });
    insert(counted, { ...session, timeline });
  });
  if (statements !== 1) return `${statements} statements, not 1`;
  const stored = await listSessionEvents(db, MERCHANT, session.id);
  if (JSON.stringify(stored.map((e) => [e.event, e.statusBefore])) !== '[["CREATE",null],["SECOND","X"]]')
    return `the timeline stored is ${JSON.stringify(stored)}`;
  if ((await loadSession(db, MERCHANT, session.id))?.version !== 1) return "the row was not stored";
  const other = newSession();
  const outcome = await db
    .transaction(async (tx) => {
      insert(tx, { ...other, timeline: [event(other.id)] });
      insert(tx, { ...session, clientReferenceId: "again", timeline: [event(session.id)] });
    })
    .catch((error: unknown) => error);
  if (!(outcome instanceof StoreError) || outcome.reason !== "unique_violation")
    return `a used id did not fail the transaction: ${String(outcome)}`;
  if ((await loadSession(db, MERCHANT, other.id)) !== null) return "the other row was committed";
  if ((await db.query("SELECT 1 FROM session_events")).rowCount !== 2) return "timeline rows were committed";
  return undefined;
};

/** The defect: a merged statement that stores the row and drops its timeline entries. */
const rowOnly: InsertSession = (tx, session) => {
  deferInsertSession(tx, { ...session, timeline: [] });
};

/** The defect: the row and its entries as two statements (what a create sent before P19). */
const twoStatements: InsertSession = (tx, session) => {
  deferInsertSession(tx, { ...session, timeline: [] });
  void recordSessionEvents(tx, session.timeline ?? []);
};

type WriteLocked = (tx: Tx, change: SessionChange, expectedVersion: number) => void;

/**
 * A deferred update of a locked row with a stale version (what a caller that did not lock the row
 * could meet): it must fail the transaction, so the other write of it (a timeline row) is not
 * committed either.
 */
const checkStaleLockedUpdateFails = async (db: Database, write: WriteLocked): Promise<string | undefined> => {
  const session = newSession();
  await insertSession(db, session);
  const outcome = await db
    .transaction(async (tx) => {
      await loadSession(tx, MERCHANT, session.id, { forUpdate: true });
      await recordSessionEvents(tx, [event(session.id)]);
      write(
        tx,
        {
          id: session.id,
          merchantId: MERCHANT,
          status: "PAID",
          expiryAt: null,
          snapshot: {},
          updatedAt: T0 + 1,
        },
        7,
      );
      return "committed";
    })
    .catch((error: unknown) => error);
  if ((await db.query("SELECT 1 FROM session_events")).rowCount > 0)
    return "the transaction committed although its session write touched no row";
  if (!(outcome instanceof StoreError)) return `the transaction did not fail: ${String(outcome)}`;
  return undefined;
};

type WriteLockedWithTimeline = (
  tx: Tx,
  change: SessionChange,
  expectedVersion: number,
  timeline: ReadonlyArray<NewSessionEvent>,
) => void;

/**
 * A locked row's update with its timeline entries (decision P19): one statement that stores both
 * (version + 1); with a stale version it fails and stores neither.
 */
const checkLockedUpdateWithTimeline = async (
  db: Database,
  write: WriteLockedWithTimeline,
): Promise<string | undefined> => {
  const session = newSession();
  await insertSession(db, session);
  const change = (at: number): SessionChange => ({
    id: session.id,
    merchantId: MERCHANT,
    status: "PAID",
    expiryAt: null,
    snapshot: { at },
    updatedAt: T0 + at,
  });
  let statements = 0;
  await db.transaction(async (tx) => {
    await loadSession(tx, MERCHANT, session.id, { forUpdate: true });
    const counted = countingTx(tx, () => {
      statements++;
    });
    write(counted, change(1), 1, [event(session.id), { ...event(session.id), event: "CONFIRM" }]);
  });
  if (statements !== 1) return `${statements} statements, not 1`;
  const events = (await listSessionEvents(db, MERCHANT, session.id)).map((e) => e.event);
  if (JSON.stringify(events) !== '["CREATE","CONFIRM"]')
    return `the timeline stored is ${JSON.stringify(events)}`;
  if ((await loadSession(db, MERCHANT, session.id))?.version !== 2) return "the row was not updated";
  const outcome = await db
    .transaction(async (tx) => {
      await loadSession(tx, MERCHANT, session.id, { forUpdate: true });
      write(tx, change(2), 1, [{ ...event(session.id), event: "STALE" }]);
    })
    .catch((error: unknown) => error);
  if (!(outcome instanceof StoreError))
    return `a stale version did not fail the transaction: ${String(outcome)}`;
  if ((await listSessionEvents(db, MERCHANT, session.id)).length !== 2)
    return "a stale write stored its entries";
  return undefined;
};

/** The defect: the update without its timeline entries. */
const updateOnly: WriteLockedWithTimeline = (tx, change, expectedVersion) => {
  deferUpdateLockedSession(tx, change, expectedVersion);
};

/** The defect: the entries and the update as two statements (what a write sent before P19). */
const updateAndEvents: WriteLockedWithTimeline = (tx, change, expectedVersion, timeline) => {
  void recordSessionEvents(tx, timeline);
  deferUpdateLockedSession(tx, change, expectedVersion);
};

/** The defect: the locked row's update deferred as a plain compare-and-set, its row count unread. */
const uncheckedLockedUpdate: WriteLocked = (tx, change, expectedVersion) => {
  void updateSession(tx, change, expectedVersion).catch(() => undefined);
};

describe.each(drivers)("deferred writes on $name", (driver) => {
  const store = useStore(driver);

  it("are committed with the transaction, seen by its later statements, and in order", async () => {
    const session = newSession();
    await store.db.transaction(async (tx) => {
      await insertSession(tx, session);
      await recordSessionEvents(tx, [event(session.id)]);
      tx.defer("UPDATE session_events SET event = 'SECOND' WHERE session_id = $1", [session.id]);
      const { rows } = await tx.query<{ event: string }>("SELECT event FROM session_events");
      expect(rows).toEqual([{ event: "SECOND" }]);
    });
    const { rows } = await store.db.query("SELECT event FROM session_events");
    expect(rows).toEqual([{ event: "SECOND" }]);
  });

  it("are rolled back with the transaction", async () => {
    const session = newSession();
    await insertSession(store.db, session);
    const failed = store.db.transaction(async (tx) => {
      await recordSessionEvents(tx, [event(session.id)]);
      throw new Error("the write failed after its timeline row");
    });
    await expect(failed).rejects.toThrow("the write failed after its timeline row");
    expect((await store.db.query("SELECT 1 FROM session_events")).rowCount).toBe(0);
  });

  it("that fail fail the transaction with their own error and commit nothing", async () => {
    expect(await checkFailedDeferRollsBack(store.db)).toBeUndefined();
  });

  it("check: a defer that swallows its failure is caught", async () => {
    expect(await checkFailedDeferRollsBack(swallowingDefer(store.db))).toBeDefined();
  });

  it("that fail are not cleared by a later ROLLBACK TO SAVEPOINT: nothing is committed", async () => {
    const session = newSession();
    const outcome = await store.db
      .transaction(async (tx) => {
        await insertSession(tx, session);
        await tx.query("SAVEPOINT attempt");
        await recordSessionEvents(tx, [event(newSession().id)]);
        await tx.query("ROLLBACK TO SAVEPOINT attempt");
      })
      .catch((error: unknown) => error);
    expect(outcome).toMatchObject({ _tag: "StoreError", code: "23503" });
    expect(await loadSession(store.db, MERCHANT, session.id)).toBeNull();
  });

  describe("the idempotency record", () => {
    it("for a live key fails the transaction as a duplicate, keeping the first record", async () => {
      expect(await checkLiveKeyRollsBack(store.db, deferIdempotencyRecord)).toBeUndefined();
    });

    it("check: a record write that skips a live key is caught", async () => {
      expect(await checkLiveKeyRollsBack(store.db, skippingSave)).toBeDefined();
    });

    it("check: a record write that overwrites a live key is caught", async () => {
      expect(await checkLiveKeyRollsBack(store.db, overwritingSave)).toBe("the retry's write was committed");
    });

    it("replaces a record that expired at the new request's instant, in one statement", async () => {
      expect(await checkExpiredReplaced(store.db, deferIdempotencyRecord)).toBeUndefined();
    });

    it("check: a DELETE of the expired record that runs after the INSERT is caught", async () => {
      expect(await checkExpiredReplaced(store.db, unreadDeleteSave)).toMatch(/idempotency_records_pkey/);
    });

    it("stores responseJson as it is when given (P23: the text the response sent, not encoded again)", async () => {
      const sent = '{ "data": { "id": "first" } }';
      await store.db.transaction(async (tx) => deferIdempotencyRecord(tx, record({ responseJson: sent })));
      const { rows } = await store.db.query<{ body: string }>(
        "SELECT response_body AS body FROM idempotency_records WHERE request_key = $1",
        ["key-1"],
      );
      expect(rows[0]?.body).toBe(sent);
    });

    it("for a key a concurrent transaction is writing waits for it, and fails as a duplicate when it commits", async () => {
      const results = await Promise.allSettled(
        [0, 1].map((i) =>
          store.db.transaction(async (tx) => {
            const session = newSession();
            await insertSession(tx, session);
            deferIdempotencyRecord(tx, record({ requestHash: `sha256:${i}` }));
            return session.id;
          }),
        ),
      );
      const committed = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(committed).toHaveLength(1);
      expect(failed.map(isDuplicateIdempotencyKey)).toEqual([true]);
      expect((await store.db.query("SELECT 1 FROM payment_sessions")).rowCount).toBe(1);
    });
  });
  describe("the session row (create and locked update, decision P12)", () => {
    it("a deferred insert is committed with the transaction at version 1; a used id fails it, nothing committed", async () => {
      const session = newSession();
      await store.db.transaction(async (tx) => {
        deferInsertSession(tx, session);
        await recordSessionEvents(tx, [event(session.id)]);
      });
      expect(await loadSession(store.db, MERCHANT, session.id)).toMatchObject({
        version: 1,
        row: { id: session.id, status: session.status, snapshot: session.snapshot },
      });
      const other = newSession();
      const outcome = await store.db
        .transaction(async (tx) => {
          deferInsertSession(tx, other);
          deferInsertSession(tx, { ...session, clientReferenceId: "again" });
        })
        .catch((error: unknown) => error);
      expect(outcome).toMatchObject({ _tag: "StoreError", reason: "unique_violation" });
      expect(await loadSession(store.db, MERCHANT, other.id)).toBeNull();
    });

    it("a row with its timeline entries is one statement: both stored, or neither (P19)", async () => {
      expect(await checkRowWithTimeline(store.db, deferInsertSession)).toBeUndefined();
    });

    it("check: a row stored without its timeline entries is caught", async () => {
      expect(await checkRowWithTimeline(store.db, rowOnly)).toMatch(/the timeline stored is \[\]/);
    });

    it("check: the row and its entries as two statements are caught", async () => {
      expect(await checkRowWithTimeline(store.db, twoStatements)).toBe("2 statements, not 1");
    });

    it("a deferred update of the locked row writes version + 1", async () => {
      const session = newSession();
      await insertSession(store.db, session);
      await store.db.transaction(async (tx) => {
        const loaded = await loadSession(tx, MERCHANT, session.id, { forUpdate: true });
        deferUpdateLockedSession(
          tx,
          {
            id: session.id,
            merchantId: MERCHANT,
            status: "PAID",
            expiryAt: null,
            snapshot: { n: 2 },
            updatedAt: T0 + 5,
          },
          loaded?.version ?? 0,
        );
      });
      expect(await loadSession(store.db, MERCHANT, session.id)).toMatchObject({
        version: 2,
        row: { status: "PAID", snapshot: { n: 2 }, updatedAt: T0 + 5 },
      });
    });

    it("a locked row's update with its timeline entries is one statement: both stored, or neither (P19)", async () => {
      expect(await checkLockedUpdateWithTimeline(store.db, deferUpdateLockedSession)).toBeUndefined();
    });

    it("check: an update that drops its timeline entries is caught", async () => {
      expect(await checkLockedUpdateWithTimeline(store.db, updateOnly)).toBe("the timeline stored is []");
    });

    it("check: the update and its entries as two statements are caught", async () => {
      expect(await checkLockedUpdateWithTimeline(store.db, updateAndEvents)).toBe("2 statements, not 1");
    });

    it("a deferred update that touches no row fails the transaction: nothing committed", async () => {
      expect(await checkStaleLockedUpdateFails(store.db, deferUpdateLockedSession)).toBeUndefined();
    });

    it("check: an update whose row count nobody reads is caught", async () => {
      expect(await checkStaleLockedUpdateFails(store.db, uncheckedLockedUpdate)).toBeDefined();
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  claimExpired,
  type Database,
  enqueueWebhooks,
  listWebhooks,
  loadSession,
  markDelivered,
  nextSequence,
  type SessionRow,
  type Tx,
} from "../../src/store/index.js";
import { claimDueWebhooks } from "../support/claimDueWebhooks.js";
import { insertSession, updateSession } from "../support/storeWrites.js";
import { type SessionDecision, withSessionUpdate } from "../support/withSessionUpdate.js";
import { drivers, MERCHANT, MINUTE, newSession, newWebhook, signal, T0, useStore } from "./harness.js";

const counterOf = (row: SessionRow): number => {
  const snapshot = row.snapshot;
  if (typeof snapshot === "object" && snapshot !== null && "counter" in snapshot) {
    const counter: unknown = snapshot.counter;
    if (typeof counter === "number") return counter;
  }
  throw new Error(`no counter in ${JSON.stringify(snapshot)}`);
};

/** The decision of a request that adds one to the snapshot's counter and sends one event. */
const increment = (row: SessionRow): SessionDecision<number> => {
  const counter = counterOf(row) + 1;
  return {
    _tag: "Write",
    value: row.version,
    change: {
      status: "REQUIRE_ACTION",
      expiryAt: row.expiryAt,
      snapshot: { counter },
      updatedAt: T0 + counter,
    },
    webhooks: [newWebhook(row.id, { event: "TEST.INCREMENT", dedupeKey: `${row.id}:${counter}` })],
  };
};

/**
 * Two claimers in two transactions. On the server they overlap: the first keeps its rows locked
 * until the second has claimed (a `lock_timeout` turns a missing SKIP LOCKED into a failure instead
 * of a hang). PGlite runs transactions one after the other, so there the first settles its rows
 * before the second claims. Either way the claims must be disjoint.
 */
const claimTwice = async <Row>(
  db: Database,
  claim: (tx: Tx) => Promise<ReadonlyArray<Row>>,
  settle: (tx: Tx, rows: ReadonlyArray<Row>) => Promise<void>,
): Promise<readonly [ReadonlyArray<Row>, ReadonlyArray<Row>]> => {
  const firstClaimed = signal();
  const secondClaimed = signal();
  const overlap = db.dialect === "postgres";
  const first = db.transaction(async (tx) => {
    const rows = await claim(tx);
    firstClaimed.fire();
    if (overlap) await secondClaimed.promise;
    await settle(tx, rows);
    return rows;
  });
  if (overlap) await firstClaimed.promise;
  const second = db.transaction(async (tx) => {
    await tx.query("SET LOCAL lock_timeout = '3s'");
    try {
      const rows = await claim(tx);
      await settle(tx, rows);
      return rows;
    } finally {
      secondClaimed.fire();
    }
  });
  const [firstRows, secondRows] = await Promise.all([first, second]);
  return [firstRows, secondRows];
};

describe.each(drivers)("withSessionUpdate and concurrency on $name", (driver) => {
  const store = useStore(driver);

  const aSession = async (overrides: Parameters<typeof newSession>[0] = {}) => {
    const session = newSession({ snapshot: { counter: 0 }, ...overrides });
    await insertSession(store.db, session);
    return session.id;
  };

  it("writes the snapshot as version + 1 with its webhook events, in one commit", async () => {
    const id = await aSession();
    const outcome = await withSessionUpdate(store.db, MERCHANT, id, increment);
    expect(outcome).toMatchObject({
      _tag: "Written",
      value: 1,
      row: { id, version: 2, status: "REQUIRE_ACTION", snapshot: { counter: 1 }, updatedAt: T0 + 1 },
      webhooks: [{ event: "TEST.INCREMENT", status: "pending" }],
    });
    const stored = await loadSession(store.db, MERCHANT, id);
    expect(outcome._tag === "Written" && outcome.row).toEqual(stored?.row);
    expect(await listWebhooks(store.db, MERCHANT, id)).toHaveLength(1);
  });

  it("writes nothing at all when the decision throws", async () => {
    const id = await aSession();
    const failure = new Error("issuer down");
    const attempt = withSessionUpdate(store.db, MERCHANT, id, async (row, { tx }) => {
      await nextSequence(tx, "va:BCA");
      await enqueueWebhooks(tx, [newWebhook(row.id)]);
      throw failure;
    });
    await expect(attempt).rejects.toBe(failure);
    expect((await loadSession(store.db, MERCHANT, id))?.version).toBe(1);
    expect(await listWebhooks(store.db, MERCHANT, id)).toEqual([]);
    expect(await nextSequence(store.db, "va:BCA")).toBe(1);
  });

  it("keeps the session as it is on Keep (e.g. a refusal)", async () => {
    const id = await aSession();
    const outcome = await withSessionUpdate(store.db, MERCHANT, id, () => ({
      _tag: "Keep",
      value: "invalid_state",
    }));
    expect(outcome).toMatchObject({ _tag: "Kept", value: "invalid_state", row: { id, version: 1 } });
    expect((await loadSession(store.db, MERCHANT, id))?.version).toBe(1);
  });

  it("works inside the caller's transaction, which then commits or rolls back everything", async () => {
    const id = await aSession();
    await expect(
      store.db.transaction(async (tx) => {
        expect(await withSessionUpdate(tx, MERCHANT, id, increment)).toMatchObject({ _tag: "Written" });
        throw new Error("the caller fails after the update");
      }),
    ).rejects.toThrow("the caller fails");
    expect((await loadSession(store.db, MERCHANT, id))?.version).toBe(1);
    await store.db.transaction((tx) => withSessionUpdate(tx, MERCHANT, id, increment));
    expect((await loadSession(store.db, MERCHANT, id))?.version).toBe(2);
  });

  it("answers NotFound for an unknown session or another merchant's, without calling the decision", async () => {
    const id = await aSession();
    let calls = 0;
    const decide = (row: SessionRow) => {
      calls++;
      return increment(row);
    };
    expect(await withSessionUpdate(store.db, "someone-else", id, decide)).toEqual({ _tag: "NotFound" });
    expect(await withSessionUpdate(store.db, MERCHANT, crypto.randomUUID(), decide)).toEqual({
      _tag: "NotFound",
    });
    expect(calls).toBe(0);
  });

  it("50 concurrent increments: 50 versions, no lost update", async () => {
    const id = await aSession();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => withSessionUpdate(store.db, MERCHANT, id, increment)),
    );
    const versionsSeen = outcomes.map((o) => (o._tag === "Written" ? o.value : -1));
    expect([...versionsSeen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await loadSession(store.db, MERCHANT, id)).toMatchObject({
      version: 51,
      row: { snapshot: { counter: 50 } },
    });
    expect(await listWebhooks(store.db, MERCHANT, id)).toHaveLength(50);
  });

  it("two sweepers claim disjoint expired sessions (FOR UPDATE SKIP LOCKED)", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 6; i++)
      ids.add(await aSession({ status: "REQUIRE_ACTION", expiryAt: T0 + i * MINUTE }));
    const [first, second] = await claimTwice(
      store.db,
      (tx) => claimExpired(tx, T0 + 10 * MINUTE, 4),
      async (tx, rows) => {
        for (const row of rows) {
          const change = { ...row, status: "EXPIRED", updatedAt: T0 + 10 * MINUTE };
          expect(await updateSession(tx, change, row.version)).toBe("updated");
        }
      },
    );
    expect(first).toHaveLength(4);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second].map((s) => s.id))).toEqual(ids);
    expect(await store.db.transaction((tx) => claimExpired(tx, T0 + 10 * MINUTE, 10))).toEqual([]);
  });

  it("two dispatchers claim disjoint due webhook events (FOR UPDATE SKIP LOCKED)", async () => {
    const id = await aSession();
    const hooks = Array.from({ length: 5 }, (_, i) =>
      newWebhook(id, { dedupeKey: `k${i}`, nextAttemptAt: T0 + i }),
    );
    await enqueueWebhooks(store.db, hooks);
    const [first, second] = await claimTwice(
      store.db,
      (tx) => claimDueWebhooks(tx, T0 + MINUTE, 3),
      async (tx, rows) => {
        for (const row of rows) expect(await markDelivered(tx, row.id, T0 + MINUTE)).toBe(true);
      },
    );
    expect(first.map((r) => r.dedupeKey)).toEqual(["k0", "k1", "k2"]);
    expect(second.map((r) => r.dedupeKey)).toEqual(["k3", "k4"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  claimExpired,
  finalSessionStatuses,
  listSessions,
  loadSession,
  nextSequence,
  type SessionRow,
  updateSessions,
} from "../../src/store/index.js";
import { insertSession, updateSession } from "../support/storeWrites.js";
import { drivers, MERCHANT, MINUTE, newSession, OTHER_MERCHANT, T0, useStore } from "./harness.js";

describe.each(drivers)("sessions on $name", (driver) => {
  const store = useStore(driver);

  it("inserts at version 1 and loads the row back, snapshot JSON intact", async () => {
    const snapshot = {
      status: "REQUIRE_ACTION",
      amount: { value: 9_999_999_999, currency: "IDR" },
      chargeDetails: [{ id: "c-1", paymentMethod: { type: "VIRTUAL_ACCOUNT" }, tags: [] }],
      note: 'Pembayaran — ✓ "quoted" \\ back',
      nothing: null,
      flag: false,
    };
    const session = newSession({ snapshot, clientReferenceId: "INV-2026/03-001" });
    const inserted = await insertSession(store.db, session);
    const loaded = await loadSession(store.db, MERCHANT, session.id);
    expect(loaded).toEqual({ row: inserted, version: 1 });
    expect(inserted).toEqual({
      id: session.id,
      merchantId: MERCHANT,
      clientReferenceId: "INV-2026/03-001",
      status: "REQUIRE_PAYMENT_METHOD",
      paymentType: "SINGLE",
      expiryAt: T0 + 15 * MINUTE,
      snapshot,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
    } satisfies SessionRow);
  });

  it("keeps a JSON string or array snapshot as it is", async () => {
    for (const snapshot of ["just text", [1, "two", { three: 3 }], 42]) {
      const session = newSession({ snapshot });
      await insertSession(store.db, session);
      expect((await loadSession(store.db, MERCHANT, session.id))?.row.snapshot).toEqual(snapshot);
    }
  });

  it("loads nothing for another merchant's session, an unknown id or an id that is not a UUID", async () => {
    const session = newSession();
    await insertSession(store.db, session);
    expect(await loadSession(store.db, OTHER_MERCHANT, session.id)).toBeNull();
    expect(await loadSession(store.db, MERCHANT, crypto.randomUUID())).toBeNull();
    expect(await loadSession(store.db, MERCHANT, "'; DROP TABLE payment_sessions; --")).toBeNull();
    expect(await loadSession(store.db, MERCHANT, session.id.toUpperCase())).not.toBeNull();
  });

  it("updates by compare-and-set: the expected version wins once and becomes version + 1", async () => {
    const session = newSession();
    await insertSession(store.db, session);
    const change = {
      id: session.id,
      merchantId: MERCHANT,
      status: "REQUIRE_ACTION",
      expiryAt: T0 + 30 * MINUTE,
      snapshot: { status: "REQUIRE_ACTION", counter: 1 },
      updatedAt: T0 + MINUTE,
    };
    expect(await updateSession(store.db, change, 1)).toBe("updated");
    expect(await loadSession(store.db, MERCHANT, session.id)).toEqual({
      version: 2,
      row: {
        id: session.id,
        merchantId: MERCHANT,
        clientReferenceId: "order-1",
        status: "REQUIRE_ACTION",
        paymentType: "SINGLE",
        expiryAt: T0 + 30 * MINUTE,
        snapshot: { status: "REQUIRE_ACTION", counter: 1 },
        version: 2,
        createdAt: T0,
        updatedAt: T0 + MINUTE,
      },
    });
  });

  it("a stale version is a version_conflict and changes nothing", async () => {
    const session = newSession();
    await insertSession(store.db, session);
    const change = (counter: number) => ({
      id: session.id,
      merchantId: MERCHANT,
      status: "REQUIRE_CONFIRMATION",
      expiryAt: null,
      snapshot: { counter },
      updatedAt: T0 + counter * MINUTE,
    });
    expect(await updateSession(store.db, change(1), 1)).toBe("updated");
    const before = await loadSession(store.db, MERCHANT, session.id);
    expect(await updateSession(store.db, change(2), 1)).toBe("version_conflict");
    expect(await updateSession(store.db, change(2), 3)).toBe("version_conflict");
    expect(await loadSession(store.db, MERCHANT, session.id)).toEqual(before);
    expect(before?.row.snapshot).toEqual({ counter: 1 });
  });

  it("updates many sessions in one statement, each by compare-and-set: a stale one is left as it is", async () => {
    const [fresh, stale, foreign] = [newSession(), newSession(), newSession()];
    for (const session of [fresh, stale, foreign]) await insertSession(store.db, session);
    const change = (id: string, counter: number, merchantId = MERCHANT) => ({
      id,
      merchantId,
      status: "EXPIRED",
      expiryAt: null,
      snapshot: { counter },
      updatedAt: T0 + counter * MINUTE,
    });
    // `stale` moved on meanwhile (version 2): the batch's expectation of version 1 is out of date.
    expect(await updateSession(store.db, change(stale.id, 1), 1)).toBe("updated");
    const staleBefore = await loadSession(store.db, MERCHANT, stale.id);
    const written = await updateSessions(store.db, [
      { change: change(fresh.id, 5), expectedVersion: 1 },
      { change: change(stale.id, 5), expectedVersion: 1 },
      { change: change(foreign.id, 5, OTHER_MERCHANT), expectedVersion: 1 },
      { change: change("not-a-uuid", 5), expectedVersion: 1 },
    ]);
    expect([...written]).toEqual([fresh.id]);
    expect(await loadSession(store.db, MERCHANT, fresh.id)).toMatchObject({
      version: 2,
      row: { status: "EXPIRED", expiryAt: null, snapshot: { counter: 5 }, updatedAt: T0 + 5 * MINUTE },
    });
    expect(await loadSession(store.db, MERCHANT, stale.id)).toEqual(staleBefore);
    expect((await loadSession(store.db, MERCHANT, foreign.id))?.version).toBe(1);
    expect(await updateSessions(store.db, [])).toEqual(new Set());
  });

  it("an update of an unknown session, or of another merchant's, is not_found", async () => {
    const session = newSession();
    await insertSession(store.db, session);
    const change = { merchantId: MERCHANT, status: "PAID", expiryAt: null, snapshot: {}, updatedAt: T0 };
    expect(await updateSession(store.db, { ...change, id: crypto.randomUUID() }, 1)).toBe("not_found");
    expect(await updateSession(store.db, { ...change, id: session.id, merchantId: OTHER_MERCHANT }, 1)).toBe(
      "not_found",
    );
    expect(await updateSession(store.db, { ...change, id: "nope" }, 1)).toBe("not_found");
    expect((await loadSession(store.db, MERCHANT, session.id))?.version).toBe(1);
  });

  it("lists a merchant's sessions newest first, ties broken by id, with stable pages and a total", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const session = newSession({
        createdAt: T0 + Math.floor(i / 2) * MINUTE,
        clientReferenceId: `order-${i}`,
      });
      ids.push(session.id);
      await insertSession(store.db, session);
    }
    await insertSession(store.db, newSession({ merchantId: OTHER_MERCHANT }));
    const expected = ids
      .map((id, i) => ({ id, createdAt: T0 + Math.floor(i / 2) * MINUTE }))
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((s) => s.id);
    const pages = [];
    for (let page = 1; page <= 3; page++)
      pages.push(await listSessions(store.db, MERCHANT, { page, perPage: 3 }));
    expect(pages.map((p) => p.totalItems)).toEqual([7, 7, 7]);
    expect(pages.flatMap((p) => p.items.map((s) => s.id))).toEqual(expected);
    expect(await listSessions(store.db, MERCHANT, { page: 4, perPage: 3 })).toEqual({
      items: [],
      totalItems: 7,
    });
    expect(await listSessions(store.db, "nobody", { page: 1, perPage: 20 })).toEqual({
      items: [],
      totalItems: 0,
    });
  });

  it("finds every session of a merchant with a clientReferenceId (reuse is allowed, C4)", async () => {
    const first = newSession({ clientReferenceId: "order-77", createdAt: T0 });
    const second = newSession({ clientReferenceId: "order-77", createdAt: T0 + MINUTE });
    await insertSession(store.db, first);
    await insertSession(store.db, second);
    await insertSession(store.db, newSession({ clientReferenceId: "order-78" }));
    await insertSession(store.db, newSession({ clientReferenceId: "order-77", merchantId: OTHER_MERCHANT }));
    const found = await listSessions(store.db, MERCHANT, {
      clientReferenceId: "order-77",
      page: 1,
      perPage: 20,
    });
    expect(found.totalItems).toBe(2);
    expect(found.items.map((s) => s.id)).toEqual([second.id, first.id]);
    const secondPage = await listSessions(store.db, MERCHANT, {
      clientReferenceId: "order-77",
      page: 2,
      perPage: 1,
    });
    expect(secondPage).toEqual({ items: [found.items[1]], totalItems: 2 });
  });

  it("claims sessions due to expire at the instant: not final, expiry reached, oldest first, up to the limit", async () => {
    const due = async (minutes: number, status = "REQUIRE_ACTION") => {
      const session = newSession({ status, expiryAt: T0 + minutes * MINUTE });
      await insertSession(store.db, session);
      return session.id;
    };
    const late = await due(10);
    const early = await due(5);
    const exactlyNow = await due(15);
    await due(16);
    for (const status of finalSessionStatuses) await due(1, status);
    await insertSession(store.db, newSession({ expiryAt: null }));
    const active = await due(2, "ACTIVE");
    const claimed = await store.db.transaction((tx) => claimExpired(tx, T0 + 15 * MINUTE, 10));
    expect(claimed.map((s) => s.id)).toEqual([active, early, late, exactlyNow]);
    const limited = await store.db.transaction((tx) => claimExpired(tx, "2026-03-01T10:15:00Z", 2));
    expect(limited.map((s) => s.id)).toEqual([active, early]);
  });

  it("issues counters per name: 1, 2, 3 …; a rolled-back transaction gives its number back", async () => {
    expect(await nextSequence(store.db, "va:BCA")).toBe(1);
    expect(await nextSequence(store.db, "va:BCA")).toBe(2);
    expect(await nextSequence(store.db, "va:BNI")).toBe(1);
    const rolledBack = store.db.transaction(async (tx) => {
      await nextSequence(tx, "va:BCA");
      throw new Error("abandon");
    });
    await expect(rolledBack).rejects.toThrow("abandon");
    expect(await nextSequence(store.db, "va:BCA")).toBe(3);
  });

  it("hands out distinct counter values to concurrent transactions", async () => {
    const values = await Promise.all(
      Array.from({ length: 20 }, () => store.db.transaction((tx) => nextSequence(tx, "va:MANDIRI"))),
    );
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

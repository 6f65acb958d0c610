import { describe, expect, it } from "vitest";
import {
  claimNextWebhook,
  enqueueWebhooks,
  findIdempotencyRecord,
  idempotencyWindowMs,
  listWebhooks,
  markDelivered,
  markManual,
  type NewIdempotencyRecord,
  scheduleRetry,
} from "../../src/store/index.js";
import { claimDueWebhooks } from "../support/claimDueWebhooks.js";
import { insertSession, saveIdempotencyRecord } from "../support/storeWrites.js";
import {
  drivers,
  HOUR,
  MERCHANT,
  MINUTE,
  newSession,
  newWebhook,
  OTHER_MERCHANT,
  T0,
  useStore,
} from "./harness.js";

const record = (overrides: Partial<NewIdempotencyRecord> = {}): NewIdempotencyRecord => ({
  merchantId: MERCHANT,
  requestKey: "req-2026-03-01-0001",
  endpoint: "POST /v2/payments",
  requestHash: "sha256:aaaa",
  responseStatus: 200,
  responseBody: { code: "00", message: "Success", data: { id: "x", chargeDetails: [] } },
  createdAt: T0,
  ...overrides,
});

describe.each(drivers)("records beside a session on $name", (driver) => {
  const store = useStore(driver);

  describe("idempotency records", () => {
    it("finds a saved record, response and all, while the 24 h window is open at the passed instant", async () => {
      expect(await saveIdempotencyRecord(store.db, record())).toBe("saved");
      // The stored text is found too (P23): the bytes the first response sent.
      const expected = { ...record(), responseJson: JSON.stringify(record().responseBody), createdAt: T0 };
      expect(await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0)).toEqual(expected);
      expect(
        await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0 + 24 * HOUR - 1),
      ).toEqual(expected);
      expect(
        await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0 + 24 * HOUR),
      ).toBeNull();
      expect(await findIdempotencyRecord(store.db, OTHER_MERCHANT, "req-2026-03-01-0001", T0)).toBeNull();
      expect(await findIdempotencyRecord(store.db, MERCHANT, "another-key", T0)).toBeNull();
      expect(idempotencyWindowMs).toBe(24 * HOUR);
    });

    it("keeps the first response while it is live: a second save is a duplicate and changes nothing", async () => {
      await saveIdempotencyRecord(store.db, record());
      const second = record({ requestHash: "sha256:bbbb", responseStatus: 422, createdAt: T0 + HOUR });
      expect(await saveIdempotencyRecord(store.db, second)).toBe("duplicate");
      expect(await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0 + HOUR)).toMatchObject(
        {
          requestHash: "sha256:aaaa",
          responseStatus: 200,
          createdAt: T0,
        },
      );
    });

    it("replaces a record that has expired at the new request's instant", async () => {
      await saveIdempotencyRecord(store.db, record());
      const later = record({ requestHash: "sha256:cccc", responseStatus: 201, createdAt: T0 + 24 * HOUR });
      expect(await saveIdempotencyRecord(store.db, later)).toBe("saved");
      expect(
        await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0 + 25 * HOUR),
      ).toMatchObject({
        requestHash: "sha256:cccc",
        responseStatus: 201,
        createdAt: T0 + 24 * HOUR,
      });
    });

    it("keys records per merchant", async () => {
      expect(await saveIdempotencyRecord(store.db, record())).toBe("saved");
      expect(await saveIdempotencyRecord(store.db, record({ merchantId: OTHER_MERCHANT }))).toBe("saved");
    });

    it("a record saved in a transaction that rolls back is not kept", async () => {
      const attempt = store.db.transaction(async (tx) => {
        await saveIdempotencyRecord(tx, record());
        throw new Error("handler failed");
      });
      await expect(attempt).rejects.toThrow("handler failed");
      expect(await findIdempotencyRecord(store.db, MERCHANT, "req-2026-03-01-0001", T0)).toBeNull();
    });
  });

  describe("webhook outbox", () => {
    const aSession = async (overrides: Parameters<typeof newSession>[0] = {}) => {
      const session = newSession(overrides);
      await insertSession(store.db, session);
      return session.id;
    };

    it("enqueues pending events due at creation, and ignores a second event with the same dedupe key", async () => {
      const sessionId = await aSession();
      const [row] = await enqueueWebhooks(store.db, [newWebhook(sessionId)]);
      expect(row).toEqual({
        id: 1,
        merchantId: MERCHANT,
        sessionId,
        event: "PAYMENT.PAID",
        payload: { event: "PAYMENT.PAID", data: { id: sessionId, status: "PAID" } },
        dedupeKey: `${sessionId}:PAYMENT.PAID`,
        status: "pending",
        attempts: 0,
        nextAttemptAt: T0,
        lastError: null,
        createdAt: T0,
        deliveredAt: null,
      });
      const again = await enqueueWebhooks(store.db, [
        newWebhook(sessionId, { createdAt: T0 + MINUTE }),
        newWebhook(sessionId, { event: "PAYMENT.CANCELLED", dedupeKey: `${sessionId}:PAYMENT.CANCELLED` }),
      ]);
      expect(again.map((r) => r.event)).toEqual(["PAYMENT.CANCELLED"]);
      expect((await listWebhooks(store.db, MERCHANT, sessionId)).map((r) => r.dedupeKey)).toEqual([
        `${sessionId}:PAYMENT.PAID`,
        `${sessionId}:PAYMENT.CANCELLED`,
      ]);
    });

    it("enqueues several events in one statement: rows in input order and ids, duplicates left out", async () => {
      const [a, b] = [await aSession(), await aSession()];
      await enqueueWebhooks(store.db, [newWebhook(b, { event: "EARLIER", dedupeKey: "b:earlier" })]);
      const events = ["ONE", "TWO", "THREE", "FOUR", "FIVE"];
      const batch = [
        ...events.map((event, i) =>
          newWebhook(i % 2 === 0 ? a : b, {
            event,
            dedupeKey: `k:${event}`,
            createdAt: T0 + i,
            nextAttemptAt: T0 + 10 * MINUTE,
            payload: { event, n: i, nested: { z: 1, a: [i] } },
          }),
        ),
        newWebhook(b, { event: "AGAIN", dedupeKey: "b:earlier" }),
        newWebhook(a, { event: "TWICE", dedupeKey: "k:ONE" }),
      ];
      const rows = await enqueueWebhooks(store.db, batch);
      expect(rows.map((r) => r.event)).toEqual(events);
      const ids = rows.map((r) => r.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(rows[1]).toMatchObject({
        merchantId: MERCHANT,
        sessionId: b,
        payload: { event: "TWO", n: 1, nested: { z: 1, a: [1] } },
        dedupeKey: "k:TWO",
        status: "pending",
        attempts: 0,
        nextAttemptAt: T0 + 10 * MINUTE,
        createdAt: T0 + 1,
        deliveredAt: null,
      });
      expect((await listWebhooks(store.db, MERCHANT, a)).map((r) => r.event)).toEqual([
        "ONE",
        "THREE",
        "FIVE",
      ]);
      await expect(
        enqueueWebhooks(store.db, [newWebhook(a, { dedupeKey: "x" }), newWebhook(crypto.randomUUID())]),
      ).rejects.toMatchObject({ _tag: "StoreError", code: "23503" });
    });

    it("refuses an event of a session that does not exist (foreign key)", async () => {
      await expect(enqueueWebhooks(store.db, [newWebhook(crypto.randomUUID())])).rejects.toMatchObject({
        _tag: "StoreError",
        code: "23503",
      });
    });

    it("claims pending events due at the instant, oldest first, up to the limit", async () => {
      const sessionId = await aSession();
      const at = (minutes: number, key: string) =>
        newWebhook(sessionId, { dedupeKey: key, nextAttemptAt: T0 + minutes * MINUTE });
      await enqueueWebhooks(store.db, [at(3, "c"), at(1, "a"), at(2, "b"), at(10, "later")]);
      const claimed = await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 5 * MINUTE, 10));
      expect(claimed.map((r) => r.dedupeKey)).toEqual(["a", "b", "c"]);
      const two = await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 5 * MINUTE, 2));
      expect(two.map((r) => r.dedupeKey)).toEqual(["a", "b"]);
    });

    it("retries, then delivers; a settled event is no longer claimed or changed", async () => {
      const sessionId = await aSession();
      const [row] = await enqueueWebhooks(store.db, [newWebhook(sessionId)]);
      const id = row?.id ?? -1;
      expect(await scheduleRetry(store.db, id, T0 + 5 * MINUTE, "HTTP 503")).toBe(true);
      expect(await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 5 * MINUTE - 1, 10))).toEqual([]);
      const [due] = await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 5 * MINUTE, 10));
      expect(due).toMatchObject({ id, attempts: 1, nextAttemptAt: T0 + 5 * MINUTE, lastError: "HTTP 503" });
      expect(await markDelivered(store.db, id, T0 + 5 * MINUTE + 200)).toBe(true);
      const [delivered] = await listWebhooks(store.db, MERCHANT, sessionId);
      expect(delivered).toMatchObject({
        status: "delivered",
        attempts: 2,
        deliveredAt: T0 + 5 * MINUTE + 200,
      });
      expect(await markDelivered(store.db, id, T0 + 6 * MINUTE)).toBe(false);
      expect(await scheduleRetry(store.db, id, T0 + 20 * MINUTE, "late")).toBe(false);
      expect(await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 24 * 60 * MINUTE, 10))).toEqual([]);
    });

    it("marks an event for manual retry after the last failed attempt", async () => {
      const sessionId = await aSession();
      const [row] = await enqueueWebhooks(store.db, [newWebhook(sessionId)]);
      const id = row?.id ?? -1;
      expect(await markManual(store.db, id, "HTTP 500 after 6 retries")).toBe(true);
      expect(await listWebhooks(store.db, MERCHANT, sessionId)).toMatchObject([
        { status: "failed_manual", attempts: 1, lastError: "HTTP 500 after 6 retries", deliveredAt: null },
      ]);
      expect(await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 60 * MINUTE, 10))).toEqual([]);
      expect(await markDelivered(store.db, id, T0)).toBe(false);
    });

    it("a claim with a lease hides the events from other dispatchers until the lease ends", async () => {
      const sessionId = await aSession();
      await enqueueWebhooks(store.db, [newWebhook(sessionId)]);
      const leased = await store.db.transaction((tx) =>
        claimDueWebhooks(tx, T0, 10, { leaseMs: 2 * MINUTE }),
      );
      expect(leased).toMatchObject([{ nextAttemptAt: T0 + 2 * MINUTE }]);
      expect(await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + MINUTE, 10))).toEqual([]);
      const [again] = await store.db.transaction((tx) => claimDueWebhooks(tx, T0 + 2 * MINUTE, 10));
      expect(again).toMatchObject({ id: leased[0]?.id, status: "pending", attempts: 0 });
    });

    it("claimNextWebhook leases the oldest due event by itself, skipping excluded merchants and sessions", async () => {
      const first = await aSession();
      const second = await aSession();
      const other = await aSession({ merchantId: OTHER_MERCHANT });
      await enqueueWebhooks(store.db, [
        newWebhook(first, { dedupeKey: "a", nextAttemptAt: T0 - 3 }),
        newWebhook(second, { dedupeKey: "b", nextAttemptAt: T0 - 2 }),
        newWebhook(other, { merchantId: OTHER_MERCHANT, dedupeKey: "c", nextAttemptAt: T0 - 1 }),
        newWebhook(first, { dedupeKey: "later", nextAttemptAt: T0 + MINUTE }),
      ]);
      const lease = T0 + 2 * MINUTE;
      const a = await claimNextWebhook(store.db, T0, lease);
      expect(a).toMatchObject({ dedupeKey: "a", nextAttemptAt: lease, attempts: 0 });
      const c = await claimNextWebhook(store.db, T0, lease, { excludeMerchants: [MERCHANT] });
      expect(c?.dedupeKey).toBe("c");
      expect(await claimNextWebhook(store.db, T0, lease, { excludeSessions: [second] })).toBeUndefined();
      expect((await claimNextWebhook(store.db, T0, lease))?.dedupeKey).toBe("b");
      // Everything due is leased now; "later" is not due yet.
      expect(await claimNextWebhook(store.db, T0 + MINUTE - 1, lease)).toBeUndefined();
    });

    it("a failed attempt is recorded only under the lease it was claimed with", async () => {
      const sessionId = await aSession();
      await enqueueWebhooks(store.db, [newWebhook(sessionId)]);
      const mine = await claimNextWebhook(store.db, T0, T0 + MINUTE);
      const id = mine?.id ?? -1;
      // The lease ran out and another dispatcher claimed the event again.
      const theirs = await claimNextWebhook(store.db, T0 + MINUTE, T0 + 2 * MINUTE);
      expect(theirs?.id).toBe(id);
      expect(await scheduleRetry(store.db, id, T0 + 6 * MINUTE, "mine", { leasedUntil: T0 + MINUTE })).toBe(
        false,
      );
      expect(await markManual(store.db, id, "mine", { leasedUntil: T0 + MINUTE })).toBe(false);
      expect(
        await scheduleRetry(store.db, id, T0 + 7 * MINUTE, "theirs", { leasedUntil: T0 + 2 * MINUTE }),
      ).toBe(true);
      expect(await listWebhooks(store.db, MERCHANT, sessionId)).toMatchObject([
        { status: "pending", attempts: 1, nextAttemptAt: T0 + 7 * MINUTE, lastError: "theirs" },
      ]);
    });

    it("nothing is enqueued when the transaction rolls back", async () => {
      const sessionId = await aSession();
      const attempt = store.db.transaction(async (tx) => {
        await enqueueWebhooks(tx, [newWebhook(sessionId)]);
        throw new Error("rolled back");
      });
      await expect(attempt).rejects.toThrow("rolled back");
      expect(await listWebhooks(store.db, MERCHANT, sessionId)).toEqual([]);
    });
  });
});

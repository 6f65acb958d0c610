/**
 * The idempotency layer writes its record deferred (with the COMMIT) instead of looking the key up
 * first: a retry runs the operation again and is rolled back when the record's write fails. What
 * must hold: a retry, sequential or concurrent, changes nothing (no second session, no second VA
 * number, no second timeline row: the dashboard's timeline stays complete and exactly one per
 * write), and a used key still answers its record or 409 when the retry itself would fail (a 404).
 */
import { describe, expect, it, vi } from "vitest";
import { demoMerchant } from "../src/index.js";
import { listSessionEvents } from "../src/store/index.js";
import { drivers, envelopeOf, rowCounts, sessionOf, useProvider, vaCreateBody } from "./support/provider.js";

const confirmBody = {
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "BRI" } },
};

for (const driver of drivers) {
  describe(`idempotent writes (${driver.name})`, () => {
    const h = useProvider(driver);
    const timeline = async (id: string) =>
      (await listSessionEvents(h.db, demoMerchant.id, id)).map((e) => e.event);

    it("a retried confirm is replayed byte for byte and leaves one write, one VA number and one timeline row", async () => {
      const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
      const first = await h.http.post(`/v2/payments/${created.id}/confirm`, confirmBody, {
        requestId: "confirm-key",
      });
      expect(first.status).toBe(200);
      const again = await h.http.post(`/v2/payments/${created.id}/confirm`, confirmBody, {
        requestId: "confirm-key",
      });
      expect(again.status).toBe(200);
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
      expect(await timeline(created.id)).toEqual(["CREATE", "CONFIRM"]);
      // The retry's number was drawn and given back: the next confirm of the channel gets the second.
      const other = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
      const next = sessionOf(await h.http.post(`/v2/payments/${other.id}/confirm`, confirmBody));
      expect(next.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber).toBe("88770000000002");
    });

    it("concurrent creates with one key store one session and one timeline row, every answer the same bytes", async () => {
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          h.http.post("/v2/payments", vaCreateBody(), { requestId: "same-create-key" }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
      const counts = await rowCounts(h.db);
      expect(counts.payment_sessions).toBe(1);
      expect(counts.session_events).toBe(1);
    });

    it("a kept answer is encoded once (P23): the response sends the bytes its record stores", async () => {
      const stringify = vi.spyOn(JSON, "stringify");
      let reply: Awaited<ReturnType<typeof h.http.post>>;
      let calls: ReadonlyArray<ReadonlyArray<unknown>>;
      try {
        reply = await h.http.post("/v2/payments", vaCreateBody(), { requestId: "encoded-once" });
      } finally {
        calls = [...stringify.mock.calls];
        stringify.mockRestore();
      }
      const created = sessionOf(reply);
      // How often each object was encoded; the answer's body is the one whose text holds the id.
      const encodings = new Map<unknown, number>();
      for (const [value] of calls) {
        if (typeof value === "object" && value !== null)
          encodings.set(value, (encodings.get(value) ?? 0) + 1);
      }
      const answerBodies = [...encodings].filter(
        ([value]) => typeof value === "object" && value !== null && "data" in value && "code" in value,
      );
      expect(answerBodies.map(([, times]) => times)).toEqual([1]);
      const { rows } = await h.db.query<{ body: string }>(
        "SELECT response_body AS body FROM idempotency_records WHERE request_key = $1",
        ["encoded-once"],
      );
      expect(rows[0]?.body).toBe(JSON.stringify(reply.body));
      expect(created.id).toBeDefined();
    });

    it("a used key answers 409 for another request even when that request would fail (404)", async () => {
      expect((await h.http.post("/v2/payments", vaCreateBody(), { requestId: "used-key" })).status).toBe(200);
      const missing = await h.http.post(
        "/v2/payments/00000000-0000-4000-8000-000000000000/confirm",
        confirmBody,
        { requestId: "used-key" },
      );
      expect(envelopeOf(missing, 409).code).toBe("idempotency_error");
    });
  });
}

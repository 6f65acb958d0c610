/**
 * Concurrent requests on one session: the row lock and compare-and-set of the store, and the
 * core's rules, leave exactly one outcome.
 */
import { describe, expect, it } from "vitest";
import { demoMerchant, listWebhooks } from "../src/index.js";
import { drivers, MINUTE, rowCounts, sessionOf, useProvider, vaCreateBody } from "./support/provider.js";

const N = 50;

for (const driver of drivers) {
  describe(`concurrency (${driver.name})`, () => {
    const h = useProvider(driver);
    const events = async (id: string) =>
      (await listWebhooks(h.db, demoMerchant.id, id)).map((row) => row.event);

    it(`${N} concurrent confirms of one session open exactly one charge`, async () => {
      const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
      const body = {
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        paymentMethodOptions: { virtualAccount: { channel: "BRI" } },
      };
      const replies = await Promise.all(
        Array.from({ length: N }, () => h.http.post(`/v2/payments/${created.id}/confirm`, body)),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 422)).toHaveLength(N - 1);
      const session = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
      expect(session.chargeDetails).toHaveLength(1);
      // Refused confirms gave their VA number back (the sequence rolled back with them).
      expect(session.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber).toBe("88770000000001");
    });

    it(`${N} concurrent simulated payments of one VA give one PAID and one webhook`, async () => {
      const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
      const replies = await Promise.all(
        Array.from({ length: N }, () =>
          h.http.post("/v2/payments/simulations", { paymentSessionId: created.id, chargeStatus: "SUCCESS" }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(N).fill(200));
      const session = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
      expect(session.status).toBe("PAID");
      expect(session.chargeDetails?.map((c) => c.status)).toEqual(["SUCCESS"]);
      expect(await events(created.id)).toEqual(["PAYMENT.PAID"]);
    });

    it(`${N} concurrent creates with one X-REQUEST-ID store one session and answer it ${N} times`, async () => {
      const replies = await Promise.all(
        Array.from({ length: N }, () =>
          h.http.post("/v2/payments", vaCreateBody(), { requestId: "same-key-0001" }),
        ),
      );
      const ids = new Set(replies.map((r) => sessionOf(r).id));
      expect(ids.size).toBe(1);
      expect((await rowCounts(h.db)).payment_sessions).toBe(1);
    });

    it("a payment racing the expiry sweeper ends in exactly one of the two outcomes", async () => {
      const outcomes = new Set<string>();
      for (let round = 0; round < 8; round++) {
        h.clock.set(Date.parse("2026-03-01T10:00:00Z"));
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const expiry = Date.parse(created.expiryAt ?? "");
        // The payment arrives 1 ms before the expiry; the sweeper runs at the expiry.
        h.clock.set(expiry - 1);
        const payment = h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        const sweep = h.provider.sweepExpired(expiry, 10);
        const [paid] = await Promise.all([payment, sweep]);
        expect(paid.status).toBe(200);
        h.clock.set(expiry + MINUTE);
        const session = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        const sent = await events(created.id);
        if (session.status === "PAID") {
          expect(sent).toEqual(["PAYMENT.PAID"]);
          expect(session.lateCharges).toBeUndefined();
        } else {
          expect(session.status).toBe("EXPIRED");
          expect(sent).toEqual(["PAYMENT.CANCELLED"]);
          expect(session.lateCharges).toHaveLength(1);
        }
        outcomes.add(session.status);
      }
      expect(outcomes.size).toBeGreaterThanOrEqual(1);
    });
  });
}

/**
 * The hooks test set-ups build on: `seedSession` drives a session into every status through the
 * provider's own operations, and `extraRoutes` mounts routes beside the API with the provider's
 * context (how the provider-states endpoint is added in test mode).
 */
import type { SessionStatus } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import {
  createTestClock,
  type Database,
  demoMerchant,
  listWebhooks,
  SeedError,
  seedRefund,
  seedSession,
  startProvider,
  type Tx,
} from "../src/index.js";
import { drivers, httpClient, MINUTE, sessionOf, T0, useProvider } from "./support/provider.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

const cases: ReadonlyArray<{
  readonly status: SessionStatus;
  readonly options?: Record<string, unknown>;
  readonly charges: ReadonlyArray<string>;
}> = [
  { status: "REQUIRE_PAYMENT_METHOD", charges: [] },
  { status: "REQUIRE_CONFIRMATION", charges: [] },
  { status: "REQUIRE_ACTION", charges: ["WAITING_FOR_USER_ACTION"] },
  {
    status: "REQUIRE_ACTION",
    options: { autoConfirm: false, paymentMethodType: "QR" },
    charges: ["WAITING_FOR_USER_ACTION"],
  },
  { status: "PROCESSING", charges: ["PROCESSING"] },
  {
    status: "PROCESSING",
    options: { chargeStatus: "WAITING_FOR_AUTHENTICATION", paymentMethodType: "EWALLET" },
    charges: ["WAITING_FOR_AUTHENTICATION"],
  },
  { status: "PROCESSING", options: { captureMethod: "manual" }, charges: ["WAITING_FOR_CAPTURE"] },
  { status: "PAID", charges: ["SUCCESS"] },
  { status: "PAID", options: { paymentMethodType: "CARD" }, charges: ["SUCCESS"] },
  { status: "CANCELLED", charges: [] },
  { status: "CANCELLED", options: { cancellationReason: "CHARGE_FAILED" }, charges: ["FAILED"] },
  { status: "EXPIRED", charges: ["EXPIRED"] },
  { status: "ACTIVE", options: { paymentsReceived: 2 }, charges: ["SUCCESS", "SUCCESS"] },
  { status: "INACTIVE", charges: [] },
];

for (const driver of drivers) {
  describe(`seedSession (${driver.name})`, () => {
    const h = useProvider(driver);

    for (const { status, options, charges } of cases) {
      it(`seeds ${status} ${JSON.stringify(options ?? {})} through the lifecycle`, async () => {
        const seeded = await h.provider.seedSession({ merchantId: demoMerchant.id, status, ...options });
        const session = sessionOf(await h.http.get(`/v2/payments/${seeded.id}`));
        expect(session.status).toBe(status);
        expect(session.chargeDetails?.map((c) => c.status) ?? []).toEqual(charges);
        expect(session).toEqual(seeded.session);
        if (status === "PAID") expect(Date.parse(session.chargeDetails?.[0]?.paidAt ?? "")).toBeLessThan(T0);
      });
    }

    it("uses the catalogue's defaults: expiry now + 15 min, 20 000 IDR, mode API, VA on PERMATA", async () => {
      const { session } = await h.provider.seedSession({
        merchantId: demoMerchant.id,
        status: "REQUIRE_ACTION",
      });
      expect(session).toMatchObject({
        mode: "API",
        amount: { value: 20000, currency: "IDR" },
        expiryAt: iso(T0 + 15 * MINUTE),
      });
      expect(session.chargeDetails?.[0]?.virtualAccount?.channel).toBe("PERMATA");
    });

    it("writes the webhooks the lifecycle emits on the way (PAYMENT.PAID for PAID)", async () => {
      const { id } = await h.provider.seedSession({ merchantId: demoMerchant.id, status: "PAID" });
      expect((await listWebhooks(h.db, demoMerchant.id, id)).map((r) => r.event)).toEqual(["PAYMENT.PAID"]);
    });

    it("refuses a combination the lifecycle refuses (PROCESSING on a VA) with SeedError", async () => {
      await expect(
        h.provider.seedSession({
          merchantId: demoMerchant.id,
          status: "PROCESSING",
          paymentMethodType: "VIRTUAL_ACCOUNT",
        }),
      ).rejects.toBeInstanceOf(SeedError);
    });

    /** `db` counting its transactions, its transactions' statements failing where `fails(sql)` says. */
    const watched = (fails: (sql: string) => boolean = () => false) => {
      const db = h.db;
      const counts = { transactions: 0 };
      const failing = (tx: Tx): Tx => ({
        ...tx,
        query: (sql, params) =>
          fails(sql) ? Promise.reject(new Error(`injected: ${sql}`)) : tx.query(sql, params),
        defer: (sql, params) => {
          if (fails(sql)) throw new Error(`injected: ${sql}`);
          tx.defer(sql, params);
        },
      });
      const handle: Database = {
        ...db,
        query: (sql, params) => db.query(sql, params),
        transaction: (fn) => {
          counts.transactions++;
          return db.transaction((tx) => fn(failing(tx)));
        },
      };
      return { db: handle, counts };
    };
    const sessionCount = async () =>
      Number((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM payment_sessions")).rows[0]?.n);

    it("seeds in one transaction: the create, every step and the final read commit together (decision P21)", async () => {
      const { db, counts } = watched();
      const seeded = await seedSession(
        { ...h.provider.services, db },
        { merchantId: demoMerchant.id, status: "PAID", paymentsReceived: 1 },
      );
      expect(counts.transactions).toBe(1);
      expect(sessionOf(await h.http.get(`/v2/payments/${seeded.id}`)).status).toBe("PAID");
    });

    it("leaves nothing behind when a step fails part-way (the create is rolled back too)", async () => {
      // PAID: the create, then the payment, whose transaction writes the PAYMENT.PAID outbox row.
      const { db } = watched((sql) => sql.trimStart().startsWith("INSERT INTO webhook_outbox"));
      await expect(
        seedSession({ ...h.provider.services, db }, { merchantId: demoMerchant.id, status: "PAID" }),
      ).rejects.toThrow();
      expect(await sessionCount()).toBe(0);
    });

    it("seeds a refund in one transaction too: its create and the events to its status (decision P21)", async () => {
      const paid = await h.provider.seedSession({ merchantId: demoMerchant.id, status: "PAID" });
      const { db, counts } = watched();
      await seedRefund(
        { ...h.provider.services, db },
        { merchantId: demoMerchant.id, paymentSessionId: paid.id, at: T0, status: "SUCCESS", amount: 1000 },
      );
      expect(counts.transactions).toBe(1);
    });

    it("gives each seeded session its own clientReferenceId, on the same path (paths are memoised)", async () => {
      const target = { merchantId: demoMerchant.id, status: "PAID" as const };
      const first = await h.provider.seedSession({ ...target, clientReferenceId: "INV-FIRST" });
      const second = await h.provider.seedSession({ ...target, clientReferenceId: "INV-SECOND" });
      const third = await h.provider.seedSession(target);
      expect([first, second].map((s) => s.session.clientReferenceId)).toEqual(["INV-FIRST", "INV-SECOND"]);
      expect(third.session.clientReferenceId).toMatch(/^seed-/);
      expect(sessionOf(await h.http.get(`/v2/payments/${second.id}`)).clientReferenceId).toBe("INV-SECOND");
    });

    it("resets a merchant: no sessions, no idempotency keys", async () => {
      await h.provider.seedSession({ merchantId: demoMerchant.id, status: "PAID", requestId: "seed-key" });
      await h.provider.resetMerchant(demoMerchant.id);
      expect((await h.http.get("/v2/payments")).body).toMatchObject({
        data: [],
        pagination: { totalItems: 0 },
      });
    });
  });
}

describe("extraRoutes", () => {
  it("mounts routes beside the API with the provider's context; none without the option", async () => {
    const clock = createTestClock(T0);
    const provider = await startProvider({
      memory: true,
      clock,
      extraRoutes: (context) => [
        {
          method: "POST",
          path: "/_pact/provider-states",
          handle: async ({ body }) => {
            const state = typeof body === "object" && body !== null && "now" in body ? String(body.now) : "";
            clock.set(state);
            const seeded = await context.seedSession({
              merchantId: demoMerchant.id,
              status: "REQUIRE_ACTION",
            });
            return {
              status: 200,
              body: { id: seeded.id, accessToken: context.issueAccessToken(demoMerchant.id) },
            };
          },
        },
      ],
    });
    const plain = await startProvider({ memory: true, clock });
    try {
      const http = httpClient(() => provider);
      const reply = await http.post(
        "/_pact/provider-states",
        { now: "2026-04-01T00:00:00Z" },
        { merchant: null },
      );
      expect(reply.status).toBe(200);
      const { id, accessToken } = reply.body as { id: string; accessToken: string };
      const session = sessionOf(
        await http.get(`/v2/payments/${id}`, {
          merchant: null,
          headers: { authorization: `Bearer ${accessToken}` },
        }),
      );
      expect(session.createdAt).toBe("2026-03-31T23:58:00Z");
      const badJson = await http.post("/_pact/provider-states", undefined, { merchant: null, rawBody: "{" });
      expect(badJson.status).toBe(400);
      const missing = await httpClient(() => plain).post("/_pact/provider-states", {}, { merchant: null });
      expect(missing.status).toBe(404);
    } finally {
      await provider.close();
      await plain.close();
    }
  });
});

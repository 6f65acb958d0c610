/**
 * The hooks test set-ups build on: `seedSession` drives a session into every status through the
 * provider's own operations, and `extraRoutes` mounts routes beside the API with the provider's
 * context (how the provider-states endpoint is added in test mode).
 */
import type { SessionStatus } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { createTestClock, demoMerchant, listWebhooks, SeedError, startProvider } from "../src/index.js";
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

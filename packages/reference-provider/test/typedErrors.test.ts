/**
 * The shell's failures: a write's answer is stored and replayed byte for byte by the idempotency
 * layer; a defect (a bug) rolls the whole request back and is a 500; an unreachable database is a
 * 503, both in the envelope; every API error's status is its core class's.
 */
import { apiErrorStatus, resourceMissingError } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import {
  createTestClock,
  demoMerchant,
  openDatabase,
  type RunningProvider,
  sandboxIssuers,
  startProvider,
} from "../src/index.js";
import { drivers, pglite, rowCounts, T0, useProvider, vaCreateBody } from "./support/provider.js";

const post = (provider: RunningProvider, path: string, body: unknown, requestId?: string) =>
  fetch(`${provider.url}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${provider.issueAccessToken(demoMerchant.id)}`,
      "content-type": "application/json",
      ...(requestId === undefined ? {} : { "x-request-id": requestId }),
    },
    body: JSON.stringify(body),
  });

for (const driver of drivers) {
  describe(`typed errors and the idempotency layer (${driver.name})`, () => {
    const h = useProvider(driver);

    it("replays a create's answer byte for byte, status and text", async () => {
      const first = await post(h.provider, "/v2/payments", vaCreateBody(), "bytes-1");
      const firstText = await first.text();
      h.clock.advance(1000);
      const again = await post(h.provider, "/v2/payments", { ...vaCreateBody(), ignored: true }, "bytes-1");
      expect(again.status).toBe(first.status);
      expect(await again.text()).toBe(firstText);
    });

    it("answers an unknown session's confirm with the status of the core's ResourceMissingError", async () => {
      const reply = await post(h.provider, `/v2/payments/${crypto.randomUUID()}/confirm`, {
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      });
      expect(reply.status).toBe(apiErrorStatus(resourceMissingError("PaymentSession", "x")));
      expect(((await reply.json()) as { code: string }).code).toBe("resource_missing");
    });
  });
}

describe("defects and an unreachable database", () => {
  it("rolls a request back when an issuer fails after drawing a VA number: 500, nothing stored, no record", async () => {
    const db = await pglite.open(undefined);
    const provider = await startProvider({
      db,
      clock: createTestClock(T0),
      issuers: {
        ...sandboxIssuers,
        forCharge: async (request) => {
          await sandboxIssuers.forCharge(request);
          throw new Error("the bank is down");
        },
      },
    });
    try {
      const reply = await post(provider, "/v2/payments", vaCreateBody(), "defect-1");
      expect(reply.status).toBe(500);
      expect(((await reply.json()) as { code: string }).code).toBe("internal_error");
      const counts = await rowCounts(db);
      expect(counts.payment_sessions).toBe(0);
      expect(counts.idempotency_records).toBe(0);
      expect(counts.issuer_sequences).toBe(0);
    } finally {
      await provider.close();
      await db.close();
    }
  });

  it("answers 503 service_unavailable in the envelope when the database is gone", async () => {
    const db = await openDatabase({ memory: true });
    const provider = await startProvider({ db, clock: createTestClock(T0) });
    try {
      await db.close();
      const reply = await post(provider, "/v2/payments", vaCreateBody());
      expect(reply.status).toBe(503);
      const body = (await reply.json()) as { code: string; error: { traceId: string } };
      expect(body.code).toBe("service_unavailable");
      expect(body.error.traceId).toBe(reply.headers.get("x-trace-id"));
    } finally {
      await provider.close();
    }
  });
});

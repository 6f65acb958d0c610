/**
 * Contract: POST /v2/payments/{id}/confirm — allowed from REQUIRE_PAYMENT_METHOD and
 * REQUIRE_CONFIRMATION (decision L1), refused with 422 on a paid session (L2).
 */
import { readFileSync } from "node:fs";
import type { ConfirmPaymentSessionRequest } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { ok, vaSessionRequiringAction } from "./support/expectations.js";
import { clientFor, example, httpPact, recorded, sessionPath } from "./support/pact.js";
import { expectRefusedOperation } from "./support/refusals.js";
import { postingJson, sessionExists, vaState } from "./support/sessions.js";

const pact = httpPact();

/** The seed page's confirm body (packages/core/test/fixtures/seed-confirm-request.json). */
const seedConfirmRequest = JSON.parse(
  readFileSync(new URL("../../../core/test/fixtures/seed-confirm-request.json", import.meta.url), "utf8"),
) as typeof ConfirmPaymentSessionRequest.Encoded;

describe("POST /v2/payments/{id}/confirm", () => {
  it("a payment session exists in REQUIRE_PAYMENT_METHOD: the seed's VA body opens a charge", async () => {
    await sessionExists(pact.addInteraction(), {
      status: "REQUIRE_PAYMENT_METHOD",
      clientReferenceId: "INV-CONFIRM-1",
      amount: 20000,
    })
      .uponReceiving("a request to confirm a VA for a session waiting for a payment method")
      .withRequest("POST", sessionPath("/confirm"), postingJson(seedConfirmRequest))
      .willRespondWith(200, (b) => b.jsonBody(ok(vaSessionRequiringAction("INV-CONFIRM-1", 20000))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).confirm(example.sessionId, seedConfirmRequest);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber).toMatch(/^[0-9]+$/u);
        }),
      );
  });

  it("a payment session exists in REQUIRE_CONFIRMATION: confirming opens the charge", async () => {
    await sessionExists(pact.addInteraction(), vaState("REQUIRE_CONFIRMATION", "INV-CONFIRM-2"))
      .uponReceiving("a request to confirm a session waiting for confirmation")
      .withRequest("POST", sessionPath("/confirm"), postingJson(seedConfirmRequest))
      .willRespondWith(200, (b) => b.jsonBody(ok(vaSessionRequiringAction("INV-CONFIRM-2", 20000))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).confirm(example.sessionId, seedConfirmRequest);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails).toHaveLength(1);
        }),
      );
  });

  it("a payment session exists in PAID: confirming is refused with 422", async () => {
    await expectRefusedOperation(pact, {
      operation: "confirm",
      session: vaState("PAID", "INV-CONFIRM-PAID"),
      description: "a request to confirm a paid session",
      body: seedConfirmRequest,
      call: (client, id, b) => client.confirm(id, b),
    });
  });
});

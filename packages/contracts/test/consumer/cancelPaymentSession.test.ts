/**
 * Contract: POST /v2/payments/{id}/cancel — allowed before a charge exists (decision L3), refused
 * with 422 once the customer must act (L6).
 */
import { describe, expect, it } from "vitest";
import { idr, instantFromClock, ok, session } from "./support/expectations.js";
import { clientFor, clockNow, example, httpPact, recorded, sessionPath } from "./support/pact.js";
import { expectRefusedOperation } from "./support/refusals.js";
import { postingJson, sessionExists, vaState } from "./support/sessions.js";

const pact = httpPact();

const cancelled = (clientReferenceId: string, reason: string, paymentMethod: unknown) =>
  ok(
    session({
      clientReferenceId,
      amount: idr(20000),
      status: "CANCELLED",
      paymentMethod,
      // Cancelled at the clock; the cancel sets `expiryAt` to its own instant (L3).
      expiryAt: instantFromClock(clockNow),
      chargeDetails: null,
      extra: { cancelledAt: instantFromClock(clockNow), cancellationReason: reason },
    }),
  );

describe("POST /v2/payments/{id}/cancel", () => {
  it("a payment session exists in REQUIRE_CONFIRMATION: cancelled with the merchant's reason", async () => {
    await sessionExists(pact.addInteraction(), vaState("REQUIRE_CONFIRMATION", "INV-CANCEL-1"))
      .uponReceiving("a request to cancel a session waiting for confirmation")
      .withRequest(
        "POST",
        sessionPath("/cancel"),
        postingJson({ cancellationReason: "REQUESTED_BY_CUSTOMER" }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(cancelled("INV-CANCEL-1", "REQUESTED_BY_CUSTOMER", { type: "VIRTUAL_ACCOUNT" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).cancel(example.sessionId, {
            cancellationReason: "REQUESTED_BY_CUSTOMER",
          });
          expect(s.status).toBe("CANCELLED");
          expect(s.cancellationReason).toBe("REQUESTED_BY_CUSTOMER");
          expect(s.cancelledAt).toMatch(/Z$/u);
        }),
      );
  });

  it("a payment session exists in REQUIRE_PAYMENT_METHOD: cancelled as a void session", async () => {
    await sessionExists(pact.addInteraction(), {
      status: "REQUIRE_PAYMENT_METHOD",
      clientReferenceId: "INV-CANCEL-2",
      amount: 20000,
    })
      .uponReceiving("a request to cancel a session waiting for a payment method")
      .withRequest("POST", sessionPath("/cancel"), postingJson({ cancellationReason: "VOID_SESSION" }))
      .willRespondWith(200, (b) => b.jsonBody(cancelled("INV-CANCEL-2", "VOID_SESSION", null)))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).cancel(example.sessionId, {
            cancellationReason: "VOID_SESSION",
          });
          expect(s.status).toBe("CANCELLED");
          expect(s.cancellationReason).toBe("VOID_SESSION");
        }),
      );
  });

  it("a payment session exists in REQUIRE_ACTION: cancel is refused with 422", async () => {
    await expectRefusedOperation(pact, {
      operation: "cancel",
      session: {
        status: "REQUIRE_ACTION",
        clientReferenceId: "INV-CANCEL-3",
        amount: 20000,
        mode: "API",
        paymentMethodType: "VIRTUAL_ACCOUNT",
        channel: "PERMATA",
      },
      description: "a request to cancel a session waiting for the customer's transfer",
      body: { cancellationReason: "REQUESTED_BY_CUSTOMER" as const },
      call: (client, id, b) => client.cancel(id, b),
    });
  });
});

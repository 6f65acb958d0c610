/**
 * Contract: POST /v2/payments/{id}/capture — a manual-capture card authorisation (decision P6); a
 * session with no charge waiting for capture is refused with 422 (L2).
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { idr, instant, ok, sessionId } from "./support/expectations.js";
import { clientFor, example, httpPact, recorded, sessionPath } from "./support/pact.js";
import { expectRefusedOperation } from "./support/refusals.js";
import { postingJson, sessionExists } from "./support/sessions.js";

const { like, regex } = MatchersV3;
const pact = httpPact();
const body = { releaseRemainingAmount: false, amount: { value: 50000, currency: "IDR" } } as const;

describe("POST /v2/payments/{id}/capture", () => {
  it("a payment session exists in PROCESSING with a card waiting for capture: the capture is accepted", async () => {
    await sessionExists(pact.addInteraction(), {
      status: "PROCESSING",
      clientReferenceId: "INV-CAPTURE-1",
      amount: 50000,
      paymentMethodType: "CARD",
      captureMethod: "manual",
      chargeStatus: "WAITING_FOR_CAPTURE",
    })
      .uponReceiving("a request to capture the full authorised amount of a card")
      .withRequest("POST", sessionPath("/capture"), postingJson(body))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          ok({
            id: like("4f1c2a9e-capture"),
            paymentSessionId: sessionId(),
            paymentSessionClientReferenceId: "INV-CAPTURE-1",
            releaseRemainingAmount: false,
            amount: idr(50000),
            status: regex("^(PENDING|SUCCESS)$", "PENDING"),
            createdAt: instant(),
            updatedAt: instant(),
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const capture = await clientFor(mock.url).capture(example.sessionId, body);
          expect(capture.amount).toEqual({ value: 50000, currency: "IDR" });
          expect(["PENDING", "SUCCESS"]).toContain(capture.status);
        }),
      );
  });

  it("a payment session exists in REQUIRE_ACTION: nothing waits for capture, 422", async () => {
    await expectRefusedOperation(pact, {
      operation: "capture",
      session: {
        status: "REQUIRE_ACTION",
        clientReferenceId: "INV-CAPTURE-2",
        amount: 50000,
        paymentMethodType: "VIRTUAL_ACCOUNT",
        channel: "PERMATA",
      },
      description: "a request to capture a session with no charge waiting for capture",
      body,
      call: (client, id, b) => client.capture(id, b),
    });
  });
});

/**
 * Contract: POST /v2/payments/{id}/confirm — allowed from REQUIRE_PAYMENT_METHOD and
 * REQUIRE_CONFIRMATION (decision L1), refused with 422 on a paid session (L2).
 */
import { readFileSync } from "node:fs";
import type { ConfirmPaymentSessionRequest } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import { errorEnvelope, idr, ok, pushCharge, session, vaPart } from "./support/expectations.js";
import {
  asMerchant,
  authorization,
  clientFor,
  example,
  httpPact,
  recorded,
  rejectionOf,
  sessionPath,
} from "./support/pact.js";

const pact = httpPact();

/** The seed page's confirm body (packages/core/test/fixtures/seed-confirm-request.json). */
const seedConfirmRequest = JSON.parse(
  readFileSync(new URL("../../../core/test/fixtures/seed-confirm-request.json", import.meta.url), "utf8"),
) as typeof ConfirmPaymentSessionRequest.Encoded;

const confirmed = (clientReferenceId: string) =>
  ok(
    session({
      clientReferenceId,
      amount: idr(20000),
      status: "REQUIRE_ACTION",
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      chargeDetails: [
        pushCharge({
          clientReferenceId,
          amount: 20000,
          status: "WAITING_FOR_USER_ACTION",
          method: vaPart("PERMATA"),
        }),
      ],
    }),
  );

describe("POST /v2/payments/{id}/confirm", () => {
  it("a payment session exists in REQUIRE_PAYMENT_METHOD: the seed's VA body opens a charge", async () => {
    await givenState(asMerchant(pact.addInteraction()), "a payment session exists", {
      status: "REQUIRE_PAYMENT_METHOD",
      clientReferenceId: "INV-CONFIRM-1",
      amount: 20000,
    })
      .uponReceiving("a request to confirm a VA for a session waiting for a payment method")
      .withRequest("POST", sessionPath("/confirm"), (b) =>
        b.headers({ Authorization: authorization }).jsonBody(seedConfirmRequest),
      )
      .willRespondWith(200, (b) => b.jsonBody(confirmed("INV-CONFIRM-1")))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).confirm(example.sessionId, seedConfirmRequest);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber).toMatch(/^[0-9]+$/u);
        }),
      );
  });

  it("a payment session exists in REQUIRE_CONFIRMATION: confirming opens the charge", async () => {
    await givenState(asMerchant(pact.addInteraction()), "a payment session exists", {
      status: "REQUIRE_CONFIRMATION",
      clientReferenceId: "INV-CONFIRM-2",
      amount: 20000,
      paymentMethodType: "VIRTUAL_ACCOUNT",
      channel: "PERMATA",
    })
      .uponReceiving("a request to confirm a session waiting for confirmation")
      .withRequest("POST", sessionPath("/confirm"), (b) =>
        b.headers({ Authorization: authorization }).jsonBody(seedConfirmRequest),
      )
      .willRespondWith(200, (b) => b.jsonBody(confirmed("INV-CONFIRM-2")))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).confirm(example.sessionId, seedConfirmRequest);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails).toHaveLength(1);
        }),
      );
  });

  it("a payment session exists in PAID: confirming is refused with 422", async () => {
    await givenState(asMerchant(pact.addInteraction()), "a payment session exists", {
      status: "PAID",
      clientReferenceId: "INV-CONFIRM-PAID",
      amount: 20000,
      paymentMethodType: "VIRTUAL_ACCOUNT",
      channel: "PERMATA",
    })
      .uponReceiving("a request to confirm a paid session")
      .withRequest("POST", sessionPath("/confirm"), (b) =>
        b.headers({ Authorization: authorization }).jsonBody(seedConfirmRequest),
      )
      .willRespondWith(422, (b) =>
        b.jsonBody(
          errorEnvelope({
            status: 422,
            code: "invalid_state",
            ours: true,
            type: "API_ERROR",
            message: {
              contains: "not allowed to confirm payment session",
              example: "Payment session in status PAID is not allowed to confirm payment session",
            },
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(clientFor(mock.url).confirm(example.sessionId, seedConfirmRequest));
          expect(error).toMatchObject({
            _tag: "PaymentsApiError",
            status: 422,
            type: "API_ERROR",
            code: "invalid_state",
          });
        }),
      );
  });
});

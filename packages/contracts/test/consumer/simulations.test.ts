/**
 * Contract: POST /v2/payments/simulations (sandbox) — settle or expire the open charge of a session.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import { ok } from "./support/expectations.js";
import { asMerchant, authorization, clientFor, example, httpPact, recorded } from "./support/pact.js";

const { fromProviderState, regex } = MatchersV3;
const pact = httpPact();

/** `updated` is documented as a Boolean and shown as the string "true": either passes. */
const updated = { updated: regex("^true$", "true") };

describe("POST /v2/payments/simulations", () => {
  for (const chargeStatus of ["SUCCESS", "EXPIRED"] as const) {
    it(`a payment session exists in REQUIRE_ACTION: a simulated ${chargeStatus} is accepted`, async () => {
      await givenState(asMerchant(pact.addInteraction()), "a payment session exists", {
        status: "REQUIRE_ACTION",
        clientReferenceId: `INV-SIM-${chargeStatus}`,
        amount: 20000,
        paymentMethodType: "VIRTUAL_ACCOUNT",
        channel: "PERMATA",
      })
        .uponReceiving(`a request to simulate chargeStatus ${chargeStatus} on the open VA charge`)
        .withRequest("POST", "/v2/payments/simulations", (b) =>
          b
            .headers({ Authorization: authorization })
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
            .jsonBody({ paymentSessionId: fromProviderState("${id}", example.sessionId), chargeStatus }),
        )
        .willRespondWith(200, (b) => b.jsonBody(ok(updated)))
        .executeTest(
          recorded(pact, async (mock) => {
            const result = await clientFor(mock.url).simulate({
              paymentSessionId: example.sessionId,
              chargeStatus,
            });
            expect(String(result.updated)).toBe("true");
          }),
        );
    });
  }
});

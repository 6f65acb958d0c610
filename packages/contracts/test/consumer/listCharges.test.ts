/**
 * Contract: GET /v2/charges?clientReferenceId= — the charges of a merchant's sessions. The one
 * charge is pinned (a plain array): its reference, status and amount with its currency; the charge
 * of a session with another reference, set up beside it, must not appear.
 */
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import { okList, pushCharge, vaPart } from "./support/expectations.js";
import { clientFor, httpPact, recorded } from "./support/pact.js";
import { sessionExists, vaState, withToken } from "./support/sessions.js";

const pact = httpPact();

describe("GET /v2/charges", () => {
  it("a payment session exists in REQUIRE_ACTION: its open VA charge", async () => {
    await givenState(
      sessionExists(pact.addInteraction(), {
        status: "PAID",
        clientReferenceId: "INV-CHARGES-OTHER",
        amount: 30000,
        paymentMethodType: "VIRTUAL_ACCOUNT",
        channel: "BCA",
      }),
      "a payment session exists",
      vaState("REQUIRE_ACTION", "INV-CHARGES-1"),
    )
      .uponReceiving("a request for the charges of a clientReferenceId")
      .withRequest("GET", "/v2/charges", (b) => withToken(b).query({ clientReferenceId: "INV-CHARGES-1" }))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList(
            [
              pushCharge({
                clientReferenceId: "INV-CHARGES-1",
                amount: 20000,
                status: "WAITING_FOR_USER_ACTION",
                method: vaPart("PERMATA"),
              }),
            ],
            { page: 1, perPage: 20, totalItems: 1, totalPages: 1 },
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).charges("INV-CHARGES-1");
          expect(page.data[0]?.paymentSessionClientReferenceId).toBe("INV-CHARGES-1");
          expect(page.data[0]?.virtualAccount?.virtualAccountNumber).toMatch(/^[0-9]+$/u);
          expect(page.pagination.totalItems).toBe(1);
        }),
      );
  });
});

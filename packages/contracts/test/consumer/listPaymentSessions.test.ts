/**
 * Contract: GET /v2/payments — by clientReferenceId (every session with it, decision C4) and a page
 * of the merchant's sessions.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import { idr, okList, session } from "./support/expectations.js";
import { asMerchant, authorization, clientFor, httpPact, recorded } from "./support/pact.js";

const { eachLike } = MatchersV3;
const pact = httpPact();

const waitingForMethod = (clientReferenceId: string) =>
  session({
    clientReferenceId,
    amount: idr(20000),
    status: "REQUIRE_PAYMENT_METHOD",
    paymentMethod: null,
    chargeDetails: null,
  });

describe("GET /v2/payments", () => {
  it("payment sessions exist with clientReferenceId: all of them, on one page", async () => {
    await givenState(asMerchant(pact.addInteraction()), "payment sessions exist with clientReferenceId", {
      clientReferenceId: "ORDER-42",
      count: 2,
      status: "REQUIRE_PAYMENT_METHOD",
      amount: 20000,
    })
      .uponReceiving("a request for the payment sessions with a clientReferenceId")
      .withRequest("GET", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization }).query({ clientReferenceId: "ORDER-42" }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList(eachLike(waitingForMethod("ORDER-42"), 2), {
            page: 1,
            perPage: 20,
            totalItems: 2,
            totalPages: 1,
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).getByClientReferenceId("ORDER-42");
          expect(page.data).toHaveLength(2);
          expect(page.data.every((s) => s.clientReferenceId === "ORDER-42")).toBe(true);
          expect(page.pagination).toEqual({ page: 1, perPage: 20, totalItems: 2, totalPages: 1 });
        }),
      );
  });

  it("payment sessions exist with clientReferenceId: the second page of two", async () => {
    await givenState(asMerchant(pact.addInteraction()), "payment sessions exist with clientReferenceId", {
      clientReferenceId: "ORDER-43",
      count: 3,
      status: "REQUIRE_PAYMENT_METHOD",
      amount: 20000,
    })
      .uponReceiving("a request for the second page of payment sessions, two per page")
      .withRequest("GET", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization }).query({ page: "2", perPage: "2" }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList(eachLike(waitingForMethod("ORDER-43"), 1), {
            page: 2,
            perPage: 2,
            totalItems: 3,
            totalPages: 2,
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).list({ page: 2, perPage: 2 });
          expect(page.data).toHaveLength(1);
          expect(page.pagination).toEqual({ page: 2, perPage: 2, totalItems: 3, totalPages: 2 });
        }),
      );
  });
});

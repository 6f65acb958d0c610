/**
 * Contract: GET /v2/payments — by clientReferenceId (every session with it, decision C4) and a page
 * of the merchant's sessions. The items are pinned one by one (a plain array, not "each like"):
 * their number, reference and status are what the provider states set up, and a session of another
 * reference set up beside them must not appear.
 */
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import { idr, instant, okList, session } from "./support/expectations.js";
import { authorization, clientFor, httpPact, recorded } from "./support/pact.js";
import { sessionExists, withToken } from "./support/sessions.js";

const pact = httpPact();

/** A session of another reference, set up before the listed ones: a list ignoring the filter shows it. */
const otherReference = {
  status: "REQUIRE_ACTION",
  clientReferenceId: "ORDER-OTHER",
  amount: 30000,
  paymentMethodType: "VIRTUAL_ACCOUNT",
  channel: "PERMATA",
} as const;

const waitingForMethod = (clientReferenceId: string) =>
  session({
    clientReferenceId,
    amount: idr(20000),
    status: "REQUIRE_PAYMENT_METHOD",
    paymentMethod: null,
    chargeDetails: null,
    // Created one after another before the clock: each expires 15 min after its own creation.
    expiryAt: instant(),
  });

describe("GET /v2/payments", () => {
  it("payment sessions exist with clientReferenceId: all of them, on one page", async () => {
    await givenState(
      sessionExists(pact.addInteraction(), otherReference),
      "payment sessions exist with clientReferenceId",
      {
        clientReferenceId: "ORDER-42",
        count: 2,
        status: "REQUIRE_PAYMENT_METHOD",
        amount: 20000,
      },
    )
      .uponReceiving("a request for the payment sessions with a clientReferenceId")
      .withRequest("GET", "/v2/payments", (b) => withToken(b).query({ clientReferenceId: "ORDER-42" }))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList([waitingForMethod("ORDER-42"), waitingForMethod("ORDER-42")], {
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

  it("payment sessions exist with clientReferenceId: the second page of two, by reference", async () => {
    await givenState(
      sessionExists(pact.addInteraction(), otherReference),
      "payment sessions exist with clientReferenceId",
      { clientReferenceId: "ORDER-43", count: 3, status: "REQUIRE_PAYMENT_METHOD", amount: 20000 },
    )
      .uponReceiving(
        "a request for the second page of payment sessions with a clientReferenceId, two per page",
      )
      .withRequest("GET", "/v2/payments", (b) =>
        b
          .headers({ Authorization: authorization })
          .query({ clientReferenceId: "ORDER-43", page: "2", perPage: "2" }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList([waitingForMethod("ORDER-43")], {
            page: 2,
            perPage: 2,
            totalItems: 3,
            totalPages: 2,
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).list({ clientReferenceId: "ORDER-43", page: 2, perPage: 2 });
          expect(page.data).toHaveLength(1);
          expect(page.data[0]?.clientReferenceId).toBe("ORDER-43");
          expect(page.pagination).toEqual({ page: 2, perPage: 2, totalItems: 3, totalPages: 2 });
        }),
      );
  });
});

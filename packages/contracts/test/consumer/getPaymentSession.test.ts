/**
 * Contract: GET /v2/payments/{id} — each status a merchant must handle, the unknown id, and the
 * missing or bad token.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import {
  clockPlus,
  errorEnvelope,
  instantAt,
  ok,
  sessionId,
  vaSessionRequiringAction,
  withoutValues,
} from "./support/expectations.js";
import {
  asMerchant,
  atClock,
  clientFor,
  example,
  httpPact,
  recorded,
  rejectionOf,
  sessionPath,
} from "./support/pact.js";
import {
  asOtherMerchant,
  cancelledVaSession,
  expectResourceMissing,
  expiredVaSession,
  paidVaSession,
  sessionExists,
  thenAsMerchant,
  vaSession,
  vaState,
  withToken,
} from "./support/sessions.js";

const { like } = MatchersV3;
const pact = httpPact();
const unknownId = "00000000-0000-4000-8000-000000000000";

describe("GET /v2/payments/{id}", () => {
  it("a payment session exists in REQUIRE_ACTION: the VA to pay is on its open charge", async () => {
    await sessionExists(pact.addInteraction(), vaState("REQUIRE_ACTION", "INV-GET-ACTION"))
      .uponReceiving("a request for a payment session waiting for the customer's transfer")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) => b.jsonBody(ok(vaSessionRequiringAction("INV-GET-ACTION", 20000))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails?.[0]?.paidAt).toBeNull();
        }),
      );
  });

  it("a payment session exists in PAID: its charge succeeded and carries paidAt", async () => {
    await sessionExists(pact.addInteraction(), vaState("PAID", "INV-GET-PAID"))
      .uponReceiving("a request for a paid payment session")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) => b.jsonBody(ok(paidVaSession("INV-GET-PAID"))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("PAID");
          expect(s.chargeDetails?.[0]?.status).toBe("SUCCESS");
          expect(s.chargeDetails?.[0]?.paidAt).toMatch(/Z$/u);
        }),
      );
  });

  it("a payment session exists in EXPIRED: its charge expired too", async () => {
    await sessionExists(pact.addInteraction(), vaState("EXPIRED", "INV-GET-EXPIRED"))
      .uponReceiving("a request for an expired payment session")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) => b.jsonBody(ok(expiredVaSession("INV-GET-EXPIRED"))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("EXPIRED");
          expect(s.chargeDetails?.[0]?.status).toBe("EXPIRED");
        }),
      );
  });

  it("a payment session exists in EXPIRED: no cancellation reason (null or absent, never a value)", async () => {
    await sessionExists(pact.addInteraction(), vaState("EXPIRED", "INV-GET-EXPIRED-REASON"))
      .uponReceiving("a request for an expired payment session, which has no cancellation reason")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) =>
        b.jsonBody(
          ok(
            withoutValues(expiredVaSession("INV-GET-EXPIRED-REASON"), ["cancellationReason", "cancelledAt"]),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("EXPIRED");
          expect(s.cancellationReason ?? null).toBeNull();
          expect(s.cancelledAt ?? null).toBeNull();
        }),
      );
  });

  it("a payment session whose expiryAt has passed since it was set up reads EXPIRED", async () => {
    await givenState(
      sessionExists(
        pact.addInteraction(),
        vaState("REQUIRE_ACTION", "INV-GET-LAPSED", { expiryAt: clockPlus(5) }),
      ),
      "the clock moves on",
      { now: clockPlus(10) },
    )
      .uponReceiving("a request for a payment session whose expiryAt passed while nobody paid")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) =>
        b.jsonBody(
          ok(
            vaSession({
              clientReferenceId: "INV-GET-LAPSED",
              status: "EXPIRED",
              chargeStatus: "EXPIRED",
              expiryAt: instantAt(clockPlus(5)),
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("EXPIRED");
          expect(s.chargeDetails?.[0]?.status).toBe("EXPIRED");
        }),
      );
  });

  it("a payment session reaches its expiryAt: at that very instant it reads EXPIRED", async () => {
    await givenState(
      sessionExists(
        pact.addInteraction(),
        vaState("REQUIRE_ACTION", "INV-GET-BOUNDARY", { expiryAt: clockPlus(5) }),
      ),
      "the clock moves on",
      { now: clockPlus(5) },
    )
      .uponReceiving("a request for a payment session at the instant its expiryAt is reached")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) => b.jsonBody(ok({ id: sessionId(), status: "EXPIRED" })))
      .executeTest(
        recorded(pact, async (mock) => {
          const response = await fetch(`${mock.url}/v2/payments/${example.sessionId}`, {
            headers: { Authorization: `Bearer ${example.accessToken}` },
          });
          expect(((await response.json()) as { data: { status: string } }).data.status).toBe("EXPIRED");
        }),
      );
  });

  it("another merchant's payment session does not exist for this merchant: 404", async () => {
    const withOther = givenState(
      asOtherMerchant(pact.addInteraction()),
      "a payment session exists",
      vaState("REQUIRE_ACTION", "INV-GET-OTHER-MERCHANT"),
    );
    // The token is the merchant's set up last; the session id is the other merchant's.
    await expectResourceMissing(
      pact,
      thenAsMerchant(withOther),
      "a request for a payment session of another merchant",
      sessionPath(),
      (client) => client.get(example.sessionId),
    );
  });

  it("a payment session exists in CANCELLED: the reason and the instant of the cancel", async () => {
    await sessionExists(
      pact.addInteraction(),
      vaState("CANCELLED", "INV-GET-CANCELLED", { cancellationReason: "DUPLICATED" }),
    )
      .uponReceiving("a request for a payment session the merchant cancelled")
      .withRequest("GET", sessionPath(), withToken)
      .willRespondWith(200, (b) => b.jsonBody(ok(cancelledVaSession("INV-GET-CANCELLED", "DUPLICATED"))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).get(example.sessionId);
          expect(s.status).toBe("CANCELLED");
          expect(s.cancellationReason).toBe("DUPLICATED");
          expect(s.cancelledAt).toMatch(/Z$/u);
        }),
      );
  });

  it("no payment session exists: an unknown id is 404", async () => {
    const error = await expectResourceMissing(
      pact,
      givenState(asMerchant(pact.addInteraction()), "no payment session exists", { id: unknownId }),
      "a request for a payment session that does not exist",
      `/v2/payments/${unknownId}`,
      (client) => client.get(unknownId),
    );
    expect(error).toMatchObject({ code: "resource_missing" });
    expect(["GATEWAY_ERROR", "API_ERROR"]).toContain(Reflect.get(Object(error), "type"));
  });

  it("without a token: 401", async () => {
    await atClock(pact.addInteraction())
      .uponReceiving("a request for a payment session without an Authorization header")
      .withRequest("GET", `/v2/payments/${example.sessionId}`)
      .willRespondWith(401, (b) =>
        b.jsonBody(errorEnvelope({ status: 401, code: "credentials_invalid", type: "API_ERROR" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(clientFor(mock.url, null).get(example.sessionId));
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 401, code: "credentials_invalid" });
        }),
      );
  });

  it("a merchant with credentials exists: a token it never issued is 401", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for a payment session with a token the API never issued")
      .withRequest("GET", `/v2/payments/${example.sessionId}`, (b) =>
        b.headers({ Authorization: "Bearer not-a-valid-token" }),
      )
      .willRespondWith(401, (b) =>
        b.jsonBody({
          ...errorEnvelope({ status: 401, code: "credentials_invalid", type: "API_ERROR" }),
          message: like("Invalid credentials"),
        }),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(clientFor(mock.url, "not-a-valid-token").get(example.sessionId));
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 401, type: "API_ERROR" });
        }),
      );
  });
});

/**
 * Contract: `x-submerchant-id` (decision S5) — a call with it acts for that sub-account: what it
 * creates is the sub-account's, found only with the same header; the merchant without the header
 * gets 404 `resource_missing` and empty lists; a malformed header is a 400 at `x-submerchant-id`.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { createPaymentsClient, PaymentsApiError } from "../../src/client/index.js";
import { ok, okList, validationError, vaSessionRequiringAction } from "./support/expectations.js";
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
import {
  createdWithoutMethod,
  expectResourceMissing,
  sessionExists,
  vaState,
  withToken,
} from "./support/sessions.js";

const { like, arrayContaining } = MatchersV3;
const pact = httpPact();

/** The sub-account of these interactions (the docs show a UUID). */
const subAccount = "4b1e2f6a-8c3d-4e5f-9a0b-1c2d3e4f5a6b";

/** The typed client acting for `subMerchantId`, pointed at Pact's mock server. */
const subAccountClient = (baseUrl: string, subMerchantId = subAccount) =>
  createPaymentsClient({ baseUrl, accessToken: example.accessToken, subMerchantId });

const sessionOfSubAccount = (clientReferenceId: string) =>
  vaState("REQUIRE_ACTION", clientReferenceId, { submerchantId: subAccount });

describe("x-submerchant-id (decision S5)", () => {
  it("a merchant with credentials exists: a create for a sub-account answers the session as without the header", async () => {
    const body = {
      clientReferenceId: "INV-SUB-CREATE",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a payment session for a sub-account")
      .withRequest("POST", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization, "x-submerchant-id": subAccount }).jsonBody(body),
      )
      .willRespondWith(200, (b) => b.jsonBody(ok(createdWithoutMethod("INV-SUB-CREATE"))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await subAccountClient(mock.url).create(body);
          expect(s.status).toBe("REQUIRE_PAYMENT_METHOD");
          expect(s.clientReferenceId).toBe("INV-SUB-CREATE");
        }),
      );
  });

  it("a payment session of a sub-account exists: the sub-account reads it", async () => {
    await sessionExists(pact.addInteraction(), sessionOfSubAccount("INV-SUB-READ"))
      .uponReceiving("a request for a sub-account's payment session with its x-submerchant-id")
      .withRequest("GET", sessionPath(), (b) =>
        b.headers({ Authorization: authorization, "x-submerchant-id": subAccount }),
      )
      .willRespondWith(200, (b) => b.jsonBody(ok(vaSessionRequiringAction("INV-SUB-READ", 20000))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await subAccountClient(mock.url).get(example.sessionId);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.clientReferenceId).toBe("INV-SUB-READ");
        }),
      );
  });

  it("a payment session of a sub-account exists: the merchant without the header gets 404", async () => {
    await expectResourceMissing(
      pact,
      sessionExists(pact.addInteraction(), sessionOfSubAccount("INV-SUB-HIDDEN")),
      "a request for a sub-account's payment session without x-submerchant-id",
      sessionPath(),
      (client) => client.get(example.sessionId),
    );
  });

  it("a payment session of a sub-account exists: the merchant's list without the header is empty", async () => {
    await sessionExists(pact.addInteraction(), sessionOfSubAccount("INV-SUB-LIST"))
      .uponReceiving(
        "a request for the payment sessions with a sub-account's clientReferenceId, without x-submerchant-id",
      )
      .withRequest("GET", "/v2/payments", (b) => withToken(b).query({ clientReferenceId: "INV-SUB-LIST" }))
      .willRespondWith(200, (b) =>
        b.jsonBody(okList([], { page: 1, perPage: 20, totalItems: 0, totalPages: 0 })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).getByClientReferenceId("INV-SUB-LIST");
          expect(page.data).toHaveLength(0);
          expect(page.pagination.totalItems).toBe(0);
        }),
      );
  });

  it("a merchant with credentials exists: a malformed x-submerchant-id is refused with 400 naming the header", async () => {
    // A space: not 1–255 visible ASCII characters (decision C7).
    const malformed = "sub account 1";
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for the payment sessions with a malformed x-submerchant-id")
      .withRequest("GET", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization, "x-submerchant-id": malformed }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody(validationError(arrayContaining({ field: "x-submerchant-id", message: like("invalid") }))),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(subAccountClient(mock.url, malformed).list());
          expect(error).toBeInstanceOf(PaymentsApiError);
          expect(error).toMatchObject({ status: 400, code: "api_validation_error" });
          const fields = error instanceof PaymentsApiError ? error.details.map((d) => d.field) : [];
          expect(fields).toContain("x-submerchant-id");
        }),
      );
  });
});

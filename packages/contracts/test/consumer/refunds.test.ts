/**
 * Contract: refunds (facts §4 rows 12–13, §14; decisions R1–R5) — POST /v1/refunds, GET
 * /v1/refunds/{id}, GET /v1/refunds, through the real typed client. A refund's `amount.value` is a
 * string on the wire, pinned as the docs write it (`"10000.00"`).
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState, type ProviderStateParams } from "../../src/providerStates/index.js";
import { errorEnvelope, ok, okList, validationError } from "./support/expectations.js";
import { asMerchant, clientFor, example, httpPact, recorded, rejectionOf } from "./support/pact.js";
import { exampleRefundId, paidSession, refund, refundedSession, refundPath } from "./support/refunds.js";
import {
  asOtherMerchant,
  expectResourceMissing,
  postingJson,
  resourceMissing,
  sessionExists,
  thenAsMerchant,
  vaState,
  withToken,
} from "./support/sessions.js";

const { like } = MatchersV3;
const pact = httpPact();

const createBody = (paymentSessionId: string, value: string, clientReferenceId: string) => ({
  clientReferenceId,
  paymentSessionId,
  amount: { value, currency: "IDR" },
  reason: "REQUESTED_BY_CUSTOMER" as const,
});

/** The create body with the session id from the session state. */
const createRequest = (value: string, clientReferenceId: string) => ({
  ...createBody(example.sessionId, value, clientReferenceId),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
  paymentSessionId: MatchersV3.fromProviderState("${id}", example.sessionId),
});

describe("POST /v1/refunds", () => {
  it("a payment session exists in PAID: half of it is refunded, PENDING", async () => {
    await paidSession(pact.addInteraction(), "INV-REFUND-1")
      .uponReceiving("a request to refund half of a paid session")
      .withRequest("POST", "/v1/refunds", postingJson(createRequest("10000.00", "REFUND-HALF-1")))
      .willRespondWith(200, (b) =>
        b.jsonBody(ok(refund({ clientReferenceId: "REFUND-HALF-1", amount: 10000, status: "PENDING" }))),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const r = await clientFor(mock.url).createRefund(
            createBody(example.sessionId, "10000.00", "REFUND-HALF-1"),
          );
          expect(r).toMatchObject({
            status: "PENDING",
            amount: { value: 10000 },
            capturedAmount: { value: 20000 },
          });
        }),
      );
  });

  it("a refund of half exists: the rest is refunded", async () => {
    await refundedSession(pact, "INV-REFUND-2", { status: "SUCCESS", amount: 10000 })
      .uponReceiving("a request to refund the rest of a half-refunded session")
      .withRequest("POST", "/v1/refunds", postingJson(createRequest("10000.00", "REFUND-REST-2")))
      .willRespondWith(200, (b) =>
        b.jsonBody(ok(refund({ clientReferenceId: "REFUND-REST-2", amount: 10000, status: "PENDING" }))),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const r = await clientFor(mock.url).createRefund(
            createBody(example.sessionId, "10000.00", "REFUND-REST-2"),
          );
          expect(r.status).toBe("PENDING");
        }),
      );
  });

  it("a refund of 15 000 exists: 10 000 more is refused, over the captured amount (422)", async () => {
    await refundedSession(pact, "INV-REFUND-3", { status: "PENDING", amount: 15000 })
      .uponReceiving("a request to refund more than is left of a paid session")
      .withRequest("POST", "/v1/refunds", postingJson(createRequest("10000.00", "REFUND-OVER-3")))
      .willRespondWith(422, (b) =>
        b.jsonBody(
          errorEnvelope({ status: 422, code: "amount_exceeds_refundable", ours: true, type: "API_ERROR" }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).createRefund(createBody(example.sessionId, "10000.00", "REFUND-OVER-3")),
          );
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 422, type: "API_ERROR" });
        }),
      );
  });

  it("a refund exists: a full refund is refused (422)", async () => {
    const withSession = paidSession(pact.addInteraction(), "INV-REFUND-4");
    const body = {
      clientReferenceId: "REFUND-FULL-4",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
      paymentSessionId: MatchersV3.fromProviderState("${id}", example.sessionId),
      isFullAmount: true,
      reason: "REQUESTED_BY_CUSTOMER",
    };
    await givenState(withSession, "a refund exists", { status: "SUCCESS", amount: 1000 })
      .uponReceiving("a request for a full refund of a partly refunded session")
      .withRequest("POST", "/v1/refunds", postingJson(body))
      .willRespondWith(422, (b) =>
        b.jsonBody(
          errorEnvelope({ status: 422, code: "full_refund_not_allowed", ours: true, type: "API_ERROR" }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).createRefund({
              clientReferenceId: "REFUND-FULL-4",
              paymentSessionId: example.sessionId,
              isFullAmount: true,
              reason: "REQUESTED_BY_CUSTOMER",
            }),
          );
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 422 });
        }),
      );
  });

  it("a payment session exists in REQUIRE_ACTION: a refund is refused, nothing was paid (422)", async () => {
    await sessionExists(pact.addInteraction(), vaState("REQUIRE_ACTION", "INV-REFUND-5"))
      .uponReceiving("a request to refund a session that is not paid")
      .withRequest("POST", "/v1/refunds", postingJson(createRequest("10000.00", "REFUND-UNPAID-5")))
      .willRespondWith(422, (b) =>
        b.jsonBody(errorEnvelope({ status: 422, code: "invalid_state", ours: true, type: "API_ERROR" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).createRefund(createBody(example.sessionId, "10000.00", "REFUND-UNPAID-5")),
          );
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 422 });
        }),
      );
  });

  it("no payment session exists: a refund of it is 404", async () => {
    const missing = "00000000-0000-4000-8000-00000000a404";
    await givenState(asMerchant(pact.addInteraction()), "no payment session exists", { id: missing })
      .uponReceiving("a request to refund a payment session that does not exist")
      .withRequest("POST", "/v1/refunds", postingJson(createBody(missing, "10000.00", "REFUND-MISSING-6")))
      .willRespondWith(404, (b) => b.jsonBody(resourceMissing()))
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).createRefund(createBody(missing, "10000.00", "REFUND-MISSING-6")),
          );
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 404 });
        }),
      );
  });

  it("a payment session exists in PAID: a refund without an amount, not a full one, is refused naming amount (400)", async () => {
    const body = {
      clientReferenceId: "REFUND-NO-AMOUNT-8",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
      paymentSessionId: MatchersV3.fromProviderState("${id}", example.sessionId),
      reason: "REQUESTED_BY_CUSTOMER",
    };
    await paidSession(pact.addInteraction(), "INV-REFUND-8")
      .uponReceiving("a request to refund a paid session without an amount")
      .withRequest("POST", "/v1/refunds", postingJson(body))
      .willRespondWith(400, (b) =>
        b.jsonBody(
          validationError([
            { field: "amount", message: like("amount is required unless isFullAmount is true") },
          ]),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).createRefund({
              clientReferenceId: "REFUND-NO-AMOUNT-8",
              paymentSessionId: example.sessionId,
              reason: "REQUESTED_BY_CUSTOMER",
            }),
          );
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 400 });
        }),
      );
  });

  it("a payment session exists in PAID: an amount of 0 is refused with the field path (400)", async () => {
    await paidSession(pact.addInteraction(), "INV-REFUND-7")
      .uponReceiving("a request to refund an amount of zero")
      .withRequest("POST", "/v1/refunds", postingJson(createRequest("0", "REFUND-ZERO-7")))
      .willRespondWith(400, (b) =>
        b.jsonBody(validationError([{ field: "amount.value", message: like("must be at least 1") }])),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          // The typed client refuses the body itself; the wire answer is read as the merchant sees it.
          const response = await fetch(`${mock.url}/v1/refunds`, {
            method: "POST",
            headers: { authorization: `Bearer ${example.accessToken}`, "content-type": "application/json" },
            body: JSON.stringify(createBody(example.sessionId, "0", "REFUND-ZERO-7")),
          });
          expect(response.status).toBe(400);
        }),
      );
  });
});

/** The refund states a merchant handles, and what each shows. */
const statusCases: ReadonlyArray<{
  readonly status: ProviderStateParams<"a refund exists">["status"];
  readonly description: string;
  readonly extra: Record<string, unknown>;
}> = [
  { status: "PENDING", description: "a request for a pending refund", extra: {} },
  {
    status: "WAITING_BANK_TRANSFER",
    description: "a request for a refund waiting for its bank transfer",
    extra: { destinationType: "ACCOUNT" },
  },
  {
    status: "SUCCESS",
    description: "a request for a refund paid back through the channel",
    extra: { destinationType: "CHANNEL" },
  },
  { status: "FAILED", description: "a request for a failed refund", extra: {} },
  {
    status: "CANCELLED",
    description: "a request for a cancelled refund",
    extra: { destinationType: "ACCOUNT" },
  },
];

describe("GET /v1/refunds/{id}", () => {
  for (const c of statusCases) {
    it(`a refund exists in ${c.status}`, async () => {
      await refundedSession(pact, `INV-REFUND-GET-${c.status}`, {
        status: c.status,
        amount: 5000,
        clientReferenceId: `REFUND-GET-${c.status}`,
      })
        .uponReceiving(c.description)
        .withRequest("GET", refundPath(), withToken)
        .willRespondWith(200, (b) =>
          b.jsonBody(
            ok(
              refund({
                clientReferenceId: `REFUND-GET-${c.status}`,
                amount: 5000,
                status: c.status,
                extra: c.extra,
              }),
            ),
          ),
        )
        .executeTest(
          recorded(pact, async (mock) => {
            const r = await clientFor(mock.url).getRefund(exampleRefundId);
            expect(r.status).toBe(c.status);
            expect(r.amount.value).toBe(5000);
          }),
        );
    });
  }

  it("no refund exists: 404", async () => {
    const missing = "00000000-0000-4000-8000-0000000000ff";
    await expectResourceMissing(
      pact,
      givenState(asMerchant(pact.addInteraction()), "no refund exists", { id: missing }),
      "a request for a refund that does not exist",
      `/v1/refunds/${missing}`,
      (client) => client.getRefund(missing),
    );
  });

  it("another merchant's refund does not exist for this merchant: 404", async () => {
    const withOther = givenState(
      givenState(
        asOtherMerchant(pact.addInteraction()),
        "a payment session exists",
        vaState("PAID", "INV-REFUND-OTHER"),
      ),
      "a refund exists",
      { status: "PENDING", amount: 5000 },
    );
    // The token is the merchant's set up last; the refund id is the other merchant's.
    await expectResourceMissing(
      pact,
      thenAsMerchant(withOther),
      "a request for a refund of another merchant",
      refundPath(),
      (client) => client.getRefund(exampleRefundId),
    );
  });
});

describe("GET /v1/refunds", () => {
  it("a refund exists: listed by its clientReferenceId, with pagination", async () => {
    await refundedSession(pact, "INV-REFUND-LIST", {
      status: "SUCCESS",
      amount: 7000,
      clientReferenceId: "REFUND-LIST-1",
    })
      .uponReceiving("a request for the refunds with a clientReferenceId")
      .withRequest("GET", "/v1/refunds", (b) => withToken(b).query({ clientReferenceId: "REFUND-LIST-1" }))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          okList(
            [
              refund({
                clientReferenceId: "REFUND-LIST-1",
                amount: 7000,
                status: "SUCCESS",
                extra: { destinationType: "CHANNEL" },
              }),
            ],
            { page: 1, perPage: 20, totalItems: 1, totalPages: 1 },
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const page = await clientFor(mock.url).listRefunds({ clientReferenceId: "REFUND-LIST-1" });
          expect(page.data.map((r) => r.clientReferenceId)).toEqual(["REFUND-LIST-1"]);
          expect(page.pagination.totalItems).toBe(1);
        }),
      );
  });
});

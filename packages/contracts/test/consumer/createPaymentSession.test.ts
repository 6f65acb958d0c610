/**
 * Contract: POST /v2/payments — one interaction per shape of decision C1, the refused past expiry
 * (C3), and the idempotency key (C6): the replay of the first answer and the 409 for another body.
 */
import { readFileSync } from "node:fs";
import { MatchersV3 } from "@pact-foundation/pact";
import type { CreatePaymentSessionRequestEncoded } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { PaymentsApiError } from "../../src/client/index.js";
import { givenState } from "../../src/providerStates/index.js";
import {
  clockPlus,
  errorEnvelope,
  idr,
  instant,
  instantAt,
  instantFromClock,
  ok,
  pushCharge,
  session,
  validationError,
  vaNumber,
  vaPart,
} from "./support/expectations.js";
import {
  asMerchant,
  authorization,
  clientFor,
  clockNow,
  httpPact,
  recorded,
  rejectionOf,
} from "./support/pact.js";
import { createdWithoutMethod, postingJson } from "./support/sessions.js";

const { like, regex, integer, arrayContaining } = MatchersV3;
const pact = httpPact();

/** The seed page's create body, byte for byte (packages/core/test/fixtures/seed-create-request.json). */
const seedCreateRequest = JSON.parse(
  readFileSync(new URL("../../../core/test/fixtures/seed-create-request.json", import.meta.url), "utf8"),
) as CreatePaymentSessionRequestEncoded;

const created = (body: unknown) => ok(body);

describe("POST /v2/payments", () => {
  it("a merchant with credentials exists: the seed's VA request (autoConfirm true) opens a charge with the VA to pay", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a VA payment session with the seed page's body")
      .withRequest("POST", "/v2/payments", postingJson(seedCreateRequest))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "1743240981",
              amount: idr(20000),
              autoConfirm: true,
              status: "REQUIRE_ACTION",
              paymentMethod: { type: "VIRTUAL_ACCOUNT" },
              expiryAt: instantAt("2025-03-31T23:59:05Z"),
              chargeDetails: [
                pushCharge({
                  clientReferenceId: "1743240981",
                  amount: 20000,
                  status: "WAITING_FOR_USER_ACTION",
                  method: vaPart("PERMATA"),
                }),
              ],
              extra: { metadata: { invoiceNo: "INV001" } },
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(seedCreateRequest);
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.expiryAt).toBe("2025-03-31T23:59:05Z");
          const va = s.chargeDetails?.[0]?.virtualAccount;
          expect(s.chargeDetails?.[0]?.status).toBe("WAITING_FOR_USER_ACTION");
          expect(va?.channel).toBe("PERMATA");
          expect(va?.virtualAccountNumber).toMatch(/^[0-9]+$/u);
          expect(va?.virtualAccountName).toContain("Reforza Harsya");
          expect(va?.expiryAt).toMatch(/Z$/u);
        }),
      );
  });

  it("a merchant with credentials exists: without a payment method the session waits for one", async () => {
    const body = {
      clientReferenceId: "INV-RPM-1",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a payment session without a payment method")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(200, (b) => b.jsonBody(created(createdWithoutMethod("INV-RPM-1"))))
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(body);
          expect(s.status).toBe("REQUIRE_PAYMENT_METHOD");
          expect(s.paymentMethod).toBeNull();
          expect(s.chargeDetails).toBeNull();
        }),
      );
  });

  it("a merchant with credentials exists: a method with autoConfirm false waits for confirmation", async () => {
    const body = {
      clientReferenceId: "INV-RC-1",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
      autoConfirm: false,
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a VA payment session with autoConfirm false")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "INV-RC-1",
              amount: idr(20000),
              autoConfirm: false,
              status: "REQUIRE_CONFIRMATION",
              paymentMethod: { type: "VIRTUAL_ACCOUNT" },
              chargeDetails: null,
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(body);
          expect(s.status).toBe("REQUIRE_CONFIRMATION");
          expect(s.chargeDetails).toBeNull();
        }),
      );
  });

  it("a merchant with credentials exists: a MULTIPLE static VA is ACTIVE with its own VA number", async () => {
    const body = {
      clientReferenceId: "INV-MULTI-1",
      paymentType: "MULTIPLE",
      mode: "API",
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "BCA" } },
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a MULTIPLE open static VA payment session")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "INV-MULTI-1",
              amount: { value: integer(0), currency: like("IDR") },
              autoConfirm: true,
              paymentType: "MULTIPLE",
              status: "ACTIVE",
              paymentMethod: {
                type: "VIRTUAL_ACCOUNT",
                virtualAccount: { channel: "BCA", virtualAccountNumber: vaNumber("000042") },
              },
              expiryAt: null,
              chargeDetails: null,
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(body);
          expect(s.status).toBe("ACTIVE");
          expect(s.paymentType).toBe("MULTIPLE");
          expect(s.expiryAt).toBeNull();
          expect(s.paymentMethod?.type).toBe("VIRTUAL_ACCOUNT");
          if (s.paymentMethod?.type === "VIRTUAL_ACCOUNT") {
            expect(s.paymentMethod.virtualAccount?.virtualAccountNumber).toMatch(/^[0-9]+$/u);
          }
        }),
      );
  });

  it("a merchant with credentials exists: a QRIS request opens a charge with a dynamic QR", async () => {
    const body = {
      clientReferenceId: "INV-QR-1",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
      paymentMethod: { type: "QR" },
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a QRIS payment session")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "INV-QR-1",
              amount: idr(20000),
              autoConfirm: true,
              status: "REQUIRE_ACTION",
              paymentMethod: { type: "QR" },
              chargeDetails: [
                pushCharge({
                  clientReferenceId: "INV-QR-1",
                  amount: 20000,
                  status: "WAITING_FOR_USER_ACTION",
                  method: {
                    qr: {
                      acquirer: regex("^(BRI|BNC)$", "BRI"),
                      qrContent: like("00020101021226670016ID.CO.QRIS.WWW0118936000140000000000"),
                      qrType: "DYNAMIC",
                      expiryAt: instant("2025-03-30T06:03:17Z"),
                    },
                  },
                }),
              ],
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(body);
          const qr = s.chargeDetails?.[0]?.qr;
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(qr?.qrType).toBe("DYNAMIC");
          expect(qr?.qrContent.length).toBeGreaterThan(0);
        }),
      );
  });

  it("a merchant with credentials exists: an expiryAt already past is refused with 400 naming the field", async () => {
    const body = {
      clientReferenceId: "INV-PAST-1",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
      expiryAt: "2025-03-30T05:00:00Z",
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a payment session whose expiryAt has passed")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(400, (b) =>
        b.jsonBody(
          validationError(
            arrayContaining({ field: "expiryAt", message: like("expiryAt must be later than now") }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(clientFor(mock.url).create(body));
          expect(error).toBeInstanceOf(PaymentsApiError);
          expect(error).toMatchObject({ status: 400, code: "api_validation_error", type: "API_ERROR" });
          const fields = error instanceof PaymentsApiError ? error.details.map((d) => d.field) : [];
          expect(fields).toContain("expiryAt");
        }),
      );
  });
});

describe("POST /v2/payments as of the clock", () => {
  it("a merchant with credentials exists: an expiryAt a minute after the clock is accepted and kept", async () => {
    const body = {
      clientReferenceId: "INV-SOON-1",
      amount: { value: 20000, currency: "IDR" },
      mode: "API",
      expiryAt: clockPlus(1),
    } as const;
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request to create a payment session that expires a minute after the clock")
      .withRequest("POST", "/v2/payments", postingJson(body))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "INV-SOON-1",
              amount: idr(20000),
              status: "REQUIRE_PAYMENT_METHOD",
              paymentMethod: null,
              chargeDetails: null,
              expiryAt: instantAt(clockPlus(1)),
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(body);
          expect(s.status).toBe("REQUIRE_PAYMENT_METHOD");
          expect(Date.parse(s.expiryAt ?? "")).toBe(Date.parse(clockPlus(1)));
        }),
      );
  });
});

describe("POST /v2/payments with X-REQUEST-ID", () => {
  const requestId = "create-INV-IDEM-1";
  const first = {
    clientReferenceId: "INV-IDEM-1",
    amount: { value: 15000, currency: "IDR" },
    mode: "API",
  } as const;

  it("a payment session was created with request id: the same key and body answer the first session again", async () => {
    // The first create ran at the clock; ten minutes later the replay must answer THAT session
    // (created at the clock, expiring 15 min after it), not a new one created now.
    await givenState(
      givenState(asMerchant(pact.addInteraction()), "a payment session was created with request id", {
        requestId,
        request: first,
      }),
      "the clock moves on",
      { now: clockPlus(10) },
    )
      .uponReceiving("a repeated create request with the same X-REQUEST-ID and the same body")
      .withRequest("POST", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization, "X-REQUEST-ID": requestId }).jsonBody(first),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          created(
            session({
              clientReferenceId: "INV-IDEM-1",
              amount: idr(15000),
              status: "REQUIRE_PAYMENT_METHOD",
              paymentMethod: null,
              chargeDetails: null,
              createdAt: instantFromClock(clockNow),
              expiryAt: instantFromClock(clockPlus(15)),
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).create(first, { requestId });
          expect(Date.parse(s.createdAt)).toBe(Date.parse(clockNow));
          expect(s.clientReferenceId).toBe("INV-IDEM-1");
          expect(s.status).toBe("REQUIRE_PAYMENT_METHOD");
        }),
      );
  });

  it("a payment session was created with request id: the same key with another body is refused with 409", async () => {
    const other = { ...first, amount: { value: 25000, currency: "IDR" } };
    await givenState(asMerchant(pact.addInteraction()), "a payment session was created with request id", {
      requestId,
      request: first,
    })
      .uponReceiving("a create request reusing an X-REQUEST-ID with another body")
      .withRequest("POST", "/v2/payments", (b) =>
        b.headers({ Authorization: authorization, "X-REQUEST-ID": requestId }).jsonBody(other),
      )
      .willRespondWith(409, (b) =>
        b.jsonBody(errorEnvelope({ status: 409, code: "idempotency_error", type: "API_ERROR" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(clientFor(mock.url).create(other, { requestId }));
          expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 409, code: "idempotency_error" });
        }),
      );
  });
});

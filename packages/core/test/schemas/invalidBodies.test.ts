import { Result, type Schema } from "effect";
import { describe, expect, it } from "vitest";
import {
  AccessTokenRequest,
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  decodeBody,
  ListChargesQuery,
  ListPaymentSessionsQuery,
  SimulationRequest,
} from "../../src/schemas/index.js";

const fields = (schema: Schema.Codec<unknown, unknown>, input: unknown): ReadonlyArray<string> => {
  const result = decodeBody(schema)(input);
  if (Result.isSuccess(result)) throw new Error("expected a refusal, got a decoded body");
  return result.failure.details.map((d) => d.field);
};

const validCreate = {
  clientReferenceId: "1743240981",
  amount: { value: 20000, currency: "IDR" },
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
};

describe("a refused body lists every offending field by its dot path", () => {
  it("create: wrong types, unknown enum values, bad amount and instant, all at once", () => {
    expect(
      fields(CreatePaymentSessionRequest, {
        clientReferenceId: 1743240981,
        amount: { value: 1.5, currency: "idr" },
        paymentType: "ONCE",
        mode: "redirect",
        autoConfirm: "true",
        paymentMethod: { type: "QRIS" },
        paymentMethodOptions: { virtualAccount: { channel: "JAGO" }, card: { captureMethod: "later" } },
        orderInformation: {
          productDetails: [
            { type: "PHYSICAL", quantity: 1, price: { value: 10, currency: "IDR" } },
            { type: "FOOD", quantity: 0, price: { value: -1, currency: "IDR" } },
          ],
        },
        expiryAt: "2025-03-31T23:59:05",
        metadata: [1, 2],
      }),
    ).toEqual([
      "clientReferenceId",
      "amount.value",
      "amount.currency",
      "paymentType",
      "mode",
      "autoConfirm",
      "paymentMethod.type",
      "paymentMethodOptions.card.captureMethod",
      "paymentMethodOptions.virtualAccount.channel",
      "orderInformation.productDetails[1].type",
      "orderInformation.productDetails[1].quantity",
      "orderInformation.productDetails[1].price.value",
      "expiryAt",
      "metadata",
    ]);
  });

  it("create: missing mandatory fields", () => {
    expect(fields(CreatePaymentSessionRequest, {})).toEqual(["clientReferenceId"]);
    expect(fields(CreatePaymentSessionRequest, { clientReferenceId: "r1" })).toEqual(["amount"]);
    expect(fields(CreatePaymentSessionRequest, { ...validCreate, paymentMethod: {} })).toEqual([
      "paymentMethod.type",
    ]);
    expect(
      fields(CreatePaymentSessionRequest, { ...validCreate, paymentMethodOptions: { virtualAccount: {} } }),
    ).toEqual(["paymentMethodOptions.virtualAccount.channel"]);
  });

  it("create: amounts must be integers ≥ 1, never strings or floats", () => {
    for (const value of [0, -1, 1.5, "20000", Number.MAX_SAFE_INTEGER + 1, null]) {
      expect(
        fields(CreatePaymentSessionRequest, { ...validCreate, amount: { value, currency: "IDR" } }),
      ).toEqual(["amount.value"]);
    }
    expect(fields(CreatePaymentSessionRequest, { ...validCreate, amount: 20000 })).toEqual(["amount"]);
  });

  it("create: clientReferenceId is 1–100 visible characters", () => {
    for (const ref of ["", "a b", "x".repeat(101), "tab\there"]) {
      expect(fields(CreatePaymentSessionRequest, { ...validCreate, clientReferenceId: ref })).toEqual([
        "clientReferenceId",
      ]);
    }
  });

  it("create: bad instants", () => {
    for (const expiryAt of [
      "2025-02-30T00:00:00Z",
      "2025-03-31 23:59:05Z",
      "yesterday",
      "2025-03-31T24:00:00Z",
      1743465545,
    ]) {
      expect(fields(CreatePaymentSessionRequest, { ...validCreate, expiryAt })).toEqual(["expiryAt"]);
    }
  });

  it("a body that is not an object is refused at the root", () => {
    for (const input of [null, undefined, 42, "{}", [], true]) {
      expect(fields(CreatePaymentSessionRequest, input)).toEqual([""]);
    }
  });

  it("confirm: the method is mandatory", () => {
    expect(fields(ConfirmPaymentSessionRequest, { paymentMethodOptions: {} })).toEqual(["paymentMethod"]);
  });

  it("cancel: only the three merchant reasons", () => {
    expect(fields(CancelPaymentSessionRequest, { cancellationReason: "CHARGE_FAILED" })).toEqual([
      "cancellationReason",
    ]);
    expect(fields(CancelPaymentSessionRequest, {})).toEqual(["cancellationReason"]);
  });

  it("capture: releaseRemainingAmount is a boolean, amount ≥ 1", () => {
    expect(
      fields(CapturePaymentSessionRequest, {
        releaseRemainingAmount: {},
        amount: { value: 0, currency: "IDR" },
      }),
    ).toEqual(["releaseRemainingAmount", "amount.value"]);
  });

  it("simulation: chargeStatus is SUCCESS or EXPIRED", () => {
    expect(fields(SimulationRequest, { paymentSessionId: "", chargeStatus: "FAILED" })).toEqual([
      "paymentSessionId",
      "chargeStatus",
    ]);
  });

  it("access token: grantType is client_credentials", () => {
    expect(fields(AccessTokenRequest, { grantType: "password" })).toEqual(["grantType"]);
  });

  it("list queries: page ≥ 1, perPage 1–100, decimal digits only", () => {
    expect(fields(ListPaymentSessionsQuery, { page: "0", perPage: "101" })).toEqual(["page", "perPage"]);
    expect(fields(ListPaymentSessionsQuery, { page: "1e2", perPage: "0x10" })).toEqual(["page", "perPage"]);
    expect(fields(ListChargesQuery, { page: "2" })).toEqual(["clientReferenceId"]);
  });

  it("a huge string is refused without echoing it", () => {
    const huge = "x".repeat(1_000_000);
    const result = decodeBody(CreatePaymentSessionRequest)({ ...validCreate, clientReferenceId: huge });
    expect(Result.isFailure(result) && result.failure.details).toEqual([
      { field: "clientReferenceId", message: "Expected 1–100 visible ASCII characters" },
    ]);
  });

  it("a hostile body (throwing getter) is refused, not thrown", () => {
    const hostile = Object.defineProperty({ ...validCreate }, "mode", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(fields(CreatePaymentSessionRequest, hostile).length).toBeGreaterThan(0);
  });
});

describe("liberal reading (decision C7)", () => {
  it("accepts hyphenated references, offsets and upper-case capture methods", () => {
    const result = decodeBody(CreatePaymentSessionRequest)({
      ...validCreate,
      clientReferenceId: "INV-2025-0001",
      expiryAt: "2025-04-01T06:59:05.5+07:00",
      paymentMethodOptions: { card: { captureMethod: "MANUAL" } },
    });
    expect(Result.isSuccess(result) && result.success).toMatchObject({
      clientReferenceId: "INV-2025-0001",
      expiryAt: "2025-03-31T23:59:05.5Z",
      paymentMethodOptions: { card: { captureMethod: "manual" } },
    });
  });

  it("a MULTIPLE session may come without an amount", () => {
    const result = decodeBody(CreatePaymentSessionRequest)({
      clientReferenceId: "static-va-1",
      paymentType: "MULTIPLE",
    });
    expect(Result.isSuccess(result)).toBe(true);
  });
});

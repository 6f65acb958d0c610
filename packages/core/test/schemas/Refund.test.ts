/**
 * The refund bodies (facts §14): string amount values on the wire, integers inside; 0, negative and
 * non-numeric values refused with the field path.
 */
import { Result, Schema } from "effect";
import { describe, expect, it } from "vitest";
import {
  CreateRefundRequest,
  decodeBody,
  encodeBody,
  ListRefundsQuery,
  Refund,
  RefundCallback,
  refundWebhookEvents,
} from "../../src/schemas/index.js";

const body = (value: unknown) => ({
  clientReferenceId: "refund-1",
  paymentSessionId: "7f65b0b5-7c1b-4a8c-9d07-2b9d3c1c8f10",
  amount: { value, currency: "IDR" },
  reason: "REQUESTED_BY_CUSTOMER",
});

const decode = decodeBody(CreateRefundRequest);

describe("CreateRefundRequest", () => {
  it.each([
    ["10000", 10_000],
    ["10000.00", 10_000],
    ["10000.0", 10_000],
    ["1", 1],
  ])("reads the string value %s as the integer %d", (value, expected) => {
    const result = decode(body(value));
    expect(Result.isSuccess(result) && result.success.amount?.value).toBe(expected);
  });

  it.each([
    ["0"],
    ["0.00"],
    ["-5000"],
    ["abc"],
    ["1e3"],
    [" 100"],
    ["10000.50"],
    ["99999999999999999999"],
    [10_000],
    [null],
  ])("refuses the value %j with a detail at amount.value", (value) => {
    const result = decode(body(value));
    expect(Result.isFailure(result) && result.failure.details.map((d) => d.field)).toEqual(["amount.value"]);
  });

  it("refuses an unknown reason and method at their paths", () => {
    const result = decode({ ...body("1"), reason: "BORED", method: "CASH" });
    expect(Result.isFailure(result) && result.failure.details.map((d) => d.field)).toEqual([
      "reason",
      "method",
    ]);
  });

  it("requires clientReferenceId, paymentSessionId and reason", () => {
    const result = decode({});
    expect(Result.isFailure(result) && result.failure.details.map((d) => d.field).sort()).toEqual([
      "clientReferenceId",
      "paymentSessionId",
      "reason",
    ]);
  });
});

describe("Refund", () => {
  const wire = {
    id: "r1",
    clientReferenceId: "refund-1",
    paymentSessionId: "s1",
    chargeId: "c1",
    isFullAmount: false,
    amount: { value: "500.00", currency: "IDR" },
    capturedAmount: { value: "10000.00", currency: "IDR" },
    reason: "REQUESTED_BY_CUSTOMER",
    method: "AUTO",
    destinationType: null,
    status: "PENDING",
    createdAt: "2025-03-30T05:48:17Z",
    updatedAt: "2025-03-30T05:48:17Z",
  };

  it("round-trips the docs' partial refund (500 of 10 000) with string values", () => {
    const decoded = Schema.decodeUnknownSync(Refund)(wire);
    expect(decoded.amount.value).toBe(500);
    expect(encodeBody(Refund)(decoded)).toEqual(wire);
  });

  it("the callback carries the four documented events, the typo included", () => {
    expect(refundWebhookEvents).toEqual([
      "REFUND.PENDING",
      "REFUND.WAITING_BANK_TRANFER",
      "REFUND.SUCCESS",
      "REFUND.FAILED",
    ]);
    const callback = Schema.decodeUnknownSync(RefundCallback)({
      event: "REFUND.WAITING_BANK_TRANFER",
      data: wire,
    });
    expect(callback.event).toBe("REFUND.WAITING_BANK_TRANFER");
    expect(() =>
      Schema.decodeUnknownSync(RefundCallback)({ event: "REFUND.WAITING_BANK_TRANSFER", data: wire }),
    ).toThrow();
  });
});

describe("ListRefundsQuery", () => {
  it("reads filters and paging from URL strings", () => {
    expect(
      Schema.decodeUnknownSync(ListRefundsQuery)({ status: "SUCCESS", page: "2", perPage: "10" }),
    ).toEqual({
      status: "SUCCESS",
      page: 2,
      perPage: 10,
    });
    expect(() => Schema.decodeUnknownSync(ListRefundsQuery)({ perPage: "101" })).toThrow();
  });
});

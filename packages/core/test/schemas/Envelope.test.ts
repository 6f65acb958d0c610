import { Result } from "effect";
import { describe, expect, it } from "vitest";
import {
  decodeBody,
  ErrorEnvelope,
  encodeBody,
  ListEnvelope,
  PaymentCallback,
  PaymentSession,
  SimulationResult,
  SuccessEnvelope,
} from "../../src/schemas/index.js";

describe("envelopes", () => {
  it("the error trace id is read as traceId or trace_id and written as traceId", () => {
    const body = { code: "400100001", message: "Bad request", error: { type: "API_ERROR", trace_id: "t-1" } };
    const decoded = decodeBody(ErrorEnvelope)(body);
    expect(decoded).toEqual(
      Result.succeed({
        code: "400100001",
        message: "Bad request",
        error: { type: "API_ERROR", traceId: "t-1" },
      }),
    );
    if (Result.isSuccess(decoded)) {
      expect(encodeBody(ErrorEnvelope)(decoded.success).error).toEqual({ type: "API_ERROR", traceId: "t-1" });
    }
    const both = decodeBody(ErrorEnvelope)({
      ...body,
      error: { type: "API_ERROR", traceId: "a", trace_id: "b" },
    });
    expect(Result.isSuccess(both) && both.success.error.traceId).toBe("a");
  });

  it("an error envelope needs a known error type", () => {
    const decoded = decodeBody(ErrorEnvelope)({ code: "x", message: "m", error: { type: "OOPS" } });
    expect(Result.isFailure(decoded) && decoded.failure.details.map((d) => d.field)).toEqual(["error.type"]);
  });

  it("a success envelope has code 00", () => {
    const decoded = decodeBody(SuccessEnvelope(SimulationResult))({
      code: "01",
      message: "Success",
      data: { updated: "true" },
    });
    expect(Result.isFailure(decoded) && decoded.failure.details.map((d) => d.field)).toEqual(["code"]);
    expect(
      decodeBody(SuccessEnvelope(SimulationResult))({
        code: "00",
        message: "Success",
        data: { updated: true },
      }),
    ).toEqual(Result.succeed({ code: "00", message: "Success", data: { updated: true } }));
  });

  it("a list envelope needs its pagination", () => {
    const decoded = decodeBody(ListEnvelope(PaymentSession))({ code: "00", message: "Success", data: [] });
    expect(Result.isFailure(decoded) && decoded.failure.details.map((d) => d.field)).toEqual(["pagination"]);
  });

  it("a callback names a documented event", () => {
    const decoded = decodeBody(PaymentCallback)({ event: "PAYMENT.EXPIRED", data: {} });
    expect(Result.isFailure(decoded) && decoded.failure.details.map((d) => d.field)).toContain("event");
  });
});

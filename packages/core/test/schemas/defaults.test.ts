import { Result } from "effect";
import { describe, expect, it } from "vitest";
import {
  CreatePaymentSessionRequest,
  createDefaults,
  decodeBody,
  encodeBody,
  ListPaymentSessionsQuery,
  withCreateDefaults,
  withPageDefaults,
} from "../../src/schemas/index.js";

describe("defaults are applied by a function, not by decoding", () => {
  const minimal = { clientReferenceId: "r1", amount: { value: 10000, currency: "IDR" } };

  it("decoding leaves absent fields absent, so re-encoding gives the same JSON", () => {
    const decoded = decodeBody(CreatePaymentSessionRequest)(minimal);
    expect(decoded).toEqual(Result.succeed(minimal));
    if (Result.isSuccess(decoded))
      expect(encodeBody(CreatePaymentSessionRequest)(decoded.success)).toEqual(minimal);
  });

  it("withCreateDefaults fills SINGLE, REDIRECT, autoConfirm true and the false flags", () => {
    expect(withCreateDefaults(minimal)).toEqual({ ...minimal, ...createDefaults });
  });

  it("what the merchant sent wins over a default", () => {
    const input = withCreateDefaults({
      ...minimal,
      mode: "API",
      autoConfirm: false,
      paymentType: "MULTIPLE",
    });
    expect([input.mode, input.autoConfirm, input.paymentType]).toEqual(["API", false, "MULTIPLE"]);
  });

  it("list paging defaults to page 1 of 20", () => {
    const decoded = decodeBody(ListPaymentSessionsQuery)({ clientReferenceId: "r1" });
    expect(Result.isSuccess(decoded) && withPageDefaults(decoded.success)).toEqual({ page: 1, perPage: 20 });
    const paged = decodeBody(ListPaymentSessionsQuery)({ page: "3", perPage: "100" });
    expect(paged).toEqual(Result.succeed({ page: 3, perPage: 100 }));
    expect(encodeBody(ListPaymentSessionsQuery)({ page: 3, perPage: 100 })).toEqual({
      page: "3",
      perPage: "100",
    });
  });
});

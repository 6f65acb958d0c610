/**
 * Each error class fixes its `code` in the type too, so a client narrows on it (the OpenAPI side is
 * checked in openApiDocument.test.ts). The type assertions are checked by `pnpm typecheck` (tsc over
 * every package's tests, a CI step), not by vitest's run (expectTypeOf is a no-op at run time): a
 * vitest typecheck pass beside the property tests slowed them past their timeouts on a small machine.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ApiErrorResponse,
  ApiValidationError,
  type BodyRefusalError,
  type CredentialsInvalidError,
  type IdempotencyError,
  type PayloadTooLargeError,
  type ResourceMissingError,
  type ServiceUnavailableError,
  type UnprocessableError,
  type UnsupportedMediaTypeError,
} from "../../src/api/index.js";

describe("error codes per class", () => {
  it("fixes code per status", () => {
    expectTypeOf<ApiValidationError["code"]>().toEqualTypeOf<"api_validation_error">();
    expectTypeOf<CredentialsInvalidError["code"]>().toEqualTypeOf<"credentials_invalid">();
    expectTypeOf<ResourceMissingError["code"]>().toEqualTypeOf<"resource_missing">();
    expectTypeOf<IdempotencyError["code"]>().toEqualTypeOf<"idempotency_error" | "duplicate_error">();
    expectTypeOf<UnprocessableError["code"]>().toEqualTypeOf<
      "invalid_state" | "amount_mismatch" | "full_refund_not_allowed" | "amount_exceeds_refundable"
    >();
    expectTypeOf<PayloadTooLargeError["code"]>().toEqualTypeOf<"api_validation_error">();
    expectTypeOf<UnsupportedMediaTypeError["code"]>().toEqualTypeOf<"api_validation_error">();
    expectTypeOf<ServiceUnavailableError["code"]>().toEqualTypeOf<"service_unavailable">();
  });

  it("narrows an error union by _tag to its codes", () => {
    const codeOf = (error: ApiErrorResponse | BodyRefusalError) =>
      error._tag === "UnprocessableError" ? error.code : undefined;
    expectTypeOf(codeOf).returns.toEqualTypeOf<
      | "invalid_state"
      | "amount_mismatch"
      | "full_refund_not_allowed"
      | "amount_exceeds_refundable"
      | undefined
    >();
  });

  it("refuses another code when built", () => {
    const fields = { code: "invalid_state", message: "", error: { type: "API_ERROR" } } as const;
    // @ts-expect-error a 400 is api_validation_error, never invalid_state
    const wrong = () => new ApiValidationError(fields);
    expect(wrong).toThrow();
  });
});

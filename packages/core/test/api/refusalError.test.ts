import { describe, expect, it } from "vitest";
import {
  apiErrorStatus,
  concurrentChangeError,
  credentialsInvalidError,
  idempotencyError,
  refusalAnswer,
  refusalError,
  sessionMissingError,
} from "../../src/api/ApiErrors.js";
import type { RefusalCode, Refused } from "../../src/lifecycle/index.js";

const refused = (code: RefusalCode): Refused => ({
  _tag: "Refused",
  code,
  message: `refused: ${code}`,
  operation: "confirm",
  status: "PAID",
  ...(code === "validation" ? { details: [{ field: "amount", message: "required" }] } : {}),
});

describe("a lifecycle refusal becomes one API error class (the mapping lives once, in the core)", () => {
  const answered: ReadonlyArray<RefusalCode> = [
    "validation",
    "invalid_state",
    "amount_mismatch",
    "unknown_charge",
  ];

  it.each(answered)("%s: the class's status, code, type and source are refusalAnswer's", (code) => {
    const error = refusalError(refused(code), { traceId: "t-1" });
    const answer = refusalAnswer(code);
    expect(apiErrorStatus(error)).toBe(answer.status);
    expect(error.code).toBe(answer.code);
    expect(error.error.type).toBe(answer.type);
    expect(error.error.source).toBe(answer.source);
    expect(error.message).toBe(`refused: ${code}`);
    expect(error.error.traceId).toBe("t-1");
    expect(error.error.details).toEqual(
      code === "validation" ? [{ field: "amount", message: "required" }] : undefined,
    );
  });

  it("charge_required is the provider's bug, not an answer: it throws", () => {
    expect(() => refusalError(refused("charge_required"))).toThrow(/issue the charge/);
  });

  it("apiErrorStatus reads each class's httpApiStatus", () => {
    expect(apiErrorStatus(credentialsInvalidError())).toBe(401);
    expect(apiErrorStatus(sessionMissingError("s-1"))).toBe(404);
    expect(apiErrorStatus(idempotencyError())).toBe(409);
    expect(apiErrorStatus(concurrentChangeError())).toBe(409);
    expect(sessionMissingError("s-1").message).toBe("PaymentSession with ID s-1 cannot be found");
  });
});

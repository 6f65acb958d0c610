import { describe, expect, it } from "vitest";
import {
  sandboxOtherCard,
  sandboxTestCardOf,
  sandboxTestCards,
  sandboxTestPhoneOf,
} from "../../src/lifecycle/index.js";

describe("the sandbox's test cards and phones (decision S3)", () => {
  it("finds every documented test card by what the sandbox keeps of it (first8, last4), and no other", () => {
    for (const card of sandboxTestCards) {
      expect(sandboxTestCardOf({ first8: card.number.slice(0, 8), last4: card.number.slice(-4) })).toBe(card);
    }
    expect(sandboxTestCardOf({ first8: "42424242", last4: "4242" })).toBe(sandboxOtherCard);
    expect(sandboxTestCardOf({})).toBe(sandboxOtherCard);
  });

  it("reads a test phone however a merchant writes it", () => {
    for (const written of ["08111111003", "+628111111003", "628111111003", "8111111003", "0811-1111-003"]) {
      expect(sandboxTestPhoneOf(written)?.charge).toBe("FAILED");
    }
    expect(sandboxTestPhoneOf("08111111009")).toBeUndefined();
    expect(sandboxTestPhoneOf(null)).toBeUndefined();
  });
});

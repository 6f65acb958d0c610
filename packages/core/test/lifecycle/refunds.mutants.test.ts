/**
 * Each refund property fails against a wrong money rule: the mutant `openRefund`s below are what a
 * careless provider would do, and fast-check must find a counterexample for each.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openRefund, type RefundablePayment } from "../../src/index.js";
import { seed } from "./arbitraries.js";
import {
  fullOnlyWhenNothingHeld,
  neverExceedsCaptured,
  refusesOnlyWhatItMust,
} from "./refundInterleavings.js";

const RUNS = { seed, numRuns: 300 } as const;

/** An `openRefund` that sees a wrong payment. */
const mutant =
  (wrong: (payment: RefundablePayment) => RefundablePayment): typeof openRefund =>
  (input, payment) =>
    openRefund(input, wrong(payment));

const fails = (property: fc.IProperty<[unknown]> | fc.IPropertyWithHooks<never>) => {
  const details = fc.check(property as fc.IProperty<[unknown]>, RUNS);
  expect(details.failed, "the property should have found a counterexample").toBe(true);
};

describe(`refund properties catch wrong rules (seed ${seed})`, () => {
  it("ignoring the other refunds over-refunds: neverExceedsCaptured fails", () => {
    fails(neverExceedsCaptured(mutant((p) => ({ ...p, held: 0 }))));
  });

  it("counting the captured amount one rupiah high over-refunds: neverExceedsCaptured fails", () => {
    fails(
      neverExceedsCaptured(
        mutant((p) => ({ ...p, captured: { ...p.captured, value: p.captured.value + 1 } })),
      ),
    );
  });

  it("an over-strict rule (half the captured amount) refuses fitting refunds: refusesOnlyWhatItMust fails", () => {
    fails(refusesOnlyWhatItMust(mutant((p) => ({ ...p, held: p.held + p.captured.value / 2 }))));
  });

  it("a full refund that ignores earlier refunds: fullOnlyWhenNothingHeld fails", () => {
    fails(fullOnlyWhenNothingHeld(mutant((p) => ({ ...p, held: 0 }))));
  });
});

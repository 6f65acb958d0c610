/**
 * Refund properties over random interleavings (fast-check, fixed seed printed in the suite name):
 * refunds of one paid charge are opened and moved in any order, and the money rules hold after every
 * step. Each property is shown to fail against a wrong rule in `refunds.mutants.test.ts`.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { openRefund } from "../../src/index.js";
import { seed } from "./arbitraries.js";
import {
  finalsStayAndLedgerAgrees,
  fullOnlyWhenNothingHeld,
  neverExceedsCaptured,
  refusesOnlyWhatItMust,
} from "./refundInterleavings.js";

const RUNS = { seed, numRuns: 300 } as const;

describe(`refund money rules over random interleavings (seed ${seed})`, () => {
  it("the refunds that hold money never exceed the captured amount", () => {
    fc.assert(neverExceedsCaptured(openRefund), RUNS);
  });

  it("a refund that fits what is left is accepted: the rule refuses only what it must", () => {
    fc.assert(refusesOnlyWhatItMust(openRefund), RUNS);
  });

  it("a full refund is accepted only when nothing was held, and then holds everything", () => {
    fc.assert(fullOnlyWhenNothingHeld(openRefund), RUNS);
  });

  it("a final refund never changes again, and the ledger agrees with the sum", () => {
    fc.assert(finalsStayAndLedgerAgrees(openRefund), RUNS);
  });
});

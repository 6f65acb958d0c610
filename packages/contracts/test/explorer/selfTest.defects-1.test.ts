/** The explorer's self-test, part 1 of the defects (every PARTS-th one; see `support/selfTest.ts`). */
import { describe, it } from "vitest";
import { defectsOfPart, expectEveryDefectFails, SEED } from "./support/selfTest.js";

describe(`explore against the faulty provider, defects part 1 (FC_SEED=${SEED})`, () => {
  it("fails every defect with a shrunk sequence of at most 6 steps (8 for refunds; table printed)", async () => {
    await expectEveryDefectFails(defectsOfPart(1));
  }, 1_800_000);
});

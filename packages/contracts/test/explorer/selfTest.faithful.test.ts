/** The explorer's self-test, no defect: no false alarm at full depth (see `support/selfTest.ts`). */
import { describe, expect, it } from "vitest";
import { exploreDefaults } from "../../src/explorer/index.js";
import { exploreWith, SEED } from "./support/selfTest.js";

describe(`explore against the faulty provider with no defect (FC_SEED=${SEED})`, () => {
  it("passes the faithful provider at the default depth", async () => {
    const report = await exploreWith(undefined);
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.steps).toBeGreaterThan(exploreDefaults.runs);
  }, 300_000);
});

/**
 * `verify` against the faulty provider: with no defect it passes every contract in `contracts/`
 * (HTTP and webhook messages), which shows the double is faithful; with each defect switched on,
 * verify's verdict is printed as a table and checked against {@link CAUGHT_BY_VERIFY}
 * (a defect the contracts caught must stay caught, by the interaction recorded for it).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type VerificationReport, verifyProvider } from "../../src/verifier/index.js";
import { type DefectName, defectNames, startFaultyProvider } from "../support/faultyProvider/index.js";
import { CAUGHT_BY_VERIFY } from "../support/faultyProvider/verifyVerdicts.js";

const PACT_DIR = fileURLToPath(new URL("../../../../contracts", import.meta.url));

/** Verifications run this many at a time (the Pact core verifies on libuv's pool of 4 threads). */
const BATCH = 4;

/** A regular expression matching exactly this description (for verify's `interaction` filter). */
const exactly = (description: string): string => `^${description.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

const verifyWith = async (
  defect: DefectName | undefined,
  interaction?: string,
): Promise<VerificationReport> => {
  const provider = await startFaultyProvider({ defect });
  try {
    const outcome = await verifyProvider({
      providerBaseUrl: provider.baseUrl,
      providerStatesSetupUrl: provider.statesUrl,
      providerMessagesUrl: provider.messagesUrl,
      pactDir: PACT_DIR,
      ...(interaction === undefined ? {} : { interaction: exactly(interaction) }),
    });
    if (outcome._tag !== "VerificationReport") {
      throw new Error(`verify did not run (${defect ?? "no defect"}): ${outcome._tag} ${outcome.message}`);
    }
    return outcome;
  } finally {
    await provider.close();
  }
};

const failedInteractions = (report: VerificationReport): ReadonlyArray<string> =>
  report.interactions.filter((i) => i.status === "failed").map((i) => i.description);

const inBatches = async <A, B>(items: ReadonlyArray<A>, size: number, f: (a: A) => Promise<B>) => {
  const out: Array<B> = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
};

describe("verify against the faulty provider", () => {
  it("passes every contract with no defect switched on: the double is faithful", async () => {
    const report = await verifyWith(undefined);
    const failures = report.interactions
      .filter((i) => i.status === "failed")
      .map((i) => `${i.description}: ${JSON.stringify(i.mismatches)}`);
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary.passed).toBeGreaterThanOrEqual(36);
  }, 120_000);

  it("fails every defect it is recorded to catch, by the recorded interaction (table printed)", async () => {
    // A recorded defect is verified against its recorded interaction only (the filter is process-wide,
    // so these run one at a time); the others against every contract, a few at a time, to show which
    // of them verify alone lets pass (the explorer's self-test fails them all).
    const recorded = defectNames.filter((d) => CAUGHT_BY_VERIFY[d] !== undefined);
    const unrecorded = defectNames.filter((d) => CAUGHT_BY_VERIFY[d] === undefined);
    const verdicts: Array<{ defect: DefectName; failed: ReadonlyArray<string> }> = [];
    for (const defect of recorded) {
      verdicts.push({
        defect,
        failed: failedInteractions(await verifyWith(defect, CAUGHT_BY_VERIFY[defect])),
      });
    }
    verdicts.push(
      ...(await inBatches(unrecorded, BATCH, async (defect) => ({
        defect,
        failed: failedInteractions(await verifyWith(defect)),
      }))),
    );
    const rows = verdicts.map(
      ({ defect, failed }) =>
        `| ${defect} | ${failed.length === 0 ? "passes" : `FAILS (${failed.length})`} | ${failed[0] ?? ""} |`,
    );
    console.info(["| defect | verify | first failing interaction |", "|---|---|---|", ...rows].join("\n"));

    const lost = verdicts.flatMap(({ defect, failed }) => {
      const recorded = CAUGHT_BY_VERIFY[defect];
      return recorded !== undefined && !failed.includes(recorded)
        ? [`${defect}: "${recorded}" no longer fails (failing: ${failed.join("; ") || "none"})`]
        : [];
    });
    expect(lost).toEqual([]);
    const newlyCaught = verdicts.filter(
      (v) => v.failed.length > 0 && CAUGHT_BY_VERIFY[v.defect] === undefined,
    );
    if (newlyCaught.length > 0) {
      console.info(
        `verify now also fails: ${newlyCaught.map((v) => `${v.defect} (${v.failed[0]})`).join(", ")} — record them in CAUGHT_BY_VERIFY`,
      );
    }
  }, 600_000);
});

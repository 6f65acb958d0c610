/**
 * The explorer's self-test (issue 8, "Prove it"), shared by the files that run it:
 * `selfTest.faithful.test.ts` (no defect: no false alarm at full depth) and
 * `selfTest.defects-<n>.test.ts` (n = 1…{@link PARTS}: every PARTS-th defect each). Many small files
 * rather than two long ones: on a clean clone vitest starts the largest files first, and these files
 * are small, so they run last; two files of ~100 s each then made the suite's tail. Parts of about
 * 15 s let vitest's two workers share them with everything else.
 *
 * - With each defect switched on, explore fails with a shrunk sequence of at most 6 steps (8 for a
 *   refund defect: it needs a paid session, the refund and the sandbox's time) — so verify and
 *   explore together leave no defect passing (explore alone fails them all).
 * - The table of every defect with both verdicts (verify's from {@link CAUGHT_BY_VERIFY}, checked
 *   by `test/verifier/faultyProvider.test.ts`), the shrunk length and the exploration's time is
 *   printed for the note.
 *
 * The seed is the property tests' ({@link propertySeed}): `FC_SEED`, else fixed in CI, else random,
 * printed either way. A defect must be found from any seed: an exploration ends at its first
 * mismatch, so a defect exploration gets {@link DEFECT_RUNS} runs (the default depth is 100) at no
 * cost when the defect shows early, and a defect that a seed reaches late is still found.
 */
import { propertySeed } from "@payment-session/core/testing";
import { expect } from "vitest";
import { exploreDefaults, exploreProvider } from "../../../src/explorer/index.js";
import type { ExploreReport } from "../../../src/explorer/types.js";
import { DEFECTS, type DefectName, startFaultyProvider } from "../../support/faultyProvider/index.js";
import { CAUGHT_BY_VERIFY } from "../../support/faultyProvider/verifyVerdicts.js";

export const { seed: SEED } = propertySeed("explorer self-test");
/** Explorations run this many at a time (a pool: a slow one holds up no other). */
const PARALLEL = 4;
/** The defects are run in this many test files (`selfTest.defects-1…PARTS.test.ts`). */
export const PARTS = 6;
/**
 * The runs a defect exploration may take. Runs until the first mismatch are cheap (about 0.1 s each
 * here); the budget only matters for a seed that reaches a defect late. With the default 100 runs,
 * `FC_SEED=11` passed `overCaptureClamped` (a manual-capture card authorised, then an over-capture:
 * found at run 78 from the old fixed seed).
 */
export const DEFECT_RUNS = 1_000;
/** The provider delivers webhooks at once: a missing one is known well before the explorer's default wait. */
const WEBHOOK_TIMEOUT_MS = 300;
const MAX_SHRUNK_STEPS = 6;
/**
 * A refund defect's shortest failing run is longer: a paid session (create, its payment), the refund,
 * and for a callback the time the sandbox needs and the final reads of the session and the refund
 * (a read takes the sandbox's due step), then the webhook check.
 */
const MAX_SHRUNK_REFUND_STEPS = 8;

export const exploreWith = async (
  defect: DefectName | undefined,
  runs: number = exploreDefaults.runs,
): Promise<ExploreReport> => {
  const provider = await startFaultyProvider({ defect });
  try {
    return await exploreProvider({
      providerBaseUrl: provider.baseUrl,
      providerStatesUrl: provider.statesUrl,
      runs,
      steps: exploreDefaults.steps,
      seed: SEED,
      webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
    });
  } finally {
    await provider.close();
  }
};

/** `f` over `items`, at most `size` at a time, the results in the order of `items`. */
const inPool = async <A, B>(items: ReadonlyArray<A>, size: number, f: (a: A) => Promise<B>) => {
  const out: Array<B> = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i] as A);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
};

/** Part `part` (1…{@link PARTS}) of the defects: every PARTS-th one, so the parts mix fast and slow areas. */
export const defectsOfPart = (part: number) => DEFECTS.filter((_, i) => i % PARTS === part - 1);

/** Explores with each of `defects` switched on, prints the table, and expects every one to fail, shrunk. */
export const expectEveryDefectFails = async (
  defects: ReadonlyArray<(typeof DEFECTS)[number]>,
): Promise<void> => {
  const results = await inPool(defects, PARALLEL, async (defect) => ({
    defect,
    report: await exploreWith(defect.name, DEFECT_RUNS),
  }));
  const rows = results.map(({ defect, report }) => {
    const verify = CAUGHT_BY_VERIFY[defect.name] === undefined ? "passes" : "FAILS";
    const explore = report.ok ? "passes" : "FAILS";
    const shrunk = report.failure?.steps.length ?? "-";
    const why = report.failure?.message.split("\n")[0]?.slice(0, 90) ?? "";
    const seconds = (report.durationMs / 1000).toFixed(1);
    return `| ${defect.name} | ${defect.area} | ${verify} | ${explore} | ${report.runs} | ${shrunk} | ${seconds} | ${why} |`;
  });
  console.info(
    [
      `FC_SEED=${SEED}`,
      "| defect | area | verify | explore | runs | shrunk steps | explore s | explore's first finding |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );

  const problems = results.flatMap(({ defect, report }): ReadonlyArray<string> => {
    if (report.ok) return [`${defect.name}: explore passed it (${defect.description})`];
    const steps = report.failure?.steps.length ?? 0;
    const max = defect.area === "refunds" ? MAX_SHRUNK_REFUND_STEPS : MAX_SHRUNK_STEPS;
    return steps > max ? [`${defect.name}: shrunk to ${steps} steps (> ${max})`] : [];
  });
  expect(problems, `FC_SEED=${SEED}: ${problems.join("; ")}`).toEqual([]);
};

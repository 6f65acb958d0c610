/**
 * The explorer's self-test (issue 8, "Prove it"), shared by the three files that run it:
 * `selfTest.faithful.test.ts` (no defect: no false alarm at full depth) and
 * `selfTest.defects-1.test.ts` / `selfTest.defects-2.test.ts` (every other defect each, so vitest's
 * two workers share the ~45 explorations; one file held them all and was the suite's longest).
 *
 * - With each defect switched on, explore fails with a shrunk sequence of at most 6 steps (8 for a
 *   refund defect: it needs a paid session, the refund and the sandbox's time) — so verify and
 *   explore together leave no defect passing (explore alone fails them all).
 * - The table of every defect with both verdicts (verify's from {@link CAUGHT_BY_VERIFY}, checked
 *   by `test/verifier/faultyProvider.test.ts`), the shrunk length and the exploration's time is
 *   printed for the note.
 *
 * Fixed seed: `FC_SEED` (default printed). It stays fixed even locally: the self-test must find every
 * defect on every run.
 */
import { expect } from "vitest";
import { exploreDefaults, exploreProvider } from "../../../src/explorer/index.js";
import type { ExploreReport } from "../../../src/explorer/types.js";
import { DEFECTS, type DefectName, startFaultyProvider } from "../../support/faultyProvider/index.js";
import { CAUGHT_BY_VERIFY } from "../../support/faultyProvider/verifyVerdicts.js";

export const SEED = Number(process.env.FC_SEED ?? 20_250_330);
/** Explorations run this many at a time (each mostly waits on loopback HTTP). */
const PARALLEL = 4;
/** The provider delivers webhooks at once: a missing one is known well before the explorer's default wait. */
const WEBHOOK_TIMEOUT_MS = 300;
const MAX_SHRUNK_STEPS = 6;
/**
 * A refund defect's shortest failing run is longer: a paid session (create, its payment), the refund,
 * and for a callback the time the sandbox needs and the final reads of the session and the refund
 * (a read takes the sandbox's due step), then the webhook check.
 */
const MAX_SHRUNK_REFUND_STEPS = 8;

export const exploreWith = async (defect: DefectName | undefined): Promise<ExploreReport> => {
  const provider = await startFaultyProvider({ defect });
  try {
    return await exploreProvider({
      providerBaseUrl: provider.baseUrl,
      providerStatesUrl: provider.statesUrl,
      runs: exploreDefaults.runs,
      steps: exploreDefaults.steps,
      seed: SEED,
      webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
    });
  } finally {
    await provider.close();
  }
};

const inBatches = async <A, B>(items: ReadonlyArray<A>, size: number, f: (a: A) => Promise<B>) => {
  const out: Array<B> = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
};

/** Part `part` (0 or 1) of the defects: every other one, so both parts mix fast and slow areas. */
export const defectsOfPart = (part: 0 | 1) => DEFECTS.filter((_, i) => i % 2 === part);

/** Explores with each of `defects` switched on, prints the table, and expects every one to fail, shrunk. */
export const expectEveryDefectFails = async (
  defects: ReadonlyArray<(typeof DEFECTS)[number]>,
): Promise<void> => {
  const results = await inBatches(defects, PARALLEL, async (defect) => ({
    defect,
    report: await exploreWith(defect.name),
  }));
  const rows = results.map(({ defect, report }) => {
    const verify = CAUGHT_BY_VERIFY[defect.name] === undefined ? "passes" : "FAILS";
    const explore = report.ok ? "passes" : "FAILS";
    const shrunk = report.failure?.steps.length ?? "-";
    const why = report.failure?.message.split("\n")[0]?.slice(0, 90) ?? "";
    const seconds = (report.durationMs / 1000).toFixed(1);
    return `| ${defect.name} | ${defect.area} | ${verify} | ${explore} | ${shrunk} | ${seconds} | ${why} |`;
  });
  console.info(
    [
      `FC_SEED=${SEED}`,
      "| defect | area | verify | explore | shrunk steps | explore s | explore's first finding |",
      "|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );

  const problems = results.flatMap(({ defect, report }): ReadonlyArray<string> => {
    if (report.ok) return [`${defect.name}: explore passed it (${defect.description})`];
    const steps = report.failure?.steps.length ?? 0;
    const max = defect.area === "refunds" ? MAX_SHRUNK_REFUND_STEPS : MAX_SHRUNK_STEPS;
    return steps > max ? [`${defect.name}: shrunk to ${steps} steps (> ${max})`] : [];
  });
  expect(problems).toEqual([]);
};

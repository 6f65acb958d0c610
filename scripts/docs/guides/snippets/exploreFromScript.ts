/**
 * Guide snippet (docs/guides/exploring-your-implementation.md): exploring a server from a script,
 * writing the replay of a failure, and replaying a replay file. `run(...)` is what the docs tests
 * call: against the reference provider (0), an altered one (1, then the replay fails the same
 * way), and an address nobody answers on (2).
 */
// #region guide
import { readFileSync, writeFileSync } from "node:fs";
import {
  ExploreSetupError,
  exploreProvider,
  formatExploreReport,
  type ReplayFile,
} from "@payment-session/contracts";

/** 0: every answer was what the machines predict; 1: a mismatch (replay written); 2: could not run. */
export const explore = async (
  baseUrl: string,
  statesUrl: string,
  options: { readonly replayFile?: string; readonly replayOut?: string } = {},
): Promise<0 | 1 | 2> => {
  const replay =
    options.replayFile === undefined
      ? undefined
      : (JSON.parse(readFileSync(options.replayFile, "utf8")) as ReplayFile);
  try {
    const report = await exploreProvider({
      providerBaseUrl: baseUrl,
      providerStatesUrl: statesUrl,
      runs: 10,
      steps: 20,
      seed: 42,
      replay,
    });
    console.log(formatExploreReport(report)); // seed, counts, the shrunk steps of a failure
    if (report.failure !== undefined) {
      writeFileSync(options.replayOut ?? "explore-replay.json", JSON.stringify(report.failure.replay));
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ExploreSetupError)) throw error;
    console.error(error.message); // the server or its provider-states endpoint did not answer
    return 2;
  }
};
// #endregion guide

export const run = explore;

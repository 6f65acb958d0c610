/**
 * docs/coverage.md: the transition coverage of the committed contracts (every pact interaction
 * replayed through the model; see `pnpm contracts:coverage`), with the committed allow-list.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  coverageReport,
  loadPactFiles,
  parseAllowList,
  replayPacts,
  reportMarkdown,
} from "@payment-session/contracts";

/** The coverage page for the pact files of `contractsDir` and its `coverage-allowlist.txt`. */
export const coveragePage = (contractsDir: string): string => {
  const allowListFile = resolve(contractsDir, "coverage-allowlist.txt");
  const report = coverageReport({
    replays: replayPacts(loadPactFiles(contractsDir)),
    ...(existsSync(allowListFile)
      ? { allowList: parseAllowList(readFileSync(allowListFile, "utf8"), "contracts/coverage-allowlist.txt") }
      : {}),
  });
  return reportMarkdown(report, {
    source: "scripts/docs from contracts/*.json and contracts/coverage-allowlist.txt",
  });
};

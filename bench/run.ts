/**
 * `pnpm bench`: runs every benchmark section in this one process and prints their figures.
 *
 * A section is a name and a function; add the provider's load run as another entry of `sections`.
 * Run some sections only with `pnpm bench <name> …` (e.g. `pnpm bench core`).
 */
import { runCoreBench } from "./core.js";
import { runExploreBench } from "./explore.js";
import { runLinearizabilityBench } from "./linearizability.js";
import { runPgliteBatchBench } from "./pgliteBatch.js";
import { runPglitePreparedBench } from "./pglitePrepared.js";
import { runProviderBench } from "./provider.js";
import { runProviderCpuBench } from "./providerCpu.js";
import { runVerifyBench } from "./verify.js";
import { runVerifyStatesBench } from "./verifyStates.js";

interface Section {
  readonly name: string;
  readonly description: string;
  readonly run: () => unknown | Promise<unknown>;
}

const sections: ReadonlyArray<Section> = [
  {
    name: "core",
    description:
      "lifecycle: the compiled core step and applyEvent vs a switch reducer, persisted snapshot size",
    run: () => runCoreBench(),
  },
  {
    name: "linearizability",
    description: "race histories checked against the session model: one partition, 20,000 calls",
    run: () => runLinearizabilityBench(),
  },
  {
    name: "provider",
    description:
      "reference provider over HTTP (create + confirm + get) vs the raw store loop, 1/16/64 clients",
    run: () => runProviderBench(),
  },
  {
    name: "pglite-prepared",
    description: "PGlite: CPU per store statement, named prepared statements (P20) vs pglite.query",
    run: () => runPglitePreparedBench(),
  },
  {
    name: "pglite-batch",
    description:
      "PGlite: CPU per create and get of two providers side by side, batched transactions (P22) vs PGlite's transaction(), and the raw store round",
    run: () => runPgliteBatchBench(),
  },
  {
    name: "provider-cpu",
    description:
      "reference provider: CPU ms per create and get (provider process, database backends, load generator) vs the raw store loop, in alternated rounds: per-round overhead, its median and spread",
    run: () => runProviderCpuBench(),
  },
  {
    name: "explore",
    description:
      "explorer: checked HTTP steps per minute, one session stream, vs the same requests unchecked",
    run: () => runExploreBench(),
  },
  {
    name: "verify",
    description:
      "`pnpm verify` wall and CPU time and ms per interaction (node bin/verify.mjs, pnpm verify, the sources through tsx) with its phases vs the goal, in-memory and data-folder PGlite from the image vs initdb, and ms per interaction vs Pact's bare Verifier",
    run: () => runVerifyBench(),
  },
  {
    name: "verify-states",
    description:
      "`pnpm verify`'s provider states: CPU ms per call per state on cold code vs warm, statements and transactions per call",
    run: () => runVerifyStatesBench(),
  },
];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? sections : sections.filter((s) => wanted.includes(s.name));
if (selected.length === 0) {
  console.error(
    `No benchmark section named ${wanted.join(", ")}. Sections: ${sections.map((s) => s.name).join(", ")}`,
  );
  process.exitCode = 1;
}
for (const section of selected) {
  const started = performance.now();
  await section.run();
  console.log(
    `(${section.name}: ${section.description}; ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}

import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files that take longest (measured with `npx vitest run --project <name> --reporter=json`), in
 * the order they start within their project. Without cached timings (a clean clone, CI) vitest starts
 * the largest files first, and these are small files that run long (explorations, whole contract
 * verifications, thousands of requests): they started last and were the run's tail, one core idle.
 */
const startFirst: ReadonlyArray<RegExp> = [
  /reference-provider\/test\/contracts\/strength\.test\.ts$/,
  /reference-provider\/test\/contracts\/explore\.test\.ts$/,
  /reference-provider\/test\/badInput\.property\.test\.ts$/,
  /reference-provider\/test\/contracts\/verify\.test\.ts$/,
  /reference-provider\/test\/killRestart\.test\.ts$/,
  /reference-provider\/test\/concurrency\.test\.ts$/,
  /reference-provider\/test\/store\/pgliteImage\.test\.ts$/,
  /reference-provider\/test\/sandbox\/dashboard\.browser\.test\.ts$/,
  /reference-provider\/test\/contracts\/races\.test\.ts$/,
  /contracts\/test\/explorer\/selfTest\.defects-\d+\.test\.ts$/,
  /contracts\/test\/verifier\/cli\.test\.ts$/,
  /contracts\/test\/verifier\/faultyProvider\.test\.ts$/,
  /contracts\/test\/explorer\/cli\.test\.ts$/,
  /contracts\/test\/explorer\/selfTest\.faithful\.test\.ts$/,
  /core\/test\/schemas\/refusesInvalidBodies\.property\.test\.ts$/,
  /core\/test\/lifecycle\/compiledStep\.test\.ts$/,
  /core\/test\/schemas\/roundTrip\.test\.ts$/,
  /core\/test\/lifecycle\/properties\.test\.ts$/,
];

const rank = (spec: TestSpecification): number => {
  const i = startFirst.findIndex((pattern) => pattern.test(spec.moduleId.replaceAll("\\", "/")));
  return i === -1 ? startFirst.length : i;
};

/**
 * vitest's order (group, then project, then cached timings or size), except that within a project
 * the files of {@link startFirst} start first (a stable sort: the rest keep vitest's order).
 */
class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const out: TestSpecification[] = [];
    let run: TestSpecification[] = [];
    const flush = () => {
      out.push(
        ...run
          .map((spec, i) => ({ spec, i }))
          .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
          .map((x) => x.spec),
      );
      run = [];
    };
    for (const spec of sorted) {
      const last = run[run.length - 1];
      if (last !== undefined && last.project.name !== spec.project.name) flush();
      run.push(spec);
    }
    flush();
    return out;
  }
}

// One vitest run over every package. Each package declares its own project(s) in
// packages/<name>/vitest.config.ts. The JSON report feeds the `tests: N passed, M failed`
// line that .ci/run prints.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "packages/*/vitest.*.config.ts", "scripts/vitest.config.ts"],
    reporters: ["default", "json"],
    // Two test files at a time. vitest's default for `vitest run` is one worker fewer than the
    // cores, which is a single worker on the 2-core CI machines: files that mostly wait (on child
    // processes, the PostgreSQL server, loopback HTTP, the Pact core) then leave a core idle.
    maxWorkers: 2,
    sequence: { sequencer: SlowFilesFirst },
    outputFile: { json: ".vitest/results.json" },
  },
});

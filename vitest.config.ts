import { defineConfig } from "vitest/config";

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
    outputFile: { json: ".vitest/results.json" },
  },
});

import { defineConfig } from "vitest/config";

// One vitest run over every package. Each package declares its own project(s) in
// packages/<name>/vitest.config.ts. The JSON report feeds the `tests: N passed, M failed`
// line that .ci/run prints.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "packages/*/vitest.*.config.ts", "scripts/vitest.config.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
  },
});

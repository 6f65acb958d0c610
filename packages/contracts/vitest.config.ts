import { definePackageProject } from "../../vitest.shared.ts";

export default definePackageProject({
  test: {
    name: "contracts",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    exclude: ["test/consumer/**"],
    // Why 30 s: several tests run a whole Pact verification in-process (every interaction of
    // contracts/, 3-4 s on an idle 2-core machine) or start the CLI as a child process; with two
    // test files at a time (root vitest.config.ts) and a busy machine they take longer than vitest's
    // 5 s default, without being wrong.
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});

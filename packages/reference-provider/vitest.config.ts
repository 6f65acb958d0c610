import { definePackageProject } from "../../vitest.shared.ts";

export default definePackageProject({
  test: {
    name: "reference-provider",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    // PGlite's first open in a worker takes about 3 s (WASM start); the concurrency tests run 50
    // transactions.
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});

import { definePackageProject } from "../vitest.shared.ts";

// Tests of the documentation generators (scripts/docs/test/): generated Mermaid parses, the
// diagrams and tables are derived from the machines, the guides' snippets run.
export default definePackageProject({
  test: {
    name: "docs",
    root: import.meta.dirname,
    include: ["docs/test/**/*.test.ts"],
    // Why 30 s: parsing every generated diagram with Mermaid's parser takes 6-12 s with two test
    // files at a time on a busy 2-core machine (vitest's default is 5 s); the guides' snippets start
    // providers.
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});

import { definePackageProject } from "../vitest.shared.ts";

// Tests of the documentation generators (scripts/docs/test/): generated Mermaid parses, the
// diagrams and tables are derived from the machines, the guides' snippets run.
export default definePackageProject({
  test: {
    name: "docs",
    root: import.meta.dirname,
    include: ["docs/test/**/*.test.ts"],
  },
});

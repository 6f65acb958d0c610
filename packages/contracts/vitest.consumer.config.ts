import { definePackageProject } from "../../vitest.shared.ts";

// The Pact consumer contracts: they write contracts/*.json, which provider verification (the other
// projects, groupOrder 2) reads. Files run one after another so that the pact files are written by one
// writer at a time; Pact orders interactions by description, so the files do not depend on the order.
export default definePackageProject({
  test: {
    name: "contracts-consumer",
    root: import.meta.dirname,
    include: ["test/consumer/**/*.test.ts"],
    globalSetup: ["test/consumer/support/globalSetup.ts"],
    fileParallelism: false,
    isolate: false,
    sequence: { groupOrder: 1 },
  },
});

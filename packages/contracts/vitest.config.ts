import { definePackageProject } from "../../vitest.shared.ts";

export default definePackageProject({
  test: {
    name: "contracts",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    exclude: ["test/consumer/**"],
  },
});

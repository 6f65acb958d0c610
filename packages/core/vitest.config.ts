import { definePackageProject } from "../../vitest.shared.ts";

export default definePackageProject({
  test: {
    name: "core",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
  },
});

import { definePackageProject } from "../../vitest.shared.ts";

export default definePackageProject({
  test: {
    name: "core",
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    // `*.types.test.ts`: their expectTypeOf assertions are checked by tsc (vitest typecheck) too.
    typecheck: {
      enabled: true,
      include: ["test/**/*.types.test.ts"],
      tsconfig: "../../tsconfig.json",
    },
  },
});

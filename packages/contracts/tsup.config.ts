import { defineConfig } from "tsup";

export default defineConfig({
  // The verifier alone (`@payment-session/contracts/verifier`) loads without the client and its schemas.
  entry: { index: "src/index.ts", cli: "src/cli.ts", "verifier/index": "src/verifier/index.ts" },
  format: ["esm", "cjs"],
  dts: { compilerOptions: { composite: false, ignoreDeprecations: "6.0" } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: "node20",
});

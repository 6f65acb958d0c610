import { defineConfig, type Options } from "tsup";

/**
 * The build of every package (ESM + CJS, declarations, source maps, Node 20): each package's
 * tsup.config.ts names only its entry points.
 */
export const packageBuild = (entry: NonNullable<Options["entry"]>) =>
  defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: { compilerOptions: { composite: false, ignoreDeprecations: "6.0" } },
    sourcemap: true,
    clean: true,
    treeshake: true,
    target: "node20",
  });

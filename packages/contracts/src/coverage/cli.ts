/**
 * Entry of `pnpm contracts:coverage` (run from the repository root, from sources).
 *
 * @since 0.1.0
 */
import { resolve } from "node:path";
import { coverageMain } from "./main.js";

process.exitCode = coverageMain(process.argv.slice(2), resolve(import.meta.dirname, "../../../.."));

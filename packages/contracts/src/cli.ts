/**
 * Entry of the `payment-session-contracts` CLI (`verify`). See `payment-session-contracts --help`.
 * In the workspace: `node -C @payment-session/source --import tsx packages/contracts/src/cli.ts verify …`.
 *
 * @since 0.1.0
 */
import { fileURLToPath } from "node:url";
import { runCli } from "./verifier/command.js";

void runCli(process.argv.slice(2), fileURLToPath(import.meta.url), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});

/**
 * Entry of the `payment-session-contracts` CLI: `verify` (the Pact contracts) and `explore`
 * (generated lifecycles). See `payment-session-contracts --help`.
 * In the workspace: `node -C @payment-session/source --import tsx packages/contracts/src/cli.ts verify …`.
 *
 * @since 0.1.0
 */
import { fileURLToPath } from "node:url";
import { EXPLORE_USAGE } from "./explorer/usage.js";
import { runCli, USAGE } from "./verifier/command.js";

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};
const argv = process.argv.slice(2);

const HELP = `Usage: payment-session-contracts <command> [options]

Commands:
  verify    verify a running implementation against the Pact contracts
            (payment-session-contracts verify --help)
  explore   drive it through generated lifecycles and check every answer against the machines
            (payment-session-contracts explore --help)
`;

const main = async (): Promise<number> => {
  if (argv[0] === "explore") {
    // Loaded only for `explore`: `verify` and `--help` start without the explorer.
    const { runExploreCli } = await import("./explorer/command.js");
    return runExploreCli(argv.slice(1), {
      ...io,
      isTty: process.stdout.isTTY === true && process.env.CI === undefined,
    });
  }
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help")) {
    io.stdout(`${HELP}\n${USAGE}\n${EXPLORE_USAGE}`);
    return 0;
  }
  return runCli(argv, fileURLToPath(import.meta.url), io);
};

void main().then((code) => {
  process.exitCode = code;
});

/**
 * `pnpm verify [--pact-dir DIR] [--junit FILE] [--log-level LEVEL]`: the repository's main job.
 * `pnpm verify --serve`: only start the provider as the verification would (fresh embedded database,
 * test clock, provider-states and messages endpoints), print the verifier flags that reach it on one
 * line, and serve until stopped: for running another verifier (e.g. a packed CLI) against it.
 * Starts the reference provider on a free port with a fresh embedded database (PGlite in memory) and
 * the provider-states endpoint mounted, verifies every pact file of `contracts/` (HTTP interactions
 * and webhook messages) with the contracts package's verifier, prints the per-interaction report and
 * exits 0 when every interaction passed, 1 when a contract failed, 2 when it could not run.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  formatReport,
  isVerifierLogLevel,
  markPhase,
  showsCoreTranscript,
  verifierLogLevels,
} from "@payment-session/contracts/verifier";
// Light on purpose: the provider's modules load after the verification worker has been forked.
import { openVerifyDatabase, startVerifyWorker } from "@payment-session/reference-provider/contracts/worker";

markPhase("cli: modules loaded");
const defaultPactDir = fileURLToPath(new URL("../../../contracts", import.meta.url));

const usage = `Usage: pnpm verify [--pact-dir DIR] [--junit FILE] [--log-level LEVEL]
       pnpm verify --serve

Verifies the reference provider (fresh embedded database, provider states mounted) against every
pact file in DIR (default: the repository's contracts/) and prints one line per interaction.

  --pact-dir DIR     folder of pact files (default ${defaultPactDir})
  --junit FILE       also write a JUnit XML report
  --log-level LEVEL  error (default), warn, info, debug or trace; info and above show the
                     Pact core's transcript on stderr
  --serve            start the provider in contract-test mode only, print the verifier's
                     --provider-base-url, --provider-states-setup-url and --provider-messages-url
                     on one line, and serve until stopped (Ctrl-C, SIGTERM)

Exit codes: 0 every interaction passed, 1 a contract failed, 2 the verification could not run.`;

const flags = {
  "pact-dir": { type: "string" },
  junit: { type: "string" },
  "log-level": { type: "string" },
  serve: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `--serve`: the provider in contract-test mode until SIGINT/SIGTERM; its flags on stdout's first line. */
const serve = async (): Promise<number> => {
  const { openDatabase } = await import("@payment-session/reference-provider");
  const { startContractProvider } = await import("@payment-session/reference-provider/contracts");
  const db = await openDatabase({ memory: true });
  const running = await startContractProvider({ db });
  process.stdout.write(
    `--provider-base-url ${running.providerBaseUrl} --provider-states-setup-url ${running.providerStatesSetupUrl} --provider-messages-url ${running.providerMessagesUrl}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
  await db.close();
  return 0;
};

const main = async (): Promise<number> => {
  let values: ReturnType<typeof parseArgs<{ options: typeof flags }>>["values"];
  try {
    values = parseArgs({ options: flags, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.serve === true) return serve();
  const logLevel = values["log-level"];
  if (logLevel !== undefined && !isVerifierLogLevel(logLevel)) {
    process.stderr.write(
      `error: --log-level: one of ${verifierLogLevels.join(", ")}, not ${JSON.stringify(logLevel)}\n`,
    );
    return 2;
  }
  const echoCore = showsCoreTranscript(logLevel);
  // The worker (Node, tsx, the verifier, the Pact core) starts while this process loads the provider.
  const worker = startVerifyWorker(120_000, echoCore ? (text) => process.stderr.write(text) : undefined);
  markPhase("cli: worker forked");
  // PGlite starts (image read, WebAssembly compiled) while the provider's modules load.
  const database = openVerifyDatabase();
  database.catch(() => {}); // its failure is verifyContracts' to report
  let run: Awaited<
    ReturnType<typeof import("@payment-session/reference-provider/contracts")["verifyContracts"]>
  >;
  try {
    const { verifyContracts } = await import("@payment-session/reference-provider/contracts");
    markPhase("cli: provider modules loaded");
    run = await verifyContracts({
      pactDir: values["pact-dir"] ?? defaultPactDir,
      junitFile: values.junit,
      logLevel,
      worker,
      database,
    });
  } catch (error) {
    worker.stop();
    await database.then((db) => db.close()).catch(() => {});
    process.stderr.write(
      `error: the reference provider could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  const { outcome } = run;
  if (outcome._tag !== "VerificationReport") {
    process.stderr.write(`error: ${outcome.message}\n`);
    return 2;
  }
  process.stdout.write(
    `Verified the reference provider at ${run.providerBaseUrl} (${run.database}) against the pacts in ${values["pact-dir"] ?? defaultPactDir}\n\n`,
  );
  process.stdout.write(formatReport(outcome));
  if (!outcome.ok) {
    for (const problem of run.problems) process.stdout.write(`provider: ${problem}\n`);
  }
  process.stdout.write(`(${(run.durationMs / 1000).toFixed(1)} s)\n`);
  markPhase("cli: report printed");
  return outcome.ok ? 0 : 1;
};

process.exitCode = await main();

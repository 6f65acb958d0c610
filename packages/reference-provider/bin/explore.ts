/**
 * `pnpm explore [--runs N] [--steps N] [--seed S] [--concurrency N] [--replay FILE] …`: starts the
 * reference provider in contract-test mode on a fresh embedded database (PGlite in memory, or
 * DATABASE_URL when set) with its expiry sweeper and webhook dispatcher running, and explores it
 * with the contracts package's explorer (fixed seed 1 unless --seed or --replay says otherwise).
 * Exit codes as `payment-session-contracts explore`: 0 all good, 1 a mismatch, 2 could not run.
 */
import { runExploreCli } from "@payment-session/contracts";
import { startContractProvider } from "../src/contracts/index.js";
import { openDatabase } from "../src/store/index.js";

const started = performance.now();
const argv = process.argv.slice(2).filter((a) => a !== "--");
const wantsHelp = argv.includes("--help") || argv.includes("-h");
const databaseUrl = process.env.DATABASE_URL_EXPLORE ?? "";

const main = async (): Promise<number> => {
  if (wantsHelp)
    return runExploreCli(["--help"], {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    });
  const db = databaseUrl === "" ? undefined : await openDatabase({ url: databaseUrl });
  const running = await startContractProvider({ db, background: { intervalMs: 25 } });
  try {
    const given = new Set(argv);
    const defaults = [
      ...(given.has("--seed") || given.has("--replay") ? [] : ["--seed", "1"]),
      ...(given.has("--concurrency") || given.has("--replay") ? [] : ["--concurrency", "8"]),
    ];
    process.stdout.write(
      `Reference provider at ${running.providerBaseUrl} (${databaseUrl === "" ? "PGlite in memory" : "PostgreSQL"}), started in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return await runExploreCli(
      [
        "--provider-base-url",
        running.providerBaseUrl,
        "--provider-states-url",
        running.providerStatesSetupUrl,
        ...defaults,
        ...argv,
      ],
      {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isTty: process.stdout.isTTY === true && process.env.CI === undefined,
      },
    );
  } finally {
    await running.close();
    await db?.close();
    process.stdout.write(
      `(total ${((performance.now() - started) / 1000).toFixed(1)} s including the provider's start)\n`,
    );
  }
};

process.exitCode = await main();

/**
 * `pnpm explore [--database-url URL] [explore options]`: starts the reference provider in
 * contract-test mode on a fresh database — PGlite in memory, or a fresh schema (dropped afterwards)
 * on the PostgreSQL server of `--database-url` — with its expiry sweeper and webhook dispatcher
 * running, and explores it with the contracts package's explorer: seed 1 and `--concurrency 8`
 * unless given. Every other option is `payment-session-contracts explore`'s (`--runs`, `--steps`,
 * `--seed`, `--replay`, `--junit`, `--json`, …). Exit codes as that command: 0 all good, 1 a
 * mismatch, 2 could not run.
 */
import { randomUUID } from "node:crypto";
import { runExploreCli } from "@payment-session/contracts";
import { type Database, openDatabase } from "@payment-session/reference-provider";
import { startContractProvider } from "@payment-session/reference-provider/contracts";

const started = performance.now();
const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  isTty: process.stdout.isTTY === true && process.env.CI === undefined,
};

const main = async (): Promise<number> => {
  const argv = process.argv.slice(2).filter((a) => a !== "--");
  const at = argv.indexOf("--database-url");
  const databaseUrl = at === -1 ? undefined : argv[at + 1];
  if (at !== -1) argv.splice(at, 2);
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout("Usage: pnpm explore [--database-url URL] [options of payment-session-contracts explore]\n\n");
    return runExploreCli(["--help"], io);
  }
  let db: Database | undefined;
  let schema: string | undefined;
  if (databaseUrl !== undefined) {
    schema = `explore_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
    db = await openDatabase({ url: databaseUrl, schema });
  }
  const running = await startContractProvider({ db, background: { intervalMs: 25 } });
  try {
    const given = new Set(argv);
    const defaults = [
      ...(given.has("--seed") || given.has("--replay") ? [] : ["--seed", "1"]),
      ...(given.has("--concurrency") || given.has("--replay") ? [] : ["--concurrency", "8"]),
    ];
    io.stdout(
      `Reference provider at ${running.providerBaseUrl} (${schema === undefined ? "PGlite in memory" : `PostgreSQL, schema ${schema}`}), started in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
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
      io,
    );
  } finally {
    await running.close();
    if (db !== undefined) {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    }
    io.stdout(
      `(${((performance.now() - started) / 1000).toFixed(1)} s in all, the provider's start included)\n`,
    );
  }
};

process.exitCode = await main();

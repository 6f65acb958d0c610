/**
 * `pnpm bench verify-states`: what the provider states of `pnpm verify` cost the provider.
 *
 * Every interaction's provider states, as the pact files list them and in their order (what the
 * Pact core asks the provider to set up, 413 calls for 131 interactions), are set up with the
 * provider-states handlers of a provider in contract-test mode on a fresh in-memory PGlite (from
 * the prepared image), without HTTP: in a child process (`--child`), `BENCH_VERIFY_RUNS` times
 * (default 3). In each child the whole list runs twice: first on cold code (what `pnpm verify`
 * sees: its provider sets every state up once) and then again on the same provider (the baseline,
 * in the same process: the same calls once the code is hot). Printed per state: calls, median CPU
 * ms per call (the child's `process.cpuUsage`, cold and warm), statements (deferred ones included)
 * and transactions per call, counted on the database handle, and the round trips to the database
 * they make (statements + BEGIN and COMMIT).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? "3");

interface StateCall {
  readonly name: string;
  readonly params?: unknown;
}

interface Figures {
  readonly calls: number;
  readonly cpuMs: number;
  readonly statements: number;
  readonly transactions: number;
}

/** Per pass: per state name, the sums of its calls. */
type PassFigures = Record<string, Figures>;

/** Every interaction's provider states, pact files in name order, interactions in file order. */
const stateLists = (): ReadonlyArray<ReadonlyArray<StateCall>> =>
  readdirSync(join(ROOT, "contracts"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap(
      (f) =>
        (
          JSON.parse(readFileSync(join(ROOT, "contracts", f), "utf8")) as {
            interactions: ReadonlyArray<{ providerStates?: ReadonlyArray<StateCall> }>;
          }
        ).interactions,
    )
    .map((i) => i.providerStates ?? []);

/** The child: sets every state up twice (cold, then warm) and prints both passes as JSON. */
const child = async (): Promise<void> => {
  const { startContractProvider } = await import("../packages/reference-provider/src/contracts/index.js");
  const { openDatabase } = await import("../packages/reference-provider/src/store/index.js");
  type Database = Awaited<ReturnType<typeof openDatabase>>;
  type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
  const counts = { statements: 0, transactions: 0 };
  const countedTx = (tx: Tx): Tx => ({
    ...tx,
    query: (sql, params) => {
      counts.statements++;
      return tx.query(sql, params);
    },
    defer: (sql, params) => {
      counts.statements++;
      tx.defer(sql, params);
    },
  });
  const db = await openDatabase({ memory: true });
  const counted: Database = {
    ...db,
    query: (sql, params) => {
      counts.statements++;
      return db.query(sql, params);
    },
    transaction: (fn) => {
      counts.transactions++;
      return db.transaction((tx) => fn(countedTx(tx)));
    },
    close: () => db.close(),
  };
  const running = await startContractProvider({ db: counted });
  const passes: Array<PassFigures> = [];
  try {
    for (let pass = 0; pass < 2; pass++) {
      const figures: Record<string, Figures> = {};
      for (const states of stateLists()) {
        for (const { name, params } of states) {
          const before = { ...counts };
          const cpu = process.cpuUsage();
          await running.states.setUp(name, params ?? {});
          const used = process.cpuUsage(cpu);
          const sum = figures[name] ?? { calls: 0, cpuMs: 0, statements: 0, transactions: 0 };
          figures[name] = {
            calls: sum.calls + 1,
            cpuMs: sum.cpuMs + (used.user + used.system) / 1000,
            statements: sum.statements + counts.statements - before.statements,
            transactions: sum.transactions + counts.transactions - before.transactions,
          };
        }
      }
      passes.push(figures);
    }
  } finally {
    await running.close();
    await db.close();
  }
  process.stdout.write(`${JSON.stringify(passes)}\n`);
};

const runChild = (): Promise<ReadonlyArray<PassFigures>> =>
  new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        "-C",
        "@payment-session/source",
        "--import",
        "tsx",
        join(import.meta.dirname, "verifyStates.ts"),
        "--child",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) reject(new Error(`bench/verifyStates.ts --child exited ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as ReadonlyArray<PassFigures>);
    });
  });

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export const runVerifyStatesBench = async (): Promise<void> => {
  const runs: Array<ReadonlyArray<PassFigures>> = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runChild());
  const names = Object.keys(runs[0]?.[0] ?? {});
  const total = (pass: number) =>
    median(runs.map((r) => Object.values(r[pass] ?? {}).reduce((n, f) => n + f.cpuMs, 0)));
  const calls = Object.values(runs[0]?.[0] ?? {}).reduce((n, f) => n + f.calls, 0);
  console.log(
    `verify-states: the provider states of every interaction, set up on a fresh provider (PGlite in memory), ${calls} calls`,
  );
  console.log(
    `  command: pnpm bench verify-states  (${RUNS} child processes; in each, the whole list on cold code, then again warm: the baseline)`,
  );
  console.log(
    `  all states: median ${total(0).toFixed(0)} ms CPU cold (what pnpm verify's provider spends), ${total(1).toFixed(0)} ms warm (baseline), ratio ${(total(0) / total(1)).toFixed(2)}`,
  );
  console.log(
    `  ${"state".padEnd(48)} ${"calls".padStart(5)} ${"cold ms/call".padStart(12)} ${"warm ms/call".padStart(12)} ${"statements/call".padStart(15)} ${"transactions/call".padStart(17)} ${"round trips/call".padStart(16)}`,
  );
  for (const name of names) {
    const cold = runs.map((r) => r[0]?.[name]);
    const warm = runs.map((r) => r[1]?.[name]);
    const first = cold[0];
    if (first === undefined) continue;
    const perCall = (fs: ReadonlyArray<Figures | undefined>) =>
      median(fs.map((f) => (f === undefined ? NaN : f.cpuMs / f.calls)));
    console.log(
      `  ${name.padEnd(48)} ${String(first.calls).padStart(5)} ${perCall(cold).toFixed(2).padStart(12)} ${perCall(warm).toFixed(2).padStart(12)} ${(first.statements / first.calls).toFixed(1).padStart(15)} ${(first.transactions / first.calls).toFixed(2).padStart(17)} ${((first.statements + 2 * first.transactions) / first.calls).toFixed(1).padStart(16)}`,
    );
  }
};

if (process.argv.includes("--child")) await child();

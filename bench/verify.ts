/**
 * `pnpm bench verify`: how long the main job takes and what the verifier adds per interaction.
 *
 * 1. `pnpm verify` as a whole process (the provider's start on a fresh embedded database included):
 *    `node packages/reference-provider/bin/verify.mjs` (the prebuilt bundles), the same through
 *    `pnpm verify` (pnpm's own start added), and the same command on the sources through tsx
 *    (`PAYMENT_SESSION_VERIFY_BUNDLE=off`, how it ran before), in turn, `BENCH_VERIFY_RUNS` times
 *    each (default 3): median wall seconds, CPU seconds (user + system of the whole process tree,
 *    from `/usr/bin/time` where it exists), seconds per interaction, and the ratios to the baseline;
 *    then one more run with `PAYMENT_SESSION_VERIFY_TIMINGS` whose phases (both processes, ms since
 *    the command started) and sums (provider-state calls per state, messages) are printed, with the
 *    start (command → provider listening) and the verification itself per interaction, against the
 *    goal (≤ 3 s wall, ≤ 10 ms per interaction).
 * 2. A fresh in-memory PGlite (what `pnpm verify` opens) and the first open of a new PGlite data
 *    folder (`pnpm start --data-dir NEW`), each from the prepared image vs `initdb` + the migrations
 *    (`PAYMENT_SESSION_PGLITE_IMAGE=off`), alternating, `BENCH_VERIFY_RUNS` times each, in this
 *    process: median wall ms and CPU ms of each.
 * 3. Per interaction: every contract verified against the already-running provider by the contracts
 *    package's `verifyProvider` and by Pact's bare `Verifier` (bench/verifyInteractions.ts, in a child
 *    whose Pact transcript is discarded): median ms per interaction of each and their ratio.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../packages/reference-provider/src/store/index.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? "3");
const NODE_ARGS = ["-C", "@payment-session/source", "--import", "tsx"];

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface Run {
  readonly code: number | null;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly stderr: string;
}

/** Runs `command` from the repository's root; its CPU seconds (children included) from /usr/bin/time. */
const runCommand = (command: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const [file = "", ...args] = TIME === undefined ? command : [TIME, "-f", "%U %S", ...command];
    const child = spawn(file, args, {
      cwd: ROOT,
      env: { ...process.env, PACT_DO_NOT_TRACK: "true", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const times = TIME === undefined ? [] : (stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      resolve({ code, seconds, cpuSeconds: (times[0] ?? NaN) + (times[1] ?? NaN), stderr });
    });
  });

const runNode = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  nodeArgs: ReadonlyArray<string> = NODE_ARGS,
): Promise<Run> => runCommand([process.execPath, ...nodeArgs, ...args], env);

/** How many interactions `pnpm verify` verifies: those of every pact file in contracts/. */
const interactionCount = (): number =>
  readdirSync(join(ROOT, "contracts"))
    .filter((f) => f.endsWith(".json"))
    .reduce(
      (n, f) =>
        n +
        (
          JSON.parse(readFileSync(join(ROOT, "contracts", f), "utf8")) as {
            interactions: ReadonlyArray<unknown>;
          }
        ).interactions.length,
      0,
    );

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One `pnpm verify` with phase timings: `[ms since start, pid, what]` rows and the command's start. */
const timedRun = async (): Promise<{ readonly started: number; readonly lines: ReadonlyArray<string> }> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-verify-timings-"));
  const file = join(dir, "timings.txt");
  try {
    const started = performance.timeOrigin + performance.now();
    const run = await runNode(VERIFY, { PAYMENT_SESSION_VERIFY_TIMINGS: file }, []);
    if (run.code !== 0) throw new Error(`pnpm verify exited ${run.code}: ${run.stderr}`);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    return { started, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const VERIFY = ["packages/reference-provider/bin/verify.mjs"];

export const runVerifyBench = async (): Promise<void> => {
  const interactions = interactionCount();
  const commands = [
    {
      label: "node bin/verify.mjs, prebuilt bundles (default)",
      command: [process.execPath, ...VERIFY],
      env: {},
    },
    { label: "pnpm verify (the same, pnpm's start added)", command: ["pnpm", "verify"], env: {} },
    {
      label: "baseline, sources through tsx (BUNDLE=off)",
      command: [process.execPath, ...VERIFY],
      env: { PAYMENT_SESSION_VERIFY_BUNDLE: "off" },
    },
  ] as const;
  await runNode(VERIFY, {}, []); // warm-up: builds the bundles (and the prepared image) if stale
  await runNode(VERIFY, { PAYMENT_SESSION_VERIFY_BUNDLE: "off" }, []); // warms tsx's cache
  const runs: Array<Array<Run>> = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, { command, env }] of commands.entries()) {
      const run = await runCommand(command, env);
      if (run.code !== 0) throw new Error(`${command.join(" ")} exited ${run.code}: ${run.stderr}`);
      runs[k]?.push(run);
    }
  }
  const wall = runs.map((r) => median(r.map((x) => x.seconds)));
  const cpu = runs.map((r) => median(r.map((x) => x.cpuSeconds)));
  const baseline = wall.at(-1) ?? NaN;
  console.log(
    `verify: \`pnpm verify\` wall time, whole process (start + every contract: ${interactions} interactions)`,
  );
  console.log(`  command: node ${VERIFY.join(" ")}  (what \`pnpm verify\` runs; ${RUNS} runs each, in turn)`);
  for (const [k, { label }] of commands.entries()) {
    const w = wall[k] ?? NaN;
    console.log(
      `  ${label.padEnd(50)} median ${w.toFixed(2)} s wall (${((1000 * w) / interactions).toFixed(1)} ms per interaction), ${(cpu[k] ?? NaN).toFixed(2)} s CPU, ratio to baseline ${(w / baseline).toFixed(2)}  [${(runs[k] ?? []).map((t) => t.seconds.toFixed(2)).join(", ")}]`,
    );
  }
  console.log("  goal (issue 12): ≤ 3 s wall including the provider's start, ≤ 10 ms per interaction");
  const { started, lines } = await timedRun();
  console.log(
    "verify: phases of one more run (ms since the command started; PAYMENT_SESSION_VERIFY_TIMINGS)",
  );
  const at = (phase: string): number => {
    const line = lines.find((l) => l.split(" ").slice(2).join(" ") === phase);
    return line === undefined ? NaN : Number(line.split(" ")[0]) - started;
  };
  for (const line of lines) {
    const [when = "0", pid = "", ...what] = line.split(" ");
    console.log(
      `  ${(Number(when) - started).toFixed(0).padStart(6)} ms  ${pid.padEnd(7)} ${what.join(" ")}`,
    );
  }
  const ready = at("provider: started");
  // The Pact core run directly (decision P16), or behind pact-js's proxy for a provider elsewhere.
  const coreStarts = [
    at("verifyProvider: core starts"),
    at("verifyProvider: Pact imported, core starts"),
  ].find((t) => !Number.isNaN(t));
  const verifying = at("verifyProvider: core done") - (coreStarts ?? NaN);
  console.log(
    `  start (command → provider listening): ${ready.toFixed(0)} ms; the verification itself: ${verifying.toFixed(0)} ms, ${(verifying / interactions).toFixed(1)} ms per interaction`,
  );

  // A fresh in-memory database (what `pnpm verify` opens): the image (default) vs initdb + migrations.
  const memoryImage: Array<readonly [number, number]> = [];
  const memoryInitdb: Array<readonly [number, number]> = [];
  // A new data folder: the image (default) vs initdb + migrations; the image exists by now.
  const folderImage: Array<readonly [number, number]> = [];
  const folderInitdb: Array<readonly [number, number]> = [];
  const before = process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  const openTimed = async (setting: string | undefined, dataDir: string | undefined) => {
    if (setting === undefined) delete process.env.PAYMENT_SESSION_PGLITE_IMAGE;
    else process.env.PAYMENT_SESSION_PGLITE_IMAGE = setting;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const db = await openDatabase(dataDir === undefined ? { memory: true } : { dataDir });
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    await db.close();
    return [ms, (used.user + used.system) / 1000] as const;
  };
  for (let i = 0; i < RUNS; i++) {
    memoryImage.push(await openTimed(before, undefined));
    memoryInitdb.push(await openTimed("off", undefined));
    for (const [times, setting] of [
      [folderImage, before],
      [folderInitdb, "off"],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), "bench-data-folder-"));
      times.push(await openTimed(setting, dataDir));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (before === undefined) delete process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  else process.env.PAYMENT_SESSION_PGLITE_IMAGE = before;
  const wallOf = (xs: ReadonlyArray<readonly [number, number]>) => median(xs.map(([w]) => w));
  const cpuOf = (xs: ReadonlyArray<readonly [number, number]>) => median(xs.map(([, c]) => c));
  for (const [title, image, initdb] of [
    [
      "a fresh in-memory PGlite (openDatabase({ memory: true }), as `pnpm verify`)",
      memoryImage,
      memoryInitdb,
    ],
    [
      "first open of a new PGlite data folder (openDatabase({ dataDir }), as `pnpm start --data-dir NEW`)",
      folderImage,
      folderInitdb,
    ],
  ] as const) {
    console.log(`verify: ${title}, ${RUNS} runs each`);
    console.log(
      `  from the prepared image (default):            median ${wallOf(image).toFixed(0)} ms wall, ${cpuOf(image).toFixed(0)} ms CPU`,
    );
    console.log(
      `  baseline, initdb + migrations (IMAGE=off):    median ${wallOf(initdb).toFixed(0)} ms wall, ${cpuOf(initdb).toFixed(0)} ms CPU`,
    );
    console.log(
      `  ratio image / baseline: ${(wallOf(image) / wallOf(initdb)).toFixed(2)} wall, ${(cpuOf(image) / cpuOf(initdb)).toFixed(2)} CPU`,
    );
  }

  const per = await runNode(["bench/verifyInteractions.ts"]);
  // The figures are the last JSON line (the timing of the process, when measured, comes after it).
  const line = [...per.stderr.trim().split("\n")].reverse().find((l) => l.startsWith("{")) ?? "";
  const figures = JSON.parse(line) as { interactions: number; rounds: number; ours: number; bare: number };
  const ours = figures.ours / figures.interactions;
  const bare = figures.bare / figures.interactions;
  console.log(
    `verify: per interaction, ${figures.interactions} interactions against the running provider (${figures.rounds} rounds)`,
  );
  console.log(
    `  verifyProvider (contracts package): median ${figures.ours.toFixed(0)} ms per run, ${ours.toFixed(1)} ms per interaction`,
  );
  console.log(
    `  bare Pact Verifier (baseline):      median ${figures.bare.toFixed(0)} ms per run, ${bare.toFixed(1)} ms per interaction`,
  );
  console.log(`  ratio verifyProvider / bare Verifier: ${(ours / bare).toFixed(2)}`);
};

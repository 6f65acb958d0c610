/**
 * `pnpm bench verify`: how long the main job takes and what the verifier adds per interaction.
 *
 * 1. `pnpm verify` as a whole process (the provider's start on a fresh embedded database included):
 *    `node packages/reference-provider/bin/verify.mjs` (the prebuilt bundles), `BENCH_VERIFY_RUNS`
 *    times (default 3), alternating with the same command on the sources through tsx
 *    (`PAYMENT_SESSION_VERIFY_BUNDLE=off`, how it ran before): median wall seconds of each and their
 *    ratio; then one more run with `PAYMENT_SESSION_VERIFY_TIMINGS` whose phases (both processes, ms
 *    since the command started) and sums (provider-state calls, messages) are printed.
 * 2. The first open of a new PGlite data folder (`pnpm start --data-dir NEW`), filled from the same
 *    prepared image, vs `initdb` + the migrations (`PAYMENT_SESSION_PGLITE_IMAGE=off`), alternating,
 *    `BENCH_VERIFY_RUNS` times each, in this process: median wall ms and CPU ms of each.
 * 3. Per interaction: every contract verified against the already-running provider by the contracts
 *    package's `verifyProvider` and by Pact's bare `Verifier` (bench/verifyInteractions.ts, in a child
 *    whose Pact transcript is discarded): median ms per interaction of each and their ratio.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../packages/reference-provider/src/store/index.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? "3");
const NODE_ARGS = ["-C", "@payment-session/source", "--import", "tsx"];

const runNode = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
  nodeArgs: ReadonlyArray<string> = NODE_ARGS,
): Promise<{ code: number | null; seconds: number; stderr: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: ROOT,
      env: { ...process.env, PACT_DO_NOT_TRACK: "true", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stderr }));
  });

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
  const bundled: Array<number> = [];
  const tsx: Array<number> = [];
  await runNode(VERIFY, {}, []); // warm-up: builds the bundles (and the prepared image) if stale
  await runNode(VERIFY, { PAYMENT_SESSION_VERIFY_BUNDLE: "off" }, []); // warms tsx's cache
  for (let i = 0; i < RUNS; i++) {
    for (const [times, env] of [
      [bundled, {}],
      [tsx, { PAYMENT_SESSION_VERIFY_BUNDLE: "off" }],
    ] as const) {
      const run = await runNode(VERIFY, env, []);
      if (run.code !== 0) throw new Error(`pnpm verify exited ${run.code}: ${run.stderr}`);
      times.push(run.seconds);
    }
  }
  const a = median(bundled);
  const b = median(tsx);
  console.log("verify: `pnpm verify` wall time, whole process (start + every contract)");
  console.log(`  command: node ${VERIFY.join(" ")}  (what \`pnpm verify\` runs; ${RUNS} runs each)`);
  console.log(
    `  prebuilt bundles (default):                    median ${a.toFixed(2)} s  [${bundled.map((t) => t.toFixed(2)).join(", ")}]`,
  );
  console.log(
    `  baseline, sources through tsx (BUNDLE=off):    median ${b.toFixed(2)} s  [${tsx.map((t) => t.toFixed(2)).join(", ")}]`,
  );
  console.log(`  ratio bundles / tsx: ${(a / b).toFixed(2)}`);
  const { started, lines } = await timedRun();
  console.log(
    "verify: phases of one more run (ms since the command started; PAYMENT_SESSION_VERIFY_TIMINGS)",
  );
  for (const line of lines) {
    const [at = "0", pid = "", ...what] = line.split(" ");
    console.log(`  ${(Number(at) - started).toFixed(0).padStart(6)} ms  ${pid.padEnd(7)} ${what.join(" ")}`);
  }

  // A new data folder: the image (default) vs initdb + migrations; the image exists by now.
  const folderImage: Array<readonly [number, number]> = [];
  const folderInitdb: Array<readonly [number, number]> = [];
  const before = process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  for (let i = 0; i < RUNS; i++) {
    for (const [times, setting] of [
      [folderImage, before],
      [folderInitdb, "off"],
    ] as const) {
      if (setting === undefined) delete process.env.PAYMENT_SESSION_PGLITE_IMAGE;
      else process.env.PAYMENT_SESSION_PGLITE_IMAGE = setting;
      const dataDir = mkdtempSync(join(tmpdir(), "bench-data-folder-"));
      const cpu = process.cpuUsage();
      const started = performance.now();
      const db = await openDatabase({ dataDir });
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
      times.push([wall, (used.user + used.system) / 1000]);
    }
  }
  if (before === undefined) delete process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  else process.env.PAYMENT_SESSION_PGLITE_IMAGE = before;
  const wallOf = (xs: ReadonlyArray<readonly [number, number]>) => median(xs.map(([w]) => w));
  const cpuOf = (xs: ReadonlyArray<readonly [number, number]>) => median(xs.map(([, c]) => c));
  console.log(
    `verify: first open of a new PGlite data folder (openDatabase({ dataDir }), as \`pnpm start --data-dir NEW\`), ${RUNS} runs each`,
  );
  console.log(
    `  filled from the prepared image (default):     median ${wallOf(folderImage).toFixed(0)} ms wall, ${cpuOf(folderImage).toFixed(0)} ms CPU`,
  );
  console.log(
    `  baseline, initdb + migrations (IMAGE=off):    median ${wallOf(folderInitdb).toFixed(0)} ms wall, ${cpuOf(folderInitdb).toFixed(0)} ms CPU`,
  );
  console.log(`  ratio image / baseline (wall): ${(wallOf(folderImage) / wallOf(folderInitdb)).toFixed(2)}`);

  const per = await runNode(["bench/verifyInteractions.ts"]);
  const line = per.stderr.trim().split("\n").at(-1) ?? "";
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

/**
 * `pnpm bench pglite-batch`: what decision P22 (a PGlite transaction's statements sent together:
 * BEGIN with the first, deferred ones with the next statement or the COMMIT) saves, in CPU time.
 * Two provider processes on PGlite run side by side, one with batched transactions and one with
 * PGlite's `transaction()` (`BENCH_PGLITE_BATCHED=0`, the baseline: one call into the database per
 * statement), and short phases of creates and gets at 16 clients alternate between them, so that
 * both see the same machine load (a shared 2-core machine changes CPU per request by 30–50 % from
 * minute to minute). Then the raw store round (`rawStoreRound`: a create's transaction and a load)
 * on the two data folders in this process, alternated likewise. Medians of the rounds.
 *
 * Knobs: `BENCH_BATCH_ROUNDS` (default 10), `BENCH_BATCH_PHASE` (requests per phase, default 400),
 * `BENCH_BATCH_WARMUP` (creates and gets, then raw rounds, each side, default 2000). Linux (`/proc`).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, demoMerchant, loadSession } from "@payment-session/reference-provider";
import { runMigrations } from "../packages/reference-provider/src/store/index.js";
import { openPglite } from "../packages/reference-provider/src/store/internal/pglite.js";
import { merchantApi, rawStoreRound, startInstance } from "./provider.js";
import { jsonClient, runLevel } from "./providerLoad.js";

const env = process.env;
const CLIENTS = 16;
const ROUNDS = Number(env.BENCH_BATCH_ROUNDS ?? "10");
const PHASE = Number(env.BENCH_BATCH_PHASE ?? "400");
const WARMUP = Number(env.BENCH_BATCH_WARMUP ?? "2000");
const COMMAND = `BENCH_BATCH_ROUNDS=${ROUNDS} BENCH_BATCH_PHASE=${PHASE} BENCH_BATCH_WARMUP=${WARMUP} pnpm bench pglite-batch`;

const procCpuMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ = 100
};
const selfCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (values: ReadonlyArray<number>) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const modes = ["baseline", "batched"] as const;
type Mode = (typeof modes)[number];

export const runPgliteBatchBench = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-batch-"));
  const figures: Record<Mode, { create: number[]; get: number[]; raw: number[] }> = {
    baseline: { create: [], get: [], raw: [] },
    batched: { create: [], get: [], raw: [] },
  };
  const raws: Partial<Record<Mode, Database>> = {};
  try {
    const sides = await Promise.all(
      modes.map(async (mode) => {
        const instance = await startInstance("", {
          BENCH_BACKGROUND: "0",
          BENCH_DATA_DIR: join(dir, mode),
          BENCH_PGLITE_BATCHED: mode === "batched" ? "1" : "0",
        });
        const client = jsonClient(instance.url);
        return { mode, instance, client, api: await merchantApi([client]), ids: [] as string[] };
      }),
    );
    const tag = randomUUID().slice(0, 6);
    const creates = (side: (typeof sides)[number], n: number) =>
      runLevel(CLIENTS, 3600, n, async (i) => {
        side.ids.push((await side.api.create(`batch-${tag}-${side.ids.length}-${i}`)).id);
      });
    const gets = (side: (typeof sides)[number], n: number) => {
      const from = side.ids.length - n;
      return runLevel(CLIENTS, 3600, n, async (i) => {
        await side.api.get(side.ids[from + i] ?? "");
      });
    };
    try {
      for (const side of sides) {
        await creates(side, WARMUP);
        await gets(side, WARMUP);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          let started = procCpuMs(side.instance.pid);
          await creates(side, PHASE);
          figures[side.mode].create.push((procCpuMs(side.instance.pid) - started) / PHASE);
          started = procCpuMs(side.instance.pid);
          await gets(side, PHASE);
          figures[side.mode].get.push((procCpuMs(side.instance.pid) - started) / PHASE);
        }
      }
    } finally {
      for (const side of sides) {
        side.client.close();
        await side.instance.stop();
      }
    }
    // The raw round on each provider's data folder (the providers stopped: one owner per folder).
    for (const mode of modes) {
      const db = await openPglite({
        dataDir: join(dir, mode, "pglite"),
        schema: undefined,
        batched: mode === "batched",
      });
      await runMigrations(db);
      raws[mode] = db;
    }
    const baseline = raws.baseline as Database;
    const stored = await loadSession(baseline, demoMerchant.id, sides[0]?.ids[0] ?? "");
    if (stored === null) throw new Error("the provider's first session is not stored");
    const template = { snapshot: stored.row.snapshot, expiryAt: stored.row.expiryAt };
    const rawLevel = (mode: Mode, n: number) =>
      runLevel(CLIENTS, 3600, n, () => rawStoreRound(raws[mode] as Database, template));
    for (const mode of modes) await rawLevel(mode, WARMUP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
        const started = selfCpuMs();
        await rawLevel(mode, PHASE);
        figures[mode].raw.push((selfCpuMs() - started) / PHASE);
      }
    }
  } finally {
    for (const mode of modes) await raws[mode]?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `PGlite batched transactions (P22) vs PGlite's transaction() (${COMMAND}; CPU ms, medians of ${ROUNDS} alternated rounds of ${PHASE}, ${CLIENTS} clients)`,
  );
  const at = (mode: Mode) => {
    const f = figures[mode];
    return { create: median(f.create), get: median(f.get), raw: median(f.raw) };
  };
  const base = at("baseline");
  for (const mode of modes) {
    const m = at(mode);
    const loop = m.create + m.get;
    console.log(
      `  ${mode.padEnd(9)} provider create ${m.create.toFixed(3)}  get ${m.get.toFixed(3)}  loop ${loop.toFixed(3)}   raw round ${m.raw.toFixed(3)}   overhead ${(loop / m.raw).toFixed(2)}×` +
        (mode === "batched"
          ? `   (create ${((1 - m.create / base.create) * 100).toFixed(0)} % less, raw round ${((1 - m.raw / base.raw) * 100).toFixed(0)} % less)`
          : ""),
    );
  }
};

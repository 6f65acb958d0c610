/**
 * `pnpm bench provider-cpu`: what a request costs in CPU time, a figure a busy machine does not
 * change much (throughput does: on a shared 2-core box it measures the neighbours), against the
 * raw store loop it sits on, measured in alternated rounds.
 *
 * Per driver, the provider runs in a process of its own (bench/providerInstance.ts, background
 * sweeper and dispatcher off) and this process drives it over a keep-alive `node:http` client at
 * `BENCH_CPU_CLIENTS` (default 16) clients; the raw store loop (`rawStoreRound`:
 * `deferInsertSession` + `loadSession`, no HTTP, no core) runs in this process at the same
 * concurrency, on the same database (PostgreSQL) or a PGlite folder of its own (a folder has one
 * owner), with a session the provider stored as its template. After the warm-up, `BENCH_CPU_ROUNDS`
 * (default 8) rounds each run a provider block (`BENCH_CPU_LOOPS`, default 500, creates, then a
 * get of each) and a raw block (as many raw rounds) back to back, in alternating order. CPU time
 * is read around each block: the provider process from `/proc/<pid>/task/<tid>/schedstat` (every
 * thread, nanoseconds; the 10 ms ticks of `/proc/<pid>/stat` when a thread left), the PostgreSQL
 * backends serving the run's database (`pg_stat_activity`), and `process.cpuUsage()` of this
 * process (the load generator, or the raw loop itself in the raw block).
 *
 * overhead = (provider + database CPU per create+get loop) ÷ (client + database CPU per raw round),
 * computed per round from its own adjacent blocks, then the median and the min–max over rounds.
 * Why rounds: this VM's CPU speed drifts by 2× within minutes, and the former layout (2,000
 * creates, 2,000 gets, then the raw loop once, minutes later) gave a raw round of 0.40 ms in one run
 * and 0.79 ms in the next on the same code, and overheads of 2.2–3.5× (PostgreSQL) and 2.95–5.1×
 * (PGlite) between consecutive runs. A drift slower than a round cancels out of that round's ratio.
 * What it does not cancel: the per-round ratio still varies ±20–40 % within a run (noise faster than
 * a round), so on a quiet machine (2026-11-30, `BENCH_CPU_WARMUP=3000`, 5 runs each, alternated)
 * the median moved across runs about as much as the one-shot figure did: 3.97–4.98× vs 4.36–5.16×
 * (PGlite), 2.97–3.38× vs 2.74–3.26× (PostgreSQL); the per-round min–max printed shows that noise
 * instead of hiding it. A deliberate 0.2 ms of CPU per request (`BENCH_PROVIDER_SLOWDOWN_MS=0.2`)
 * gave 6.33× (PGlite) and 5.21× (PostgreSQL), clear of those ranges. Tried and dropped: a forced
 * full GC of this process before each block doubles the raw round (≈0.35 → 0.65 ms) and halves
 * the overhead (PostgreSQL 1.53–1.62×): the raw round is sensitive to this process's heap state.
 * It is the work ratio behind the throughput overhead of `pnpm bench provider`, which on an idle
 * machine is bounded by it (both loops saturate the same cores). Linux only (`/proc`).
 *
 * The raw loop stays in this process (so its round pays no process switch, where the provider's
 * requests pay two). Measured with `BENCH_CPU_RAW_PROCESS=1` (a third block per round, the same
 * loop in a process of its own), 4 runs, 2026-11-30, `BENCH_CPU_WARMUP=3000`: its round costs
 * 0.99–1.13× the in-process one (PGlite) and 0.99–1.01× (PostgreSQL), and the overhead against it
 * spread more across the runs (PGlite 4.31–5.02×, PostgreSQL 3.02–3.29×) than against the
 * in-process loop in the same runs (4.72–4.87×, 3.00–3.29×): no reason to move it.
 *
 * Knobs: `BENCH_PROVIDER_DRIVERS` (default `pglite,postgres`; postgres needs `DATABASE_URL` or
 * `BENCH_DATABASE_URL`), `BENCH_CPU_ROUNDS`, `BENCH_CPU_LOOPS` (per block), `BENCH_CPU_CLIENTS`,
 * `BENCH_POOL_SIZE` (raw loop's pool, default 10), `BENCH_CPU_WARMUP` (creates, gets and raw rounds
 * run before measuring, default 300), `BENCH_CPU_RAW_PROCESS=1` (a third block per round: the raw
 * loop in a process of its own, bench/rawStoreInstance.ts, and the overhead against it),
 * `BENCH_PROVIDER_SLOWDOWN_MS` (a deliberate CPU cost per request in the provider, see
 * bench/providerInstance.ts: the overhead must rise by about 2 × that ÷ the raw round).
 * The provider's JIT warms slowly (PostgreSQL, 16 clients, 500 creates first: 2,000 creates cost
 * 0.93 ms of provider CPU each, 12,000 cost 0.57 ms on average), so the default measures part of
 * the warm-up; `BENCH_CPU_WARMUP=3000` gives the steady state. The raw round gets the same warm-up.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Database, demoMerchant, loadSession, openDatabase } from "@payment-session/reference-provider";
import { merchantApi, pg, rawStoreRound, startInstance } from "./provider.js";
import { jsonClient, row, runLevel } from "./providerLoad.js";

const env = process.env;
const ROUNDS = Number(env.BENCH_CPU_ROUNDS ?? "8");
const LOOPS = Number(env.BENCH_CPU_LOOPS ?? "500");
const CLIENTS = Number(env.BENCH_CPU_CLIENTS ?? "16");
const WARMUP = Number(env.BENCH_CPU_WARMUP ?? "300");
const DRIVERS = (env.BENCH_PROVIDER_DRIVERS ?? "pglite,postgres").split(",");
const DATABASE_URL = env.BENCH_DATABASE_URL ?? env.DATABASE_URL;
const RAW_PROCESS = env.BENCH_CPU_RAW_PROCESS === "1";
const SLOWDOWN = env.BENCH_PROVIDER_SLOWDOWN_MS ?? ""; // read by bench/providerInstance.ts
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU milliseconds (user + system, all threads, the exited ones too) from `/proc/<pid>/stat`, in 10 ms ticks; 0 once the process is gone. */
const statCpuMs = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
};

/** On-CPU nanoseconds of each live thread of `pid` (`/proc/<pid>/task/<tid>/schedstat`), or undefined. */
const threadCpuNs = (pid: number): Map<string, number> | undefined => {
  try {
    const threads = new Map<string, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      if (!Number.isFinite(ns)) return undefined;
      threads.set(tid, ns);
    }
    return threads;
  } catch {
    return undefined; // no schedstat, or the process or a thread just left
  }
};

/** A reading of a process's CPU: precise per-thread figures where the kernel keeps them, and the ticks. */
interface CpuReading {
  readonly threads: Map<string, number> | undefined;
  readonly statMs: number;
}
const readCpu = (pid: number): CpuReading => ({ threads: threadCpuNs(pid), statMs: statCpuMs(pid) });

/**
 * CPU milliseconds between two readings: from the threads' schedstat (nanoseconds; a block of 500
 * gets is ~150 ms, where a 10 ms tick is a 7 % error) when no thread left in between (a thread that
 * exited takes its schedstat with it), else from the ticks (which keep exited threads' time).
 */
let tickReadings = 0;
const cpuBetween = (a: CpuReading, b: CpuReading): number => {
  const ticks = () => {
    tickReadings++;
    return b.statMs - a.statMs;
  };
  if (a.threads === undefined || b.threads === undefined) return ticks();
  let ns = 0;
  for (const [tid, before] of a.threads) {
    const after = b.threads.get(tid);
    if (after === undefined) return ticks();
    ns += after - before;
  }
  for (const [tid, after] of b.threads) if (!a.threads.has(tid)) ns += after; // started in between
  return ns / 1e6;
};

/** CPU milliseconds a single-threaded process (a PostgreSQL backend) has used, or 0 once it is gone. */
const procCpuMs = (pid: number): number => {
  const threads = threadCpuNs(pid);
  if (threads !== undefined && threads.size === 1) return [...threads.values()][0] / 1e6;
  return statCpuMs(pid);
};

const selfCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU of the PostgreSQL backends serving `dbName` (their pids sampled at each reading). */
const backendMeter = (admin: InstanceType<typeof pg.Client> | undefined, dbName: string | undefined) => {
  const seen = new Map<number, number>();
  return async (): Promise<number> => {
    if (admin === undefined || dbName === undefined) return 0;
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1",
      [dbName],
    );
    for (const { pid } of rows) seen.set(pid, procCpuMs(pid));
    // A backend that left keeps its last reading (its CPU after that reading is lost: a short phase).
    for (const pid of seen.keys()) {
      const now = procCpuMs(pid);
      if (now > 0) seen.set(pid, now);
    }
    let total = 0;
    for (const ms of seen.values()) total += ms;
    return total;
  };
};

interface Cost {
  readonly server: number;
  readonly database: number;
  readonly client: number;
}

/** CPU per unit of `phase` (ms): the provider (or 0), the database backends, this process. */
const measure = async (
  providerPid: number | undefined,
  backends: () => Promise<number>,
  units: number,
  phase: () => Promise<void>,
): Promise<Cost> => {
  const [p0, d0, c0] = [
    providerPid === undefined ? undefined : readCpu(providerPid),
    await backends(),
    selfCpuMs(),
  ];
  await phase();
  const c1 = selfCpuMs();
  const [p1, d1] = [providerPid === undefined ? undefined : readCpu(providerPid), await backends()];
  const server = p0 === undefined || p1 === undefined ? 0 : cpuBetween(p0, p1);
  return { server: server / units, database: (d1 - d0) / units, client: (c1 - c0) / units };
};

/** The raw loop in a process of its own (bench/rawStoreInstance.ts): `run(n)` resolves when n rounds are done. */
const startRawProcess = (
  url: string,
  dataDir: string,
  template: { snapshot: unknown; expiryAt: number | null },
): Promise<{ pid: number; run: (n: number) => Promise<void>; stop: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-C", "@payment-session/source", "--import", "tsx", join(import.meta.dirname, "rawStoreInstance.ts")],
      {
        env: {
          ...process.env,
          DATABASE_URL: url,
          BENCH_DATA_DIR: dataDir,
          BENCH_CPU_CLIENTS: String(CLIENTS),
          BENCH_RAW_TEMPLATE: JSON.stringify(template),
        },
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    child.on("error", reject);
    const waiting: Array<() => void> = [];
    const lines = createInterface({ input: child.stdout });
    lines.once("line", () => {
      lines.on("line", () => waiting.shift()?.());
      resolve({
        pid: child.pid ?? 0,
        run: (n) =>
          new Promise((done) => {
            waiting.push(done);
            child.stdin.write(`${n}\n`);
          }),
        stop: () =>
          new Promise((done) => {
            child.once("exit", () => done());
            child.stdin.end("0\n");
          }),
      });
    });
  });

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const medianCost = (costs: ReadonlyArray<Cost>): Cost => ({
  server: median(costs.map((c) => c.server)),
  database: median(costs.map((c) => c.database)),
  client: median(costs.map((c) => c.client)),
});

/** One alternated round: the provider's create and get blocks and the raw block, measured adjacently. */
interface Round {
  readonly create: Cost;
  readonly get: Cost;
  readonly raw: Cost;
  /** The raw loop in a process of its own (`BENCH_CPU_RAW_PROCESS=1`): its CPU is `server`. */
  readonly rawProcess?: Cost | undefined;
}
const loopOf = (r: Pick<Round, "create" | "get">) =>
  r.create.server + r.create.database + r.get.server + r.get.database;
const rawOf = (r: Pick<Round, "raw">) => r.raw.client + r.raw.database;
const ratioOf = (r: Round) => loopOf(r) / rawOf(r);

const runDriver = async (driver: "pglite" | "postgres") => {
  let admin: InstanceType<typeof pg.Client> | undefined;
  let dbName: string | undefined;
  let url = "";
  const dataDir = mkdtempSync(join(tmpdir(), "bench-cpu-"));
  if (driver === "postgres") {
    if (DATABASE_URL === undefined || DATABASE_URL === "") {
      console.log("postgres: skipped (set DATABASE_URL or BENCH_DATABASE_URL)");
      return;
    }
    dbName = `bench_cpu_${process.pid}_${Date.now() % 100000}`;
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(DATABASE_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const backends = backendMeter(admin, dbName);
  const instanceEnv = { BENCH_BACKGROUND: "0" };
  let instance = await startInstance(url, { ...instanceEnv, BENCH_DATA_DIR: join(dataDir, "raw") });
  let client = jsonClient(instance.url);
  let raw: Database | undefined;
  let rawProcess: Awaited<ReturnType<typeof startRawProcess>> | undefined;
  let stopped = false;
  try {
    let api = await merchantApi([client]);
    const tag = randomUUID().slice(0, 6);
    // The raw round's template: a session the provider stored.
    const firstId = (await api.create(`template-${tag}`)).id;
    if (driver === "postgres") {
      raw = await openDatabase({ url, poolSize: Number(env.BENCH_POOL_SIZE ?? "10") });
    } else {
      // PGlite's data folder has one owner: the raw loop keeps the folder of this first provider,
      // and the measured provider starts on a folder of its own.
      client.close();
      await instance.stop();
      stopped = true;
      raw = await openDatabase({ dataDir: join(dataDir, "raw", "pglite") });
      instance = await startInstance(url, { ...instanceEnv, BENCH_DATA_DIR: join(dataDir, "provider") });
      stopped = false;
      client = jsonClient(instance.url);
      api = await merchantApi([client]);
    }
    const db = raw;
    const stored = await loadSession(db, demoMerchant.id, firstId);
    if (stored === null) throw new Error("the provider's first session is not stored");
    const template = { snapshot: stored.row.snapshot, expiryAt: stored.row.expiryAt };
    const ids: string[] = [];
    const creates = (n: number, prefix: string) =>
      runLevel(CLIENTS, 3600, n, async (i) => {
        ids.push((await api.create(`${prefix}-${tag}-${i}`)).id);
      });
    const gets = (from: number, n: number) =>
      runLevel(CLIENTS, 3600, n, async (i) => {
        await api.get(ids[from + i] ?? "");
      });
    const raws = (n: number) => runLevel(CLIENTS, 3600, n, () => rawStoreRound(db, template));
    // Warm-up: JIT, the pools' connections, the planner's caches; the raw round gets the same.
    await creates(WARMUP, "warm");
    await gets(0, WARMUP);
    await raws(WARMUP);
    if (RAW_PROCESS) {
      // PGlite: a folder of its own (one owner per folder); PostgreSQL: the same database.
      rawProcess = await startRawProcess(url, join(dataDir, "raw-process"), template);
      await rawProcess.run(WARMUP);
    }
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let create: Cost | undefined;
      let get: Cost | undefined;
      let rawCost: Cost | undefined;
      let rawProcessCost: Cost | undefined;
      const blocks: Array<() => Promise<void>> = [
        async () => {
          const first = ids.length;
          create = await measure(instance.pid, backends, LOOPS, () =>
            creates(LOOPS, `cpu${round}`).then(() => {}),
          );
          get = await measure(instance.pid, backends, LOOPS, () => gets(first, LOOPS).then(() => {}));
        },
        async () => {
          rawCost = await measure(undefined, backends, LOOPS, () => raws(LOOPS).then(() => {}));
        },
      ];
      const child = rawProcess;
      if (child !== undefined) {
        blocks.push(async () => {
          rawProcessCost = await measure(child.pid, backends, LOOPS, () => child.run(LOOPS));
        });
      }
      // The order alternates, so that neither side always follows the other.
      for (const block of round % 2 === 0 ? blocks : [...blocks].reverse()) await block();
      if (create === undefined || get === undefined || rawCost === undefined)
        throw new Error("a block did not run");
      rounds.push({ create, get, raw: rawCost, rawProcess: rawProcessCost });
    }
    const create = medianCost(rounds.map((r) => r.create));
    const get = medianCost(rounds.map((r) => r.get));
    const rawCost = medianCost(rounds.map((r) => r.raw));
    const widths = [16, 10, 10, 10, 12];
    const line = (name: string, c: Cost, serverTotal: number) =>
      console.log(
        row(
          [name, c.server.toFixed(3), c.database.toFixed(3), serverTotal.toFixed(3), c.client.toFixed(3)],
          widths,
        ),
      );
    console.log(
      `\n== ${driver}: CPU ms per request, medians of ${ROUNDS} alternated rounds (each: ${LOOPS} creates, ${LOOPS} gets, ${LOOPS} raw rounds) at ${CLIENTS} clients after ${WARMUP} of each to warm up (provider in its own process, background tasks off)`,
    );
    console.log(row(["", "provider", "database", "total", "load gen."], widths));
    line("create", create, create.server + create.database);
    line("get", get, get.server + get.database);
    const loops = rounds.map(loopOf);
    console.log(
      row(
        [
          "create+get loop",
          "",
          "",
          median(loops).toFixed(3),
          median(rounds.map((r) => r.create.client + r.get.client)).toFixed(3),
        ],
        widths,
      ),
    );
    // The raw loop runs in this process: its own CPU is the store's client side (and PGlite's engine).
    const rawTotals = rounds.map(rawOf);
    console.log(
      row(
        [
          "raw round",
          rawCost.client.toFixed(3),
          rawCost.database.toFixed(3),
          median(rawTotals).toFixed(3),
          "",
        ],
        widths,
      ),
    );
    const ratios = rounds.map(ratioOf);
    const alone = rounds.map((r) => (r.create.server + r.get.server) / rawOf(r));
    const spread = (xs: ReadonlyArray<number>, digits: number) =>
      `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
    console.log(
      `overhead (CPU): median ${median(ratios).toFixed(2)}× the raw store loop (per-round ratio ${spread(ratios, 2)}); provider process alone ${median(alone).toFixed(2)}× (${spread(alone, 2)}); load generator ${median(rounds.map((r) => r.create.client + r.get.client)).toFixed(3)} ms per loop`,
    );
    console.log(
      `  per round (loop ÷ raw = ratio): ${rounds.map((r) => `${loopOf(r).toFixed(2)}÷${rawOf(r).toFixed(2)}=${ratioOf(r).toFixed(2)}`).join("  ")}`,
    );
    const inProcess = rounds.flatMap((r) => (r.rawProcess === undefined ? [] : [r.rawProcess]));
    if (inProcess.length > 0) {
      const totals = inProcess.map((c) => c.server + c.database);
      const own = rounds.flatMap((r) =>
        r.rawProcess === undefined ? [] : [loopOf(r) / (r.rawProcess.server + r.rawProcess.database)],
      );
      const byProcess = rounds.flatMap((r) =>
        r.rawProcess === undefined ? [] : [(r.rawProcess.server + r.rawProcess.database) / rawOf(r)],
      );
      console.log(
        `  raw loop in a process of its own (BENCH_CPU_RAW_PROCESS=1): ${median(totals).toFixed(3)} ms per round (process ${median(inProcess.map((c) => c.server)).toFixed(3)}, database ${median(inProcess.map((c) => c.database)).toFixed(3)}), ${median(byProcess).toFixed(2)}× the in-process round (${spread(byProcess, 2)}); overhead against it ${median(own).toFixed(2)}× (${spread(own, 2)})`,
      );
    }
    if (tickReadings > 0)
      console.log(`  (${tickReadings} provider readings from 10 ms ticks: a thread left)`);
    console.log(
      `  drift across rounds: create+get loop ${spread(loops, 3)} ms, raw round ${spread(rawTotals, 3)} ms`,
    );
  } finally {
    if (!stopped) {
      client.close();
      await instance.stop();
    }
    await raw?.close();
    await rawProcess?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (admin !== undefined) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
};

/** Runs the CPU-per-request figures on every driver asked for. */
export const runProviderCpuBench = async (): Promise<void> => {
  for (const driver of DRIVERS) {
    if (driver !== "pglite" && driver !== "postgres") throw new Error(`unknown driver ${driver}`);
    await runDriver(driver);
  }
  console.log(
    `\nfigures from: ${DATABASE_URL === undefined ? "" : "DATABASE_URL=… "}${SLOWDOWN === "" ? "" : `BENCH_PROVIDER_SLOWDOWN_MS=${SLOWDOWN} `}${RAW_PROCESS ? "BENCH_CPU_RAW_PROCESS=1 " : ""}BENCH_PROVIDER_DRIVERS=${DRIVERS.join(",")} BENCH_CPU_ROUNDS=${ROUNDS} BENCH_CPU_LOOPS=${LOOPS} BENCH_CPU_CLIENTS=${CLIENTS} BENCH_CPU_WARMUP=${WARMUP} pnpm bench provider-cpu`,
  );
};

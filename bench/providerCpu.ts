/**
 * `pnpm bench provider-cpu`: what a request costs in CPU time, a figure a busy machine does not
 * change much (throughput does: on a shared 2-core box it measures the neighbours).
 *
 * Per driver, the provider runs in a process of its own (bench/providerInstance.ts, background
 * sweeper and dispatcher off) and this process drives it over a keep-alive `node:http` client at
 * `BENCH_CPU_CLIENTS` (default 16) clients: `BENCH_CPU_LOOPS` (default 2000) creates, then a get of
 * each. CPU time is read around each phase from `/proc/<pid>/stat` (user + system, every thread) of
 * the provider process, of the PostgreSQL backends serving the run's database (`pg_stat_activity`),
 * and `process.cpuUsage()` of this process (the load generator). Then the raw store loop
 * (`deferInsertSession` + `loadSession`, no HTTP, no core) in this process, on the same database
 * (PostgreSQL) or a PGlite of its own, the same number of rounds at the same concurrency.
 *
 * overhead = (provider + database CPU per create+get loop) ÷ (client + database CPU per raw round):
 * the work ratio behind the throughput overhead of `pnpm bench provider`, which on an idle machine
 * is bounded by it (both loops saturate the same cores). Linux only (`/proc`).
 *
 * Knobs: `BENCH_PROVIDER_DRIVERS` (default `pglite,postgres`; postgres needs `DATABASE_URL` or
 * `BENCH_DATABASE_URL`), `BENCH_CPU_LOOPS`, `BENCH_CPU_CLIENTS`, `BENCH_POOL_SIZE` (raw loop's pool,
 * default 10), `BENCH_CPU_WARMUP` (creates, gets and raw rounds run before measuring, default 300).
 * The provider's JIT warms slowly (PostgreSQL, 16 clients, 500 creates first: 2,000 creates cost
 * 0.93 ms of provider CPU each, 12,000 cost 0.57 ms on average), so the default measures part of
 * the warm-up; `BENCH_CPU_WARMUP=3000` gives the steady state. The raw round gets the same warm-up.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
const SLOWDOWN = env.BENCH_PROVIDER_SLOWDOWN_MS ?? ""; // read by bench/providerInstance.ts
const TICK_MS = 10; // USER_HZ = 100 on Linux

/**
 * CPU milliseconds a process has used (every thread): the sum of its threads' on-CPU time from
 * `/proc/<pid>/task/<tid>/schedstat` (nanoseconds; the provider's threads live as long as it does),
 * else user + system from `/proc/<pid>/stat` (10 ms ticks, too coarse for a block of 500 gets), or
 * 0 once the process is gone.
 */
const procCpuMs = (pid: number): number => {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    }
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // no schedstat (or the process or a thread just left): the tick counts below
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
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
    providerPid === undefined ? 0 : procCpuMs(providerPid),
    await backends(),
    selfCpuMs(),
  ];
  await phase();
  const c1 = selfCpuMs();
  const [p1, d1] = [providerPid === undefined ? 0 : procCpuMs(providerPid), await backends()];
  return { server: (p1 - p0) / units, database: (d1 - d0) / units, client: (c1 - c0) / units };
};

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
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const providerBlock = async () => {
        const first = ids.length;
        const create = await measure(instance.pid, backends, LOOPS, () =>
          creates(LOOPS, `cpu${round}`).then(() => {}),
        );
        const get = await measure(instance.pid, backends, LOOPS, () => gets(first, LOOPS).then(() => {}));
        return { create, get };
      };
      const rawBlock = () => measure(undefined, backends, LOOPS, () => raws(LOOPS).then(() => {}));
      // The order alternates, so that neither side always follows the other.
      if (round % 2 === 0) {
        const p = await providerBlock();
        rounds.push({ ...p, raw: await rawBlock() });
      } else {
        const r = await rawBlock();
        rounds.push({ ...(await providerBlock()), raw: r });
      }
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
    console.log(
      `  drift across rounds: create+get loop ${spread(loops, 3)} ms, raw round ${spread(rawTotals, 3)} ms`,
    );
  } finally {
    if (!stopped) {
      client.close();
      await instance.stop();
    }
    await raw?.close();
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
    `\nfigures from: ${DATABASE_URL === undefined ? "" : "DATABASE_URL=… "}${SLOWDOWN === "" ? "" : `BENCH_PROVIDER_SLOWDOWN_MS=${SLOWDOWN} `}BENCH_PROVIDER_DRIVERS=${DRIVERS.join(",")} BENCH_CPU_ROUNDS=${ROUNDS} BENCH_CPU_LOOPS=${LOOPS} BENCH_CPU_CLIENTS=${CLIENTS} BENCH_CPU_WARMUP=${WARMUP} pnpm bench provider-cpu`,
  );
};

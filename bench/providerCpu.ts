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
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, demoMerchant, loadSession, openDatabase } from "@payment-session/reference-provider";
import { merchantApi, pg, rawStoreRound, startInstance } from "./provider.js";
import { jsonClient, row, runLevel } from "./providerLoad.js";

const env = process.env;
const LOOPS = Number(env.BENCH_CPU_LOOPS ?? "2000");
const CLIENTS = Number(env.BENCH_CPU_CLIENTS ?? "16");
const WARMUP = Number(env.BENCH_CPU_WARMUP ?? "300");
const DRIVERS = (env.BENCH_PROVIDER_DRIVERS ?? "pglite,postgres").split(",");
const DATABASE_URL = env.BENCH_DATABASE_URL ?? env.DATABASE_URL;
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU milliseconds (user + system, all threads) a process has used, or 0 once it is gone. */
const procCpuMs = (pid: number): number => {
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
  const instance = await startInstance(url, {
    BENCH_BACKGROUND: "0",
    BENCH_DATA_DIR: join(dataDir, "provider"),
  });
  const client = jsonClient(instance.url);
  let raw: Database | undefined;
  let stopped = false;
  try {
    const api = await merchantApi([client]);
    const tag = randomUUID().slice(0, 6);
    const ids: string[] = [];
    const creates = (n: number, prefix: string) =>
      runLevel(CLIENTS, 3600, n, async (i) => {
        ids.push((await api.create(`${prefix}-${tag}-${i}`)).id);
      });
    const gets = (from: number, n: number) =>
      runLevel(CLIENTS, 3600, n, async (i) => {
        await api.get(ids[from + i] ?? "");
      });
    // Warm-up: JIT, the pools' connections, the planner's caches.
    await creates(WARMUP, "warm");
    await gets(0, WARMUP);
    const first = ids.length;
    const create = await measure(instance.pid, backends, LOOPS, async () => {
      await creates(LOOPS, "cpu");
    });
    const get = await measure(instance.pid, backends, LOOPS, async () => {
      await gets(first, LOOPS);
    });
    // The raw loop on the same storage, the provider stopped (PGlite's data folder has one owner).
    client.close();
    await instance.stop();
    stopped = true;
    raw =
      driver === "postgres"
        ? await openDatabase({ url, poolSize: Number(env.BENCH_POOL_SIZE ?? "10") })
        : await openDatabase({ dataDir: join(dataDir, "provider", "pglite") });
    const stored = await loadSession(raw, demoMerchant.id, ids[0] ?? "");
    if (stored === null) throw new Error("the provider's first session is not stored");
    const template = { snapshot: stored.row.snapshot, expiryAt: stored.row.expiryAt };
    const db = raw;
    if (db === undefined) throw new Error("no raw database");
    const rawRound = () => rawStoreRound(db, template);
    await runLevel(CLIENTS, 3600, WARMUP, rawRound);
    const rawCost = await measure(undefined, backends, LOOPS, async () => {
      await runLevel(CLIENTS, 3600, LOOPS, rawRound);
    });
    const widths = [16, 10, 10, 10, 12];
    const line = (name: string, c: Cost, serverTotal: number) =>
      console.log(
        row(
          [name, c.server.toFixed(3), c.database.toFixed(3), serverTotal.toFixed(3), c.client.toFixed(3)],
          widths,
        ),
      );
    console.log(
      `\n== ${driver}: CPU ms per request, ${LOOPS} each at ${CLIENTS} clients after ${WARMUP} of each to warm up (provider in its own process, background tasks off)`,
    );
    console.log(row(["", "provider", "database", "total", "load gen."], widths));
    line("create", create, create.server + create.database);
    line("get", get, get.server + get.database);
    const loop = create.server + create.database + get.server + get.database;
    console.log(
      row(["create+get loop", "", "", loop.toFixed(3), (create.client + get.client).toFixed(3)], widths),
    );
    // The raw loop runs in this process: its own CPU is the store's client side (and PGlite's engine).
    const rawTotal = rawCost.client + rawCost.database;
    console.log(
      row(
        ["raw round", rawCost.client.toFixed(3), rawCost.database.toFixed(3), rawTotal.toFixed(3), ""],
        widths,
      ),
    );
    console.log(
      `overhead (CPU): ${(loop / rawTotal).toFixed(2)}× the raw store loop; provider process alone ${(
        (create.server + get.server) / rawTotal
      ).toFixed(2)}×; load generator ${(create.client + get.client).toFixed(3)} ms per loop`,
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
    `\nfigures from: BENCH_PROVIDER_DRIVERS=${DRIVERS.join(",")} BENCH_CPU_LOOPS=${LOOPS} BENCH_CPU_CLIENTS=${CLIENTS} BENCH_CPU_WARMUP=${WARMUP} pnpm bench provider-cpu`,
  );
};

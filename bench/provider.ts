/**
 * `pnpm bench provider`: the reference provider under load, on both drivers, and how its cost grows
 * with stored data.
 *
 * Per driver (PGlite in a temporary data folder; the PostgreSQL server of `BENCH_DATABASE_URL` or
 * `DATABASE_URL`, in a database made for the run and dropped after it), the provider is started
 * in-process as `pnpm start` runs it (background sweeper and dispatcher on, the wall clock) and driven
 * over loopback by a keep-alive `node:http` client in the same process:
 *
 * 1. statements per request: one create, get, confirm and list run alone, the statements they send
 *    counted (BEGIN and COMMIT included: each is a round trip).
 * 2. at 1, 16 and 64 clients: the stateful loop (create with an `X-REQUEST-ID`, then get it) —
 *    requests per second and per-endpoint p50/p99 — then confirm + list by `clientReferenceId` (and the
 *    unfiltered first page) on the sessions it made; then the raw store loop (`deferInsertSession` +
 *    `loadSession`: no HTTP, no core, autocommit) at the same concurrency. overhead = raw rounds/s ÷
 *    create+get loops/s (each is one write and one read of a session).
 * 3. growth: sessions bulk-seeded by SQL (`INSERT … SELECT … generate_series`, copying a real
 *    session's snapshot with its own id and reference) until `BENCH_PROVIDER_GROWTH` sessions exist
 *    (default 10000; `10000,100000` for the big run), the same levels again; then 10,000 overdue
 *    sessions seeded the same way and one sweep (`sweepExpired`) timed, and EXPLAIN ANALYZE of the
 *    list and sweeper queries.
 * 4. the provider in its own process (bench/providerInstance.ts, as `pnpm start` runs it: the load
 *    generator in this process no longer shares the provider's thread), the same create+get loop at
 *    every level with per-endpoint p50/p99 and the worse p99/p50 ratio; on PostgreSQL one process vs
 *    two on the same database; the provider processes' RSS; PostgreSQL ÷ PGlite by level.
 *
 * RSS of this process (server and load generator) is printed after each driver.
 *
 * Knobs: `BENCH_PROVIDER_SECONDS` (seconds of the create+get loop per level, default 2; the other
 * loops get half), `BENCH_PROVIDER_DRIVERS` (default `pglite,postgres`; postgres needs a URL),
 * `BENCH_PROVIDER_LEVELS` (default `1,16,64`), `BENCH_PROVIDER_GROWTH` (default `10000`; `0` skips),
 * `BENCH_PROVIDER_INSTANCES` (`0` skips the separate-process section), `BENCH_CLIENT=node` (the
 * `node:http` load generator instead of the lean one).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import {
  type Database,
  deferInsertSession,
  demoMerchant,
  loadSession,
  openDatabase,
  type RunningProvider,
  startProvider,
} from "@payment-session/reference-provider";
import {
  bulkSeedSessions,
  countingDatabase,
  dataField,
  expect,
  fmtMs,
  type JsonClient,
  jsonClient,
  type LevelResult,
  percentile,
  row,
  runLevel,
} from "./providerLoad.js";

/** `pg`, the provider's own driver (a dependency of that package, not of the root). */
export const pg = createRequire(join(import.meta.dirname, "../packages/reference-provider/package.json"))(
  "pg",
) as {
  readonly Client: new (options: {
    readonly connectionString: string;
  }) => {
    connect(): Promise<void>;
    query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
    end(): Promise<void>;
  };
};

const env = process.env;
const SECONDS = Number(env.BENCH_PROVIDER_SECONDS ?? "2");
const LEVELS = (env.BENCH_PROVIDER_LEVELS ?? "1,16,64").split(",").map(Number);
const GROWTH = (env.BENCH_PROVIDER_GROWTH ?? "10000")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const DRIVERS = (env.BENCH_PROVIDER_DRIVERS ?? "pglite,postgres").split(",");
const DATABASE_URL = env.BENCH_DATABASE_URL ?? env.DATABASE_URL;
const INSTANCES = env.BENCH_PROVIDER_INSTANCES !== "0";
const MAX_UNITS = 50_000;
const OVERDUE = 10_000;
const WARMUP = 40;

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;

const createBody = (reference: string) => ({
  clientReferenceId: reference,
  amount: { value: 20000, currency: "IDR" },
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Bench" } },
  mode: "API",
  autoConfirm: false,
});
const confirmBody = {
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Bench" } },
};

interface Made {
  readonly id: string;
  readonly reference: string;
}

/** The merchant's requests, on a token of `POST /v1/access-token`. */
export const merchantApi = async (clients: ReadonlyArray<JsonClient>) => {
  const first = clients[0];
  if (first === undefined) throw new Error("no client");
  const token = dataField(
    expect(
      await first.send(
        "POST",
        "/v1/access-token",
        { "x-merchant-id": demoMerchant.id, "x-merchant-secret": demoMerchant.secret },
        { grantType: "client_credentials" },
      ),
      200,
      "access token",
    ).body,
    "accessToken",
  );
  const auth = { authorization: `Bearer ${token}` };
  let n = 0;
  const pick = () => clients[n++ % clients.length] ?? first;
  return {
    create: async (reference: string) => {
      const a = expect(
        await pick().send(
          "POST",
          "/v2/payments",
          { ...auth, "x-request-id": randomUUID() },
          createBody(reference),
        ),
        200,
        "create",
      );
      return { ms: a.ms, id: dataField(a.body, "id") };
    },
    get: async (id: string) => expect(await pick().send("GET", `/v2/payments/${id}`, auth), 200, "get").ms,
    confirm: async (id: string) =>
      expect(
        await pick().send(
          "POST",
          `/v2/payments/${id}/confirm`,
          { ...auth, "x-request-id": randomUUID() },
          confirmBody,
        ),
        200,
        "confirm",
      ).ms,
    listByReference: async (reference: string) =>
      expect(
        await pick().send("GET", `/v2/payments?clientReferenceId=${encodeURIComponent(reference)}`, auth),
        200,
        "list by clientReferenceId",
      ).ms,
    listFirstPage: async () =>
      expect(await pick().send("GET", "/v2/payments?perPage=10", auth), 200, "list").ms,
  };
};

type MerchantApi = Awaited<ReturnType<typeof merchantApi>>;

let runTag = 0;

/** The create+get loop at `concurrency`; resolves the level's figures and the sessions it made. */
const createGetLevel = async (api: MerchantApi, concurrency: number) => {
  const made: Made[] = [];
  const tag = `b${runTag++}-${randomUUID().slice(0, 6)}`;
  const result = await runLevel(concurrency, SECONDS, MAX_UNITS, async (i, record) => {
    const reference = `${tag}-${i}`;
    const created = await api.create(reference);
    record("create", created.ms);
    record("get", await api.get(created.id));
    made.push({ id: created.id, reference });
  });
  return { result, made };
};

/** confirm + list by reference (+ the unfiltered first page every 4th) on sessions `made`. */
const confirmListLevel = (api: MerchantApi, concurrency: number, made: ReadonlyArray<Made>) =>
  runLevel(concurrency, SECONDS / 2, made.length, async (i, record) => {
    const session = made[i];
    if (session === undefined) return;
    record("confirm", await api.confirm(session.id));
    record("list ref", await api.listByReference(session.reference));
    if (i % 4 === 0) record("list", await api.listFirstPage());
  });

/**
 * The raw store loop's unit (the overhead's baseline): insert a session row like `template` as a
 * create does (deferred in its transaction: one round trip on a server), then read it back.
 */
export const rawStoreRound = async (
  db: Database,
  template: { snapshot: unknown; expiryAt: number | null },
) => {
  const id = randomUUID();
  const session = {
    id,
    merchantId: demoMerchant.id,
    clientReferenceId: `raw-${id.slice(0, 8)}`,
    status: "REQUIRE_ACTION",
    paymentType: "SINGLE",
    expiryAt: template.expiryAt,
    snapshot: template.snapshot,
    createdAt: Date.now(),
  };
  await db.transaction(async (tx) => deferInsertSession(tx, session));
  if ((await loadSession(db, demoMerchant.id, id)) === null) throw new Error(`raw row ${id} not found`);
};

const rawLevel = (
  db: Database,
  concurrency: number,
  template: { snapshot: unknown; expiryAt: number | null },
) =>
  runLevel(concurrency, SECONDS / 2, MAX_UNITS, async (_i, record) => {
    const t0 = performance.now();
    await rawStoreRound(db, template);
    record("raw", performance.now() - t0);
  });

const ENDPOINTS = ["create", "get", "confirm", "list ref", "list"] as const;

const printLevels = (
  title: string,
  levels: ReadonlyArray<{ loop: LevelResult; mix: LevelResult; raw?: LevelResult | undefined }>,
) => {
  console.log(title);
  const widths = [7, 9, 9, ...ENDPOINTS.map(() => 15), 10, 9];
  console.log(
    row(
      [
        "clients",
        "req/s",
        "loops/s",
        ...ENDPOINTS.map((e) => `${e} p50/p99`),
        levels.some((l) => l.raw) ? "raw ops/s" : "",
        levels.some((l) => l.raw) ? "overhead" : "",
      ],
      widths,
    ),
  );
  for (const { loop, mix, raw } of levels) {
    const loops = loop.units / loop.seconds;
    const cell = (name: string) => {
      const list = loop.byName.get(name) ?? mix.byName.get(name) ?? [];
      return `${fmtMs(percentile(list, 50))}/${fmtMs(percentile(list, 99))}`;
    };
    const rawOps = raw === undefined ? Number.NaN : raw.units / raw.seconds;
    console.log(
      row(
        [
          String(loop.concurrency),
          (loop.requests / loop.seconds).toFixed(0),
          loops.toFixed(0),
          ...ENDPOINTS.map(cell),
          raw === undefined ? "" : rawOps.toFixed(0),
          raw === undefined ? "" : `${(rawOps / loops).toFixed(2)}×`,
        ],
        widths,
      ),
    );
  }
};

const runLevels = async (
  api: MerchantApi,
  db: Database | undefined,
  template?: { snapshot: unknown; expiryAt: number | null },
) => {
  const out: Array<{ loop: LevelResult; mix: LevelResult; raw?: LevelResult | undefined }> = [];
  for (const concurrency of LEVELS) {
    const { result, made } = await createGetLevel(api, concurrency);
    const mix = await confirmListLevel(api, concurrency, made);
    const raw =
      db !== undefined && template !== undefined ? await rawLevel(db, concurrency, template) : undefined;
    out.push({ loop: result, mix, raw });
  }
  return out;
};

/** The plan's first line and its execution time, for a query at the current size. */
const explain = async (db: Database, sql: string, params: ReadonlyArray<string | number>) => {
  const { rows } = await db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, [
    ...params,
  ]);
  const lines = rows.map((r) => Object.values(r)[0] ?? "");
  const scan = lines.find((l) => /Scan|Seq/.test(l))?.trim() ?? lines[0] ?? "";
  const time = lines.find((l) => l.startsWith("Execution Time")) ?? "";
  return `${scan.replace(/\s+\(cost=.*$/, "").replace(/^->\s*/, "")}; ${time}`;
};

const growthStage = async (provider: RunningProvider, api: MerchantApi, size: number, template: Made) => {
  const db = provider.services.db;
  const count = async () =>
    Number(
      (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM payment_sessions")).rows[0]?.n ?? 0,
    );
  const before = await count();
  const t0 = performance.now();
  if (size > before) {
    await bulkSeedSessions(db, {
      merchantId: demoMerchant.id,
      count: size - before,
      templateId: template.id,
      prefix: `seed${size}`,
      now: Date.now(),
      // Open for 30 days: in the sweeper's index, never due during the run.
      expiryAt: Date.now() + 30 * 86_400_000,
    });
    await db.query("ANALYZE payment_sessions");
  }
  const seeded = (performance.now() - t0) / 1000;
  const stored = await count();
  printLevels(
    `\n${stored} sessions stored (${Math.max(0, size - before)} seeded by INSERT … SELECT generate_series in ${seeded.toFixed(1)} s); ${load()}`,
    await runLevels(api, undefined),
  );
  // The sweeper on OVERDUE sessions whose expiry passed (seeded with an expiry 1 h ahead, swept at +2 h,
  // so the background sweeper on the wall clock leaves them to this one).
  const at = Date.now();
  await bulkSeedSessions(db, {
    merchantId: demoMerchant.id,
    count: OVERDUE,
    templateId: template.id,
    prefix: `overdue${size}`,
    now: at,
    expiryAt: at + 3_600_000,
  });
  const sweepAt = at + 7_200_000;
  const claimSql = `SELECT id FROM payment_sessions
      WHERE expiry_at IS NOT NULL AND status NOT IN ('PAID', 'CANCELLED', 'EXPIRED', 'INACTIVE')
        AND expiry_at <= to_timestamp($1::double precision / 1000)
      ORDER BY expiry_at, id LIMIT 100`;
  const claimPlan = await explain(db, claimSql, [sweepAt]);
  const s0 = performance.now();
  const swept = await provider.sweepExpired(sweepAt);
  const sweepSeconds = (performance.now() - s0) / 1000;
  const listPlan = await explain(
    db,
    `SELECT id FROM payment_sessions WHERE merchant_id = $1 AND client_reference_id = $2
      ORDER BY created_at DESC, id DESC LIMIT 10`,
    [demoMerchant.id, `seed${size}-5`],
  );
  const countPlan = await explain(db, "SELECT count(*) FROM payment_sessions WHERE merchant_id = $1", [
    demoMerchant.id,
  ]);
  console.log(
    `sweeper: ${swept} overdue sessions expired in ${sweepSeconds.toFixed(2)} s (${(swept / sweepSeconds).toFixed(0)}/s) among ${stored + OVERDUE} stored`,
  );
  console.log(`  EXPLAIN claim overdue:  ${claimPlan}`);
  console.log(`  EXPLAIN list by ref:    ${listPlan}`);
  console.log(`  EXPLAIN count (list):   ${countPlan}`);
};

const runDriver = async (driver: "pglite" | "postgres") => {
  let dataDir: string | undefined;
  let dbName: string | undefined;
  let url: string | undefined;
  if (driver === "pglite") {
    dataDir = mkdtempSync(join(tmpdir(), "bench-provider-"));
  } else {
    if (DATABASE_URL === undefined || DATABASE_URL === "") {
      console.log(
        "postgres: skipped (set DATABASE_URL or BENCH_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)",
      );
      return;
    }
    dbName = `bench_provider_${process.pid}_${Date.now() % 100000}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(DATABASE_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const opened =
    driver === "pglite"
      ? await openDatabase({ dataDir: join(dataDir ?? "", "pglite") })
      : await openDatabase({ url, poolSize: Number(env.BENCH_POOL_SIZE ?? "10") });
  const counting = countingDatabase(opened);
  const provider = await startProvider({
    port: 0,
    host: "127.0.0.1",
    db: counting.db,
    merchants: [demoMerchant],
    background: true,
  });
  const client = jsonClient(provider.url);
  try {
    console.log(
      `\n== ${driver} ${driver === "postgres" ? `(${DATABASE_URL}, database ${dbName})` : "(temporary data folder)"}; ${load()}`,
    );
    const api = await merchantApi([client]);
    for (let i = 0; i < WARMUP; i++) {
      const { id } = await api.create(`warm-${i}`);
      await api.get(id);
      await api.confirm(id);
      await api.listByReference(`warm-${i}`);
    }
    // 1. statements per request
    let made: Made | undefined;
    let counter = 0;
    const toConfirm: string[] = [];
    for (let i = 0; i < 5; i++) toConfirm.push((await api.create(`count-c${i}`)).id);
    const one = [
      [
        "create",
        async () => {
          const reference = `count-${counter++}`;
          made = { id: (await api.create(reference)).id, reference };
        },
      ],
      ["get", () => api.get(made?.id ?? "")],
      ["confirm", () => api.confirm(toConfirm.pop() ?? "")],
      ["list ref", () => api.listByReference(made?.reference ?? "")],
    ] as const;
    const counts: string[] = [];
    for (const [name, fn] of one) {
      const { n, roundTrips, sql } = await counting.count(fn);
      counts.push(
        `${name.padEnd(8)} ${n} statements${driver === "postgres" ? `, ${roundTrips} round trips` : ""}: ${sql.join("; ")}`,
      );
    }
    console.log(`per request, fewest of 5 (background tasks share the database):\n  ${counts.join("\n  ")}`);

    const stored = await loadSession(opened, demoMerchant.id, made?.id ?? "");
    if (stored === null) throw new Error("the counted session is not stored");
    const template = { snapshot: stored.row.snapshot, expiryAt: stored.row.expiryAt };
    printLevels(
      `\ncreate+get loop (req/s, loops/s), then confirm + list by clientReferenceId (+ unfiltered first page) on its sessions; p50/p99 in ms; raw = deferInsertSession + loadSession; ${load()}`,
      await runLevels(api, opened, template),
    );
    const templateSession = made;
    if (templateSession === undefined) throw new Error("no template session");
    for (const size of GROWTH) await growthStage(provider, api, size, templateSession);
    const rss = process.memoryUsage().rss / 1024 / 1024;
    console.log(`RSS at the end (${driver}, server + load generator in this process): ${rss.toFixed(0)} MB`);
  } finally {
    client.close();
    await provider.close();
    await opened.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
  if (INSTANCES && driver === "pglite") await runInstances("pglite", "");
  if (driver === "postgres" && url !== undefined) {
    if (INSTANCES) await runInstances("postgres", url);
    const admin = new pg.Client({ connectionString: DATABASE_URL ?? "" });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
};

/** A provider process (bench/providerInstance.ts) on `env` (`DATABASE_URL`, or PGlite in `BENCH_DATA_DIR`). */
export const startInstance = (
  url: string,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // e.g. BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a profile of the provider alone.
        ...(process.env.BENCH_INSTANCE_NODE_ARGS ?? "").split(" ").filter((a) => a !== ""),
        "-C",
        "@payment-session/source",
        "--import",
        "tsx",
        join(import.meta.dirname, "providerInstance.ts"),
      ],
      { env: { ...process.env, DATABASE_URL: url, ...env }, stdio: ["ignore", "pipe", "inherit"] },
    );
    child.on("error", reject);
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const parsed: unknown = JSON.parse(line);
      const base = typeof parsed === "object" && parsed !== null && "url" in parsed ? String(parsed.url) : "";
      resolve({
        url: base,
        pid: child.pid ?? 0,
        stop: () =>
          new Promise((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });

/** Resident memory of process `pid` (MB), from `/proc` (Linux), or NaN. */
const rssOf = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? Number.NaN : Number(m[1]) / 1024;
  } catch {
    return Number.NaN;
  }
};

/** req/s of the create+get loop with the provider in its own process, by driver and level (1 process). */
const separateRates = new Map<string, number>();

/**
 * The provider in processes of its own, as `pnpm start` runs it (this process only generates the
 * load, so the provider has a core to itself): the create+get loop at every level, per-endpoint
 * p50/p99; on PostgreSQL one process vs two on the same database.
 */
const runInstances = async (driver: "pglite" | "postgres", url: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-instance-"));
  const count = driver === "postgres" ? 2 : 1;
  const instances: Array<Awaited<ReturnType<typeof startInstance>>> = [];
  for (let i = 0; i < count; i++)
    instances.push(await startInstance(url, { BENCH_DATA_DIR: join(dataDir, `p${i}`) }));
  const clients = instances.map((i) => jsonClient(i.url));
  const widths = [7, 9, 9, 15, 15, 9];
  try {
    console.log(
      `
${driver}: the provider in its own process${count > 1 ? "es (one or two on one database)" : ""}, load generator in this one; create+get loop; ${load()}`,
    );
    console.log(row(["clients", "processes", "req/s", "create p50/p99", "get p50/p99", "p99/p50"], widths));
    for (const concurrency of LEVELS) {
      for (let used = 1; used <= count; used++) {
        if (used > 1 && concurrency === 1) continue;
        const api = await merchantApi(clients.slice(0, used));
        for (let i = 0; i < WARMUP; i++) await api.get((await api.create(`warm-${used}-${i}`)).id);
        const { result } = await createGetLevel(api, concurrency);
        const cell = (name: string) => {
          const list = result.byName.get(name) ?? [];
          return `${fmtMs(percentile(list, 50))}/${fmtMs(percentile(list, 99))}`;
        };
        const ratio = Math.max(
          ...["create", "get"].map((name) => {
            const list = result.byName.get(name) ?? [];
            return percentile(list, 99) / percentile(list, 50);
          }),
        );
        const rate = result.requests / result.seconds;
        if (used === 1) separateRates.set(`${driver} ${concurrency}`, rate);
        console.log(
          row(
            [
              String(concurrency),
              String(used),
              rate.toFixed(0),
              cell("create"),
              cell("get"),
              `${ratio.toFixed(1)}×`,
            ],
            widths,
          ),
        );
      }
    }
    console.log(
      `RSS of the provider process${count > 1 ? "es" : ""} at the end: ${instances.map((i) => `${rssOf(i.pid).toFixed(0)} MB`).join(", ")}`,
    );
    if (driver === "postgres") {
      const ratios = LEVELS.flatMap((l) => {
        const pgRate = separateRates.get(`postgres ${l}`);
        const liteRate = separateRates.get(`pglite ${l}`);
        return pgRate === undefined || liteRate === undefined
          ? []
          : [`${l}: ${(pgRate / liteRate).toFixed(2)}×`];
      });
      if (ratios.length > 0)
        console.log(`PostgreSQL ÷ PGlite (one process each), by clients: ${ratios.join(", ")}`);
    }
  } finally {
    for (const c of clients) c.close();
    for (const i of instances) await i.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** Runs the provider benchmark on every driver asked for and prints its tables. */
export const runProviderBench = async (): Promise<void> => {
  const started = performance.now();
  for (const driver of DRIVERS) {
    if (driver !== "pglite" && driver !== "postgres") throw new Error(`unknown driver ${driver}`);
    await runDriver(driver);
  }
  console.log(
    `\nfigures from: pnpm bench provider (BENCH_PROVIDER_SECONDS=${SECONDS}, BENCH_PROVIDER_LEVELS=${LEVELS.join(",")}, BENCH_PROVIDER_GROWTH=${GROWTH.join(",") || 0}, drivers ${DRIVERS.join(",")}); Node ${process.version}, ${availableParallelism()} cores; ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
};

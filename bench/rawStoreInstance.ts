/**
 * The raw store loop of `pnpm bench provider-cpu` in a process of its own (`BENCH_CPU_RAW_PROCESS=1`,
 * the measurement of whether the raw loop should pay the same process costs as the provider):
 * opens `DATABASE_URL`, or PGlite in `BENCH_DATA_DIR` when there is no URL, takes the round's
 * template from `BENCH_RAW_TEMPLATE` (JSON), prints `{ "pid": … }` when ready, then for each line
 * `N` on stdin runs N raw rounds (`rawStoreRound`) at `BENCH_CPU_CLIENTS` and prints `done`.
 */
import { join } from "node:path";
import { createInterface } from "node:readline";
import { openDatabase } from "@payment-session/reference-provider";
import { rawStoreRound } from "./provider.js";
import { runLevel } from "./providerLoad.js";

const url = process.env.DATABASE_URL;
const clients = Number(process.env.BENCH_CPU_CLIENTS ?? "16");
const template = JSON.parse(process.env.BENCH_RAW_TEMPLATE ?? "null") as {
  snapshot: unknown;
  expiryAt: number | null;
};
const db =
  url === undefined || url === ""
    ? await openDatabase({ dataDir: join(process.env.BENCH_DATA_DIR ?? ".data", "pglite") })
    : await openDatabase({ url, poolSize: Number(process.env.BENCH_POOL_SIZE ?? "10") });
console.log(JSON.stringify({ pid: process.pid }));
for await (const line of createInterface({ input: process.stdin })) {
  const n = Number(line);
  if (!Number.isFinite(n) || n <= 0) break;
  await runLevel(clients, 3600, n, () => rawStoreRound(db, template));
  console.log("done");
}
await db.close();

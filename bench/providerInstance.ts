/**
 * One provider instance for the provider benchmark's "instances" and "cpu" sections: started on
 * `DATABASE_URL` (as `pnpm start` does, without the sandbox's extra routes), or on PGlite in
 * `BENCH_DATA_DIR` when there is no URL, on a free port; prints one JSON line `{ "url": … }` when it
 * listens and stops on SIGTERM. `BENCH_BACKGROUND=0` leaves the sweeper and dispatcher off.
 * `BENCH_PGLITE_BATCHED=0` (PGlite): transactions through PGlite's `transaction()`, one call into
 * the database per statement, instead of decision P22's batches (`pnpm bench pglite-batch`'s baseline).
 * `BENCH_PROVIDER_SLOWDOWN_MS=0.2`: a deliberate defect, a busy loop of that many ms of CPU time at the
 * start of every HTTP request (`http.server.request.start`), to show that `pnpm bench provider-cpu`'s
 * overhead rises by about the expected amount.
 */
import { subscribe } from "node:diagnostics_channel";
import { join } from "node:path";
import { demoMerchant, startProvider } from "@payment-session/reference-provider";
import { runMigrations } from "../packages/reference-provider/src/store/index.js";
import { openPglite } from "../packages/reference-provider/src/store/internal/pglite.js";

const slowdownMs = Number(process.env.BENCH_PROVIDER_SLOWDOWN_MS ?? "0");
if (slowdownMs > 0) {
  subscribe("http.server.request.start", () => {
    // CPU time, not wall time: a descheduled provider must still spend the whole slowdown.
    const start = process.cpuUsage();
    const until = start.user + start.system + slowdownMs * 1000;
    for (let used = 0; used < until; ) {
      const { user, system } = process.cpuUsage();
      used = user + system;
    }
  });
}

const url = process.env.DATABASE_URL;
const pglite = url === undefined || url === "";
const unbatched = pglite && process.env.BENCH_PGLITE_BATCHED === "0";
const db = unbatched
  ? await openPglite({
      dataDir: join(process.env.BENCH_DATA_DIR ?? ".data", "pglite"),
      schema: undefined,
      batched: false,
    })
  : undefined;
if (db !== undefined) await runMigrations(db);
const provider = await startProvider({
  port: 0,
  host: "127.0.0.1",
  ...(pglite ? { dataDir: process.env.BENCH_DATA_DIR } : { databaseUrl: url }),
  ...(db === undefined ? {} : { db }),
  merchants: [demoMerchant],
  background: process.env.BENCH_BACKGROUND !== "0",
});
console.log(JSON.stringify({ url: provider.url, pid: process.pid }));
process.on("SIGTERM", () => {
  provider
    .close()
    .then(() => db?.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});

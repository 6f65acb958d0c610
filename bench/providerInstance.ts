/**
 * One provider instance for the provider benchmark's "instances" and "cpu" sections: started on
 * `DATABASE_URL` (as `pnpm start` does, without the sandbox's extra routes), or on PGlite in
 * `BENCH_DATA_DIR` when there is no URL, on a free port; prints one JSON line `{ "url": … }` when it
 * listens and stops on SIGTERM. `BENCH_BACKGROUND=0` leaves the sweeper and dispatcher off.
 */
import { demoMerchant, startProvider } from "@payment-session/reference-provider";

const url = process.env.DATABASE_URL;
const provider = await startProvider({
  port: 0,
  host: "127.0.0.1",
  ...(url === undefined || url === "" ? { dataDir: process.env.BENCH_DATA_DIR } : { databaseUrl: url }),
  merchants: [demoMerchant],
  background: process.env.BENCH_BACKGROUND !== "0",
});
console.log(JSON.stringify({ url: provider.url, pid: process.pid }));
process.on("SIGTERM", () => {
  provider.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

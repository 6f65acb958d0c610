/**
 * One provider instance for the provider benchmark's "instances" section: started on
 * `DATABASE_URL` (as `pnpm start` does, without the sandbox's extra routes), on a free port; prints
 * one JSON line `{ "url": … }` when it listens and stops on SIGTERM.
 */
import { demoMerchant, startProvider } from "@payment-session/reference-provider";

const provider = await startProvider({
  port: 0,
  host: "127.0.0.1",
  databaseUrl: process.env.DATABASE_URL,
  merchants: [demoMerchant],
  background: true,
});
console.log(JSON.stringify({ url: provider.url, pid: process.pid }));
process.on("SIGTERM", () => {
  provider.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

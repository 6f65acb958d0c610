/**
 * `pnpm start [--port N] [--host H] [--data-dir DIR] [--callback-url URL] [--public-url URL]`: the sandbox a merchant
 * points an app at. Embedded PostgreSQL (PGlite) in DIR (default `.data`), or the server of
 * `DATABASE_URL`. Prints the URL, the demo credentials and where the API docs are; Ctrl-C stops it.
 */
import { parseArgs } from "node:util";
import { demoMerchant, StoreError, startProvider } from "../src/index.js";

const usage = `Usage: pnpm start [--port N] [--host HOST] [--data-dir DIR] [--callback-url URL] [--public-url URL]

  --port N            port to listen on (default 4000; 0 = any free port)
  --host HOST         interface to listen on (default 127.0.0.1)
  --data-dir DIR      folder of the embedded database (default .data)
  --callback-url URL  where the demo merchant's webhooks go (default: $CALLBACK_URL, else none)
  --public-url URL    the base URL browsers reach the sandbox at (hosted pages; default: the listening address)

  DATABASE_URL=postgres://…  use a PostgreSQL server instead of the embedded database
  PAYMENT_SESSION_TOKEN_SECRET=…  sign access tokens with this secret (≥ 32 characters); without it,
                              the database's own random secret (made on first start, kept with the data)`;

const fail = (message: string): never => {
  console.error(`error: ${message}`);
  process.exit(1);
};

const causeChain = (error: unknown): ReadonlyArray<unknown> => {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10) {
    chain.push(current);
    current = typeof current === "object" && "cause" in current ? current.cause : undefined;
  }
  return chain;
};

const codeOf = (error: unknown): string | undefined => {
  for (const item of causeChain(error)) {
    if (typeof item === "object" && item !== null && "code" in item && typeof item.code === "string")
      return item.code;
  }
  return undefined;
};

const describe = (error: unknown, port: number, dataDir: string): string => {
  if (error instanceof StoreError) {
    switch (error.reason) {
      case "data_dir_in_use":
        return `the data folder ${dataDir} is in use by another process (${error.message})`;
      case "connect":
        return `cannot reach the database of DATABASE_URL: ${error.message}`;
      default:
        return `the database could not be opened: ${error.message}`;
    }
  }
  const code = codeOf(error);
  if (code === "EADDRINUSE") return `port ${port} is already in use (try --port 0 or another port)`;
  if (code === "EACCES") return `no permission to listen on port ${port}`;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND")
    return `cannot reach the database of DATABASE_URL (${code})`;
  return error instanceof Error ? error.message : String(error);
};

let args: ReturnType<typeof parseArgs<{ options: typeof options }>>;
const options = {
  port: { type: "string" },
  host: { type: "string" },
  "data-dir": { type: "string" },
  "callback-url": { type: "string" },
  "public-url": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;
try {
  args = parseArgs({ options, allowPositionals: false });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(1);
}
if (args.values.help === true) {
  console.log(usage);
  process.exit(0);
}
const port = Number(args.values.port ?? "4000");
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0–65535, got ${args.values.port}`);
const host = args.values.host ?? "127.0.0.1";
const dataDir = args.values["data-dir"] ?? ".data";
const databaseUrl = process.env.DATABASE_URL;
const callbackUrl = args.values["callback-url"] ?? process.env.CALLBACK_URL;
const merchant = { ...demoMerchant, callbackUrl };

const provider = await startProvider({
  port,
  host,
  dataDir,
  databaseUrl,
  merchants: [merchant],
  background: true,
  sandbox: { publicUrl: args.values["public-url"] },
}).catch((error: unknown) => fail(describe(error, port, dataDir)));

const storage =
  databaseUrl !== undefined && databaseUrl !== ""
    ? "PostgreSQL server (DATABASE_URL)"
    : `embedded PostgreSQL (PGlite) in ${dataDir}/pglite`;
console.log(`Pivot Payments v2 sandbox (payment-session reference provider) listening on ${provider.url}
  storage:         ${storage}
  API docs:        ${provider.url}/docs   (OpenAPI: ${provider.url}/openapi.json)
  demo merchant:   X-MERCHANT-ID: ${merchant.id}   X-MERCHANT-SECRET: ${merchant.secret}
  webhooks:        ${callbackUrl ?? "no callback URL (pass --callback-url URL); events wait in the outbox"}  X-API-Key: ${merchant.callbackApiKey}
  dashboard:       ${provider.url}/dashboard   (sessions, timelines, webhook ledger, test clock; sandbox only)
  test clock:      curl -s -X POST ${provider.url}/_sandbox/clock -H 'Content-Type: application/json' -d '{"advanceSeconds":3600}'   (sandbox only)
  get a token:     curl -s -X POST ${provider.url}/v1/access-token -H 'X-MERCHANT-ID: ${merchant.id}' -H 'X-MERCHANT-SECRET: ${merchant.secret}' -H 'Content-Type: application/json' -d '{"grantType":"client_credentials"}'
Press Ctrl-C to stop.`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  provider.close().then(
    () => process.exit(0),
    (error: unknown) => fail(`while stopping: ${String(error)}`),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

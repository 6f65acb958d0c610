#!/usr/bin/env node
// `pnpm verify`'s entry. Runs bin/verify.ts and its verification worker
// (src/contracts/verifyWorker.ts) as two prebuilt ESM bundles (verifyBundle.mjs) instead of through
// tsx: loading the provider's sources through tsx's loader hooks (Effect alone is about a thousand
// modules) cost more CPU than verifying every contract. The bundles live in
// node_modules/.cache/payment-session/verify-bundle/ and are rebuilt whenever a file they were built
// from changed, so an edited source is always what runs. PAYMENT_SESSION_VERIFY_BUNDLE=off runs the
// sources through tsx as before (the benchmark's baseline); a bundle that cannot be built falls back
// to that too, with a note on stderr.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildBundle, freshBundle } from "./verifyBundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const cacheRoot = join(root, "node_modules", ".cache", "payment-session", "verify-bundle");
const entries = {
  verify: join(here, "verify.ts"),
  worker: join(here, "..", "src", "contracts", "verifyWorker.ts"),
};

/** The sources through tsx, as `pnpm verify` ran before the bundles (and when they cannot be built). */
const runThroughTsx = () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(
    process.execPath,
    ["-C", "@payment-session/source", "--import", tsx, entries.verify, ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
  });
};

const bundleOrReason = async () => {
  if (process.env.PAYMENT_SESSION_VERIFY_BUNDLE === "off") return { reason: undefined };
  const fresh = freshBundle(cacheRoot, entries);
  if (fresh !== undefined) return { dir: fresh };
  try {
    return { dir: await buildBundle(cacheRoot, entries) };
  } catch (error) {
    const first = error?.errors?.[0];
    const where = first?.location ? ` (${relative(root, first.location.file)}:${first.location.line})` : "";
    return { reason: `${first?.text ?? error?.message ?? String(error)}${where}` };
  }
};

// A run whose parent went away stops (decision P15). `pnpm verify` runs this file under `sh -c`:
// a SIGTERM to pnpm ends the shell, not this process, which was then left running — `--serve` until
// the machine stopped. Orphaned, its parent id changes: it sends itself SIGTERM (`--serve` closes the
// provider and exits; a verification ends with its worker).
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) process.kill(process.pid, "SIGTERM");
}, 250).unref();

const bundle = await bundleOrReason();
if (bundle.dir === undefined) {
  if (bundle.reason !== undefined)
    process.stderr.write(
      `note: running the sources through tsx: the bundle could not be built: ${bundle.reason}\n`,
    );
  runThroughTsx();
} else {
  // Read by startVerifyWorker: fork this bundle with plain Node instead of the worker's source with tsx.
  process.env.PAYMENT_SESSION_VERIFY_WORKER_BUNDLE = join(bundle.dir, "worker.mjs");
  await import(pathToFileURL(join(bundle.dir, "verify.mjs")).href);
}

#!/usr/bin/env node
// `pnpm verify`'s entry. Runs bin/verify.ts and its verification worker
// (src/contracts/verifyWorker.ts) as two prebuilt ESM bundles instead of through tsx: loading the
// provider's sources through tsx's loader hooks (Effect alone is about a thousand modules) cost more
// CPU than the whole verification of every contract. The bundles are the same sources, compiled by
// the same compiler tsx uses (esbuild), with the workspace's source condition; packages that load
// files or native code of their own (PGlite's WASM, the Pact core, pg, playwright-core) stay outside
// and are imported from where they are installed.
//
// The bundles live in node_modules/.cache/payment-session/verify-bundle/ with the list of every file
// they were built from (size and modification time). Each run checks that list (a stat per file,
// a few ms) and rebuilds when any file changed, appeared in place of one or went away, so an edited
// source is always what runs. PAYMENT_SESSION_VERIFY_BUNDLE=off runs the sources through tsx as
// before (the benchmark's baseline); a bundle that cannot be built falls back to that too.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const cacheRoot = join(root, "node_modules", ".cache", "payment-session", "verify-bundle");
const pointerFile = join(cacheRoot, "current.json");
const entries = {
  verify: join(here, "verify.ts"),
  worker: join(here, "..", "src", "contracts", "verifyWorker.ts"),
};
/** Packages that read files next to their own modules or load native code: imported where installed. */
const external = ["@electric-sql/pglite", "@pact-foundation/pact", "pg", "playwright-core"];
/** Bumped when the build below changes in a way the inputs' list cannot see. */
const FORMAT = 1;

const fingerprint = (file) => {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
};

/** The bundle folder the pointer names, when every file it was built from is unchanged. */
const freshBundle = () => {
  let pointer;
  try {
    pointer = JSON.parse(readFileSync(pointerFile, "utf8"));
  } catch {
    return undefined;
  }
  if (pointer.format !== FORMAT || pointer.node !== process.version) return undefined;
  try {
    for (const [file, print] of Object.entries(pointer.inputs))
      if (fingerprint(file) !== print) return undefined;
    statSync(join(cacheRoot, pointer.dir, "verify.mjs"));
    statSync(join(cacheRoot, pointer.dir, "worker.mjs"));
  } catch {
    return undefined;
  }
  return join(cacheRoot, pointer.dir);
};

/** Source texts that use `import.meta`: each keeps its own file's URL (relative reads, createRequire). */
const ownImportMeta = {
  name: "own-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.(m?[jt]s|[jt]sx)$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const loader = /\.m?ts$/.test(args.path) ? "ts" : /x$/.test(args.path) ? args.path.slice(-3) : "js";
      if (!text.includes("import.meta")) return { contents: text, loader };
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return {
        contents: text
          .replaceAll("import.meta.url", url)
          .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
          .replaceAll("import.meta.filename", JSON.stringify(args.path)),
        loader,
      };
    });
  },
};

/** The external packages, imported by absolute path (the bundle's folder has no node_modules). */
const installedExternals = (resolvedFiles) => ({
  name: "installed-externals",
  setup(build) {
    const filter = new RegExp(
      `^(${external.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})(/.*)?$`,
    );
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData === "installed-externals") return undefined;
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "installed-externals",
      });
      if (found.errors.length > 0) return { errors: found.errors };
      resolvedFiles.add(found.path);
      return { path: found.path, external: true };
    });
  },
});

/** Builds both bundles into a new folder, then points current.json at it (a reader never sees half). */
const buildBundle = async () => {
  const { build } = await import("esbuild");
  const externals = new Set();
  const dir = `b-${Date.now().toString(36)}-${process.pid}`;
  const outdir = join(cacheRoot, dir);
  const result = await build({
    entryPoints: entries,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${process.versions.node}`,
    conditions: ["@payment-session/source"],
    metafile: true,
    logLevel: "silent",
    // CommonJS modules inside the bundle (ws, …) call require.
    banner: {
      js: 'import { createRequire as __verifyBundleRequire } from "node:module"; const require = __verifyBundleRequire(import.meta.url);',
    },
    plugins: [installedExternals(externals), ownImportMeta],
  });
  const inputs = {};
  for (const file of [
    fileURLToPath(import.meta.url),
    ...Object.keys(result.metafile.inputs).map((input) => join(process.cwd(), input)),
    ...externals,
  ])
    inputs[file] = fingerprint(file);
  const pointer = { format: FORMAT, node: process.version, dir, inputs };
  const partial = `${pointerFile}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(pointer));
  renameSync(partial, pointerFile);
  // Older bundles: removed once they are an hour old (a run that started on one may still fork its worker).
  for (const entry of readdirSync(cacheRoot)) {
    if (!entry.startsWith("b-") || entry === dir) continue;
    try {
      if (Date.now() - statSync(join(cacheRoot, entry)).mtimeMs > 3_600_000)
        rmSync(join(cacheRoot, entry), { recursive: true, force: true });
    } catch {
      // another run removed it
    }
  }
  return outdir;
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
  const fresh = freshBundle();
  if (fresh !== undefined) return { dir: fresh };
  try {
    mkdirSync(cacheRoot, { recursive: true });
    return { dir: await buildBundle() };
  } catch (error) {
    const first = error?.errors?.[0];
    const where = first?.location ? ` (${relative(root, first.location.file)}:${first.location.line})` : "";
    return { reason: `${first?.text ?? error?.message ?? String(error)}${where}` };
  }
};

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

// The prebuilt bundles of `pnpm verify` (see verify.mjs): ESM bundles of TypeScript entries, built
// with esbuild (the compiler tsx uses) with the workspace's source condition, kept in a cache folder
// beside the list of every file they were built from (size and modification time) and rebuilt when
// any of those files changed, appeared in place of one or went away: an edited source is always what
// runs. Packages that read files next to their own modules or load native code stay outside the
// bundle and are imported from where they are installed. Exported for verify.mjs and its test.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Packages that read files next to their own modules or load native code: imported where installed. */
export const externalPackages = [
  "@electric-sql/pglite",
  "@pact-foundation/pact",
  "@pact-foundation/pact-core",
  "pg",
  "playwright-core",
];
/** Bumped when the build below changes in a way the inputs' list cannot see. */
const FORMAT = 1;

const fingerprint = (file) => {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
};

const pointerOf = (cacheRoot) => join(cacheRoot, "current.json");

/**
 * The folder of the bundles in `cacheRoot` when every file they were built from is unchanged and
 * every entry's bundle (`<name>.mjs`) is there; else undefined.
 */
export const freshBundle = (cacheRoot, entries) => {
  let pointer;
  try {
    pointer = JSON.parse(readFileSync(pointerOf(cacheRoot), "utf8"));
  } catch {
    return undefined;
  }
  if (pointer.format !== FORMAT || pointer.node !== process.version) return undefined;
  if (JSON.stringify(pointer.entries) !== JSON.stringify(entries)) return undefined;
  try {
    for (const [file, print] of Object.entries(pointer.inputs))
      if (fingerprint(file) !== print) return undefined;
    for (const name of Object.keys(entries)) statSync(join(cacheRoot, pointer.dir, `${name}.mjs`));
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
      return {
        contents: text
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
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
    const names = externalPackages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|");
    build.onResolve({ filter: new RegExp(`^(${names})(/.*)?$`) }, async (args) => {
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

/** `esbuild.build(options)`, then its service stopped, whether the build succeeded or not. */
const build = async (esbuild, options) => {
  try {
    return await esbuild.build(options);
  } finally {
    await esbuild.stop();
  }
};

/**
 * Builds one bundle per entry (`{ name: file.ts }` → `<name>.mjs`) into a new folder of `cacheRoot`,
 * then points `current.json` at it (renamed into place: a reader never sees half). Folders of older
 * builds are removed once an hour old (a run that started on one may still fork its worker).
 */
export const buildBundle = async (cacheRoot, entries) => {
  const esbuild = await import("esbuild");
  mkdirSync(cacheRoot, { recursive: true });
  const externals = new Set();
  const dir = `b-${Date.now().toString(36)}-${process.pid}`;
  // esbuild's service (a child process it leaves running for the next call, unreferenced) is
  // stopped once the bundles are built: otherwise it would outlive the run by the moment it takes to
  // notice its parent is gone, a process left behind in the command's group (decision P15).
  const result = await build(esbuild, {
    entryPoints: entries,
    outdir: join(cacheRoot, dir),
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
  const pointer = { format: FORMAT, node: process.version, entries, dir, inputs };
  const partial = `${pointerOf(cacheRoot)}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(pointer));
  renameSync(partial, pointerOf(cacheRoot));
  for (const entry of readdirSync(cacheRoot)) {
    if (!entry.startsWith("b-") || entry === dir) continue;
    try {
      if (Date.now() - statSync(join(cacheRoot, entry)).mtimeMs > 3_600_000)
        rmSync(join(cacheRoot, entry), { recursive: true, force: true });
    } catch {
      // another run removed it
    }
  }
  return join(cacheRoot, dir);
};

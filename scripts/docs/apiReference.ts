/**
 * The API reference (docs/api/): typedoc with typedoc-plugin-markdown over each package's public
 * entry (src/index.ts), one Markdown page per package. Deterministic: no source links (no git
 * revision or absolute path), no dates; rendered into a fresh temporary folder and read back.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { Application, TSConfigReader, type TypeDocOptions } from "typedoc";
import type { PluginOptions } from "typedoc-plugin-markdown";

const root = resolve(import.meta.dirname, "../..");

/** The packages documented, by entry file and the name their page carries. */
export const documentedPackages: ReadonlyArray<{ readonly entry: string; readonly name: string }> = [
  { entry: "packages/core/src/index.ts", name: "@payment-session/core" },
  { entry: "packages/contracts/src/index.ts", name: "@payment-session/contracts" },
  { entry: "packages/reference-provider/src/index.ts", name: "@payment-session/reference-provider" },
];

/** The typedoc options (the generator's only configuration; `out` is set per run). */
export const typedocOptions: TypeDocOptions & Partial<PluginOptions> = {
  name: "payment-session API reference",
  entryPoints: documentedPackages.map((p) => join(root, p.entry)),
  tsconfig: join(root, "tsconfig.json"),
  plugin: ["typedoc-plugin-markdown"],
  readme: "none",
  // Source links would carry a git revision or an absolute path: off, so the output is the same everywhere.
  disableSources: true,
  disableGit: true,
  sourceLinkTemplate: "",
  // Other people's type errors are not the reference's concern (tsc runs in CI); skipping them is also faster.
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  logLevel: "Error",
  // typedoc-plugin-markdown: one page per package, no per-page header or breadcrumbs.
  outputFileStrategy: "modules",
  hidePageHeader: true,
  hideBreadcrumbs: true,
};

const filesUnder = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );

/** Renders the reference; answers every file as a path under docs/ (`api/…`) and its text. */
export const renderApiReference = async (): Promise<ReadonlyArray<{ path: string; text: string }>> => {
  const out = mkdtempSync(join(tmpdir(), "payment-session-typedoc-"));
  try {
    const app = await Application.bootstrapWithPlugins({ ...typedocOptions, out }, [new TSConfigReader()]);
    const project = await app.convert();
    if (project === undefined)
      throw new Error("typedoc could not convert the packages (see its errors above)");
    // Name each module after its package, not its folder ("core/src").
    for (const module of project.children ?? []) {
      const documented = documentedPackages.find(
        (p) => module.name === p.entry.replace(/^packages\//u, "").replace(/\/index\.ts$/u, ""),
      );
      if (documented !== undefined) module.name = documented.name;
    }
    await app.generateOutputs(project);
    if (app.logger.hasErrors()) throw new Error("typedoc reported errors");
    return filesUnder(out)
      .map((file) => ({
        path: `api/${relative(out, file).split(sep).join("/")}`,
        text: readFileSync(file, "utf8"),
      }))
      .sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};

/**
 * Generates the living documentation under docs/ from the code that runs.
 *
 *   pnpm run docs     write every generated file, remove files no generator writes any more
 *   pnpm docs:check   render into a temporary folder and fail, naming each file, if the committed docs/
 *                     differs (changed, missing, or a file that is neither generated nor hand-written)
 *
 * (`pnpm docs` alone is pnpm's own command that opens a package's web page: use `pnpm run docs`.)
 *
 * Each generator returns whole files; nothing under docs/ that a generator owns is written by hand.
 * Both modes then check every relative link of the pages (file and #anchor).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type GeneratedFile, generators, handWritten } from "./docs/generators.ts";
import { checkLinks } from "./docs/markdown.ts";

const root = resolve(import.meta.dirname, "..");
const docsDir = join(root, "docs");
const check = process.argv.includes("--check");

const filesUnder = (dir: string): ReadonlyArray<string> =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? filesUnder(join(dir, entry.name))
          : [relative(docsDir, join(dir, entry.name)).split(sep).join("/")],
      )
    : [];

/** Runs every generator; a generator that throws, or two that write one path, stop the run. */
const renderAll = async (): Promise<ReadonlyMap<string, string>> => {
  const files = new Map<string, string>();
  for (const generator of generators) {
    const started = performance.now();
    let rendered: ReadonlyArray<GeneratedFile>;
    try {
      rendered = await generator.render();
    } catch (error) {
      throw new Error(
        `docs: the ${generator.name} generator failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    for (const file of rendered) {
      if (files.has(file.path) || handWritten.includes(file.path)) {
        throw new Error(`docs: docs/${file.path} is written twice (by ${generator.name} and another)`);
      }
      files.set(file.path, file.text);
    }
    if (process.env.DOCS_TIMINGS !== undefined) {
      console.log(
        `  ${generator.name}: ${rendered.length} files in ${Math.round(performance.now() - started)} ms`,
      );
    }
  }
  return files;
};

const writeInto = (target: string, files: ReadonlyMap<string, string>) => {
  for (const [path, text] of files) {
    const file = join(target, path);
    if (existsSync(file) && readFileSync(file, "utf8") === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
};

/** Broken relative links of the pages (docs/api is typedoc's and only a link target). */
const brokenLinks = (files: ReadonlyMap<string, string>) => {
  const pages = new Map<string, string>(files);
  for (const path of handWritten) {
    const file = join(docsDir, path);
    if (existsSync(file)) pages.set(path, readFileSync(file, "utf8"));
  }
  const checked = new Map([...pages].filter(([path]) => !path.startsWith("api/")));
  return checkLinks(checked, (path) => {
    if (pages.has(path)) return pages.get(path) ?? "";
    const file = join(docsDir, path);
    if (!existsSync(file)) return null;
    return statSync(file).isDirectory() ? "" : readFileSync(file, "utf8");
  });
};

const reportLinks = (files: ReadonlyMap<string, string>): boolean => {
  const broken = brokenLinks(files);
  for (const b of broken) console.error(`docs link: docs/${b.page} → ${b.link}: ${b.reason}`);
  return broken.length === 0;
};

const main = async () => {
  const started = performance.now();
  const files = await renderAll();
  if (check) {
    const temp = mkdtempSync(join(tmpdir(), "payment-session-docs-"));
    try {
      writeInto(temp, files);
      const problems: Array<string> = [];
      for (const path of [...files.keys()].sort()) {
        const committed = join(docsDir, path);
        if (!existsSync(committed))
          problems.push(`docs drift: docs/${path} is missing (the code generates it)`);
        else if (readFileSync(committed, "utf8") !== readFileSync(join(temp, path), "utf8")) {
          problems.push(`docs drift: docs/${path} differs from what the code generates`);
        }
      }
      for (const path of filesUnder(docsDir)) {
        if (!files.has(path) && !handWritten.includes(path)) {
          problems.push(`docs drift: docs/${path} is neither generated nor a hand-written page`);
        }
      }
      for (const problem of problems) console.error(problem);
      const linksOk = reportLinks(files);
      if (problems.length > 0) console.error("run `pnpm run docs` and commit the result");
      if (problems.length > 0 || !linksOk) {
        process.exitCode = 1;
      } else {
        console.log(
          `docs: ${files.size} generated files are current, links resolve (${Math.round(performance.now() - started)} ms)`,
        );
      }
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return;
  }
  writeInto(docsDir, files);
  for (const path of filesUnder(docsDir)) {
    if (!files.has(path) && !handWritten.includes(path)) {
      rmSync(join(docsDir, path));
      console.log(`removed docs/${path} (no generator writes it any more)`);
    }
  }
  console.log(`docs: wrote ${files.size} generated files (${Math.round(performance.now() - started)} ms)`);
  if (!reportLinks(files)) process.exitCode = 1;
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

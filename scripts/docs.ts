/**
 * Generates the living documentation under docs/ from the code that runs.
 *
 *   pnpm docs         write every generated file
 *   pnpm docs:check   render into a temporary folder and fail, naming each file, if the committed docs/ differs
 *
 * Each generator returns the whole text of one file; nothing under docs/ that a generator owns is written by hand.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { generators } from "./docs/generators.ts";

const root = resolve(import.meta.dirname, "..");
const docsDir = join(root, "docs");
const check = process.argv.includes("--check");

const writeAll = async (target: string): Promise<string[]> => {
  const written: string[] = [];
  for (const generator of generators) {
    const text = await generator.render();
    const file = join(target, generator.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(generator.path);
  }
  return written;
};

if (check) {
  const temp = mkdtempSync(join(tmpdir(), "payment-session-docs-"));
  try {
    const files = await writeAll(temp);
    const drifted = files.filter((path) => {
      const committed = join(docsDir, path);
      return (
        !existsSync(committed) || readFileSync(committed, "utf8") !== readFileSync(join(temp, path), "utf8")
      );
    });
    if (drifted.length > 0) {
      for (const path of drifted)
        console.error(`docs drift: docs/${path} differs from what the code generates`);
      console.error("run `pnpm docs` and commit the result");
      process.exitCode = 1;
    } else {
      console.log(`docs: ${files.length} generated files are current`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
} else {
  const files = await writeAll(docsDir);
  for (const path of files) console.log(`wrote ${relative(root, join(docsDir, path))}`);
}

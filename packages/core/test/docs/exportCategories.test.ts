/**
 * Every export of the core's public modules carries a doc comment with `@since` and `@category`
 * (typedoc groups the API reference by category). Internals (`src/*\/internal/`) are exempt.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "internal" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && entry.name !== "index.ts" ? [path] : [];
  });

const EXPORT = /^export (?:const|function|type|interface|class|abstract class) (\w+)/gmu;

/** `file: name` of every export whose doc comment (the one right above it) lacks `tag`. */
const exportsWithout = (tag: string, text: string, file: string): ReadonlyArray<string> => {
  const missing: Array<string> = [];
  const overloads = new Set<string>();
  for (const match of text.matchAll(EXPORT)) {
    const name = match[1] ?? "";
    const before = text.slice(0, match.index).trimEnd();
    const doc = before.endsWith("*/") ? before.slice(before.lastIndexOf("/**")) : "";
    // An overloaded function is documented once, above its first signature.
    if (overloads.has(name)) continue;
    if (/^export function/u.test(match[0])) overloads.add(name);
    if (!doc.includes(tag)) missing.push(`${file}: ${name}`);
  }
  return missing;
};

describe("the core's exports are documented for the API reference", () => {
  const files = sourceFiles(SRC).map((path) => ({
    file: relative(SRC, path),
    text: readFileSync(path, "utf8"),
  }));

  it("finds the public modules", () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const tag of ["@since", "@category"]) {
    it(`every export has ${tag}`, () => {
      expect(files.flatMap(({ file, text }) => exportsWithout(tag, text, file))).toEqual([]);
    });
  }

  it("the scan sees a missing tag", () => {
    const text = "/** A thing. @since 0.1.0 */\nexport const thing = 1;\n";
    expect(exportsWithout("@category", text, "x.ts")).toEqual(["x.ts: thing"]);
  });
});

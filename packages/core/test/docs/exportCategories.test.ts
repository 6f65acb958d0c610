/**
 * Every export of the core's public modules carries a doc comment with `@since` and `@category`
 * (typedoc groups the API reference by category). Internals (`src/*\/internal/`) are exempt.
 * The scanner is shared with the contracts' and the reference provider's tests of the same rule.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exportsWithout,
  publicExportsWithout,
  sourceFiles,
} from "../../../../scripts/test-support/exportDocs.ts";

const SRC = join(import.meta.dirname, "../../src");

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

  // The contracts' and the reference provider's tests check their packages' public exports: the
  // names the entry modules export, followed through `export *`, `export { … } from` and
  // `export { … }` of imported names, to the declaration whose doc comment must carry the tags.
  it("the public-export scan follows re-exports and sees a missing tag", () => {
    const root = mkdtempSync(join(tmpdir(), "export-docs-"));
    try {
      const tagged = "/**\n * Tagged.\n *\n * @since 0.1.0\n * @category Things\n */\n";
      writeFileSync(
        join(root, "index.ts"),
        'export * from "./a.js";\nexport { type B as Renamed } from "./b.js";\nexport { c } from "./c.js";\n',
      );
      writeFileSync(
        join(root, "a.ts"),
        `${tagged}export const a = 1;\n/** Untagged. @since 0.1.0 */\nexport const a2 = 2;\n`,
      );
      writeFileSync(
        join(root, "b.ts"),
        "/** No tags. */\nexport interface B {}\n/** Not public. */\nexport type Hidden = 1;\n",
      );
      writeFileSync(join(root, "c.ts"), 'import { c } from "./d.js";\nexport { c };\n');
      writeFileSync(join(root, "d.ts"), "/** @since 0.1.0 */\nexport const c = 3;\n");
      expect(publicExportsWithout("@category", root, ["index.ts"])).toEqual([
        "a.ts: a2",
        "b.ts: Renamed",
        "d.ts: c",
      ]);
      expect(publicExportsWithout("@since", root, ["index.ts"])).toEqual(["b.ts: Renamed"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

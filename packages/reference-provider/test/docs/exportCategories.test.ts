/**
 * Every public export of @payment-session/reference-provider (what the package.json `exports` entry modules export, followed
 * through their re-exports) carries a doc comment with `@since` and `@category`: typedoc groups the
 * API reference under docs/api by category. The scanner is shared with the core's test of the same rule.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publicExports, publicExportsWithout } from "../../../../scripts/test-support/exportDocs.ts";

const ROOT = join(import.meta.dirname, "../..");
const ENTRIES = ["src/index.ts", "src/contracts/index.ts"];

describe("@payment-session/reference-provider's public exports are documented for the API reference", () => {
  it("finds the public exports", () => {
    const names = new Set(ENTRIES.flatMap((entry) => [...publicExports(join(ROOT, entry)).keys()]));
    expect(names.size).toBeGreaterThan(150); // 191 since the sandbox stopped publishing its internals
  });

  for (const tag of ["@since", "@category"]) {
    it(`every public export has ${tag}`, () => {
      expect(publicExportsWithout(tag, ROOT, ENTRIES)).toEqual([]);
    });
  }
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { contractCounts, fillCounts, historicalFigures, proseFiles, staleFigures } from "../figures.ts";
import { renderGuides } from "../guides.ts";

const REPO = resolve(import.meta.dirname, "../../..");
const counts = contractCounts(join(REPO, "contracts"));

describe("figures about the contracts in prose are today's", () => {
  it("the pact files hold HTTP interactions and webhook messages", () => {
    expect(counts.http).toBeGreaterThan(0);
    expect(counts.messages).toBeGreaterThan(0);
    expect(counts.interactions).toBe(counts.http + counts.messages);
  });

  it("every README and guide states today's counts (or a listed historical figure)", () => {
    const files = proseFiles(REPO);
    expect(files).toContain("README.md");
    expect(files).toContain("scripts/docs/guides/implementing-the-api.md");
    expect(files).not.toContain("docs/api/README.md"); // generated
    expect(staleFigures(REPO, files, counts)).toEqual([]);
  });

  it("each historical figure is still said where it is listed (the list does not rot either)", () => {
    for (const h of historicalFigures) {
      expect(readFileSync(join(REPO, h.file), "utf8"), h.file).toContain(h.text);
    }
  });

  it("catches a stale figure: the root README's old sentence (90 HTTP interactions, 8 webhook messages)", () => {
    const root = mkdtempSync(join(tmpdir(), "figures-"));
    mkdirSync(join(root, "examples", "python-provider"), { recursive: true });
    writeFileSync(
      join(root, "README.md"),
      "verifies it against every contract in `contracts/` (90 HTTP interactions and 8 webhook messages), printing one\n",
    );
    // A historical figure is excused only in its own words: the same figure said as today's is not.
    writeFileSync(join(root, "examples", "python-provider", "README.md"), "now 36 interactions\n");
    // The contracts README's table of pact files, as it stood with 90 and 8.
    mkdirSync(join(root, "packages", "contracts"), { recursive: true });
    writeFileSync(
      join(root, "packages", "contracts", "README.md"),
      "| `a.json` | a → b | 90 HTTP |\n| `b.json` | c → b | 8 asynchronous messages |\n",
    );
    expect(staleFigures(root, proseFiles(root), { http: 108, messages: 12, interactions: 120 })).toEqual([
      { file: "README.md", line: 1, said: "90 HTTP interactions", expected: 108 },
      { file: "README.md", line: 1, said: "8 webhook messages", expected: 12 },
      { file: "examples/python-provider/README.md", line: 1, said: "36 interactions", expected: 120 },
      { file: "packages/contracts/README.md", line: 1, said: "90 HTTP", expected: 108 },
      { file: "packages/contracts/README.md", line: 2, said: "8 asynchronous messages", expected: 12 },
    ]);
  });

  it("the guides' figures are filled in from the pacts by `pnpm run docs`", () => {
    const guide = renderGuides().find((g) => g.path === "guides/implementing-the-api.md");
    expect(guide?.text).toContain(`${counts.http} HTTP interactions and ${counts.messages} webhook messages`);
    expect(guide?.text).not.toContain("<!-- count:");
    expect(
      fillCounts("<!-- count: http --> and <!-- count: interactions -->", {
        http: 1,
        messages: 2,
        interactions: 3,
      }),
    ).toBe("1 and 3");
  });
});

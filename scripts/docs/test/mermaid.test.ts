import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { generators } from "../generators.ts";
import { mermaidBlocks, parseMermaid } from "./parseMermaid.ts";

const docsDir = join(import.meta.dirname, "../../../docs");

const filesUnder = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );

/** Every diagram of a set of files: .mmd files whole, Markdown pages' ```mermaid blocks. */
const diagramsOf = (files: ReadonlyArray<{ path: string; text: string }>) =>
  files.flatMap(({ path, text }) =>
    path.endsWith(".mmd")
      ? [{ where: path, text }]
      : path.endsWith(".md")
        ? mermaidBlocks(text).map((block, i) => ({ where: `${path} #${i + 1}`, text: block }))
        : [],
  );

describe("Mermaid diagrams parse with Mermaid's parser", () => {
  it("every diagram the generators write now", async () => {
    const rendered = (
      await Promise.all(generators.filter((g) => !g.name.startsWith("api")).map((g) => g.render()))
    ).flat();
    const diagrams = diagramsOf(rendered);
    // the two machines (page + .mmd each) and one flowchart per payment flow
    expect(diagrams.length).toBeGreaterThanOrEqual(4 + 6);
    for (const { where, text } of diagrams) {
      await expect(parseMermaid(text), where).resolves.toBeDefined();
    }
  });

  it("every diagram committed under docs/ (any page, .mmd files)", async () => {
    const files = filesUnder(docsDir)
      .filter((f) => !relative(docsDir, f).startsWith("api"))
      .map((f) => ({ path: relative(docsDir, f), text: readFileSync(f, "utf8") }));
    const diagrams = diagramsOf(files);
    expect(diagrams.map((d) => d.where)).toContain("lifecycle/session-machine.mmd");
    for (const { where, text } of diagrams) {
      await expect(parseMermaid(text), where).resolves.toBeDefined();
    }
  });

  it("rejects a broken state diagram and a broken flowchart, naming the line", async () => {
    await expect(parseMermaid("stateDiagram-v2\n  [*] --> A\n  A --> : oops -->\n")).rejects.toThrow(
      /Parse error on line 3/u,
    );
    await expect(parseMermaid('flowchart LR\n  a["x"] -->|"e"| [[[\n')).rejects.toThrow(
      /Parse error on line 2/u,
    );
  });

  it("tells diagram types apart (it is the real grammar, not a syntax-free stub)", async () => {
    await expect(parseMermaid("stateDiagram-v2\n  [*] --> A\n  A --> [*]\n")).resolves.toMatchObject({
      diagramType: "stateDiagram",
    });
    await expect(parseMermaid("flowchart LR\n  a --> b\n")).resolves.toMatchObject({
      diagramType: "flowchart-v2",
    });
  });
});

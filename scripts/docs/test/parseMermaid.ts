/**
 * Mermaid's own parser, in Node without a browser. `mermaid.parse` runs the real diagram grammars
 * (stateDiagram-v2, flowchart …); the only browser dependency on that path is DOMPurify, which
 * needs a `window` with a DOM when it is first imported, so a linkedom window is installed first.
 * Nothing is laid out or drawn (that would need a browser).
 */
import { parseHTML } from "linkedom";

let parser: Promise<(text: string) => Promise<unknown>> | undefined;

const load = async () => {
  const globals = globalThis as { window?: unknown };
  if (globals.window === undefined) {
    globals.window = parseHTML("<!doctype html><html><head></head><body></body></html>").window;
  }
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return (text: string) => mermaid.parse(text);
};

/** Parses a diagram; rejects with Mermaid's parse error (line, expected tokens) when it is not valid. */
export const parseMermaid = async (text: string): Promise<unknown> => {
  parser ??= load();
  return (await parser)(text);
};

/** The ```mermaid blocks of a Markdown page. */
export const mermaidBlocks = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gmu)].map((m) => m[1] ?? "");

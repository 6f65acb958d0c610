/**
 * Figures about the contracts that prose states (how many HTTP interactions and webhook messages
 * `pnpm verify` checks), so that they cannot rot:
 *
 * - in the guides (scripts/docs/guides/*.md) a figure is written as `<!-- count: http -->`,
 *   `<!-- count: messages -->` or `<!-- count: interactions -->` and `pnpm run docs` fills in the
 *   number ({@link fillCounts}); `pnpm docs:check` then fails when the pacts change and the docs
 *   were not regenerated;
 * - in the hand-written READMEs a figure is checked by the docs tests ({@link staleFigures}): every
 *   "N HTTP interactions" (or "N HTTP" in a table), "N webhook messages" (or "N asynchronous
 *   messages") and "N interactions" must be today's count, unless
 *   it is one of the {@link historicalFigures}, each of which must still be found where it is said.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadPacts } from "./pacts.ts";

/** How many interactions the pact files of `dir` hold, by kind. */
export interface ContractCounts {
  readonly http: number;
  readonly messages: number;
  readonly interactions: number;
}

/** The counts of the pact files in `dir` (Pact V4: `Synchronous/HTTP` and `Asynchronous/Messages`). */
export const contractCounts = (dir: string): ContractCounts => {
  const all = loadPacts(dir).flatMap((p) => p.interactions as ReadonlyArray<{ readonly type: string }>);
  const http = all.filter((i) => i.type === "Synchronous/HTTP").length;
  return { http, messages: all.length - http, interactions: all.length };
};

const COUNT = /<!-- count: (http|messages|interactions) -->/gu;

/** A template with every `<!-- count: … -->` replaced by the number it names. */
export const fillCounts = (template: string, counts: ContractCounts): string =>
  template.replace(COUNT, (_, kind: keyof ContractCounts) => String(counts[kind]));

/** The phrases a figure is checked in, and the count each must equal. */
const PHRASES: ReadonlyArray<readonly [RegExp, keyof ContractCounts]> = [
  [/\b(\d[\d,]*) HTTP interactions\b/gu, "http"],
  // A table cell such as "| 116 HTTP |" (the contracts README's list of pact files).
  [/\b(\d[\d,]*) HTTP(?! interactions)\b/gu, "http"],
  [/\b(\d[\d,]*) (?:webhook |asynchronous )?messages\b/gu, "messages"],
  [/\b(\d[\d,]*) interactions\b/gu, "interactions"],
];

/**
 * Figures that are not today's count on purpose, with the reason: the exact text (file relative to
 * the repository root, and the words around the figure).
 */
export const historicalFigures: ReadonlyArray<{
  readonly file: string;
  readonly text: string;
  readonly why: string;
}> = [
  {
    file: "examples/python-provider/README.md",
    text: "issue 9: 36 interactions",
    why: "what the contracts held when issue 9 was fixed",
  },
  {
    file: "packages/contracts/README.md",
    text: "Verified 3 interactions of payments-v2-api",
    why: "the output of the example run against a three-interaction pact",
  },
];

/** The hand-written Markdown files whose figures are checked: every README outside node_modules, and the guides. */
export const proseFiles = (root: string): ReadonlyArray<string> => {
  const found: Array<string> = [];
  const guides = join("scripts", "docs", "guides");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (entry.isDirectory()) walk(path);
      // docs/ is generated (its figures come from the generators), except docs/README.md.
      else if (
        (entry.name === "README.md" && (!rel.startsWith("docs/") || rel === "docs/README.md")) ||
        (relative(root, dir) === guides && entry.name.endsWith(".md"))
      )
        found.push(rel);
    }
  };
  walk(resolve(root));
  return found.sort();
};

/** One figure in prose that is not today's count. */
export interface StaleFigure {
  readonly file: string;
  readonly line: number;
  readonly said: string;
  readonly expected: number;
}

/**
 * Every figure in `files` (relative to `root`) that differs from `counts`, except the
 * {@link historicalFigures} (matched by file and surrounding text).
 */
export const staleFigures = (
  root: string,
  files: ReadonlyArray<string>,
  counts: ContractCounts,
): ReadonlyArray<StaleFigure> =>
  files.flatMap((file) =>
    readFileSync(join(root, file), "utf8")
      .split("\n")
      .flatMap((text, index) =>
        PHRASES.flatMap(([phrase, kind]) =>
          [...text.matchAll(phrase)].flatMap((m) => {
            const said = Number((m[1] ?? "").replaceAll(",", ""));
            if (said === counts[kind]) return [];
            if (
              historicalFigures.some((h) => h.file === file && text.includes(h.text) && h.text.includes(m[0]))
            )
              return [];
            return [{ file, line: index + 1, said: m[0], expected: counts[kind] }];
          }),
        ),
      ),
  );

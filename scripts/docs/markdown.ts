/**
 * Markdown helpers shared by the generators, and the link check every page of docs/ passes: a
 * relative link must name a file that exists and, with a `#fragment`, an anchor in it (an explicit
 * `<a id="…">` or a heading, slugged as GitHub does).
 */
import { posix } from "node:path";

/** Escapes text for a GFM table cell (pipes, line breaks). */
export const cell = (text: string): string => text.replace(/\|/gu, "\\|").replace(/\r?\n/gu, "<br>");

/** Inline code that survives backticks in the text. */
export const code = (text: string): string => (text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``);

/** A stable anchor id from parts: lowercase, every run of other characters a single hyphen. */
export const anchorId = (...parts: ReadonlyArray<string>): string =>
  parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/gu, "-")
    .replace(/^-+|-+$/gu, "");

/** An explicit anchor to put before a row or paragraph. */
export const anchor = (id: string): string => `<a id="${id}"></a>`;

/** The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens. */
export const githubSlug = (heading: string): string =>
  heading
    .replace(/<[^>]*>/gu, "")
    .replace(/`/gu, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/gu, "-");

const stripCode = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```/gmu, "");

/** Every anchor a page defines: explicit `id`/`name` attributes and heading slugs (deduplicated as GitHub does). */
export const anchorsIn = (markdown: string): ReadonlySet<string> => {
  const text = stripCode(markdown);
  const anchors = new Set<string>();
  for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/gu)) anchors.add(match[1] ?? "");
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gmu)) {
    const slug = githubSlug(match[1] ?? "");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
};

/** Every link target of a page (inline links and images), outside code blocks and inline code. */
export const linksIn = (markdown: string): ReadonlyArray<string> => {
  const text = stripCode(markdown).replace(/`[^`\n]*`/gu, "");
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/gu)].map((m) => m[1] ?? "");
};

/** A page's broken link. */
export interface BrokenLink {
  readonly page: string;
  readonly link: string;
  readonly reason: string;
}

/**
 * Checks the relative links of `pages` (path under docs/ → text). `readOther(path)` answers the text
 * of a file outside `pages` (relative to docs/, may climb out with `../`), or `null` when it does not
 * exist. External links (`https:` …) are not followed.
 */
export const checkLinks = (
  pages: ReadonlyMap<string, string>,
  readOther: (path: string) => string | null,
): ReadonlyArray<BrokenLink> => {
  const broken: Array<BrokenLink> = [];
  for (const [page, text] of pages) {
    if (!page.endsWith(".md")) continue;
    for (const link of linksIn(text)) {
      if (/^[a-z][a-z0-9+.-]*:/iu.test(link)) continue;
      const [file = "", fragment] = link.split("#", 2);
      const target = file === "" ? page : posix.normalize(posix.join(posix.dirname(page), file));
      const targetText = pages.get(target) ?? readOther(target);
      if (targetText === null) {
        broken.push({ page, link, reason: `${target} does not exist` });
        continue;
      }
      if (fragment !== undefined && fragment !== "" && target.endsWith(".md")) {
        if (!anchorsIn(targetText).has(decodeURIComponent(fragment))) {
          broken.push({ page, link, reason: `${target} has no anchor #${fragment}` });
        }
      }
    }
  }
  return broken;
};

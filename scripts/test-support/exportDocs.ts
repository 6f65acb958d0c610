/**
 * The scanner behind the "every export is documented for the API reference" tests of the packages:
 * which exports lack a TSDoc tag (`@since`, `@category`) in the doc comment right above their
 * declaration. Shared by packages/core/test/docs, packages/contracts/test/docs and
 * packages/reference-provider/test/docs rather than copied into each.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** Every `.ts` file under `dir` except `index.ts` files and `internal/` folders. */
export const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "internal" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && entry.name !== "index.ts" ? [path] : [];
  });

const EXPORT = /^export (?:const|function|type|interface|class|abstract class) (\w+)/gmu;

/** The doc comment right above position `index` of `text`, or "" if there is none. */
const docAbove = (text: string, index: number): string => {
  const before = text.slice(0, index).trimEnd();
  return before.endsWith("*/") ? before.slice(before.lastIndexOf("/**")) : "";
};

/** `file: name` of every export whose doc comment (the one right above it) lacks `tag`. */
export const exportsWithout = (tag: string, text: string, file: string): ReadonlyArray<string> => {
  const missing: Array<string> = [];
  const overloads = new Set<string>();
  for (const match of text.matchAll(EXPORT)) {
    const name = match[1] ?? "";
    // An overloaded function is documented once, above its first signature.
    if (overloads.has(name)) continue;
    if (/^export function/u.test(match[0])) overloads.add(name);
    if (!docAbove(text, match.index).includes(tag)) missing.push(`${file}: ${name}`);
  }
  return missing;
};

/** Where a public name is declared: the file and the doc comment above its (first) declaration. */
interface Declaration {
  readonly file: string;
  readonly doc: string;
}

const resolveModule = (from: string, specifier: string): string => {
  const path = join(dirname(from), specifier.replace(/\.js$/u, ".ts"));
  if (!existsSync(path)) throw new Error(`${from}: cannot resolve ${specifier}`);
  return path;
};

/** `a`, `type a`, `a as b` → [local name, exported name]. */
const specifiers = (list: string): ReadonlyArray<readonly [string, string]> =>
  list
    .split(",")
    .map((spec) => spec.replace(/^\s*type\s+/u, "").trim())
    .filter((spec) => spec !== "")
    .map((spec) => {
      const [local = "", exported = local] = spec.split(/\s+as\s+/u);
      return [local, exported] as const;
    });

/**
 * The public names of the module `file` (an entry point such as `src/index.ts`), each with the
 * declaration it resolves to: follows `export * from`, `export { … } from` and `export { … }` of
 * imported names, through any number of index modules.
 */
export const publicExports = (file: string): ReadonlyMap<string, Declaration> => {
  const text = readFileSync(file, "utf8");
  const names = new Map<string, Declaration>();
  const declared = (name: string, from: string): Declaration => {
    const found = publicExports(from).get(name);
    if (found === undefined) throw new Error(`${file}: ${from} does not export ${name}`);
    return found;
  };
  for (const match of text.matchAll(/^export \* from "([^"]+)";/gmu)) {
    for (const [name, declaration] of publicExports(resolveModule(file, match[1] ?? ""))) {
      names.set(name, declaration);
    }
  }
  for (const match of text.matchAll(/^export (?:type )?\{([^}]*)\} from "([^"]+)";/gmu)) {
    if (!(match[2] ?? "").startsWith(".")) continue;
    const from = resolveModule(file, match[2] ?? "");
    for (const [local, exported] of specifiers(match[1] ?? "")) names.set(exported, declared(local, from));
  }
  for (const match of text.matchAll(/^export (?:type )?\{([^}]*)\};/gmu)) {
    for (const [local, exported] of specifiers(match[1] ?? "")) {
      const imported = new RegExp(
        `^import (?:type )?\\{[^}]*\\b${local}\\b[^}]*\\} from "([^"]+)";`,
        "mu",
      ).exec(text);
      if (imported === null) throw new Error(`${file}: cannot find where ${local} comes from`);
      // A name re-exported from another package is documented (and checked) there.
      if (!(imported[1] ?? "").startsWith(".")) continue;
      names.set(exported, declared(local, resolveModule(file, imported[1] ?? "")));
    }
  }
  for (const match of text.matchAll(EXPORT)) {
    const name = match[1] ?? "";
    // An overloaded function is documented once, above its first signature.
    if (!names.has(name)) names.set(name, { file, doc: docAbove(text, match.index) });
  }
  return names;
};

/**
 * `file: name` (file relative to `root`) of every public export of the entry modules whose doc
 * comment lacks `tag`, each name once.
 */
export const publicExportsWithout = (
  tag: string,
  root: string,
  entries: ReadonlyArray<string>,
): ReadonlyArray<string> => {
  const missing = new Set<string>();
  for (const entry of entries) {
    for (const [name, { file, doc }] of publicExports(join(root, entry))) {
      if (!doc.includes(tag)) missing.add(`${relative(root, file)}: ${name}`);
    }
  }
  return [...missing].sort();
};

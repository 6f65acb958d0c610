/**
 * The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by package, and
 * inclusive time (the function anywhere on the stack) by function, so a profile of
 * `pnpm bench provider` can be read without DevTools. Functions are named `name file:line:column`
 * (tsx compiles a source file to few lines: the column tells its functions apart).
 *
 *   BENCH_INSTANCE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" pnpm bench provider-cpu
 *   node --import tsx bench/cpuProfileTop.ts /tmp/prof/<file>.cpuprofile [rows] [match]
 *
 * `match` (a substring of the key) limits the inclusive list, e.g. `reference-provider`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: ReadonlyArray<number>;
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

const [file, rowsArg, match] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: cpuProfileTop.ts <file.cpuprofile> [rows] [match]");
const rows = Number(rowsArg ?? "25");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

const total = [...self.values()].reduce((a, b) => a + b, 0);
const packageOf = (url: string): string => {
  if (url === "") return "(native/vm)";
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\//.exec(url);
  if (pnpm?.[1] !== undefined) return pnpm[1].replace(/@[\d.]+.*$/, "");
  const ws = /\/packages\/([^/]+)\//.exec(url);
  if (ws?.[1] !== undefined) return `@payment-session/${ws[1]}`;
  if (url.startsWith("node:")) return "node:*";
  return url.replace(/^.*\//, "");
};
const keyOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const where =
    url === ""
      ? ""
      : ` ${url.replace(/^.*node_modules\/\.pnpm\//, "").replace(/^.*\/packages\//, "")}:${lineNumber + 1}:${columnNumber + 1}`;
  return `${functionName || "(anonymous)"}${where}`;
};
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (node === undefined) continue;
  const key = keyOf(node);
  fn.set(key, (fn.get(key) ?? 0) + us);
  pkg.set(packageOf(node.callFrame.url), (pkg.get(packageOf(node.callFrame.url)) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const up = byId.get(at);
    if (up === undefined) break;
    seen.add(keyOf(up));
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log("self time by package:");
for (const [k, us] of top(pkg, 15)) console.log(`  ${pct(us)}  ${k}`);
console.log("self time by function:");
for (const [k, us] of top(fn, rows)) console.log(`  ${pct(us)}  ${k}`);
console.log(`inclusive time by function${match === undefined ? "" : ` (matching ${match})`}:`);
const matching = new Map([...inclusive].filter(([k]) => match === undefined || k.includes(match)));
for (const [k, us] of top(matching, rows)) console.log(`  ${pct(us)}  ${k}`);

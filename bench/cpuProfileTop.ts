/**
 * The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by package, so a
 * profile of `pnpm bench provider` can be read without DevTools.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof -C @payment-session/source --import tsx bench/run.ts provider
 *   node --import tsx bench/cpuProfileTop.ts /tmp/prof/<file>.cpuprofile [rows]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>;
  readonly samples: ReadonlyArray<number>;
  readonly timeDeltas: ReadonlyArray<number>;
}

const [file, rowsArg] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: cpuProfileTop.ts <file.cpuprofile> [rows]");
const rows = Number(rowsArg ?? "25");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
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
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (node === undefined) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where =
    url === ""
      ? ""
      : ` ${url.replace(/^.*node_modules\/\.pnpm\//, "").replace(/^.*\/perf\//, "")}:${lineNumber + 1}`;
  const key = `${functionName || "(anonymous)"}${where}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  pkg.set(packageOf(url), (pkg.get(packageOf(url)) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log("self time by package:");
for (const [k, us] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${k}`);
console.log("self time by function:");
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`  ${pct(us)}  ${k}`);

/**
 * The prebuilt bundles `pnpm verify` runs (bin/verifyBundle.mjs): a bundle runs what its sources say
 * (including each source's own `import.meta.url`), is reused while its sources are unchanged, and is
 * rebuilt as soon as any file it was built from is edited or removed, so an edit is never verified
 * with stale code.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildBundle, freshBundle } from "../../bin/verifyBundle.mjs";

const run = (dir: string): string =>
  execFileSync(process.execPath, [join(dir, "main.mjs")], { encoding: "utf8" }).trim();

describe("the bundles of pnpm verify", () => {
  it("run their sources, are reused while unchanged and rebuilt after an edit or a removal", async () => {
    const src = mkdtempSync(join(tmpdir(), "verify-bundle-src-"));
    const cache = mkdtempSync(join(tmpdir(), "verify-bundle-cache-"));
    try {
      const main = join(src, "main.ts");
      const value = join(src, "value.ts");
      writeFileSync(value, 'export const value: string = "one";\n');
      writeFileSync(
        main,
        'import { value } from "./value.ts";\nconsole.log([value, import.meta.url].join(" "));\n',
      );
      const entries = { main };
      expect(freshBundle(cache, entries)).toBeUndefined();
      const first = await buildBundle(cache, entries);
      expect(run(first)).toBe(`one ${pathToFileURL(main).href}`);
      expect(freshBundle(cache, entries)).toBe(first);

      writeFileSync(value, 'export const value: string = "two, edited";\n');
      expect(freshBundle(cache, entries)).toBeUndefined();
      const second = await buildBundle(cache, entries);
      expect(run(second)).toBe(`two, edited ${pathToFileURL(main).href}`);
      expect(freshBundle(cache, entries)).toBe(second);

      rmSync(value);
      expect(freshBundle(cache, entries)).toBeUndefined();
    } finally {
      rmSync(src, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  }, 60_000); // two esbuild builds and two Node runs: about 5 s here, more on a loaded machine

  it("leave no process running once built (esbuild's service is stopped)", () => {
    const src = mkdtempSync(join(tmpdir(), "verify-bundle-src-"));
    const cache = mkdtempSync(join(tmpdir(), "verify-bundle-cache-"));
    try {
      const main = join(src, "main.ts");
      writeFileSync(main, 'console.log("built");\n');
      // In a process of its own (vitest's may run esbuild too): build, then wait until this process
      // has no live child left, for at most about 3 s, and print the children still running.
      const script = `
        import { readdirSync, readFileSync } from "node:fs";
        import { setTimeout as sleep } from "node:timers/promises";
        const { buildBundle } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, "../../bin/verifyBundle.mjs")).href)});
        await buildBundle(${JSON.stringify(cache)}, { main: ${JSON.stringify(main)} });
        const children = () => readdirSync("/proc").filter((p) => /^\\d+$/.test(p)).flatMap((p) => {
          try {
            const stat = readFileSync("/proc/" + p + "/stat", "utf8");
            const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            return Number(ppid) === process.pid && state !== "Z" ? [readFileSync("/proc/" + p + "/cmdline", "utf8").replaceAll("\\0", " ").trim()] : [];
          } catch { return []; }
        });
        for (let i = 0; i < 30 && children().length > 0; i++) await sleep(100);
        console.log(JSON.stringify(children()));
      `;
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(JSON.parse(out.trim())).toEqual([]);
    } finally {
      rmSync(src, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  }, 60_000); // one esbuild build in a Node process of its own
});

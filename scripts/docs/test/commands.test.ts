/**
 * The verifier commands the docs show run, from this clone, as shown: every `$ pnpm contracts …` line of
 * the contracts README and the implementer's guide. Against the reference provider started by
 * `pnpm verify --serve` (its URLs replace the example's `http://127.0.0.1:8080` ones; `--junit` goes to a
 * temporary folder); each must verify every interaction of `contracts/` and exit 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");
const DOCS = ["packages/contracts/README.md", "scripts/docs/guides/implementing-the-api.md"];

/** Every `$ pnpm contracts …` command of the console blocks of `file`, continuation lines joined. */
const documentedCommands = (text: string): ReadonlyArray<ReadonlyArray<string>> => {
  const commands: Array<ReadonlyArray<string>> = [];
  for (const block of text.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = (block[1] ?? "").split("\n");
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i] ?? "";
      if (!line.startsWith("$ pnpm contracts")) continue;
      while (line.endsWith("\\") && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]?.trim()}`;
      commands.push(
        line
          .slice(2)
          .split(/\s+/)
          .filter((w) => w.length > 0),
      );
    }
  }
  return commands;
};

const run = (args: ReadonlyArray<string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const [command = "", ...rest] = args;
    const child = spawn(command, rest, { cwd: REPO, env: { ...process.env, PACT_DO_NOT_TRACK: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

const interactionCount = (): number =>
  readdirSync(join(REPO, "contracts"))
    .filter((f) => f.endsWith(".json"))
    .reduce(
      (n, f) => n + JSON.parse(readFileSync(join(REPO, "contracts", f), "utf8")).interactions.length,
      0,
    );

let server: ChildProcess | undefined;
let served: Record<string, string> = {};
let scratch = "";

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "documented-commands-"));
  const child = spawn("pnpm", ["-s", "verify", "--serve"], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  server = child;
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
    });
    child.on("exit", (code) => reject(new Error(`pnpm verify --serve stopped (${code})`)));
  });
  const words = line.split(" ");
  served = Object.fromEntries(words.flatMap((w, i) => (w.startsWith("--") ? [[w, words[i + 1] ?? ""]] : [])));
}, 120_000);

afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

// Each command starts Node with tsx twice (the command and its verification worker) and verifies every
// contract: on a busy 2-core machine that takes longer than vitest's default 5 s.
describe("the documented verifier commands", { timeout: 120_000 }, () => {
  const commands = DOCS.flatMap((file) =>
    documentedCommands(readFileSync(join(REPO, file), "utf8")).map((args) => ({ file, args })),
  );

  it("are found in both documents", () => {
    expect(commands.map((c) => c.file)).toEqual(expect.arrayContaining(DOCS));
  });

  it.each(commands)(
    "$file: $args.0 $args.1 $args.2 … passes against the reference provider",
    async ({ args }) => {
      const replaced = args.map((word, i) => {
        const flag = args[i - 1] ?? "";
        if (flag === "--junit") return join(scratch, "contracts.xml");
        return served[flag] ?? word;
      });
      expect(replaced).toContain(served["--provider-base-url"]);
      const result = await run(replaced);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain(
        `Verified ${interactionCount()} interactions of payments-v2-api: ${interactionCount()} passed, 0 failed.`,
      );
      expect(result.code).toBe(0);
    },
  );
});

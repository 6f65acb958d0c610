/**
 * The provider as `pnpm start` runs it (`bin/start.ts`), as a child process a test can `kill -9`:
 * started on a PGlite data folder or the server of a `DATABASE_URL`, on any free port, with the
 * URL read from its banner.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
const startScript = join(repoRoot, "packages/reference-provider/bin/start.ts");

/** Where a child keeps its data: a PGlite folder, or a PostgreSQL database. */
export type ChildStorage = { readonly dataDir: string } | { readonly databaseUrl: string };

export interface ChildProvider {
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from the spawn to the banner. */
  readonly startMs: number;
  /** `kill -9`, then wait for the exit. */
  readonly kill9: () => Promise<void>;
  /** SIGTERM (a graceful stop), then wait for the exit. */
  readonly stop: () => Promise<void>;
  /** What it printed (stdout and stderr). */
  readonly output: () => string;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));

export const startChildProvider = async (
  storage: ChildStorage,
  timeoutMs = 120_000,
): Promise<ChildProvider> => {
  const started = performance.now();
  const args = ["-C", "@payment-session/source", "--import", "tsx", startScript, "--port", "0"];
  if ("dataDir" in storage) args.push("--data-dir", storage.dataDir);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: "databaseUrl" in storage ? storage.databaseUrl : "",
      CALLBACK_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the provider did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the provider exited (${code ?? signal}) before it listened:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("no pid");
  return {
    url,
    pid,
    startMs: Math.round(performance.now() - started),
    kill9: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
    stop: async () => {
      child.kill("SIGTERM");
      await exited(child);
    },
    output: () => output,
  };
};

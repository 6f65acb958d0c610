/**
 * The verification worker of {@link verifyContracts}, in a module of its own that loads nothing heavy:
 * `pnpm verify` forks it before it loads the provider, so the worker's start (Node, tsx, the verifier,
 * the Pact core) overlaps the parent's.
 *
 * @since 0.1.0
 */
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  VerifierUsageError,
  VerifyProviderOptions,
  VerifyProviderOutcome,
} from "@payment-session/contracts/verifier";

const usageError = (message: string): VerifierUsageError => ({ _tag: "VerifierUsageError", message });

const workerFile = fileURLToPath(new URL("./verifyWorker.ts", import.meta.url));

/** Node flags of the child: the workspace's source condition and tsx (it runs TypeScript sources). */
const workerExecArgv = (): ReadonlyArray<string> => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--conditions=@payment-session/source", "--import", tsx];
};

const isReply = (u: unknown): u is { readonly outcome: VerifyProviderOutcome } =>
  typeof u === "object" && u !== null && "outcome" in u;

/**
 * A verification worker: a child process that has already loaded the verifier and the Pact core and
 * waits for its options. {@link verifyContracts} starts it first, so that loading it overlaps the
 * database's start. `verify` may be called once; `stop` ends a worker that was never used.
 *
 * @since 0.1.0
 */
export interface VerifyWorker {
  readonly verify: (options: VerifyProviderOptions) => Promise<VerifyProviderOutcome>;
  readonly stop: () => void;
}

/**
 * Starts a {@link VerifyWorker}. Its outcome is a `VerifierUsageError` when the child stops without
 * answering or runs past `runTimeoutMs` (counted from `verify`).
 *
 * @since 0.1.0
 */
export const startVerifyWorker = (
  runTimeoutMs: number,
  onCoreOutput?: (text: string) => void,
): VerifyWorker => {
  const child = fork(workerFile, [], {
    execArgv: [...workerExecArgv()],
    env: { ...process.env, PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? "true" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let outcome: VerifyProviderOutcome | undefined;
  let errors = "";
  let exited: string | undefined;
  let settle: ((outcome: VerifyProviderOutcome) => void) | undefined;
  child.stdout?.on("data", (chunk: Buffer) => onCoreOutput?.(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    errors = `${errors}${text}`.slice(-4000);
    onCoreOutput?.(text);
  });
  child.on("message", (message: unknown) => {
    if (!isReply(message)) return;
    outcome = message.outcome;
    // The worker exits by itself; should a native handle keep it alive, end it once it answered.
    setTimeout(() => child.kill(), 2_000).unref();
  });
  const stopped = (why: string): VerifyProviderOutcome => {
    const last = errors.trim().split("\n").pop() ?? "";
    return (
      outcome ??
      usageError(
        `the verification process stopped (${why}) before it reported a result${last === "" ? "" : `: ${last}`}`,
      )
    );
  };
  child.on("error", (error) => {
    exited = `cannot start the verification process: ${error.message}`;
    settle?.(usageError(exited));
  });
  child.on("exit", (code, signal) => {
    exited ??= signal ?? `exit code ${code}`;
    settle?.(stopped(exited));
  });
  return {
    verify: (options) =>
      new Promise((resolve) => {
        if (exited !== undefined) {
          resolve(stopped(exited));
          return;
        }
        const timer = setTimeout(() => {
          outcome ??= usageError(`the verification did not finish within ${runTimeoutMs / 1000} s`);
          child.kill();
        }, runTimeoutMs);
        settle = (o) => {
          clearTimeout(timer);
          resolve(o);
        };
        child.send({ options });
      }),
    stop: () => {
      if (exited === undefined) child.kill();
    },
  };
};

/**
 * Runs `verifyProvider(options)` in a child process and resolves its outcome; a child that stops
 * without answering, or runs past `runTimeoutMs`, is a `VerifierUsageError` saying so.
 *
 * @since 0.1.0
 */
export const verifyInChildProcess = (
  options: VerifyProviderOptions,
  runTimeoutMs: number,
  onCoreOutput?: (text: string) => void,
): Promise<VerifyProviderOutcome> => startVerifyWorker(runTimeoutMs, onCoreOutput).verify(options);

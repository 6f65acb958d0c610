/**
 * `verifyProvider` in a child process, over IPC: the Pact core prints its transcript on the
 * process's stdout, so a verification run in a child keeps the caller's stdout for its own report.
 * One worker for the CLI (`payment-session-contracts verify`) and the reference provider's
 * `pnpm verify`.
 *
 * @since 0.1.0
 */
import { fork } from "node:child_process";
import { flushSums, markPhase } from "./timings.js";
import { type VerifyProviderOptions, type VerifyProviderOutcome, verifierUsageError } from "./types.js";
import { preloadVerifier, verifyProvider } from "./verifyProvider.js";

const isRequest = (u: unknown): u is { readonly options: VerifyProviderOptions } =>
  typeof u === "object" &&
  u !== null &&
  "options" in u &&
  typeof u.options === "object" &&
  u.options !== null;

const isReply = (u: unknown): u is { readonly outcome: VerifyProviderOutcome } =>
  typeof u === "object" && u !== null && "outcome" in u;

/**
 * The child side: loads the Pact core at once, waits for the options, verifies, sends the outcome
 * back and disconnects. Resolves when the outcome was sent.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const serveVerifyWorker = (): Promise<void> => {
  // Loaded while the parent gets ready; verifyProvider would otherwise load it on first use.
  markPhase("worker: modules loaded");
  void preloadVerifier()
    .then(() => markPhase("worker: Pact loaded"))
    .catch(() => {
      // verifyProvider reports a Pact core that cannot load.
    });
  return new Promise((resolve) => {
    process.once("message", (message: unknown) => {
      void (async () => {
        markPhase("worker: options received");
        const elu = performance.eventLoopUtilization();
        let outcome: VerifyProviderOutcome;
        try {
          if (!isRequest(message)) throw new Error("the verification worker got no options");
          outcome = await verifyProvider(message.options);
        } catch (error) {
          outcome = {
            _tag: "VerifierCoreError",
            message: `the verifier failed: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
        markPhase("worker: outcome ready");
        markPhase(
          `worker: event loop busy ${(performance.eventLoopUtilization(elu).utilization * 100).toFixed(0)} % while verifying`,
        );
        flushSums();
        process.send?.({ outcome }, () => {
          process.disconnect?.();
          resolve();
        });
      })();
    });
  });
};

/**
 * A started worker: `verify` once (a worker verifies one run), `stop` to end it early.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerifyWorker {
  readonly verify: (options: VerifyProviderOptions) => Promise<VerifyProviderOutcome>;
  readonly stop: () => void;
}

/**
 * Where the worker runs: the file to fork (`entry`, with `args`), its Node flags, how long a run
 * may take (default: no limit), and what to do with what it prints (the Pact core's transcript and
 * its stderr; default: dropped, the last stderr line goes into a failure's message).
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerifyWorkerOptions {
  readonly entry: string;
  readonly args?: ReadonlyArray<string>;
  readonly execArgv?: ReadonlyArray<string>;
  readonly runTimeoutMs?: number;
  readonly onOutput?: (text: string) => void;
}

/**
 * Forks the worker now (so it loads while the caller starts its provider) and returns how to use it.
 * Never rejects: a worker that cannot start, stops early or runs over its time is a
 * `VerifierUsageError` outcome.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const startVerifyWorker = (options: VerifyWorkerOptions): VerifyWorker => {
  const child = fork(options.entry, [...(options.args ?? [])], {
    execArgv: [...(options.execArgv ?? [])],
    env: { ...process.env, PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? "true" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let outcome: VerifyProviderOutcome | undefined;
  let errors = "";
  let exited: string | undefined;
  let settle: ((outcome: VerifyProviderOutcome) => void) | undefined;
  child.stdout?.on("data", (chunk: Buffer) => options.onOutput?.(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    errors = `${errors}${text}`.slice(-4000);
    options.onOutput?.(text);
  });
  child.on("message", (message: unknown) => {
    if (!isReply(message)) return;
    outcome = message.outcome;
    // The worker exits by itself; should a native handle keep it alive, end it once it answered.
    setTimeout(() => child.kill(), 2_000).unref();
  });
  const stopped = (why: string) => {
    const last = errors.trim().split("\n").pop() ?? "";
    return (
      outcome ??
      verifierUsageError(
        `the verification process stopped (${why}) before it reported a result${last === "" ? "" : `: ${last}`}`,
      )
    );
  };
  child.on("error", (error) => {
    exited = `cannot start the verification process: ${error.message}`;
    settle?.(verifierUsageError(exited));
  });
  child.on("exit", (code, signal) => {
    exited ??= signal ?? `exit code ${code}`;
    settle?.(stopped(exited));
  });
  return {
    verify: (verifyOptions) =>
      new Promise((resolve) => {
        if (exited !== undefined) {
          resolve(stopped(exited));
          return;
        }
        const { runTimeoutMs } = options;
        const timer =
          runTimeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                outcome ??= verifierUsageError(
                  `the verification did not finish within ${runTimeoutMs / 1000} s`,
                );
                child.kill();
              }, runTimeoutMs);
        settle = (o) => {
          clearTimeout(timer);
          resolve(o);
        };
        child.send({ options: verifyOptions });
      }),
    stop: () => {
      if (exited === undefined) child.kill();
    },
  };
};

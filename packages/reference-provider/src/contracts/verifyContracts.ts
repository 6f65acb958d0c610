/**
 * The contract verification of the reference provider (`pnpm verify` and its vitest test): a fresh
 * database, the provider in contract-test mode, every pact file of `contracts/` verified with the
 * contracts package's `verifyProvider` in a child process (the Pact core prints a transcript on
 * stdout; the child keeps it out of ours), then everything closed.
 *
 * @since 0.1.0
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  VerifierLogLevel,
  VerifierUsageError,
  VerifyProviderOptions,
  VerifyProviderOutcome,
} from "@payment-session/contracts/verifier";
import { type Database, openDatabase } from "../store/index.js";
import { startContractProvider } from "./contractProvider.js";

/** The repository's `contracts/` folder (the default pact folder). @since 0.1.0 */
export const defaultPactDir = fileURLToPath(new URL("../../../../contracts", import.meta.url));

/**
 * Options of {@link verifyContracts}.
 *
 * - `pactDir`: the pact files (default the repository's `contracts/`).
 * - `databaseUrl`: verify on that PostgreSQL server, in a fresh schema dropped afterwards; default a
 *   fresh PGlite in memory.
 * - `logLevel`, `junitFile`, `timeoutMs` (of each request): passed to `verifyProvider`.
 * - `runTimeoutMs`: the whole verification is stopped after this long (default 120 s).
 * - `onCoreOutput`: receives the Pact core's transcript (default: discarded).
 *
 * @since 0.1.0
 */
export interface VerifyContractsOptions {
  readonly pactDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: VerifierLogLevel | undefined;
  readonly junitFile?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly runTimeoutMs?: number | undefined;
  readonly onCoreOutput?: ((text: string) => void) | undefined;
}

/**
 * What a run gives: the verifier's outcome (a `VerificationReport`, or a usage / core error when it
 * could not run), the provider's own account of what failed (state set-ups, message productions),
 * where it ran, and how long it took.
 *
 * @since 0.1.0
 */
export interface ContractsVerification {
  readonly outcome: VerifyProviderOutcome;
  readonly problems: ReadonlyArray<string>;
  readonly providerBaseUrl: string;
  readonly database: string;
  readonly durationMs: number;
}

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

const openFresh = async (
  databaseUrl: string | undefined,
): Promise<{ readonly db: Database; readonly label: string; readonly drop: () => Promise<void> }> => {
  if (databaseUrl === undefined || databaseUrl === "") {
    const db = await openDatabase({ memory: true });
    return { db, label: "PGlite in memory", drop: async () => {} };
  }
  const schema = `verify_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const db = await openDatabase({ url: databaseUrl, schema });
  return {
    db,
    label: `PostgreSQL server, schema ${schema}`,
    drop: async () => {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
};

/**
 * Verifies the reference provider against every pact file in `pactDir` (HTTP interactions and
 * webhook messages) on a fresh database, and closes the provider, the webhook endpoints and the
 * database (dropping a server schema) in every case. Never throws for a failed contract; rejects
 * only when the database cannot be opened or the provider cannot start.
 *
 * @example
 * const { outcome } = await verifyContracts()
 * if (outcome._tag === "VerificationReport") console.log(formatReport(outcome))
 * @since 0.1.0
 */
export const verifyContracts = async (
  options: VerifyContractsOptions = {},
): Promise<ContractsVerification> => {
  const started = performance.now();
  // Loading the verifier and the Pact core in the child overlaps the database's start.
  const worker = startVerifyWorker(options.runTimeoutMs ?? 120_000, options.onCoreOutput);
  let fresh: Awaited<ReturnType<typeof openFresh>>;
  try {
    fresh = await openFresh(options.databaseUrl);
  } catch (error) {
    worker.stop();
    throw error;
  }
  try {
    const running = await startContractProvider({ db: fresh.db }).catch((error: unknown) => {
      worker.stop();
      throw error;
    });
    try {
      const outcome = await worker.verify({
        providerBaseUrl: running.providerBaseUrl,
        providerStatesSetupUrl: running.providerStatesSetupUrl,
        providerMessagesUrl: running.providerMessagesUrl,
        pactDir: options.pactDir ?? defaultPactDir,
        ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
        ...(options.junitFile === undefined ? {} : { junitFile: options.junitFile }),
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      });
      return {
        outcome,
        problems: running.problems(),
        providerBaseUrl: running.providerBaseUrl,
        database: fresh.label,
        durationMs: performance.now() - started,
      };
    } finally {
      await running.close();
    }
  } finally {
    try {
      await fresh.drop();
    } finally {
      await fresh.db.close();
    }
  }
};

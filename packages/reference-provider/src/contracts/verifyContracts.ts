/**
 * The contract verification of the reference provider (`pnpm verify` and its vitest test): a fresh
 * database, the provider in contract-test mode, every pact file of `contracts/` verified with the
 * contracts package's `verifyProvider` in a child process (the Pact core prints a transcript on
 * stdout; the child keeps it out of ours), then everything closed.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  flushSums,
  markPhase,
  type VerifierLogLevel,
  type VerifyProviderOutcome,
} from "@payment-session/contracts/verifier";
import { type Database, openDatabase } from "../store/index.js";
import { startContractProvider } from "./contractProvider.js";
import { startVerifyWorker, type VerifyWorker } from "./startVerifyWorker.js";

/**
 * The repository's `contracts/` folder (the default pact folder).
 *
 * @since 0.1.0
 * @category Contract verification
 */
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
 * - `worker`: a {@link VerifyWorker} started earlier (`pnpm verify` starts it first); default one
 *   started here (then `runTimeoutMs` and `onCoreOutput` apply to it).
 * - `database`: a fresh in-memory database being opened already (`openVerifyDatabase`, which
 *   `pnpm verify` starts before loading the provider); used instead of opening one, and closed
 *   like it. Not with `databaseUrl`.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface VerifyContractsOptions {
  readonly pactDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: VerifierLogLevel | undefined;
  readonly junitFile?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly runTimeoutMs?: number | undefined;
  readonly onCoreOutput?: ((text: string) => void) | undefined;
  readonly worker?: VerifyWorker | undefined;
  readonly database?: Promise<Database> | undefined;
}

/**
 * What a run gives: the verifier's outcome (a `VerificationReport`, or a usage / core error when it
 * could not run), the provider's own account of what failed (state set-ups, message productions),
 * where it ran, and how long it took.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface ContractsVerification {
  readonly outcome: VerifyProviderOutcome;
  readonly problems: ReadonlyArray<string>;
  readonly providerBaseUrl: string;
  readonly database: string;
  readonly durationMs: number;
}

const openFresh = async (
  databaseUrl: string | undefined,
  opening: Promise<Database> | undefined,
): Promise<{ readonly db: Database; readonly label: string; readonly drop: () => Promise<void> }> => {
  if (opening !== undefined) {
    if (databaseUrl !== undefined && databaseUrl !== "") {
      await opening.then((db) => db.close()).catch(() => {});
      throw new Error("verifyContracts: give database or databaseUrl, not both");
    }
    return { db: await opening, label: "PGlite in memory", drop: async () => {} };
  }
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
 * @category Contract verification
 */
export const verifyContracts = async (
  options: VerifyContractsOptions = {},
): Promise<ContractsVerification> => {
  const started = performance.now();
  // Loading the verifier and the Pact core in the child overlaps the database's start.
  const worker = options.worker ?? startVerifyWorker(options.runTimeoutMs ?? 120_000, options.onCoreOutput);
  let fresh: Awaited<ReturnType<typeof openFresh>>;
  try {
    fresh = await openFresh(options.databaseUrl, options.database);
    markPhase("provider: database open");
  } catch (error) {
    worker.stop();
    throw error;
  }
  try {
    const running = await startContractProvider({ db: fresh.db }).catch((error: unknown) => {
      worker.stop();
      throw error;
    });
    markPhase("provider: started");
    const elu = performance.eventLoopUtilization();
    try {
      const outcome = await worker.verify({
        providerBaseUrl: running.providerBaseUrl,
        providerStatesSetupUrl: running.providerStatesSetupUrl,
        // The reference provider's teardown does nothing (createContractStates: every interaction's
        // states start afresh): the core sends no teardowns (decisions P14, P16).
        forwardTeardowns: false,
        providerMessagesUrl: running.providerMessagesUrl,
        pactDir: options.pactDir ?? defaultPactDir,
        ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
        ...(options.junitFile === undefined ? {} : { junitFile: options.junitFile }),
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      });
      markPhase("provider: outcome received");
      markPhase(
        `provider: event loop busy ${(performance.eventLoopUtilization(elu).utilization * 100).toFixed(0)} % while verifying`,
      );
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
      flushSums();
      markPhase("provider: closed");
    }
  }
};

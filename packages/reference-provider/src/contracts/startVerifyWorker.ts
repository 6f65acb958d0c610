/**
 * The verification worker of {@link verifyContracts}, in a module of its own that loads nothing heavy:
 * `pnpm verify` forks it before it loads the provider, so the worker's start (Node, tsx, the verifier,
 * the Pact core) overlaps the parent's. The worker is the contracts package's; this only says which
 * file runs it and with which Node flags.
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startVerifyWorker as startWorker, type VerifyWorker } from "@payment-session/contracts/verifier";
import type { Database } from "../store/Database.js";

export type { VerifyWorker };

const workerFile = fileURLToPath(new URL("./verifyWorker.ts", import.meta.url));

/** Node flags of the child: the workspace's source condition and tsx (it runs TypeScript sources). */
const workerExecArgv = (): ReadonlyArray<string> => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--conditions=@payment-session/source", "--import", tsx];
};

/**
 * Starts a {@link VerifyWorker} that has loaded the verifier and the Pact core by the time
 * {@link verifyContracts} calls `verify` (once). Its outcome is a `VerifierUsageError` when the
 * child stops without answering or runs past `runTimeoutMs` (counted from `verify`).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const startVerifyWorker = (
  runTimeoutMs: number,
  onCoreOutput?: (text: string) => void,
): VerifyWorker => {
  // `pnpm verify` (bin/verify.mjs) runs from a prebuilt bundle and has bundled this worker too.
  const bundled = process.env.PAYMENT_SESSION_VERIFY_WORKER_BUNDLE;
  const fromBundle = bundled !== undefined && bundled !== "";
  return startWorker({
    entry: fromBundle ? bundled : workerFile,
    execArgv: fromBundle ? [] : workerExecArgv(),
    runTimeoutMs,
    ...(onCoreOutput === undefined ? {} : { onOutput: onCoreOutput }),
  });
};

/**
 * Opens the fresh in-memory database a verification runs on (PGlite from the prepared image, see
 * `openDatabase`), loading only the store's opening code: `pnpm verify` starts it before it loads
 * the provider, so that PGlite's start (reading the image, compiling its WebAssembly) overlaps the
 * provider's modules loading. Pass the promise to `verifyContracts` as `database`, which closes it.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const openVerifyDatabase = async (): Promise<Database> => {
  const { openDatabase } = await import("../store/Database.js");
  return openDatabase({ memory: true });
};

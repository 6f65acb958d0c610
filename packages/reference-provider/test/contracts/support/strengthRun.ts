/**
 * Runs the verification of the pact files through a {@link MutatingProxy}: the reference provider
 * and one verification worker (a child process: the Pact core prints its transcript on stdout) are
 * started once; each run switches the proxy's mutation and verifies again, all interactions or only
 * those named.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { VerificationReport, VerifyProviderOutcome } from "@payment-session/contracts";
import {
  type ContractProvider,
  defaultPactDir,
  startContractProvider,
} from "../../../src/contracts/index.js";
import { type MutatingProxy, type Mutation, startMutatingProxy } from "./mutatingProxy.js";

export interface StrengthRig {
  readonly running: ContractProvider;
  readonly proxy: MutatingProxy;
  /** Verifies with `mutation` on: the failed interactions' descriptions (sorted) and the report. */
  readonly run: (
    mutation: Mutation,
    options?: { readonly pactDir?: string; readonly only?: ReadonlyArray<string> },
  ) => Promise<{ readonly failed: ReadonlyArray<string>; readonly report: VerificationReport }>;
  readonly close: () => Promise<void>;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const startWorker = (): ChildProcess => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return fork(fileURLToPath(new URL("./verifyLoopWorker.ts", import.meta.url)), [], {
    execArgv: ["--conditions=@payment-session/source", "--import", tsx],
    env: { ...process.env, PACT_DO_NOT_TRACK: "true" },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
};

export const startStrengthRig = async (): Promise<StrengthRig> => {
  const running = await startContractProvider();
  const proxy = await startMutatingProxy(running);
  const worker = startWorker();
  let stderr = "";
  worker.stderr?.on("data", (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString("utf8")}`.slice(-2000);
  });
  const pending = new Map<number, (outcome: VerifyProviderOutcome) => void>();
  worker.on("message", (message: unknown) => {
    const reply = message as { readonly id: number; readonly outcome: VerifyProviderOutcome };
    pending.get(reply.id)?.(reply.outcome);
    pending.delete(reply.id);
  });
  worker.on("exit", (code) => {
    for (const resolve of pending.values()) {
      resolve({ _tag: "VerifierUsageError", message: `the worker stopped (${code}): ${stderr}` });
    }
    pending.clear();
  });
  let next = 0;
  return {
    running,
    proxy,
    run: async (mutation, options = {}) => {
      proxy.use(mutation);
      try {
        const id = next++;
        const outcome = await new Promise<VerifyProviderOutcome>((resolve) => {
          pending.set(id, resolve);
          worker.send({
            id,
            options: {
              providerBaseUrl: proxy.providerBaseUrl,
              providerStatesSetupUrl: proxy.providerStatesSetupUrl,
              providerMessagesUrl: proxy.providerMessagesUrl,
              pactDir: options.pactDir ?? defaultPactDir,
            },
            ...(options.only === undefined
              ? {}
              : { description: `^(${options.only.map(escapeRegex).join("|")})$` }),
          });
        });
        if (outcome._tag !== "VerificationReport") {
          throw new Error(`the verification did not run: ${outcome.message}`);
        }
        const failed = outcome.interactions
          .filter((i) => i.status === "failed")
          .map((i) => i.description)
          .sort();
        return { failed, report: outcome };
      } finally {
        proxy.use({});
      }
    },
    close: async () => {
      worker.kill();
      await proxy.close();
      await running.close();
    },
  };
};

/**
 * A verification worker that stays up: each IPC message `{id, options, description}` runs the
 * contracts package's `verifyProvider` (filtered by the Pact core's `PACT_DESCRIPTION` when
 * `description` is given) and answers `{id, outcome}`. The strength tests verify many times against
 * one provider; starting a worker (tsx, the Pact core) per run would cost seconds each.
 */
import {
  type VerifyProviderOptions,
  type VerifyProviderOutcome,
  verifyProvider,
} from "@payment-session/contracts";

interface Job {
  readonly id: number;
  readonly options: VerifyProviderOptions;
  readonly description?: string;
}

const isJob = (u: unknown): u is Job => typeof u === "object" && u !== null && "id" in u && "options" in u;

/** Jobs run one after another: two verifications at once would set up states over each other. */
let queue: Promise<void> = Promise.resolve();

process.on("message", (message: unknown) => {
  if (!isJob(message)) return;
  queue = queue.then(async () => {
    let outcome: VerifyProviderOutcome;
    if (message.description === undefined) delete process.env.PACT_DESCRIPTION;
    else process.env.PACT_DESCRIPTION = message.description;
    try {
      outcome = await verifyProvider(message.options);
    } catch (error) {
      outcome = {
        _tag: "VerifierCoreError",
        message: `the verifier failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    process.send?.({ id: message.id, outcome });
  });
});

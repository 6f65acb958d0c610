/**
 * The child process of {@link verifyContracts}: receives `VerifyProviderOptions` over IPC, runs the
 * contracts package's `verifyProvider` (whose Pact core prints its transcript on this process's
 * stdout, which the parent discards), sends the outcome back and exits.
 *
 * @since 0.1.0
 */
import {
  preloadVerifier,
  type VerifyProviderOptions,
  type VerifyProviderOutcome,
  verifyProvider,
} from "@payment-session/contracts/verifier";

const isOptions = (u: unknown): u is { readonly options: VerifyProviderOptions } =>
  typeof u === "object" &&
  u !== null &&
  "options" in u &&
  typeof u.options === "object" &&
  u.options !== null &&
  "providerBaseUrl" in u.options;

process.once("message", (message: unknown) => {
  void (async () => {
    let outcome: VerifyProviderOutcome;
    try {
      if (!isOptions(message)) throw new Error("the verification worker got no options");
      outcome = await verifyProvider(message.options);
    } catch (error) {
      outcome = {
        _tag: "VerifierCoreError",
        message: `the verifier failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    process.send?.({ outcome }, () => {
      process.disconnect?.();
    });
  })();
});

// Loaded while the parent starts the provider; verifyProvider would otherwise load it on first use.
void preloadVerifier().catch(() => {
  // verifyProvider reports a Pact core that cannot load.
});

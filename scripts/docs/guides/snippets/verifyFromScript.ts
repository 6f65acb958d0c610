/**
 * Guide snippet (docs/guides/implementing-the-api.md): running the verifier from a script and
 * turning its typed outcome into an exit code. `run(baseUrl)` is what the docs tests call (against
 * an address nobody answers on, which must come back as a usage error, not a throw).
 */
// #region guide
import { verifyProvider } from "@payment-session/contracts";

/** 0: every interaction passed; 1: a contract failed; 2: nothing to verify against (bad URL, server down). */
export const verify = async (baseUrl: string, pactDir = "contracts"): Promise<0 | 1 | 2> => {
  const outcome = await verifyProvider({
    providerBaseUrl: baseUrl,
    providerStatesSetupUrl: `${baseUrl}/_pact/provider-states`,
    providerMessagesUrl: `${baseUrl}/_pact/messages`,
    pactDir,
  });
  if (outcome._tag !== "VerificationReport") {
    console.error(outcome.message); // VerifierUsageError or VerifierCoreError: one line
    return 2;
  }
  for (const i of outcome.interactions.filter((i) => i.status !== "passed")) {
    console.error(
      `✗ ${i.description}`,
      i.mismatches.map((m) => `${m.path}: ${m.message}`),
    );
  }
  return outcome.ok ? 0 : 1;
};
// #endregion guide

export const run = verify;

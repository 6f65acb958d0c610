/**
 * Time of verifying the fixture pacts (3 HTTP interactions + 1 webhook message) against the tiny test provider
 * through `verifyProvider` versus Pact's bare `Verifier` with the same options. Prints medians and the ratio.
 *
 *   node -C @payment-session/source --import tsx packages/contracts/bench/verify-bench.ts [rounds] > /dev/null
 *
 * Results go to stderr; stdout carries the Pact core's own transcript (hence `> /dev/null`).
 */
import { fileURLToPath } from "node:url";
import { Verifier } from "@pact-foundation/pact";
import { verifyProvider } from "../src/verifier/index.js";
import { startTinyProvider } from "../test/verifier/support/tinyProvider.js";

process.env.PACT_DO_NOT_TRACK ??= "true";
const rounds = Number(process.argv[2] ?? 15);
const pactDir = fileURLToPath(new URL("../test/fixtures/verifier/pacts", import.meta.url));
const provider = await startTinyProvider();

const viaVerifyProvider = async () => {
  const outcome = await verifyProvider({
    providerBaseUrl: provider.baseUrl,
    providerStatesSetupUrl: provider.statesUrl,
    providerMessagesUrl: provider.messagesUrl,
    pactDir,
  });
  if (outcome._tag !== "VerificationReport" || !outcome.ok) throw new Error("verifyProvider did not pass");
};

const viaBareVerifier = async () => {
  await new Verifier({
    provider: "payments-v2-api",
    providerBaseUrl: provider.baseUrl,
    providerStatesSetupUrl: provider.statesUrl,
    pactUrls: [pactDir],
    logLevel: "error",
    messageProviders: {
      "a PAYMENT.PAID webhook": async () => {
        const res = await fetch(provider.messagesUrl, {
          method: "POST",
          body: JSON.stringify({ description: "a PAYMENT.PAID webhook" }),
        });
        return res.json();
      },
    },
  }).verifyProvider();
};

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const times = { verifyProvider: [] as Array<number>, bareVerifier: [] as Array<number> };
await viaVerifyProvider(); // warm-up: loads Pact and the native core once
await viaBareVerifier();
for (let i = 0; i < rounds; i++) {
  for (const [name, run] of [
    ["verifyProvider", viaVerifyProvider],
    ["bareVerifier", viaBareVerifier],
  ] as const) {
    const t0 = performance.now();
    await run();
    times[name].push(performance.now() - t0);
  }
}
await provider.close();
const a = median(times.verifyProvider);
const b = median(times.bareVerifier);
process.stderr.write(
  `rounds: ${rounds} (4 interactions each)\n` +
    `verifyProvider median: ${a.toFixed(1)} ms\n` +
    `bare Verifier median:  ${b.toFixed(1)} ms\n` +
    `ratio verifyProvider / bare Verifier: ${(a / b).toFixed(2)}\n`,
);

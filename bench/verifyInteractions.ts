/**
 * Child of the `verify` bench section (its stdout carries the Pact core's transcript and is discarded; the
 * figures go to stderr as one JSON line): the reference provider in contract-test mode, then every pact
 * of `contracts/` verified in this process, alternately by `verifyProvider` (the contracts package) and by
 * Pact's bare `Verifier` with the same pacts, states URL and messages, `BENCH_VERIFY_ROUNDS` times each
 * (default 5) after one warm-up of each.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { verifyProvider } from "@payment-session/contracts";
import { defaultPactDir, startContractProvider } from "../packages/reference-provider/src/contracts/index.js";
import { openDatabase } from "../packages/reference-provider/src/store/index.js";

process.env.PACT_DO_NOT_TRACK ??= "true";
const rounds = Number(process.env.BENCH_VERIFY_ROUNDS ?? "5");
// Pact is the contracts package's dependency, not the workspace root's: load it from there.
const pact = createRequire(join(import.meta.dirname, "../packages/contracts/package.json"))(
  "@pact-foundation/pact",
) as {
  readonly Verifier: new (options: Record<string, unknown>) => { verifyProvider: () => Promise<string> };
};

const db = await openDatabase({ memory: true });
const running = await startContractProvider({ db });
const pactFiles = [
  "merchant-backend-payments-v2-api.json",
  "merchant-webhook-handler-payments-v2-api.json",
].map((f) => join(defaultPactDir, f));

const viaVerifyProvider = async (): Promise<number> => {
  const outcome = await verifyProvider({
    providerBaseUrl: running.providerBaseUrl,
    providerStatesSetupUrl: running.providerStatesSetupUrl,
    providerMessagesUrl: running.providerMessagesUrl,
    pactDir: defaultPactDir,
  });
  if (outcome._tag !== "VerificationReport" || !outcome.ok) throw new Error("verifyProvider did not pass");
  return outcome.interactions.length;
};

/** What the messages endpoint answers, in the shape pact-js's message providers return. */
const message = async (descriptor: unknown) => {
  const d = descriptor as { description: string; providerStates?: ReadonlyArray<unknown> };
  const res = await fetch(running.providerMessagesUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ description: d.description, providerStates: d.providerStates ?? [] }),
  });
  const header = res.headers.get("pact-message-metadata");
  const body: unknown = await res.json();
  return header === null
    ? body
    : { __pactMessageMetadata: JSON.parse(Buffer.from(header, "base64").toString("utf8")), message: body };
};

const messageDescriptions = (): ReadonlyArray<string> =>
  pactFiles.flatMap((file) =>
    (
      JSON.parse(readFileSync(file, "utf8")) as {
        interactions: ReadonlyArray<{ type: string; description: string }>;
      }
    ).interactions
      .filter((i) => !i.type.includes("HTTP"))
      .map((i) => i.description),
  );

const viaBareVerifier = async (): Promise<void> => {
  await new pact.Verifier({
    provider: "payments-v2-api",
    providerBaseUrl: running.providerBaseUrl,
    providerStatesSetupUrl: running.providerStatesSetupUrl,
    pactUrls: pactFiles,
    logLevel: "error",
    messageProviders: Object.fromEntries(messageDescriptions().map((d) => [d, message])),
  }).verifyProvider();
};

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const interactions = await viaVerifyProvider(); // warm-up: loads Pact and the native core once
await viaBareVerifier();
const ours: Array<number> = [];
const bare: Array<number> = [];
for (let i = 0; i < rounds; i++) {
  ours.push(await timed(viaVerifyProvider));
  bare.push(await timed(viaBareVerifier));
}
await running.close();
await db.close();
process.stderr.write(`${JSON.stringify({ interactions, rounds, ours: median(ours), bare: median(bare) })}\n`);

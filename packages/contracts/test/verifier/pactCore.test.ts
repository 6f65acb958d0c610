/**
 * The Pact core run through pact_ffi directly (no pact-js proxy): its requests reach the provider,
 * its provider-state calls the state URL, with or without teardowns as asked.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCoreReport } from "../../src/verifier/internal/coreReport.js";
import { type CoreRun, runPactCore } from "../../src/verifier/internal/pactCore.js";
import { startTinyProvider } from "./support/tinyProvider.js";

const PACT = fileURLToPath(
  new URL("../fixtures/verifier/pacts/merchant-checkout-payments-v2-api.json", import.meta.url),
);

const run = (baseUrl: string, statesUrl: string, teardowns: boolean): CoreRun => ({
  provider: "payments-v2-api",
  providerBaseUrl: new URL(baseUrl),
  statesUrl,
  teardowns,
  messages: undefined,
  timeout: 5000,
  logLevel: "error",
  pactFiles: [PACT],
  pactUrls: [],
  description: undefined,
  broker: undefined,
  publish: undefined,
});

describe("runPactCore", () => {
  for (const teardowns of [true, false]) {
    it(`verifies against the provider directly; teardowns ${teardowns ? "sent" : "not sent"} as asked`, async () => {
      const provider = await startTinyProvider();
      try {
        const outcome = await runPactCore(run(provider.baseUrl, provider.statesUrl, teardowns));
        if (outcome._tag !== "report") throw new Error(outcome.message);
        const report = parseCoreReport(outcome.json);
        expect(report?.result).toBe(true);
        expect(report?.interactionResults.length).toBe(3);
        const actions = new Set(provider.stateCalls.map((c) => c.action));
        expect([...actions].sort()).toEqual(teardowns ? ["setup", "teardown"] : ["setup"]);
      } finally {
        await provider.close();
      }
    });
  }

  it("a provider that is not there: the core's report says so per interaction, nothing is thrown", async () => {
    const outcome = await runPactCore(run("http://127.0.0.1:9", "http://127.0.0.1:9/states", false));
    if (outcome._tag !== "report") throw new Error(outcome.message);
    expect(parseCoreReport(outcome.json)?.result).toBe(false);
  });
});

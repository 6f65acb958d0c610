/**
 * Races against a second, independent implementation: the in-memory faulty provider with no defect
 * switched on. Its handlers run to completion one at a time (one JavaScript thread, no await inside a
 * write), so its histories must be linearizable; so must the reference provider's (races.test.ts).
 */
import { propertySeed } from "@payment-session/core/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runRaces } from "../../src/explorer/races.js";
import { type FaultyProvider, startFaultyProvider } from "../support/faultyProvider/index.js";

const { seed } = propertySeed("races on the in-memory provider");

let provider: FaultyProvider;
beforeAll(async () => {
  provider = await startFaultyProvider();
});
afterAll(async () => {
  await provider?.close();
});

it("finds 20 histories of 8 concurrent clients linearizable on the in-memory provider", async () => {
  const result = await runRaces({
    providerBaseUrl: provider.baseUrl,
    providerStatesUrl: provider.statesUrl,
    histories: 20,
    concurrency: 8,
    seed,
  });
  if (!result.ok) throw new Error(result.failure?.report);
  expect(result.calls).toBe(20 * 16);
}, 60_000); // about 380 HTTP requests: seconds on an idle machine, more on a busy one (no timing asserted)

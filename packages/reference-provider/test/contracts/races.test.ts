/**
 * Races against the reference provider (PGlite, provider-states endpoint, test clock): at least 20
 * histories of 8 concurrent clients pass; the same races through a proxy that answers
 * non-linearizably fail, with a timeline of the history.
 */

import { type RaceHistory, runRaces } from "@payment-session/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ContractProvider, startContractProvider } from "../../src/contracts/index.js";
import { type ProxyDefect, startRaceProxy } from "./support/raceProxies.js";

const seed = Number(process.env.FC_SEED ?? 20261124);

/** The most calls of a history in flight at one instant. */
const maxInFlight = (history: RaceHistory): number => {
  let most = 0;
  for (const c of history.calls) {
    const inFlight = history.calls.filter((d) => d.call <= c.call && c.call <= d.return).length;
    most = Math.max(most, inFlight);
  }
  return most;
};

let provider: ContractProvider;
beforeAll(async () => {
  provider = await startContractProvider();
}, 60_000); // PGlite's first open and migrations take seconds on a busy 2-core machine.
afterAll(async () => {
  await provider?.close();
});

describe("runRaces against the reference provider", () => {
  it("finds 20 histories of 8 concurrent clients × 2 calls linearizable, from every starting status", async () => {
    const result = await runRaces({
      providerBaseUrl: provider.providerBaseUrl,
      providerStatesUrl: provider.providerStatesSetupUrl,
      histories: 21,
      concurrency: 8,
      callsPerClient: 2,
      seed,
    });
    if (!result.ok) throw new Error(result.failure?.report);
    expect(result.histories).toHaveLength(21);
    expect(result.calls).toBe(21 * 16);
    expect(result.unanswered).toBe(0);
    expect(new Set(result.histories.map((h) => h.startingStatus)).size).toBe(7);
    for (const history of result.histories) expect(maxInFlight(history)).toBeGreaterThanOrEqual(8);
    const kinds = new Set(result.histories.flatMap((h) => h.calls.map((c) => c.input.kind)));
    expect([...kinds].sort()).toEqual(["cancel", "capture", "confirm", "expire", "get", "pay"]);
  }, 60_000);

  it("says which setup request got no answer, and where, when the provider is not there", async () => {
    const closed = await startRaceProxy("http://127.0.0.1:9", "stale-get");
    await closed.close();
    const result = await runRaces({
      providerBaseUrl: closed.url,
      setup: async () => ({ accessToken: "token", at: Date.parse("2026-03-01T10:00:00Z") }),
      histories: 1,
      seed,
    });
    expect(result.ok).toBe(false);
    expect(result.failure?._tag).toBe("SetupMismatch");
    expect(result.failure?.report).toMatch(
      /setting a session up in [A-Z_]+, the create answer differs at \(connection\): expected "an answer", got "no answer to POST \/v2\/payments \(fetch failed/,
    );
  });

  it("is reproducible from its seed: the same starting statuses and mixes", async () => {
    const run = () =>
      runRaces({
        providerBaseUrl: provider.providerBaseUrl,
        providerStatesUrl: provider.providerStatesSetupUrl,
        histories: 3,
        concurrency: 4,
        seed: 7,
      });
    const plan = (r: Awaited<ReturnType<typeof run>>) =>
      r.histories.map((h) => [
        h.startingStatus,
        ...h.calls.map((c) => `${c.client}:${JSON.stringify(c.input)}`).sort(),
      ]);
    expect(plan(await run())).toEqual(plan(await run()));
  }, 60_000);

  it("treats calls whose connection was reset after the write as possibly applied, and passes", async () => {
    const proxy = await startRaceProxy(provider.providerBaseUrl, "reset-after-write");
    try {
      const result = await runRaces({
        providerBaseUrl: proxy.url,
        providerStatesUrl: provider.providerStatesSetupUrl,
        histories: 7,
        concurrency: 8,
        seed,
      });
      if (!result.ok) throw new Error(result.failure?.report);
      expect(result.unanswered).toBeGreaterThan(0);
      expect(result.unanswered).toBe(proxy.rewritten());
      const lost = result.histories.flatMap((h) => h.calls).filter((c) => c.output === undefined);
      expect(lost.every((c) => c.return === Number.POSITIVE_INFINITY && c.error !== undefined)).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it.each<ProxyDefect>(["stale-get", "refusal-says-applied"])(
    "fails a provider whose answers are not linearizable (%s), printing the timeline",
    async (defect) => {
      const proxy = await startRaceProxy(provider.providerBaseUrl, defect);
      try {
        const result = await runRaces({
          providerBaseUrl: proxy.url,
          providerStatesUrl: provider.providerStatesSetupUrl,
          histories: 20,
          concurrency: 8,
          seed,
        });
        expect(proxy.rewritten()).toBeGreaterThan(0);
        expect(result.ok).toBe(false);
        const failure = result.failure;
        if (failure?._tag !== "NotLinearizable")
          throw new Error(`expected a race failure, got ${failure?.report}`);
        expect(failure.report).toMatch(/is not linearizable/);
        expect(failure.report).toMatch(/#\s+client\s+timeline\s+call → answer/);
        expect(failure.report).toMatch(/✗ cannot be explained|no order gives them all/);
        expect(failure.report).toContain(`--seed ${seed}`);
        console.log(`${defect}:\n${failure.report}`);
      } finally {
        await proxy.close();
      }
    },
    60_000,
  );
});

/**
 * Provider-state set-ups that go wrong are reported by what went wrong: the state, its params, the HTTP
 * status and the start of the body; a set-up answered once, never retried; and a request that fell back
 * to the pact's example value because no state returned it says so. Each against a tiny provider that
 * misbehaves that one way.
 */

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type InteractionVerification, verifyProvider } from "../../src/verifier/index.js";
import { STATES_PATH, type StatesMisbehaviour, startTinyProvider } from "./support/tinyProvider.js";

const PACTS = fileURLToPath(new URL("../fixtures/verifier/pacts", import.meta.url));
const GET = "a request for a payment session";
const GET_STATE =
  'provider state "a payment session exists" {"sessionId":"7f65c757-355f-4645-ac14-028b34ab51b1","status":"REQUIRE_ACTION"}';

const run = async (states: StatesMisbehaviour | undefined, statesPath = STATES_PATH) => {
  const provider = await startTinyProvider(states === undefined ? {} : { states });
  try {
    const outcome = await verifyProvider({
      providerBaseUrl: provider.baseUrl,
      providerStatesSetupUrl: `${provider.baseUrl}${statesPath}`,
      providerMessagesUrl: provider.messagesUrl,
      pactDir: PACTS,
    });
    if (outcome._tag !== "VerificationReport") throw new Error(outcome.message);
    const get = outcome.interactions.find((i) => i.description === GET);
    if (get === undefined) throw new Error("no GET interaction in the report");
    return { get, calls: provider.stateCalls, report: outcome };
  } finally {
    await provider.close();
  }
};

const messages = (i: InteractionVerification) => i.mismatches.map((m) => `${m.path}: ${m.message}`);

describe("a provider-state set-up that fails", () => {
  it("a typo in the states URL names the state, its params, the URL, the 404 and the body", async () => {
    const { get } = await run(undefined, "/_pact/provider-state");
    expect(get.status).toBe("failed");
    expect(messages(get)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^provider state: ${GET_STATE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} failed: POST http://127\\.0\\.0\\.1:\\d+/_pact/provider-state answered HTTP 404 \\(application/json\\): "\\{\\\\"code\\\\":\\\\"resource_missing\\\\"`,
        ),
      ),
    ]);
    expect(messages(get)[0]).not.toContain("One or more of the setup state change handlers has failed");
  });

  it("a 5xx names the status and the body, and the set-up is sent once, not retried", async () => {
    const { get, calls } = await run("500");
    expect(messages(get)).toEqual([expect.stringContaining(`${GET_STATE} failed: POST `)]);
    expect(messages(get)[0]).toMatch(/answered HTTP 500 \(text\/plain\): "database is down"$/);
    const setups = calls.filter((c) => c.state === "a payment session exists" && c.action === "setup");
    expect(setups).toHaveLength(1);
  });
});

describe("a request that used the pact's example value", () => {
  it("says so when the state answered its values as text/plain", async () => {
    const { get } = await run("text");
    expect(get.status).toBe("failed");
    expect(get.notes).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the pact's fromProviderState expression, not a template
      'the request used the pact\'s example value for ${sessionId}: no provider state returned "sessionId" ("a payment session exists" answered content type text/plain, not JSON, so the verifier ignored its body "{\\"sessionId\\":\\"0d8f2b1e-3c4a-4b5d-8e6f-7a8b9c0d1e2f\\"}")',
    ]);
  });

  it("says so when the state answered a JSON object without the key", async () => {
    const { get } = await run("empty");
    expect(get.notes).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the pact's fromProviderState expression, not a template
      'the request used the pact\'s example value for ${sessionId}: no provider state returned "sessionId" ("a payment session exists" returned no values ({}))',
    ]);
  });

  it("says nothing when the states return what the request uses", async () => {
    const { report } = await run(undefined);
    expect(report.ok).toBe(true);
    expect(report.interactions.flatMap((i) => i.notes)).toEqual([]);
  });
});
